"""`weekly-nudges` and `checkin-reminders`: thin ticks that ask who is due and put messages in the outbox."""

from __future__ import annotations

from datetime import datetime

from bot.checkins import service, views
from bot.checkins.service import NUDGE, REMINDER, Due
from bot.delivery.service import Outgoing, enqueue
from bot.roster.service import language_of
from bot.scheduler import Job, JobContext


def _outgoing(due: Due, kind: str) -> Outgoing:
    locale = language_of(due.member, due.workspace)
    return Outgoing(
        team_id=due.member.team_id,
        key=service.delivery_key(kind, due.member.user_id, due.week_start),
        kind=kind,
        channel=due.member.user_id,
        payload=views.nudge_message(due, locale, reminder=kind == REMINDER),
        member_id=due.member.id,
        period=due.week_start.isoformat(),
    )


def weekly_nudges(context: JobContext, now: datetime) -> str:
    with context.session_factory.begin() as session:
        due = service.due_nudges(session, now=now)
        queued = enqueue(session, [_outgoing(item, NUDGE) for item in due], now=now)
    return f"{len(due)} reps due a nudge, {queued} new in the outbox"


def checkin_reminders(context: JobContext, now: datetime) -> str:
    with context.session_factory.begin() as session:
        due = service.due_reminders(session, now=now)
        queued = enqueue(session, [_outgoing(item, REMINDER) for item in due], now=now)
    return f"{len(due)} reps still silent after their nudge, {queued} new reminders in the outbox"


JOBS = [
    Job(
        "weekly-nudges",
        "DM each rep their weekly check-in nudge at their own local nudge time",
        5,
        weekly_nudges,
    ),
    Job(
        "checkin-reminders",
        "remind reps who have not checked in after the reminder delay",
        5,
        checkin_reminders,
    ),
]
