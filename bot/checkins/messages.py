"""The check-in messages as outbox messages: the weekly nudge and its reminder, the nudge turned "done",
and the manager's "needs help" DM; their kinds, keys and payloads, and what the outbox says about the
nudges already sent (the check-in service asks through these, as a service never imports a message).

Help requests are not one DM each: a manager gets one message per ISO week, kept up to date
(`bot.delivery.service.revise`) with every rep of theirs who asked for help in that week's check-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins import views
from bot.checkins.models import CheckIn
from bot.checkins.service import Due, GoalWeek
from bot.delivery.models import Delivery, DeliveryStatus
from bot.delivery.service import Outgoing, find, revise
from bot.goals.messages import names
from bot.i18n import Locale, t
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.slack import blocks
from bot.slack.ids import Action
from bot.text import FULL_LINE_MAX, join, quoted
from bot.workspaces.models import Workspace

NUDGE = "nudge"  # to the rep: check in for the week
REMINDER = "reminder"  # to the rep, later, when they have not
NUDGE_DONE = "nudge-done"  # replaces the nudge (or reminder) once the rep has checked in
HELP = "help"  # to the manager: their reps who asked for help this week, kept up to date
KINDS = (NUDGE, REMINDER, NUDGE_DONE, HELP)
HELP_SHOWN = 20  # reps shown with their blockers and an Escalate button (two blocks each)
NUDGED_WITHIN = timedelta(days=8)  # how far back a nudge for the week due now can be
REMINDED_WITHIN = calendar.WEEK  # a nudge older than this gets no reminder


def week_key(kind: str, user_id: str, week_start: date) -> str:
    """The nudge, the reminder and the help DM: one of each per rep and week."""
    return f"{kind}:{user_id}:{week_start.isoformat()}"


def done_key(replaced: str, now: datetime) -> str:
    """The update that turns a nudge or reminder into "done": a new one at each check-in (the rep may
    check in again for the same week)."""
    return f"{replaced}:done:{now.timestamp()}"


def nudge(due: Due, kind: str) -> Outgoing:
    """The nudge (or, with kind REMINDER, the reminder) asking the rep to check in for the week due."""
    locale = locale_of(due.member, due.workspace)
    return Outgoing.dm(
        due.member,
        key=week_key(kind, due.member.user_id, due.week_start),
        kind=kind,
        payload=views.nudge_message(due, locale, reminder=kind == REMINDER),
        period=due.week_start.isoformat(),
    )


def done(
    rep: Member, replaced: str, week: date, goals: list[GoalWeek], *, locale: Locale, now: datetime
) -> Outgoing:
    """The nudge or reminder `replaced`, updated in place to show the week's answers."""
    payload = views.done_message(week, goals, locale) | {"update_of": replaced}
    return Outgoing.dm(
        rep, key=done_key(replaced, now), kind=NUDGE_DONE, payload=payload, period=week.isoformat()
    )


def help_key(manager: Member, week: date) -> str:
    """One help message per manager and week."""
    return f"{HELP}:{manager.user_id}:{week.isoformat()}"


def help_requests(session: Session, manager: Member, week: date, *, asked: bool, now: datetime) -> None:
    """The manager's help message for the week, posted or updated in place from the week's check-ins:
    when a rep asked for help (`asked`), or changed a check-in the message already shows."""
    key = help_key(manager, week)
    if not asked and find(session, team_id=manager.team_id, key=key) is None:
        return
    workspace = session.get_one(Workspace, manager.team_id)
    message = Outgoing.dm(manager, key=key, kind=HELP, payload={}, period=week.isoformat())

    def render() -> dict[str, Any]:
        return help_message(asking(session, manager, week), week, locale_of(manager, workspace))

    revise(session, message, render, now=now)


def asking(session: Session, manager: Member, week: date) -> list[tuple[Member, list[str]]]:
    """The manager's reps who asked for help in the week's check-in, with their blockers, in asking order."""
    rows = session.execute(
        select(Member, CheckIn.blockers, CheckIn.needs_help)
        .join(CheckIn, CheckIn.rep_id == Member.id)
        .where(Member.manager_id == manager.id, Member.on_team.is_(True), CheckIn.week_start == week)
        .order_by(CheckIn.created_at, CheckIn.id)
    )
    found: dict[int, tuple[Member, list[str]]] = {}
    helped: set[int] = set()
    for rep, blockers, needs_help in rows:
        found.setdefault(rep.id, (rep, []))[1].append(blockers)
        if needs_help:
            helped.add(rep.id)
    return [found[rep_id] for rep_id in found if rep_id in helped]


def help_message(reps: list[tuple[Member, list[str]]], week: date, locale: Locale) -> dict[str, Any]:
    """To the manager: who asked for help this week, each with their blockers and an Escalate button."""
    who = names([rep.user_id for rep, _ in reps], locale)
    title = t("coalesce.help_title", locale, count=len(reps), week=views.week_label(week, locale), names=who)
    body, lines = [blocks.section(title)], [title]
    for rep, blockers in reps[:HELP_SHOWN]:
        details = quoted("\n".join(b for b in blockers if b), limit=FULL_LINE_MAX)
        details = details or t("checkin.no_blockers", locale)
        text = join("\n", [t("coalesce.help_rep", locale, rep=rep.user_id), details])
        escalate = blocks.button(Action.ESCALATE.value, t("checkin.escalate", locale), f"rep:{rep.id}")
        body += [blocks.section(text), {"type": "actions", "elements": [escalate]}]
        lines.append(text)
    if len(reps) > HELP_SHOWN:
        body.append(blocks.context(t("coalesce.more", locale, count=len(reps) - HELP_SHOWN)))
    return blocks.message(join("\n", lines), body)


def nudged(session: Session, *, now: datetime) -> Callable[[str, date], bool]:
    """Whether a rep (by user id) was nudged for a week already: the outbox has the nudge's key."""
    sent = set(
        session.scalars(
            select(Delivery.key).where(Delivery.kind == NUDGE, Delivery.created_at >= now - NUDGED_WITHIN)
        )
    )
    return lambda user_id, week: week_key(NUDGE, user_id, week) in sent


def sent_nudges(session: Session, *, now: datetime) -> list[tuple[Delivery, Member, Workspace]]:
    """The nudges sent in the last week to reps still active, with the rep and their workspace."""
    rows = session.execute(
        select(Delivery, Member, Workspace)
        .join(Member, Member.id == Delivery.member_id)
        .join(Workspace, Workspace.team_id == Delivery.team_id)
        .where(
            Delivery.kind == NUDGE,
            Delivery.status == DeliveryStatus.SENT,
            Delivery.created_at >= now - REMINDED_WITHIN,  # on the job's clock, unlike sent_at
            Member.active.is_(True),
        )
    )
    return [(nudge, rep, workspace) for nudge, rep, workspace in rows]
