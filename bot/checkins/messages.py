"""The check-in messages as outbox messages: the weekly nudge and its reminder, the nudge turned "done",
and the manager's "needs help" DM; their kinds, keys and payloads, and what the outbox says about the
nudges already sent (the check-in service asks through these, as a service never imports a message)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins import views
from bot.checkins.service import Due, GoalWeek
from bot.delivery.models import Delivery, DeliveryStatus
from bot.delivery.service import Outgoing
from bot.i18n import Locale
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.workspaces.models import Workspace

NUDGE = "nudge"  # to the rep: check in for the week
REMINDER = "reminder"  # to the rep, later, when they have not
NUDGE_DONE = "nudge-done"  # replaces the nudge (or reminder) once the rep has checked in
HELP = "help"  # to the manager: the rep asked for help
KINDS = (NUDGE, REMINDER, NUDGE_DONE, HELP)
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


def help_request(manager: Member, rep: Member, week: date, blockers: list[str], locale: Locale) -> Outgoing:
    """To the manager: the rep asked for help this week, with their blockers."""
    payload = views.help_message(rep.user_id, rep.id, week, blockers, locale)
    return Outgoing.dm(
        manager, key=week_key(HELP, rep.user_id, week), kind=HELP, payload=payload, period=week.isoformat()
    )


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
