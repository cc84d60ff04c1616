"""The review conversation's outbox messages, each once per key: the rep's ask (once per cycle, rep and
publishing), the proposed slot to the manager (once per slot), the confirmation to each of the two (once
per conversation and person); and the scorecard DM kept up to date with the conversation's state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import Outgoing, find, revise
from bot.i18n import t
from bot.reviews import conversation, talk_views
from bot.reviews import publish_messages as published
from bot.reviews.models import ReviewConversation, ReviewCycle, Scorecard
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.slack.blocks import context
from bot.workspaces.models import Workspace

ASK = "review-talk"  # to a rep: book the review conversation with your manager
PROPOSED = "review-talk-proposed"  # to the manager: the slot the rep proposed, with Confirm
CONFIRMED = "review-talk-confirmed"  # to the rep and the manager: confirmed, with "Conversation held"
KINDS = (ASK, PROPOSED, CONFIRMED)


def ask_key(cycle: ReviewCycle, rep_id: int) -> str:
    return f"{ASK}:{cycle.id}:{rep_id}:{cycle.reopened_count}"


def proposed_key(talk: ReviewConversation) -> str:
    return f"{PROPOSED}:{talk.id}:{int(talk.starts_at.timestamp())}"


def confirmed_key(talk: ReviewConversation, to: Member) -> str:
    return f"{CONFIRMED}:{talk.id}:{to.id}"


def ask(cycle: ReviewCycle, rep: Member, manager: Member, workspace: Workspace, *, now: datetime) -> Outgoing:
    """The rep's DM: the manager's working hours in both zones and the first slots as buttons."""
    locale, rep_zone = locale_of(rep, workspace), calendar.member_zone(rep, workspace)
    payload = talk_views.ask(
        cycle.id,
        cycle.quarter,
        manager_user_id=manager.user_id,
        hours=conversation.working_hours(manager, workspace, now),
        slots=conversation.slots(manager, rep, workspace, now),
        rep_zone=rep_zone,
        locale=locale,
    )
    return Outgoing.dm(rep, key=ask_key(cycle, rep.id), kind=ASK, payload=payload, period=cycle.quarter)


def to_manager(
    cycle: ReviewCycle, talk: ReviewConversation, rep: Member, manager: Member, workspace: Workspace
) -> Outgoing:
    zones = (calendar.member_zone(manager, workspace), calendar.member_zone(rep, workspace))
    payload = talk_views.proposed_to_manager(
        talk, rep.user_id, cycle.quarter, zones, locale_of(manager, workspace)
    )
    return Outgoing.dm(manager, key=proposed_key(talk), kind=PROPOSED, payload=payload, period=cycle.quarter)


def confirmed(
    cycle: ReviewCycle, talk: ReviewConversation, to: Member, other: Member, workspace: Workspace
) -> Outgoing:
    zone, locale = calendar.member_zone(to, workspace), locale_of(to, workspace)
    payload = talk_views.confirmed(talk, other.user_id, zone, locale)
    return Outgoing.dm(to, key=confirmed_key(talk, to), kind=CONFIRMED, payload=payload, period=cycle.quarter)


def show_on_scorecard(
    session: Session,
    cycle: ReviewCycle,
    rep: Member,
    talk: ReviewConversation | None,
    workspace: Workspace,
    *,
    now: datetime,
) -> None:
    """Edit the rep's scorecard DM (if it was queued) so its conversation line says where things are."""
    key = published.scorecard_key(cycle, rep.id)
    if find(session, team_id=cycle.team_id, key=key) is None:
        return
    zone, locale = calendar.member_zone(rep, workspace), locale_of(rep, workspace)

    def render() -> dict[str, Any]:
        stored = find(session, team_id=cycle.team_id, key=key)
        payload = dict(stored.payload if stored is not None else {})
        dropped = {talk_views.TALK_BLOCK}
        kept = session.get(Scorecard, _scorecard_id(payload))
        extra = []
        if kept is not None and kept.acknowledged_at is not None:  # its button was replaced: keep it so
            dropped.add(published.ACK_BLOCK)
            extra.append(context(t("reviews.publish.acknowledged", locale, quarter=cycle.quarter)))
        found = [b for b in payload.get("blocks", []) if b.get("block_id") not in dropped]
        payload["blocks"] = [*found, *extra, talk_views.state_block(talk, zone, locale)]
        return payload

    message = Outgoing.dm(rep, key=key, kind=published.SCORECARD, payload={}, period=cycle.quarter)
    revise(session, message, render, now=now, settle=timedelta(0))


def _scorecard_id(payload: dict[str, Any]) -> int:
    for block in payload.get("blocks", []):
        if block.get("block_id") == published.ACK_BLOCK:
            return int(block["elements"][0]["value"])
    return 0
