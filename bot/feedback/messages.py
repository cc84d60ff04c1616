"""The feedback messages as outbox messages: the monthly prompts and their reminder, the field summary,
the manager's feedback to the rep, and the notes back to the manager; their kinds, keys and payloads.
Prompts, reminders and summaries are keyed once per person (or channel) and month."""

from __future__ import annotations

from datetime import date, datetime

from bot.delivery.service import Outgoing
from bot.feedback import views
from bot.feedback.models import ManagerFeedback
from bot.feedback.summary import FieldSummary
from bot.i18n import Locale
from bot.roster.models import Member

GIVE = "feedback-give"  # to a manager: give your reps their monthly feedback
ASK = "feedback-ask"  # to a rep: share this month's feedback from the field
REMINDER = "feedback-reminder"  # to either, once, when they have not yet
SUMMARY = "field-summary"  # to the digest channel: last month's voice of the field
TO_REP = "feedback-to-rep"  # to the rep: the manager's feedback
ACK = "feedback-ack"  # to the manager: the rep acknowledged it
REPLY = "feedback-reply"  # to the manager: the rep replied
KINDS = (GIVE, ASK, REMINDER, SUMMARY, TO_REP, ACK, REPLY)


def period(month: date) -> str:
    """A month as the outbox records it: "2026-11"."""
    return month.isoformat()[:7]


def month_of(period: str) -> date:
    """The month an outbox period ("2026-11") stands for: its first day."""
    return date.fromisoformat(f"{period}-01")


def prompt_key(kind: str, user_id: str, month: date) -> str:
    """The monthly prompt (GIVE or ASK): one per person and month."""
    return f"{kind}:{user_id}:{period(month)}"


def reminder_key(user_id: str, month: date) -> str:
    return f"{REMINDER}:{user_id}:{period(month)}"


def summary_key(channel: str, month: date) -> str:
    """One field summary per channel and summarised month."""
    return f"{SUMMARY}:{channel}:{period(month)}"


def to_rep_key(item: ManagerFeedback) -> str:
    return f"{TO_REP}:{item.id}"


def ack_key(item: ManagerFeedback) -> str:
    return f"{ACK}:{item.id}"


def reply_key(item: ManagerFeedback, now: datetime) -> str:
    """A rep may reply more than once: each reply is its own note."""
    return f"{REPLY}:{item.id}:{now.timestamp()}"


def prompt(person: Member, kind: str, month: date, reps: list[Member], locale: Locale) -> Outgoing:
    """The month's prompt: a manager's (GIVE) lists their `reps`; a rep's (ASK) asks for the field's."""
    payload = (
        views.manager_prompt(month, reps, locale, reminder=False)
        if kind == GIVE
        else views.rep_prompt(month, locale, reminder=False)
    )
    key = prompt_key(kind, person.user_id, month)
    return Outgoing.dm(person, key=key, kind=kind, payload=payload, period=period(month))


def reminder(person: Member, prompted: str, month: date, missing: list[Member], locale: Locale) -> Outgoing:
    """The reminder of the `prompted` kind's prompt: a manager's lists the reps still `missing`."""
    payload = (
        views.manager_prompt(month, missing, locale, reminder=True)
        if prompted == GIVE
        else views.rep_prompt(month, locale, reminder=True)
    )
    key = reminder_key(person.user_id, month)
    return Outgoing.dm(person, key=key, kind=REMINDER, payload=payload, period=period(month))


def summary(team_id: str, channel: str, found: FieldSummary, month: date, locale: Locale) -> Outgoing:
    """The voice of the field for `month`, posted to the digest channel."""
    return Outgoing(
        team_id=team_id,
        key=summary_key(channel, month),
        kind=SUMMARY,
        channel=channel,
        payload=views.summary_message(found, locale),
        period=period(month),
    )


def to_rep(item: ManagerFeedback, rep: Member, manager_user_id: str, locale: Locale) -> Outgoing:
    """The manager's feedback, to the rep, with Acknowledge and Reply."""
    payload = views.to_rep(item, manager_user_id, locale)
    return Outgoing.dm(rep, key=to_rep_key(item), kind=TO_REP, payload=payload, period=period(item.month))


def acknowledged(item: ManagerFeedback, manager: Member, rep_user_id: str, locale: Locale) -> Outgoing:
    payload = views.acknowledged_notice(item, rep_user_id, locale)
    return Outgoing.dm(manager, key=ack_key(item), kind=ACK, payload=payload)


def replied(
    item: ManagerFeedback, manager: Member, rep_user_id: str, text: str, *, locale: Locale, now: datetime
) -> Outgoing:
    payload = views.reply_notice(rep_user_id, text, locale)
    return Outgoing.dm(manager, key=reply_key(item, now), kind=REPLY, payload=payload)
