"""Small Block Kit helpers shared by every feature's views.py. Pure functions returning dicts.

mrkdwn texts (sections, contexts, a message's `text`) are escaped unless they are `Mrkdwn` (Pacer's own,
from `t()`, `render()`, `join()`, `mention()`), so a person's text never pings, mentions or links.
plain_text (headers, labels, options, buttons) is shown as typed: never escaped, only capped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.text import Mrkdwn, cap, channel_mention, escape, join, mention, unescape

__all__ = ["Mrkdwn", "channel_mention", "mention"]

Block = dict[str, Any]
MESSAGE_BLOCKS_MAX = 50
MODAL_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000


def plain_text(text: str, limit: int | None = None) -> str:
    """What a plain_text field shows: Pacer's `Mrkdwn` with its escapes undone, a person's text as is."""
    shown = unescape(text) if isinstance(text, Mrkdwn) else text
    return shown if limit is None else shown[:limit]


def plain(text: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": "plain_text", "text": plain_text(text, limit), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cap(escape(text), limit)}


def section(text: str, *, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, 150)}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def sections_from_lines(lines: Sequence[str], *, max_blocks: int) -> list[Block]:
    """Pack lines into as few sections as fit Slack's 3,000-character limit, at most `max_blocks` of them.
    Each line is escaped unless it is `Mrkdwn`."""
    blocks: list[Block] = []
    chunk = Mrkdwn()
    for full_line in lines:
        line = cap(escape(full_line), SECTION_TEXT_MAX)
        if chunk and len(chunk) + 1 + len(line) > SECTION_TEXT_MAX:
            blocks.append(section(chunk))
            chunk = Mrkdwn()
        chunk = join("\n", [chunk, line]) if chunk else escape(line)
    if chunk:
        blocks.append(section(chunk))
    return blocks[:max_blocks]


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value}


def button(
    action_id: str,
    label: str,
    value: str = "",
    *,
    primary: bool = False,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A button; with `confirm` (see `confirm_dialog`) Slack asks first and sends the press only if
    the person confirms."""
    element: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": plain(label, 75),
        "value": value,
    }
    element |= {"confirm": confirm} if confirm else {}
    return element | ({"style": "primary"} if primary else {})


def confirm_dialog(*, title: str, text: str, confirm: str, deny: str) -> dict[str, Any]:
    """Slack's confirmation dialog object: a plain title (100), mrkdwn text (300), two plain buttons (30)."""
    return {
        "title": plain(title, 100),
        "text": mrkdwn(text, 300),
        "confirm": plain(confirm, 30),
        "deny": plain(deny, 30),
    }


def notice(text: str) -> dict[str, Any]:
    """A short message: the text, also as its one section."""
    return message(text, [section(text)])


def message(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    """A message payload: always a plain-text fallback, never more blocks than Slack accepts."""
    payload: dict[str, Any] = {"text": cap(escape(text), 3000)}
    if blocks:
        payload["blocks"] = blocks[:MESSAGE_BLOCKS_MAX]
    return payload


def field_errors(errors: Mapping[str, str]) -> dict[str, Any]:
    """A modal's answer that keeps it open with an error under each field (`ack(**field_errors(…))`).
    Field errors are plain text: shown as typed, Pacer's own escapes undone, never read as mrkdwn."""
    return {
        "response_action": "errors",
        "errors": {block: plain_text(text, 2000) for block, text in errors.items()},
    }


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, hint: str | None = None, optional: bool = False
) -> Block:
    """A modal input; its element's action id is always VALUE_ACTION (see `bot.slack.state`)."""
    from bot.slack.ids import VALUE_ACTION

    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {**element, "action_id": VALUE_ACTION},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def text_input(
    initial: str | None = None,
    *,
    multiline: bool = False,
    max_length: int = 3000,
    placeholder: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:  # Slack refuses a view whose initial value is longer than the field takes
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def modal(
    callback_id: str, *, title: str, submit: str, close: str, body: list[Block], metadata: dict[str, Any]
) -> dict[str, Any]:
    """A modal inside Slack's limits: 24-character texts, 100 blocks, 3,000 characters of metadata."""
    import json

    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps(metadata)[:3000],
        "title": plain(title, 24),
        "submit": plain(submit, 24),
        "close": plain(close, 24),
        "blocks": body[:MODAL_BLOCKS_MAX],
    }
