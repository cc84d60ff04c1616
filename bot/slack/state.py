"""Reading what people send into plain strings: a submitted modal's `view.state.values`, whatever the
element type, and the text of a command. This is the one place raw input is made safe to store: control
characters (NUL, which PostgreSQL refuses in text, and the rest) and lone surrogates are dropped, and
text is cut one character past what its input accepts: the work stays bounded whatever is sent, and the
feature's own length check still refuses it with a field error instead of storing a silently cut text."""

from __future__ import annotations

import re
from typing import Any

from bot.slack.ids import VALUE_ACTION

_SINGLE = ("selected_conversation", "selected_channel", "selected_user", "selected_date", "selected_time")
INPUT_MAX = 3000  # the most any Slack text input accepts (`max_length` of a plain_text_input)
# C0 and C1 controls except tab and newline, DEL, and lone UTF-16 surrogates (unencodable in UTF-8).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean(text: str, limit: int = INPUT_MAX) -> str:
    """`text` without control characters or lone surrogates, "\\r\\n" read as "\\n", at most `limit` long."""
    return _UNSAFE.sub("", text[: 2 * limit].replace("\r\n", "\n"))[:limit]


def element_value(element: dict[str, Any], limit: int = INPUT_MAX + 1) -> str | None:
    if "selected_option" in element:
        option = element["selected_option"]
        return clean(str(option["value"]), limit) if isinstance(option, dict) and "value" in option else None
    if "selected_options" in element:
        chosen = [clean(str(o["value"]), limit) for o in element["selected_options"] or [] if "value" in o]
        return ",".join(chosen) or None
    for key in _SINGLE:
        if key in element:
            return clean(str(element[key]), limit) or None if element[key] else None
    value = element.get("value")
    if value is None:
        return None
    text = clean(str(value), limit).strip()
    return text or None


def _limits(view: dict[str, Any]) -> dict[str, int]:
    """{block_id: the max_length the app gave the block's input}, for the inputs that have one."""
    limits: dict[str, int] = {}
    for block in view.get("blocks") or []:
        length = (block.get("element") or {}).get("max_length") if isinstance(block, dict) else None
        if isinstance(length, int) and 0 < length <= INPUT_MAX:
            limits[str(block.get("block_id"))] = length
    return limits


def values_of(view: dict[str, Any]) -> dict[str, str | None]:
    """{block_id: value} for every input block's value element, cleaned and cut one past its input's
    `max_length` (see the module's docstring)."""
    values = view.get("state", {}).get("values", {})
    limits = _limits(view)
    return {
        block_id: element_value(actions.get(VALUE_ACTION, {}), limits.get(block_id, INPUT_MAX) + 1)
        for block_id, actions in values.items()
    }


# The initial value of each element Slack never submits empty once it has one: a single select, radio
# buttons or a picker cannot be cleared in Slack.
_INITIAL = {
    "static_select": "initial_option",
    "external_select": "initial_option",
    "radio_buttons": "initial_option",
    "conversations_select": "initial_conversation",
    "channels_select": "initial_channel",
    "users_select": "initial_user",
    "datepicker": "initial_date",
    "timepicker": "initial_time",
}


def shown_values(view: dict[str, Any], *, required_texts: bool = False) -> dict[str, str]:
    """{block_id: the value the modal was opened with} for the inputs Slack never submits empty: the
    selects and pickers that had an initial value (and, with `required_texts`, the required text inputs,
    which Slack won't submit empty either). A value missing for one of them comes from a client that
    submits only what was touched (the demo's local-slack): reading it as "unchanged" keeps what the
    person saw. (A form that refuses an empty required text on its own keeps `required_texts` off.)"""
    shown: dict[str, str] = {}
    for block in view.get("blocks") or []:
        element = block.get("element") if isinstance(block, dict) and block.get("type") == "input" else None
        kind = str((element or {}).get("type"))
        texts = required_texts and kind == "plain_text_input" and not block.get("optional", False)
        key = "initial_value" if texts else _INITIAL.get(kind)
        if element is None or key is None or key not in element:
            continue
        initial = element[key]
        value = initial.get("value") if isinstance(initial, dict) else initial
        if isinstance(value, str) and value:
            shown[str(block.get("block_id"))] = clean(value)
    return shown


def submitted_values(view: dict[str, Any], *, required_texts: bool = False) -> dict[str, str | None]:
    """`values_of(view)`, where an input Slack never submits empty (see `shown_values`) that came back
    without a value keeps the value the modal showed; in Slack this changes nothing."""
    submitted = values_of(view)
    shown = shown_values(view, required_texts=required_texts)
    return {**submitted, **{block: value for block, value in shown.items() if submitted.get(block) is None}}
