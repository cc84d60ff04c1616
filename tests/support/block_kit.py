"""Block Kit as Slack checks it: block counts, text lengths, ids, surfaces. Used by the emulator."""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
_TEXT_LIMITS = {"section": ("text", 3000), "header": ("text", 150), "input": ("label", 2000)}
_VIEW_STRING_LIMITS = {"private_metadata": 3000, "callback_id": 255, "external_id": 255}

Params = dict[str, Any]


class SlackError(Exception):
    """A Slack API error, answered as ``{"ok": false, "error": ...}`` with HTTP 200."""

    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error if detail is None else f"{error}: {detail}")
        self.error = error
        self.detail = detail

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.detail:
            body["response_metadata"] = {"messages": [f"[ERROR] {self.detail}"]}
        return body


# --- Block Kit validation --------------------------------------------------------------------------


def _text(obj: Any) -> str:
    """The text of a text object ("" when absent)."""
    return str(obj.get("text") or "") if isinstance(obj, dict) else ""


def _check_len(value: str, limit: int, where: str) -> None:
    if len(value) > limit:
        raise SlackError("invalid_blocks", f"must be at most {limit} characters [{where}]")


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements of a block (accessory, input element, actions elements)."""
    found = [block.get("accessory"), block.get("element")]
    if block.get("type") == "actions":
        found.extend(block.get("elements") or [])
    return [e for e in found if isinstance(e, dict)]


_STATIC_MENUS = ("static_select", "multi_static_select")
_EXTERNAL_MENUS = ("external_select", "multi_external_select")


def _check_options(element: dict[str, Any], where: str) -> None:
    """A static menu holds at most 100 options (or groups); an external one none: Slack asks the app."""
    kind = element.get("type")
    if kind in _STATIC_MENUS:
        many = element.get("options") or element.get("option_groups") or []
        if len(many) > 100:
            raise SlackError("invalid_blocks", f"must provide at most 100 options [{where}/options]")
    if kind in _EXTERNAL_MENUS and ("options" in element or "option_groups" in element):
        raise SlackError("invalid_blocks", f"an external select takes no options [{where}]")


def _check_block(block: dict[str, Any], where: str, surface: str) -> None:
    kind = str(block.get("type"))
    if kind == "input" and surface != "modal":
        raise SlackError("invalid_blocks", f"input blocks are only allowed in modals [{where}]")
    if kind == "input" and not isinstance(block.get("element"), dict):
        raise SlackError("invalid_blocks", f"an input block needs an element [{where}]")
    if kind in _TEXT_LIMITS:
        key, limit = _TEXT_LIMITS[kind]
        _check_len(_text(block.get(key)), limit, f"{where}/{key}")
    for k, item in enumerate(block.get("fields") or []):
        _check_len(_text(item), 2000, f"{where}/fields/{k}")
    for j, element in enumerate(_elements(block)):
        if element.get("type") == "button":
            _check_len(_text(element.get("text")), 75, f"{where}/elements/{j}/text")
        _check_options(element, f"{where}/elements/{j}")
        groups = [element, *(element.get("option_groups") or [])]
        for k, option in enumerate(o for group in groups for o in group.get("options") or []):
            _check_len(_text(option.get("text")), 75, f"{where}/elements/{j}/options/{k}/text")
            _check_len(str(option.get("value") or ""), 150, f"{where}/elements/{j}/options/{k}/value")


def validate_blocks(blocks: Any, *, surface: str) -> None:
    """Raise SlackError as Slack would for ``blocks`` on a ``message``, ``modal`` or ``home``."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise SlackError("invalid_blocks", "blocks must be an array of objects")
    limit = MAX_MESSAGE_BLOCKS if surface == "message" else MAX_VIEW_BLOCKS
    if len(blocks) > limit:
        error = "invalid_blocks" if surface == "message" else "invalid_arguments"
        raise SlackError(error, f"no more than {limit} blocks allowed [/blocks]")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"/blocks/{i}"
        _check_block(block, where, surface)
        block_id = block.get("block_id")
        if block_id in block_ids:
            raise SlackError("invalid_blocks", f"duplicate block_id {block_id!r} [{where}]")
        if block_id is not None:
            block_ids.add(block_id)
        in_block: set[str] = set()  # Slack wants action_ids unique within their block
        for element in _elements(block):
            action_id = element.get("action_id")
            if action_id in in_block:
                raise SlackError("invalid_blocks", f"duplicate action_id {action_id!r} [{where}]")
            if action_id is not None:
                in_block.add(action_id)


def validate_message(params: Params) -> str | None:
    """Raise SlackError for a bad message; return "missing_text_fallback" when Slack warns."""
    text = str(params.get("text") or "")
    blocks = params.get("blocks")
    if len(text) > MAX_MESSAGE_TEXT:
        raise SlackError("msg_too_long")
    if blocks is not None:
        validate_blocks(blocks, surface="message")
    if not text and not blocks and not params.get("attachments"):
        raise SlackError("no_text")
    return "missing_text_fallback" if blocks and not text.strip() else None


def validate_view(view: Any, kind: str) -> None:
    """Raise SlackError as Slack would for a view of type ``kind`` (``modal`` or ``home``)."""
    if not isinstance(view, dict) or view.get("type") != kind:
        raise SlackError("invalid_arguments", f"view must be an object of type {kind!r}")
    if kind == "modal":
        if not _text(view.get("title")):
            raise SlackError("invalid_arguments", "a modal needs a title [/view/title]")
        for key in ("title", "submit", "close"):
            if len(_text(view.get(key))) > 24:
                raise SlackError("invalid_arguments", f"at most 24 characters [/view/{key}]")
        blocks = view.get("blocks") or []
        if not view.get("submit") and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks):
            raise SlackError("invalid_arguments", "a modal with input blocks needs submit [/view/submit]")
    for key, limit in _VIEW_STRING_LIMITS.items():
        if len(str(view.get(key) or "")) > limit:
            raise SlackError("invalid_arguments", f"at most {limit} characters [/view/{key}]")
    validate_blocks(view.get("blocks", []), surface=kind)
