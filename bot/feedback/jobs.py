"""`monthly-feedback`, `feedback-reminders` and `field-summary`: thin ticks that ask who is due and put
messages in the outbox, each keyed once per person (or channel) and month."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.models import Delivery, DeliveryStatus
from bot.delivery.service import enqueue, find
from bot.feedback import messages, service, summary
from bot.feedback.messages import ASK, GIVE
from bot.roster.models import Member, Role
from bot.roster.service import locale_of
from bot.scheduler import Job, JobContext, Units, each_workspace, for_each_unit
from bot.workspaces.models import Workspace


def _due(done: Units[int | None]) -> int:
    """Units with something to send (None: nothing after all), counting those that failed."""
    return sum(result is not None for result in done.results) + len(done.failed)


def _new(done: Units[int | None]) -> int:
    return sum(result or 0 for result in done.results)


def monthly_feedback(context: JobContext, now: datetime) -> str:
    """On the feedback day at 10:00 in each person's zone: managers get their reps with "Give feedback",
    reps get "Share feedback". Each person's prompt is built and queued on its own."""
    with context.session_factory() as session:
        workspaces = {w.team_id: w for w in session.scalars(select(Workspace))}
        people = session.scalars(
            select(Member).where(
                Member.active.is_(True),
                or_(Member.role == Role.MANAGER, and_(Member.role == Role.REP, Member.on_team.is_(True))),
            )
        ).all()
        units: list[tuple[str, tuple[str, str, Member, Workspace, date]]] = []
        for person in people:
            workspace = workspaces[person.team_id]
            month = calendar.feedback_prompt_month(person, workspace, now)
            if month is not None:
                kind = GIVE if person.role is Role.MANAGER else ASK
                key = messages.prompt_key(kind, person.user_id, month)
                units.append((key, (key, kind, person, workspace, month)))

        def prompt(session: Session, unit: tuple[str, str, Member, Workspace, date]) -> int | None:
            key, kind, person, workspace, month = unit
            if find(session, team_id=person.team_id, key=key) is not None:
                return 0  # queued at an earlier tick: nothing to build
            reps: list[Member] = []
            if kind == GIVE:
                reps = service.team_reps(session, team_id=person.team_id, manager_id=person.id)
                if not reps:
                    return None  # no prompt for a manager without reps
            out = messages.prompt(person, kind, month, reps, locale_of(person, workspace))
            return enqueue(session, [out], now=now)

        done = for_each_unit(context.session_factory, units, prompt)
    return f"{_due(done)} feedback prompts due, {_new(done)} new in the outbox{done.note()}"


def _reminder_units(session: Session, now: datetime) -> list[tuple[str, tuple[Delivery, Member, Workspace]]]:
    """The prompts sent to active people within the reminder window, each keyed by the reminder it may
    lead to, with its person and their workspace."""
    rows = session.execute(
        select(Delivery, Member, Workspace)
        .join(Member, Member.id == Delivery.member_id)
        .join(Workspace, Workspace.team_id == Delivery.team_id)
        .where(
            Delivery.kind.in_([GIVE, ASK]),
            Delivery.status == DeliveryStatus.SENT,
            # queued on the job's clock (`sent_at` is on the database's: see bot.delivery.service)
            Delivery.created_at <= now - calendar.FEEDBACK_REMINDER_AFTER,
            Delivery.created_at >= now - calendar.FEEDBACK_REMIND_UNTIL,
            Member.active.is_(True),
        )
    ).all()
    return [
        (key, (prompt, person, ws))
        for prompt, person, ws in rows
        for key in [messages.reminder_key(person.user_id, messages.month_of(prompt.period))]
    ]


def feedback_reminders(context: JobContext, now: datetime) -> str:
    """Three days after a prompt (on a working day of theirs), one reminder to whoever has not given it."""
    with context.session_factory() as session:
        units = _reminder_units(session, now)

        def remind(session: Session, unit: tuple[Delivery, Member, Workspace]) -> int | None:
            prompt, person, workspace = unit
            if not calendar.works_today(person, workspace, now):
                return None
            month = messages.month_of(prompt.period)
            missing: list[Member] = []
            if prompt.kind == GIVE:
                missing = service.missing_for_manager(session, manager=person, month=month)
                if not missing:
                    return None
            # Skip only reps who gave named feedback: whether someone wrote anonymously must not
            # show in who got a reminder, so anonymous authors are reminded too ("if you haven't").
            elif service.named_feedback_given(session, rep=person, month=month):
                return None
            out = messages.reminder(person, prompt.kind, month, missing, locale_of(person, workspace))
            return enqueue(session, [out], now=now)

        done = for_each_unit(context.session_factory, units, remind)
    return f"{_due(done)} people still owe feedback, {_new(done)} new reminders in the outbox{done.note()}"


def field_summary(context: JobContext, now: datetime) -> str:
    """From 09:00 on the 1st (workspace time), the month before's voice of the field, once per channel;
    each workspace's summary is built and queued on its own."""
    with context.session_factory() as session:
        units: list[tuple[str, tuple[Workspace, date]]] = []
        for workspace in session.scalars(select(Workspace).where(Workspace.digest_channel_id.is_not(None))):
            summarised = calendar.field_summary_month(workspace, now)
            if summarised is not None:
                key = messages.summary_key(str(workspace.digest_channel_id), summarised)
                units.append((key, (workspace, summarised)))

        def summarise(session: Session, unit: tuple[Workspace, date]) -> int | None:
            workspace, summarised = unit
            channel = str(workspace.digest_channel_id)
            key = messages.summary_key(channel, summarised)
            if find(session, team_id=workspace.team_id, key=key) is not None:
                return 0
            found = summary.field_summary(session, team_id=workspace.team_id, month=summarised)
            if not found.items:
                return None
            out = messages.summary(workspace.team_id, channel, found, summarised, locale_of(None, workspace))
            return enqueue(session, [out], now=now)

        done = for_each_unit(context.session_factory, units, summarise)
    return f"{_due(done)} voice-of-the-field summaries due, {_new(done)} new in the outbox{done.note()}"


JOBS = [
    Job(
        "monthly-feedback",
        "DM monthly feedback prompts on the feedback day, 10:00 in each person's zone",
        5,
        each_workspace(monthly_feedback),
    ),
    Job(
        "feedback-reminders",
        "remind, once, those who have not given feedback 3 days after the prompt",
        30,
        each_workspace(feedback_reminders),
    ),
    Job(
        "field-summary",
        "post last month's voice of the field to the digest channel",
        60,
        each_workspace(field_summary),
    ),
]
