"""`training-lessons`: each rep's lesson on the workspace's training days at their own local time, one a
day; `training-overdue`: the reminder before the due date, the manager's notice on it, the escalation to
the vendor after N days overdue, and recertifications coming round. Thin ticks: the rules are in
`progress` and `overdue`, every message goes through the outbox with a once-only key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery.service import Outgoing, enqueue
from bot.escalations import messages as escalation_messages
from bot.escalations.service import vendor_of
from bot.roster.models import Member
from bot.scheduler import Job, JobContext, each_workspace, for_each_unit
from bot.training import messages, overdue, progress
from bot.training.overdue import Overdue


def training_lessons(context: JobContext, now: datetime) -> str:
    with context.session_factory() as session:
        due = progress.due_lessons(session, now=now)

    def send(session: Session, lesson: progress.DueLesson) -> int:
        step = progress.send_due(session, lesson, now=now)
        return enqueue(session, [messages.step_message(session, step)], now=now) if step else 0

    done = for_each_unit(context.session_factory, [(f"{d.user_id}:{d.today}", d) for d in due], send)
    return f"{len(due)} reps due a lesson, {sum(done.results)} new in the outbox{done.note()}"


def _overdue_messages(session: Session, item: Overdue, now: datetime) -> list[Outgoing]:
    found: list[Outgoing] = []
    if item.remind:
        found.append(
            messages.reminder(session, item.rep, item.assignment, item.course, position=item.position)
        )
    manager = session.get(Member, item.rep.manager_id) if item.rep.manager_id else None
    if item.tell_manager and manager is not None:
        found.append(
            messages.manager_due(
                session, manager, item.rep, item.assignment, item.course, position=item.position
            )
        )
    if item.escalate:
        escalation = overdue.escalate(session, item, now=now)
        if escalation is not None:
            vendor = vendor_of(session, item.rep)
            found.append(escalation_messages.to_vendor(session, escalation, item.rep, vendor, resent=False))
    return found


def training_overdue(context: JobContext, now: datetime) -> str:
    with context.session_factory.begin() as session:
        recertified = overdue.recertify(session, now=now)
    with context.session_factory() as session:
        ids = [item.assignment.id for item in overdue.due_items(session, now=now)]

    def act(session: Session, assignment_id: int) -> int:
        item = overdue.item_for(session, assignment_id, now=now)
        return enqueue(session, _overdue_messages(session, item, now), now=now) if item else 0

    done = for_each_unit(context.session_factory, [(str(i), i) for i in ids], act)
    return (
        f"{len(ids)} assignments due a reminder, a notice or an escalation, {sum(done.results)} new in the "
        f"outbox, {recertified} recertifications{done.note()}"
    )


JOBS = [
    Job(
        "training-lessons",
        "DM each rep their next lesson on the training days, at their own local time, one a day",
        5,
        each_workspace(training_lessons),
    ),
    Job(
        "training-overdue",
        "remind reps before a course is due, tell managers on the due date, escalate to the vendor when late",
        15,
        each_workspace(training_overdue),
    ),
]
