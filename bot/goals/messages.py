"""The goal DMs as outbox messages: their kinds, their keys and their payloads. A goal's DM is keyed by
the goal, its version and the person, so each version asks (and tells) each person once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.delivery.service import Outgoing
from bot.goals import views
from bot.goals.models import Goal, GoalStatus
from bot.i18n import Locale, t
from bot.roster.models import Member
from bot.roster.service import Caller, current_manager, locale_of
from bot.slack import blocks
from bot.workspaces.models import Workspace

APPROVAL = "goal-approval"  # to the manager: approve the rep's proposal
AGREEMENT = "goal-agreement"  # to the rep: agree to the manager's goal
APPROVED = "goal-approved"  # to the rep: the manager approved
AGREED = "goal-agreed"  # to the manager: the rep agreed
DISCUSS = "goal-discuss"  # to the manager: the rep wants to discuss
KINDS = (APPROVAL, AGREEMENT, APPROVED, AGREED, DISCUSS)


def key(kind: str, goal: Goal, to: Member) -> str:
    """One message of a kind per goal version and person: a new version asks again, a repeat does not."""
    return f"{kind}:{goal.id}:v{goal.version}:{to.user_id}"


def dm(goal: Goal, to: Member, kind: str, payload: dict[str, Any]) -> Outgoing:
    return Outgoing.dm(to, key=key(kind, goal, to), kind=kind, payload=payload, period=str(goal.id))


def ask_next(session: Session, goal: Goal, by: Caller) -> list[Outgoing]:
    """Who must answer now: the rep agrees to a manager's goal; the manager approves a rep's proposal."""
    rep = session.get_one(Member, goal.rep_id)
    manager, workspace = current_manager(session, rep), session.get_one(Workspace, rep.team_id)
    if goal.status is GoalStatus.PROPOSED and manager is not None:
        payload = views.approval_message(goal, rep.user_id, locale_of(manager, workspace))
        return [dm(goal, manager, APPROVAL, payload)]
    if goal.status is GoalStatus.AWAITING_AGREEMENT:
        payload = views.agreement_message(goal, by.member.user_id, locale_of(rep, workspace))
        return [dm(goal, rep, AGREEMENT, payload)]
    return []


def approved_notice(goal: Goal, locale: Locale) -> dict[str, Any]:
    """To the rep, in their language: their proposal was approved."""
    return blocks.notice(t("goal.approved_notice", locale, title=goal.title))


def agreed_notice(goal: Goal, rep: Member, locale: Locale) -> dict[str, Any]:
    """To the manager, in their language: the rep agreed to the goal."""
    return blocks.notice(t("goal.agreed_notice", locale, rep=rep.user_id, title=goal.title))


def discuss_notice(goal: Goal, rep: Member, locale: Locale) -> dict[str, Any]:
    """To the manager: the rep wants to discuss the target (with the goal's buttons)."""
    return views.discuss_message(goal, rep.user_id, locale)
