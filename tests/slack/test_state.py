"""`shown_values`: what a modal showed in the inputs Slack never submits empty."""

from __future__ import annotations

from typing import Any

from bot.slack.state import shown_values


def _input(block_id: str, element: dict[str, Any], *, optional: bool = False) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "element": element, "optional": optional}


def test_selects_pickers_and_required_texts_keep_their_initial_value() -> None:
    option = {"text": {"type": "plain_text", "text": "Monday"}, "value": "0"}
    view = {
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "intro"}},
            _input("day", {"type": "static_select", "options": [option], "initial_option": option}),
            _input("week", {"type": "radio_buttons", "options": [option], "initial_option": option}),
            _input("channel", {"type": "conversations_select", "initial_conversation": "C1"}, optional=True),
            _input("due", {"type": "datepicker", "initial_date": "2026-12-31"}),
            _input("at", {"type": "timepicker", "initial_time": "09:30"}),
            _input("zone", {"type": "plain_text_input", "initial_value": "Europe/Berlin"}),
            _input("country", {"type": "plain_text_input", "initial_value": "DE"}, optional=True),
            _input("empty", {"type": "static_select", "options": [option]}),
            _input("note", {"type": "plain_text_input"}),
        ]
    }
    assert shown_values(view) == {
        "day": "0",
        "week": "0",
        "channel": "C1",
        "due": "2026-12-31",
        "at": "09:30",
        "zone": "Europe/Berlin",
    }  # not the optional text (it may be emptied on purpose) nor inputs that showed nothing
