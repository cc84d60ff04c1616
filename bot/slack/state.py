"""Reading a submitted modal's `view.state.values` into plain strings, whatever the element type."""

from __future__ import annotations

from typing import Any

from bot.slack.ids import VALUE_ACTION

_SINGLE = ("selected_conversation", "selected_channel", "selected_user", "selected_date", "selected_time")


def element_value(element: dict[str, Any]) -> str | None:
    if "selected_option" in element:
        option = element["selected_option"]
        return str(option["value"]) if option else None
    if "selected_options" in element:
        chosen = [str(option["value"]) for option in element["selected_options"] or []]
        return ",".join(chosen) or None
    for key in _SINGLE:
        if key in element:
            return str(element[key]) if element[key] else None
    value = element.get("value")
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def values_of(view: dict[str, Any]) -> dict[str, str | None]:
    """{block_id: value} for every input block's value element."""
    values = view.get("state", {}).get("values", {})
    return {block_id: element_value(actions.get(VALUE_ACTION, {})) for block_id, actions in values.items()}
