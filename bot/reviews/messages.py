"""The review's outbox messages: the one-tap DM asking a peer to rate a rep, once per peer, rep and cycle."""

from __future__ import annotations

from bot.delivery.service import Outgoing
from bot.reviews import views
from bot.reviews.models import ReviewCycle
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.workspaces.models import Workspace

PEER_ASK = "review-peer"  # to a peer: rate a teammate's teamwork in the cycle
KINDS = (PEER_ASK,)


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
