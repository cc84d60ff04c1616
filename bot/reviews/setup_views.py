"""Block Kit for `/pacer setup reviews` (the workspace's sales bands, weights and opening day) and for
the answers about imported and entered figures. Pure builders: values in, dicts out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from bot.i18n import Locale, t
from bot.reviews import upload
from bot.reviews.expansion import FIELD as ACCOUNTS_FIELD
from bot.reviews.models import InputKind
from bot.reviews.settings import BANDS_FIELD, DAYS_FIELD, WEIGHTS_FIELD, ReviewConfig
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.spreadsheets import LineError
from bot.text import Mrkdwn

CHANGES_SHOWN = 20  # lines of a dry run or of an error list shown; the rest counted
ASK_FIELD = "reviews_ask_new_accounts"
FIELDS = ((BANDS_FIELD, "bands", 40), (WEIGHTS_FIELD, "weights", 40), (DAYS_FIELD, "days_before", 2))


class ReviewIds(StrEnum):
    """The reviews inputs' callback and action ids."""

    SETUP = "reviews_setup"
    IMPORT = "reviews_import"
    IMPORT_CANCEL = "reviews_import_cancel"


def _ask_input(ask: bool, locale: Locale) -> Block:
    """Ask every rep for new accounts, yes or no. The chosen option is also the placeholder: clients that
    show no `initial_option` (the demo's local-slack) show the current value too."""
    options = [blocks.option(t(f"reviews.settings.ask_{answer}", locale), answer) for answer in ("yes", "no")]
    chosen = options[0] if ask else options[1]
    element = {
        "type": "static_select",
        "options": options,
        "initial_option": chosen,
        "placeholder": chosen["text"],
    }
    return blocks.input_block(ASK_FIELD, t("reviews.settings.ask", locale), element)


def setup_modal(
    current: Mapping[str, str], ask: bool, locale: Locale, *, response_url: str
) -> dict[str, Any]:
    """The settings with the values shown (`current`: the saved ones, as `ReviewConfig.as_text`; `ask`:
    whether every rep's check-in asks for new accounts)."""
    fields = [
        blocks.input_block(
            block_id,
            t(f"reviews.setup.{label}", locale),
            blocks.text_input(current.get(block_id, ""), max_length=limit),
            hint=t(f"reviews.settings.hint_{label}", locale),
        )
        for block_id, label, limit in FIELDS
    ]
    return blocks.modal(
        ReviewIds.SETUP.value,
        title=t("reviews.settings.title", locale),
        submit=t("common.save", locale),
        close=t("common.cancel", locale),
        body=[blocks.section(t("reviews.settings.intro", locale)), *fields, _ask_input(ask, locale)],
        metadata={"response_url": response_url},
    )


def saved_message(config: ReviewConfig, ask: bool, locale: Locale) -> str:
    """After saving: the settings in words, and what happens next."""
    return t(
        "reviews.settings.saved_asking" if ask else "reviews.settings.saved",
        locale,
        bands=", ".join(f"{band} %" for band in config.bands),
        weights=" / ".join(map(str, config.weights)),
        days=config.days_before,
    )


def _figure(kind: InputKind, figure: tuple[Any, Any] | None, locale: Locale) -> str:
    if figure is None:
        return t("reviews.import.nothing", locale)
    value, scale = figure
    if scale is None:
        return t("reviews.import.count", locale, value=_number(value))
    return t("reviews.import.of_scale", locale, value=_number(value), scale=_number(scale))


def _number(value: Any) -> str:
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def change_lines(changes: Sequence[upload.Change], names: Mapping[int, str], locale: Locale) -> list[Mrkdwn]:
    """One line per change of a dry run: line number, rep, quarter, figure before → after."""
    shown = [
        t(
            "reviews.import.change" if change.changes_something else "reviews.import.same",
            locale,
            line=change.line,
            rep=names.get(change.rep_id, "?"),
            quarter=change.quarter,
            kind=t(f"reviews.dimension_{change.kind.value}", locale),
            before=_figure(change.kind, change.before, locale),
            after=_figure(change.kind, change.after, locale),
        )
        for change in changes[:CHANGES_SHOWN]
    ]
    more = len(changes) - CHANGES_SHOWN
    return shown + ([t("reviews.import.more", locale, count=more)] if more > 0 else [])


def error_lines(errors: Sequence[LineError], locale: Locale) -> list[Mrkdwn]:
    """Each bad line by its number with the reason (line 0: the file as a whole)."""
    shown = [
        t(error.key, locale, **error.values)
        if error.line == 0
        else t(
            "reviews.import.bad_line", locale, line=error.line, reason=t(error.key, locale, **error.values)
        )
        for error in errors[:CHANGES_SHOWN]
    ]
    more = len(errors) - CHANGES_SHOWN
    return shown + ([t("reviews.import.more", locale, count=more)] if more > 0 else [])


def refused_message(name: str, errors: Sequence[LineError], locale: Locale) -> dict[str, Any]:
    """A file with bad lines: nothing imported, each bad line listed (a file that can't be read at all:
    only why)."""
    if len(errors) == 1 and errors[0].line == 0:
        return blocks.notice(
            t("reviews.import.unread", locale, file=name, reason=error_lines(errors, locale)[0])
        )
    head = t("reviews.import.refused", locale, file=name, count=len(errors))
    lines = error_lines(errors, locale)
    return blocks.message(head, [blocks.section(head), *blocks.sections_from_lines(lines, max_blocks=10)])


def dry_run_message(
    name: str, token: str, changes: Sequence[upload.Change], names: Mapping[int, str], locale: Locale
) -> dict[str, Any]:
    """A clean file's dry run: what importing would change, with **Import** (and **Cancel**)."""
    changed = sum(1 for change in changes if change.changes_something)
    head = t("reviews.import.dry_run", locale, file=name, lines=len(changes), changed=changed)
    lines = change_lines(changes, names, locale)
    buttons: Block = {
        "type": "actions",
        "elements": [
            blocks.button(ReviewIds.IMPORT.value, t("reviews.import.import", locale), token, primary=True),
            blocks.button(ReviewIds.IMPORT_CANCEL.value, t("common.cancel", locale), token),
        ],
    }
    body = [blocks.section(head), *blocks.sections_from_lines(lines, max_blocks=10), buttons]
    return blocks.message(head, body)


def accounts_input(given: int | None, locale: Locale) -> Block:
    """The check-in's optional "new accounts this week" field, with the count given before."""
    return blocks.input_block(
        ACCOUNTS_FIELD,
        t("reviews.settings.accounts", locale),
        blocks.text_input(None if given is None else str(given), max_length=5),
        hint=t("reviews.settings.accounts_hint", locale),
        optional=True,
    )
