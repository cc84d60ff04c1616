"""Block Kit for choosing a rep of the month: the suggestions with their figures and a **Choose** button
each. Pure builders: values in, dicts out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot import format as fmt
from bot.i18n import Locale, t
from bot.recognition.badges import Suggestion
from bot.recognition.views import RecognitionIds, month_label, points
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.text import Mrkdwn


def suggestion_line(rank: int, found: Suggestion, locale: Locale) -> Mrkdwn:
    return t(
        "recognition.badge.suggestion",
        locale,
        rank=rank,
        rep=found.rep.user_id,
        vendor=found.vendor or "—",
        attainment=fmt.percent(found.pace, locale)
        if found.pace is not None
        else t("recognition.badge.no_goal", locale),
        streak=found.streak,
        kudos=points(found.kudos_points, locale),
    )


def suggestions_message(
    found: Sequence[Suggestion], month: date, scope: str, locale: Locale
) -> dict[str, Any]:
    """The manager's choice: up to three candidates with their figures, a **Choose** button each."""
    if not found:
        return blocks.notice(t("recognition.badge.nobody", locale, month=month_label(month, locale)))
    head = t("recognition.badge.heading", locale, month=month_label(month, locale))
    body: list[Block] = [blocks.section(head)]
    for rank, suggestion in enumerate(found, start=1):
        value = f"{suggestion.rep.id}|{month.isoformat()}|{scope}"
        section = blocks.section(suggestion_line(rank, suggestion, locale))
        section["accessory"] = blocks.button(
            RecognitionIds.CHOOSE_BADGE.value, t("recognition.badge.choose", locale), value
        )
        body.append(section)
    body.append(blocks.context(t("recognition.badge.how", locale)))
    return blocks.message(head, body)
