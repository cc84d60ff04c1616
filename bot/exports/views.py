"""The export modal and the answers around it. Pure Block Kit builders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.exports.base import ExportSet
from bot.exports.service import FORMAT_FIELD, FROM_FIELD, SCOPE_FIELD, SETS_FIELD, TO_FIELD, Choice
from bot.exports.writer import FORMATS
from bot.i18n import Locale, t
from bot.slack import blocks, menus
from bot.slack.menus import OPTIONS_MAX

CALLBACK = "exports_submit"


def _select(options: list[dict[str, Any]], initial: dict[str, Any] | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select", "options": options[:OPTIONS_MAX]}
    return element | ({"initial_option": initial} if initial else {})


def scope_choices(found: Sequence[Choice], locale: Locale) -> list[menus.Choice]:
    """The scope menu's (label in the caller's language, value), the widest first: the same for the
    static list and for the options a longer list's menu asks for as the person types."""
    return [(t(choice.label, locale, name=choice.name), choice.value) for choice in found]


def modal(
    found: Sequence[Choice],
    sets: Sequence[ExportSet],
    *,
    since: date,
    until: date,
    locale: Locale,
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """Scope (what the caller may pick, the widest chosen; past 100, a menu that asks as the person types),
    from and to, the data sets (all chosen), CSV or XLSX."""
    scopes = scope_choices(found, locale)
    kinds = [blocks.option(t(f"exports.format.{kind}", locale), kind) for kind in FORMATS]
    options = [blocks.option(blocks.plain_text(t(export.title, locale), 75), export.name) for export in sets]
    body = [
        blocks.section(t("exports.modal.intro", locale)),
        blocks.input_block(SCOPE_FIELD, t("exports.modal.scope", locale), _scope(scopes)),
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


def _scope(scopes: list[menus.Choice]) -> dict[str, Any]:
    return menus.menu(scopes, initial=scopes[0])


def _day(day: date) -> dict[str, Any]:
    return {"type": "datepicker", "initial_date": day.isoformat()}


def done(files: int, rows: int, locale: Locale) -> str:
    return t("exports.done", locale, files=files, rows=rows)


def file_title(filename: str, locale: Locale) -> str:
    return t("exports.file_title", locale, name=filename)
