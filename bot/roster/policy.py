"""Who may do what, declared once: small rules over the caller and the member or item concerned.

Each `can_*` answers yes or no from what it is given (no database, no Slack), so a unit test covers every
role and relation (tests/roster/test_policies.py). A `check_*` raises the refusal that tells the person
why, in the words of the feature asking. Services and handlers call these; none spells a role rule inline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.errors import Invalid, NotAllowed, NotFound
from bot.i18n import Locale
from bot.roster.models import Member, Role
from bot.roster.snapshot import Known


@dataclass(frozen=True)
class Caller:
    """The member behind a request, with the role and language the request is served in. On the request
    path `member` is a frozen `MemberRow` copy (bot/roster/snapshot.py); elsewhere it may be the ORM row."""

    member: Known
    role: Role
    locale: Locale

    @property
    def team_id(self) -> str:
        """Slack's workspace id (Pacer's workspace), not a manager's team of reps."""
        return self.member.team_id

    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def on_a_team(rep: Member) -> bool:
    """A rep someone manages: added to a team with `/pacer team add`, and not a manager themself."""
    return rep.on_team and rep.role is Role.REP


def can_manage(caller: Caller, rep: Member) -> bool:
    """The one rule for "may act on this rep as their manager": an admin of the rep's workspace, or the
    manager whose team the rep is on now (never the manager stored on an older goal or item)."""
    if rep.team_id != caller.team_id:
        return False
    if caller.is_admin():
        return True
    return caller.role is Role.MANAGER and rep.on_team and rep.manager_id == caller.member.id


def check_manages(caller: Caller, rep: Member, *, refusals: str) -> None:
    """The caller may act on this rep as their manager (or as an admin, for any rep on a team).
    `refusals` names the i18n group with `only_managers` and `not_your_rep` (e.g. "feedback")."""
    if rep.team_id != caller.team_id:
        raise NotFound("member.unknown", user=rep.user_id)
    if caller.role is Role.REP:
        raise NotAllowed(f"{refusals}.only_managers")
    if not on_a_team(rep):
        raise Invalid("goal.not_on_team", user=rep.user_id)
    if not can_manage(caller, rep):
        raise NotAllowed(f"{refusals}.not_your_rep", user=rep.user_id)


def can_give_feedback(caller: Caller, rep: Member) -> bool:
    """A manager to their own reps; an admin to any rep on a team."""
    return caller.role is not Role.REP and on_a_team(rep) and can_manage(caller, rep)


def can_share_feedback(caller: Caller) -> bool:
    """Rep → company feedback is the field's voice: reps only (and only those on a team, see `on_a_team`)."""
    return caller.role is Role.REP


def can_escalate(caller: Caller, rep: Member) -> bool:
    """The same people as feedback: a manager about their own reps, an admin about any rep on a team."""
    return can_give_feedback(caller, rep)


def check_set_goal(caller: Caller, rep: Member) -> None:
    """A rep proposes goals for themself; a manager sets them for their own reps; an admin for anyone's."""
    if rep.team_id != caller.team_id:
        raise NotFound("member.unknown", user=rep.user_id)
    if caller.member.id == rep.id:
        if caller.role is Role.MANAGER:
            raise Invalid("goal.not_a_rep", user=rep.user_id)
        return
    if caller.role is Role.REP:
        raise NotAllowed("goal.only_own")
    if not on_a_team(rep):
        raise Invalid("goal.not_on_team", user=rep.user_id)
    if not can_manage(caller, rep):
        raise NotAllowed("goal.not_your_rep", user=rep.user_id)


def can_set_goal(caller: Caller, rep: Member) -> bool:
    if rep.team_id != caller.team_id:
        return False
    if caller.member.id == rep.id:
        return caller.role is not Role.MANAGER
    return caller.role is not Role.REP and on_a_team(rep) and can_manage(caller, rep)


def can_change_goal(caller: Caller, rep: Member, *, proposed: bool) -> bool:
    """Edit or close a goal: its rep's manager now (or an admin); the rep only while it is their proposal."""
    return (caller.member.id == rep.id and proposed) or can_manage(caller, rep)


def can_see_goals(caller: Caller, rep: Member) -> bool:
    """Anyone their own; a manager their reps'; an admin everyone's."""
    return caller.member.id == rep.id or can_manage(caller, rep)


class GivenFeedback(Protocol):
    """A manager's feedback to a rep, as the rule needs it (feedback's model, without importing it)."""

    @property
    def team_id(self) -> str: ...
    @property
    def rep_id(self) -> int: ...


class SharedFeedback(Protocol):
    """A rep's feedback to the company, as the rule needs it."""

    @property
    def team_id(self) -> str: ...
    @property
    def anonymous(self) -> bool: ...
    @property
    def manager_id(self) -> int | None: ...


def can_see_feedback(caller: Caller, item: GivenFeedback, rep: Member) -> bool:
    """Manager → rep feedback: the rep it is for, the rep's manager now, and admins."""
    if item.team_id != caller.team_id:
        return False
    if caller.role is Role.REP:
        return item.rep_id == caller.member.id
    return caller.is_admin() or rep.manager_id == caller.member.id


def can_see_shared(caller: Caller, item: SharedFeedback, *, own: bool) -> bool:
    """Rep → company feedback: a rep only their own (`own`: their keyed hash matches); a manager their
    team's and an admin all, never an anonymous item on its own (only as counted themes)."""
    if item.team_id != caller.team_id:
        return False
    if caller.role is Role.REP:
        return own
    if item.anonymous:
        return False
    return caller.is_admin() or item.manager_id == caller.member.id


def can_answer_escalation(caller: Caller, rep: Member, *, vendor_contact: bool) -> bool:
    """Acknowledge or resolve: the vendor's contact (when the vendor is involved), the rep's manager now,
    or an admin."""
    return vendor_contact or can_manage(caller, rep)


def can_post_digest(caller: Caller) -> bool:
    """Managers post their team's digest, admins the workspace's."""
    return caller.role in (Role.ADMIN, Role.MANAGER)


def can_change_setup(caller: Caller) -> bool:
    return caller.is_admin()


def can_route_vendor(caller: Caller, reps: Sequence[Member]) -> bool:
    """Who may choose where a vendor's digest and escalations go: an admin, or a manager whose team has
    every one of the vendor's reps (and it has at least one); never a manager for another team's vendor."""
    if caller.is_admin():
        return True
    return (
        caller.role is Role.MANAGER
        and bool(reps)
        and all(rep.team_id == caller.team_id and can_manage(caller, rep) for rep in reps)
    )


def can_act_for(caller: Caller, manager: Member) -> bool:
    """Team commands for `manager`'s team: that manager, or an admin."""
    return manager.id == caller.member.id or caller.is_admin()


def can_take_off_team(caller: Caller, rep: Member) -> bool:
    """The rep's manager, or an admin (of the rep's workspace)."""
    if rep.team_id != caller.team_id:
        return False
    return caller.is_admin() or (caller.role is Role.MANAGER and rep.manager_id == caller.member.id)


def can_move_rep(caller: Caller, rep: Member, manager: Known) -> bool:
    """Adding a rep to `manager`'s team: anyone who may act for that team, but moving a rep off another
    manager's team is for admins."""
    moving = rep.on_team and rep.manager_id not in (None, manager.id)
    return caller.is_admin() or not moving
