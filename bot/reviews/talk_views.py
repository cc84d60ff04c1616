"""Block Kit of the review conversation: the rep's DM asking to book it (the manager's working hours in
both zones, slot buttons), the manager's DM to confirm, the confirmations with "Conversation held", and the
line the scorecard shows. Times go through Slack's `<!date>` (each reader's own zone) with a fallback in
the reader's zone; a zone's name is never shown. Pure builders."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.format import day_text, slack_date, time_text
from bot.i18n import Locale, t
from bot.reviews.conversation import Hours
from bot.reviews.models import ReviewConversation, TalkState
from bot.slack import blocks
from bot.text import Mrkdwn, join, mention

PROPOSE = "reviews_talk_propose"  # + "_<n>": value "<cycle id>:<slot start, epoch seconds>"
CONFIRM = "reviews_talk_confirm"  # value "<conversation id>:<slot start, epoch seconds>"
HELD = "reviews_talk_held"  # value "<conversation id>"
TALK_BLOCK = "review_talk"  # the scorecard's conversation line


def when(at: datetime, zone: ZoneInfo, locale: Locale) -> Mrkdwn:
    """A moment in each reader's own zone; the fallback in `zone`."""
    local = at.astimezone(zone)
    fallback = f"{day_text(local.date(), locale, 'weekday')} {time_text(local, locale)}"
    return slack_date(at, "{date_short_pretty} {time}", fallback)


def _hours_line(hours: Hours, rep_zone: ZoneInfo, locale: Locale) -> str:
    start, end = hours.start.astimezone(rep_zone), hours.end.astimezone(rep_zone)
    return t(
        "reviews.talk.hours_line",
        locale,
        day=day_text(hours.day, locale, "weekday"),
        start=time_text(hours.start, locale),
        end=time_text(hours.end, locale),
        yours_start=slack_date(hours.start, "{time}", time_text(start, locale)),
        yours_end=slack_date(hours.end, "{time}", time_text(end, locale)),
    )


def _slot_label(at: datetime, rep_zone: ZoneInfo, locale: Locale) -> str:
    local = at.astimezone(rep_zone)
    return f"{day_text(local.date(), locale, 'weekday')} {time_text(local, locale)}"


def ask(
    cycle_id: int,
    quarter: str,
    *,
    manager_user_id: str,
    hours: list[Hours],
    slots: list[datetime],
    rep_zone: ZoneInfo,
    locale: Locale,
) -> dict[str, Any]:
    """The rep's DM: book the review conversation with their manager."""
    text = t("reviews.talk.ask_text", locale, quarter=quarter, manager=mention(manager_user_id))
    lines = [_hours_line(h, rep_zone, locale) for h in hours]
    found: list[blocks.Block] = [blocks.section(text), blocks.section(join("\n", lines))]
    if slots:
        found.append(blocks.context(t("reviews.talk.pick", locale)))
        buttons = [
            blocks.button(
                f"{PROPOSE}_{n}", _slot_label(at, rep_zone, locale), f"{cycle_id}:{int(at.timestamp())}"
            )
            for n, at in enumerate(slots)
        ]
        found.append({"type": "actions", "block_id": "review_talk_slots", "elements": buttons})
    else:
        found.append(blocks.context(t("reviews.talk.no_slots", locale, manager=mention(manager_user_id))))
    return blocks.message(text, found)


def proposed_to_rep(at: datetime, manager_user_id: str, rep_zone: ZoneInfo, locale: Locale) -> dict[str, Any]:
    return blocks.notice(
        t("reviews.talk.proposed", locale, at=when(at, rep_zone, locale), manager=mention(manager_user_id))
    )


def proposed_to_manager(
    talk: ReviewConversation, rep_user_id: str, quarter: str, zones: tuple[ZoneInfo, ZoneInfo], locale: Locale
) -> dict[str, Any]:
    """The manager's DM: the slot (theirs, and the rep's local time), with Confirm."""
    mine, theirs = zones
    text = t(
        "reviews.talk.to_manager",
        locale,
        rep=mention(rep_user_id),
        quarter=quarter,
        at=when(talk.starts_at, mine, locale),
        theirs=time_text(talk.starts_at.astimezone(theirs), locale),
    )
    value = f"{talk.id}:{int(talk.starts_at.timestamp())}"
    button = blocks.button(CONFIRM, t("reviews.talk.confirm", locale), value, primary=True)
    return blocks.message(text, [blocks.section(text), {"type": "actions", "elements": [button]}])


def confirmed(talk: ReviewConversation, other_user_id: str, zone: ZoneInfo, locale: Locale) -> dict[str, Any]:
    """To each of the two: the conversation is confirmed, with "Conversation held" for afterwards."""
    text = t(
        "reviews.talk.confirmed", locale, at=when(talk.starts_at, zone, locale), other=mention(other_user_id)
    )
    button = blocks.button(HELD, t("reviews.talk.held", locale), str(talk.id))
    return blocks.message(text, [blocks.section(text), {"type": "actions", "elements": [button]}])


def held(talk: ReviewConversation, by_user_id: str, zone: ZoneInfo, locale: Locale) -> dict[str, Any]:
    at = talk.held_at or talk.starts_at
    return blocks.notice(
        t("reviews.talk.marked_held", locale, by=mention(by_user_id), at=when(at, zone, locale))
    )


def state_line(talk: ReviewConversation | None, zone: ZoneInfo | None, locale: Locale) -> Mrkdwn:
    """The scorecard's line on the conversation (`zone`: the reader's, for the fallback)."""
    if talk is None or zone is None:
        return t("reviews.talk.state_none", locale)
    at = when(talk.held_at if talk.state is TalkState.HELD and talk.held_at else talk.starts_at, zone, locale)
    return t(f"reviews.talk.state_{talk.state.value}", locale, at=at)


def state_block(talk: ReviewConversation | None, zone: ZoneInfo | None, locale: Locale) -> blocks.Block:
    return {
        "type": "context",
        "block_id": TALK_BLOCK,
        "elements": [blocks.mrkdwn(state_line(talk, zone, locale))],
    }
