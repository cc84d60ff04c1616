"""The review's outbox messages: the one-tap DM asking a peer to rate a rep, once per peer, rep and cycle;
the daily reminder of what someone still owes, once per person and day."""

from __future__ import annotations

from datetime import date

from bot.delivery.service import Outgoing
from bot.reviews import views
from bot.reviews.models import ReviewCycle
from bot.reviews.reminders import Due
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.workspaces.models import Workspace

PEER_ASK = "review-peer"  # to a peer: rate a teammate's teamwork in the cycle
REMIND = "review-remind"  # to whoever owes something in the current stage: once a day at their 10:00
KINDS = (PEER_ASK, REMIND)


def peer_ask_key(cycle: ReviewCycle, rep: Member, rater: Member) -> str:
    """One ask per cycle, rep and peer: asking again sends nothing."""
    return f"{PEER_ASK}:{cycle.quarter}:{rep.user_id}:{rater.user_id}"


def peer_ask(cycle: ReviewCycle, rep: Member, rater: Member, workspace: Workspace) -> Outgoing:
    """The peer's DM, in the peer's language."""
    locale = locale_of(rater, workspace)
    return Outgoing.dm(
        rater,
        key=peer_ask_key(cycle, rep, rater),
        kind=PEER_ASK,
        payload=views.peer_ask_message(cycle, rep.user_id, rep.id, locale),
        period=cycle.quarter,
    )


def reminder_key(person: Member, today: date) -> str:
    """One reminder per person and (their local) day, whatever they owe."""
    return f"{REMIND}:{person.user_id}:{today.isoformat()}"


def reminder(owed: Due, workspace: Workspace, today: date) -> Outgoing:
    """The reminder DM, in the person's language."""
    locale = locale_of(owed.person, workspace)
    return Outgoing.dm(
        owed.person,
        key=reminder_key(owed.person, today),
        kind=REMIND,
        payload=views.reminder_message(owed, locale),
        period=owed.cycle.quarter,
    )
