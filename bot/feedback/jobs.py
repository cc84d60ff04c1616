"""`monthly-feedback`, `feedback-reminders` and `field-summary`: thin ticks that ask who is due and put
messages in the outbox, each keyed once per person (or channel) and month."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from bot.checkins import schedule
from bot.delivery.models import Delivery, DeliveryStatus
from bot.delivery.service import Outgoing, enqueue
from bot.feedback import service, summary, views
from bot.roster.models import Member, Role
from bot.roster.service import language_of, workspace_locale
from bot.scheduler import Job, JobContext
from bot.workspaces.models import Workspace

GIVE, ASK, REMINDER, SUMMARY = "feedback-give", "feedback-ask", "feedback-reminder", "field-summary"
REMIND_UNTIL = timedelta(days=10)  # a reminder still worth sending this long after the prompt
SUMMARY_TIME = time(9, 0)  # on the 1st of the month, in the workspace's time zone


def _period(month: date) -> str:
    return month.isoformat()[:7]


def monthly_feedback(context: JobContext, now: datetime) -> str:
    """On the feedback day at 10:00 in each person's zone: managers get their reps with "Give feedback",
    reps get "Share feedback"."""
    out: list[Outgoing] = []
    with context.session_factory.begin() as session:
        workspaces = {w.team_id: w for w in session.scalars(select(Workspace))}
        people = session.scalars(
            select(Member).where(
                Member.active.is_(True),
                or_(Member.role == Role.MANAGER, and_(Member.role == Role.REP, Member.on_team.is_(True))),
            )
        ).all()
        for person in people:
            workspace = workspaces[person.team_id]
            month = service.prompt_month(person, workspace, now)
            if month is None:
                continue
            locale = language_of(person, workspace)
            if person.role is Role.MANAGER:
                reps = service.team_reps(session, team_id=person.team_id, manager_id=person.id)
                if not reps:
                    continue
                kind, payload = GIVE, views.manager_prompt(month, reps, locale, reminder=False)
            else:
                kind, payload = ASK, views.rep_prompt(month, locale, reminder=False)
            key = f"{kind}:{person.user_id}:{_period(month)}"
            out.append(
                Outgoing(person.team_id, key, kind, person.user_id, payload, person.id, _period(month))
            )
        queued = enqueue(session, out, now=now)
    return f"{len(out)} feedback prompts due, {queued} new in the outbox"


def feedback_reminders(context: JobContext, now: datetime) -> str:
    """Three days after a prompt (on a working day of theirs), one reminder to whoever has not given it."""
    out: list[Outgoing] = []
    with context.session_factory.begin() as session:
        rows = session.execute(
            select(Delivery, Member, Workspace)
            .join(Member, Member.id == Delivery.member_id)
            .join(Workspace, Workspace.team_id == Delivery.team_id)
            .where(
                Delivery.kind.in_([GIVE, ASK]),
                Delivery.status == DeliveryStatus.SENT,
                # queued on the job's clock (`sent_at` is on the database's: see bot.delivery.service)
                Delivery.created_at <= now - service.REMINDER_AFTER,
                Delivery.created_at >= now - REMIND_UNTIL,
                Member.active.is_(True),
            )
        )
        for prompt, person, workspace in rows:
            today = now.astimezone(schedule.zone_of(person, workspace)).date()
            country = person.country or workspace.country
            if not service.is_working_day(today, country) or schedule.is_day_off(person, workspace, today):
                continue
            month = date.fromisoformat(f"{prompt.period}-01")
            locale = language_of(person, workspace)
            if prompt.kind == GIVE:
                missing = service.missing_for_manager(session, manager=person, month=month)
                if not missing:
                    continue
                payload = views.manager_prompt(month, missing, locale, reminder=True)
            else:
                # Skip only reps who gave named feedback: whether someone wrote anonymously must not
                # show in who got a reminder, so anonymous authors are reminded too ("if you haven't").
                if service.named_feedback_given(session, rep=person, month=month):
                    continue
                payload = views.rep_prompt(month, locale, reminder=True)
            key = f"{REMINDER}:{person.user_id}:{prompt.period}"
            out.append(
                Outgoing(person.team_id, key, REMINDER, person.user_id, payload, person.id, prompt.period)
            )
        queued = enqueue(session, out, now=now)
    return f"{len(out)} people still owe feedback, {queued} new reminders in the outbox"


def field_summary(context: JobContext, now: datetime) -> str:
    """From 09:00 on the 1st (workspace time), the month before's voice of the field, once per channel."""
    out: list[Outgoing] = []
    with context.session_factory.begin() as session:
        for workspace in session.scalars(select(Workspace).where(Workspace.digest_channel_id.is_not(None))):
            zone = ZoneInfo(workspace.timezone)
            local = now.astimezone(zone)
            month = service.month_of(local.date())
            if local < datetime.combine(month, SUMMARY_TIME, tzinfo=zone):
                continue
            summarised = service.previous_month(month)
            found = summary.field_summary(session, team_id=workspace.team_id, month=summarised)
            if not found.items:
                continue
            locale = workspace_locale(workspace)
            channel = str(workspace.digest_channel_id)
            key = f"{SUMMARY}:{channel}:{_period(summarised)}"
            payload = views.summary_message(found, locale)
            out.append(
                Outgoing(workspace.team_id, key, SUMMARY, channel, payload, period=_period(summarised))
            )
        queued = enqueue(session, out, now=now)
    return f"{len(out)} voice-of-the-field summaries due, {queued} new in the outbox"


JOBS = [
    Job(
        "monthly-feedback",
        "DM monthly feedback prompts on the feedback day, 10:00 in each person's zone",
        5,
        monthly_feedback,
    ),
    Job(
        "feedback-reminders",
        "remind, once, those who have not given feedback 3 days after the prompt",
        30,
        feedback_reminders,
    ),
    Job("field-summary", "post last month's voice of the field to the digest channel", 60, field_summary),
]
