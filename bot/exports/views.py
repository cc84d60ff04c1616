"""The export modal and the answers around it. Pure Block Kit builders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.exports.base import ExportSet
from bot.exports.service import FORMAT_FIELD, FROM_FIELD, SCOPE_FIELD, SETS_FIELD, TO_FIELD, Choice
from bot.exports.writer import FORMATS
from bot.i18n import Locale, t
from bot.slack import blocks

CALLBACK = "exports_submit"
OPTIONS_MAX = 100  # Slack's options in one select


def _select(options: list[dict[str, Any]], initial: dict[str, Any] | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select", "options": options[:OPTIONS_MAX]}
    return element | ({"initial_option": initial} if initial else {})


def _label(choice: Choice, locale: Locale) -> str:
    return blocks.plain_text(t(choice.label, locale, name=choice.name), 75)


def modal(
    found: Sequence[Choice],
    sets: Sequence[ExportSet],
    *,
    since: date,
    until: date,
    locale: Locale,
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """Scope (what the caller may pick), from and to, the data sets (all chosen), CSV or XLSX."""
    scopes = [blocks.option(_label(choice, locale), choice.value) for choice in found]
    kinds = [blocks.option(t(f"exports.format.{kind}", locale), kind) for kind in FORMATS]
    options = [blocks.option(blocks.plain_text(t(export.title, locale), 75), export.name) for export in sets]
    body = [
        blocks.section(t("exports.modal.intro", locale)),
        blocks.input_block(SCOPE_FIELD, t("exports.modal.scope", locale), _select(scopes, scopes[0])),
        *_cut_note(len(scopes), locale),
        blocks.input_block(FROM_FIELD, t("exports.modal.since", locale), _day(since)),
        blocks.input_block(TO_FIELD, t("exports.modal.until", locale), _day(until)),
        blocks.input_block(
            SETS_FIELD,
            t("exports.modal.sets", locale),
            {
                "type": "multi_static_select",
                "options": options[:OPTIONS_MAX],
                "initial_options": options[:OPTIONS_MAX],
            },
        ),
        blocks.input_block(FORMAT_FIELD, t("exports.modal.format", locale), _select(kinds, kinds[0])),
    ]
    return blocks.modal(
        CALLBACK,
        title=t("exports.modal.title", locale),
        submit=t("exports.modal.submit", locale),
        close=t("exports.modal.close", locale),
        body=body,
        metadata=metadata,
    )


def _cut_note(count: int, locale: Locale) -> list[dict[str, Any]]:
    """A word under the scope list when Slack's limit left some out (an admin with over 99 teams and
    vendors): they are still in the whole workspace's export."""
    if count <= OPTIONS_MAX:
        return []
    return [blocks.context(t("exports.modal.scopes_cut", locale, shown=OPTIONS_MAX, total=count))]


def _day(day: date) -> dict[str, Any]:
    return {"type": "datepicker", "initial_date": day.isoformat()}


def done(files: int, rows: int, locale: Locale) -> str:
    return t("exports.done", locale, files=files, rows=rows)


def file_title(filename: str, locale: Locale) -> str:
    return t("exports.file_title", locale, name=filename)
