"""The Block Kit of the actuals import in a DM: a file's bad lines, its dry run with **Import**, and what
importing did. Pure builders."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from bot.crm.actuals import Counts
from bot.crm.importing import Checked
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.spreadsheets import LineError

MAX_LINE_BLOCKS = 10


class CrmIds(StrEnum):
    """The CRM feature's action ids."""

    IMPORT = "crm_import"
    IMPORT_CANCEL = "crm_import_cancel"


def error_lines(errors: Sequence[LineError], locale: Locale) -> list[str]:
    """Each bad line as "Line 4: …"; the file as a whole, only its reason."""
    found: list[str] = []
    for error in errors:
        reason = t(error.key, locale, **error.values)
        found.append(t("crm.import.line", locale, line=error.line, reason=reason) if error.line else reason)
    return found


def refused_message(name: str, checked: Checked, locale: Locale) -> dict[str, Any]:
    """Nothing imported: every bad line listed (as many as a message holds, then how many more)."""
    head = t("crm.import.refused", locale, file=name)
    lines = error_lines(checked.errors, locale)
    body = blocks.sections_from_lines(lines, max_blocks=MAX_LINE_BLOCKS)
    shown = sum(len(block["text"]["text"].splitlines()) for block in body)
    more = len(lines) - shown + checked.more_errors
    tail = [blocks.context(t("crm.import.more", locale, count=more))] if more > 0 else []
    return blocks.message(head, [blocks.section(head), *body, *tail])


def dry_run_message(
    name: str, file_id: str, checked: Checked, counts: Counts, locale: Locale
) -> dict[str, Any]:
    """A clean file: what importing would do, with **Import** and **Cancel**."""
    head = t(
        "crm.import.dry_run",
        locale,
        file=name,
        lines=checked.lines,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
    )
    buttons: blocks.Block = {
        "type": "actions",
        "elements": [
            blocks.button(CrmIds.IMPORT.value, t("crm.import.import_button", locale), file_id, primary=True),
            blocks.button(CrmIds.IMPORT_CANCEL.value, t("common.cancel", locale), file_id),
        ],
    }
    return blocks.message(head, [blocks.section(head), buttons])


def done_message(name: str, counts: Counts, locale: Locale) -> dict[str, Any]:
    text = t(
        "crm.import.done",
        locale,
        file=name,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
    )
    return blocks.notice(text)
