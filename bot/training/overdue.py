"""What an open assignment is due, by the rep's own calendar: one reminder in the two days before the due
date (in their working hours), the manager told from the due date on (in the manager's own working hours:
their zone, working days and holidays, not while away), and after the workspace's N days overdue an
escalation to the vendor's contact through the escalation service (opened in the manager's name, with the
rep's progress in its description, written in the contact's language: the vendor reads it). Recertification:
a completed course comes round again `recertify_days` after completion. No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.escalations import messages as escalation_messages
from bot.escalations import service as escalations
from bot.escalations.models import Escalation, Severity, Source
from bot.i18n import t
from bot.roster.models import Member, Role
from bot.roster.policy import Caller, on_a_team
from bot.roster.service import locale_of
from bot.text import unescape
from bot.training.models import Assignment, Course, Progress
from bot.training.progress import Lookups, open_rows, progress_of
from bot.workspaces.models import Workspace

RECERTIFY_WINDOW = 14  # days a recertification has, from the day it comes round


@dataclass(frozen=True)
class Overdue:
    """An open assignment and what is due about it now."""

    assignment: Assignment
    rep: Member
    course: Course
    position: int  # lessons sent so far
    remind: bool
    tell_manager: bool
    escalate: bool


def due_items(session: Session, *, now: datetime) -> list[Overdue]:
    """Every open assignment with something due about it now (a few statements whatever the numbers)."""
    lookups = Lookups(session)
    found = (_evaluate(lookups, a, rep, course, p, now=now) for a, rep, course, p in open_rows(session))
    return [item for item in found if item is not None]


def item_for(session: Session, assignment_id: int, *, now: datetime) -> Overdue | None:
    """One assignment's `Overdue`, read again in the unit of work that acts on it, its row locked till the
    commit: a run overlapping this one skips it (PostgreSQL's SKIP LOCKED; None), so an escalation is
    opened once."""
    assignment = session.get(
        Assignment, assignment_id, with_for_update={"skip_locked": True}, populate_existing=True
    )
    if assignment is None:
        return None
    rep, course = session.get_one(Member, assignment.rep_id), session.get_one(Course, assignment.course_id)
    progress = progress_of(session, assignment)
    if progress is not None and progress.completed_at is not None:
        return None
    return _evaluate(Lookups(session), assignment, rep, course, progress, now=now)


def _evaluate(
    lookups: Lookups,
    assignment: Assignment,
    rep: Member,
    course: Course,
    progress: Progress | None,
    *,
    now: datetime,
) -> Overdue | None:
    workspace = lookups.workspace(rep.team_id)
    late = calendar.days_overdue(rep, workspace, now, assignment.due)
    remind = calendar.due_reminder_day(rep, workspace, now, assignment.due) is not None
    tell = late >= 0 and _manager_at_work(lookups, rep, workspace, now)
    escalate = (
        assignment.required
        and assignment.escalation_id is None
        and late >= lookups.settings_of(rep.team_id).escalate_after_days
    )
    if not (remind or tell or escalate):
        return None
    position = progress.next_position if progress else 0
    return Overdue(assignment, rep, course, position, remind, tell, escalate)


def _manager_at_work(lookups: Lookups, rep: Member, workspace: Workspace, now: datetime) -> bool:
    """The rep's manager may be told now: within their working hours, as every reminder (a manager read
    once per run: `session.get` finds them in the identity map after the first)."""
    manager = lookups.session.get(Member, rep.manager_id) if rep.manager_id is not None else None
    if manager is None:
        return False
    return calendar.next_working_hour(manager, workspace, now, calendar.WORKING_HOURS[0].hour) == now


def escalate(session: Session, item: Overdue, *, now: datetime) -> Escalation | None:
    """Open the escalation to the rep's vendor in the manager's name; None when nobody can be reached (no
    manager, or a vendor without a contact): then it is kept for a later run, once that is set."""
    rep = item.rep
    manager = session.get(Member, rep.manager_id) if rep.manager_id else None
    vendor = escalations.vendor_of(session, rep)
    if manager is None or not on_a_team(rep) or escalations.vendor_channel(vendor) is None:
        return None
    workspace = session.get_one(Workspace, rep.team_id)
    locale = locale_of(manager, workspace)
    contact = vendor.contact_user_id if vendor is not None else None
    description = unescape(
        t(
            "training.escalation.description",
            escalation_messages.locale_for(session, rep.team_id, contact),
            course=item.course.title,
            due=item.assignment.due.isoformat(),
            n=item.position,
            count=item.course.lesson_count,
            days=calendar.days_overdue(rep, workspace, now, item.assignment.due),
        )
    )
    caller = Caller(member=manager, role=Role.MANAGER, locale=locale)
    escalation = escalations.open_escalation(
        session,
        caller=caller,
        rep=rep,
        severity=Severity.MEDIUM,
        description=description,
        involve_vendor=True,
        source=Source.COMMAND,
        now=now,
    )
    item.assignment.escalation_id = escalation.id
    return escalation


def recertify(session: Session, *, now: datetime) -> int:
    """Completed courses whose recertification has come round start a new round, due two weeks on."""
    rows = session.execute(
        select(Assignment, Progress, Member)
        .join(Progress, (Progress.rep_id == Assignment.rep_id) & (Progress.course_id == Assignment.course_id))
        .join(Member, Member.id == Assignment.rep_id)
        .where(Assignment.recertify_days.is_not(None), Progress.round == Assignment.round)
        .where(Progress.completed_at.is_not(None), Member.active.is_(True))
        .with_for_update(of=Assignment, skip_locked=True)  # an overlapping run leaves these: one new round
    )
    count = 0
    for assignment, progress, rep in rows:
        workspace = session.get_one(Workspace, rep.team_id)
        done_on = calendar.member_today(rep, workspace, progress.completed_at or now)
        today = calendar.member_today(rep, workspace, now)
        comes = calendar.days_after(done_on, assignment.recertify_days or 0)
        if comes <= today:
            assignment.round += 1
            assignment.due = _later(calendar.days_after(today, RECERTIFY_WINDOW), assignment.due)
            assignment.escalation_id = None
            count += 1
    session.flush()
    return count


def _later(a: date, b: date) -> date:
    return max(a, b)
