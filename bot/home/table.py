"""The Home tab as a table: a row is a section whose `fields` (two columns in Slack) hold a label over
its figure, so figures line up from row to row; a text pace bar shows each goal's pace to date."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bot.goals.numbers import format_amount, format_ratio
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.text import Mrkdwn

BAR_WIDTH = 10
FIELDS_MAX = 10  # Slack's limit of fields in one section
FIELD_TEXT_MAX = 2000


def bar(ratio: Decimal | None, width: int = BAR_WIDTH) -> str:
    """A pace bar that renders in any Slack client: ▰ for each tenth of the pace to date, up to full."""
    if ratio is None or not ratio.is_finite():
        return "▱" * width
    filled = max(0, min(width, int(ratio * width)))
    return "▰" * filled + "▱" * (width - filled)


def pace(ratio: Decimal | None, locale: Locale) -> Mrkdwn:
    """The pace bar with its percentage to date: "`▰▰▰▰▰▰▰▰▱▱` 87% to date"."""
    return t("home.table.pace", locale, bar=bar(ratio), pace=format_ratio(ratio))


def figure(value: Decimal, unit: str, locale: Locale) -> str:
    """An amount as the Home tab shows it: compact, as a summary ("$28.2K", "2.8万"); detail is in
    `/pacer goals` and `/pacer status`."""
    return format_amount(value, unit, locale, compact=True)


def of(result: Decimal, target: Decimal, unit: str, locale: Locale) -> Mrkdwn:
    return t("digest.of", locale, result=figure(result, unit, locale), target=figure(target, unit, locale))


def field(label_key: str, value: str, locale: Locale) -> Mrkdwn:
    """One cell: its label in bold over its value (escaped unless `Mrkdwn`)."""
    return t("home.table.field", locale, label=t(label_key, locale), value=value)


def row(
    text: str, fields: Sequence[str], buttons: Sequence[dict[str, Any]] = (), *, row_id: str
) -> list[Block]:
    """A table row: a section with its fields, and its buttons as the section's accessory when there is
    one, or in an actions block under it when there are more."""
    section = blocks.section(text)
    cells = [blocks.mrkdwn(cell, FIELD_TEXT_MAX) for cell in fields[:FIELDS_MAX]]
    if cells:
        section["fields"] = cells
    if len(buttons) == 1:
        section["accessory"] = buttons[0]
        return [section]
    if not buttons:
        return [section]
    return [section, {"type": "actions", "block_id": row_id, "elements": list(buttons)}]
