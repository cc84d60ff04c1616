"""`weekly-nudges` and `checkin-reminders`: thin ticks that ask who is due and put messages in the outbox."""

from __future__ import annotations

from datetime import datetime

from bot.checkins import messages, service
from bot.checkins.messages import NUDGE, REMINDER
from bot.checkins.service import Due
from bot.delivery.service import enqueue
from bot.scheduler import Job, JobContext, Units, each_workspace, for_each_unit


def _queue_each(context: JobContext, due: list[Due], kind: str, now: datetime) -> Units[int]:
    """Each rep's message built and queued on its own: one that fails holds back no other."""
    units = [(messages.week_key(kind, d.member.user_id, d.week_start), d) for d in due]
    return for_each_unit(
        context.session_factory,
        units,
        lambda session, d: enqueue(session, [messages.nudge(d, kind)], now=now),
    )


def weekly_nudges(context: JobContext, now: datetime) -> str:
    with context.session_factory() as session:
        due = service.due_nudges(session, now=now, nudged=messages.nudged(session, now=now))
        done = _queue_each(context, due, NUDGE, now)
    return f"{len(due)} reps due a nudge, {sum(done.results)} new in the outbox{done.note()}"


def checkin_reminders(context: JobContext, now: datetime) -> str:
    with context.session_factory() as session:
        due = service.due_reminders(session, now=now, nudges=messages.sent_nudges(session, now=now))
        done = _queue_each(context, due, REMINDER, now)
    return (
        f"{len(due)} reps still silent after their nudge, {sum(done.results)} new reminders in the outbox"
        f"{done.note()}"
    )


JOBS = [
    Job(
        "weekly-nudges",
        "DM each rep their weekly check-in nudge at their own local nudge time",
        5,
        each_workspace(weekly_nudges),
    ),
    Job(
        "checkin-reminders",
        "remind reps who have not checked in after the reminder delay",
        5,
        each_workspace(checkin_reminders),
    ),
]
