"""Training's outbox messages: their kinds, one key builder per key, and the `Outgoing` of each. A lesson's
key is its progress, version and position, so the scheduled send and a "Next lesson" tap can never both
send it; the reminder and the manager's notice are one per assignment, round and due date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.delivery.service import Outgoing
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.training import views
from bot.training.models import Assignment, Course, Progress
from bot.training.progress import Step
from bot.workspaces.models import Workspace

INTRO = "training-intro"  # to the rep: a course starts, how confident are they
LESSON = "training-lesson"  # to the rep: one lesson
REMINDER = "training-reminder"  # to the rep: the course is due soon
MANAGER_DUE = "training-due"  # to the rep's manager: the course is due today and not done
KINDS = (INTRO, LESSON, REMINDER, MANAGER_DUE)


def intro_key(progress: Progress) -> str:
    return f"{INTRO}:{progress.id}"


def lesson_key(progress: Progress, position: int) -> str:
    return f"{LESSON}:{progress.id}:{progress.version}:{position}"


def reminder_key(assignment: Assignment) -> str:
    return f"{REMINDER}:{assignment.id}:{assignment.round}:{assignment.due.isoformat()}"


def manager_key(assignment: Assignment) -> str:
    return f"{MANAGER_DUE}:{assignment.id}:{assignment.round}:{assignment.due.isoformat()}"


def step_message(session: Session, step: Step) -> Outgoing:
    """The intro or the lesson a `Step` is, to the rep, in their language."""
    locale = locale_of(step.rep, session.get_one(Workspace, step.rep.team_id))
    if step.lesson is None:
        payload = views.intro_message(step, locale)
        return Outgoing.dm(
            step.rep, key=intro_key(step.progress), kind=INTRO, payload=payload, period=str(step.course.id)
        )
    position = step.lesson.position
    payload = views.lesson_message(step.progress, step.course, step.lesson, locale)
    return Outgoing.dm(
        step.rep,
        key=lesson_key(step.progress, position),
        kind=LESSON,
        payload=payload,
        period=str(step.course.id),
    )


def reminder(
    session: Session, rep: Member, assignment: Assignment, course: Course, position: int
) -> Outgoing:
    locale = locale_of(rep, session.get_one(Workspace, rep.team_id))
    payload = views.reminder_message(course, assignment.due, locale, position)
    return Outgoing.dm(
        rep, key=reminder_key(assignment), kind=REMINDER, payload=payload, period=assignment.due.isoformat()
    )


def manager_due(
    session: Session, manager: Member, rep: Member, assignment: Assignment, course: Course, *, position: int
) -> Outgoing:
    locale = locale_of(manager, session.get_one(Workspace, rep.team_id))
    payload = views.manager_due_message(rep.user_id, course, assignment.due, position, locale)
    return Outgoing.dm(
        manager, key=manager_key(assignment), kind=MANAGER_DUE, payload=payload, period=_day(assignment.due)
    )


def _day(day: date) -> str:
    return day.isoformat()
