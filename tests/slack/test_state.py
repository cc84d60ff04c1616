"""`shown_values`: what a modal showed in the inputs Slack never submits empty."""

from __future__ import annotations

from typing import Any

from bot.slack.state import shown_values, submitted_values


def _input(block_id: str, element: dict[str, Any], *, optional: bool = False) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "element": element, "optional": optional}


def test_selects_and_pickers_keep_their_initial_value() -> None:
    option = {"text": {"type": "plain_text", "text": "Monday"}, "value": "0"}
    view = {
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "intro"}},
            _input("day", {"type": "static_select", "options": [option], "initial_option": option}),
            _input("week", {"type": "radio_buttons", "options": [option], "initial_option": option}),
            _input("scope", {"type": "external_select", "initial_option": option}),  # past 100 options
            _input("channel", {"type": "conversations_select", "initial_conversation": "C1"}, optional=True),
            _input("due", {"type": "datepicker", "initial_date": "2026-12-31"}),
            _input("at", {"type": "timepicker", "initial_time": "09:30"}),
            _input("zone", {"type": "plain_text_input", "initial_value": "Europe/Berlin"}),
            _input("country", {"type": "plain_text_input", "initial_value": "DE"}, optional=True),
            _input("empty", {"type": "static_select", "options": [option]}),
            _input("note", {"type": "plain_text_input"}),
        ]
    }
    shown = {"day": "0", "week": "0", "scope": "0", "channel": "C1", "due": "2026-12-31", "at": "09:30"}
    assert shown_values(view) == shown  # a text may be emptied: the form's own check refuses it
    # The setup form takes the required text too (never the optional one: emptied on purpose).
    assert shown_values(view, required_texts=True) == shown | {"zone": "Europe/Berlin"}


def test_an_untouched_input_keeps_what_the_modal_showed_and_an_answer_wins() -> None:
    """local-slack submits only the inputs that were touched; Slack submits every one of these."""
    option = {"text": {"type": "plain_text", "text": "Monday"}, "value": "0"}
    view = {
        "blocks": [
            _input("day", {"type": "static_select", "options": [option], "initial_option": option}),
            _input("zone", {"type": "plain_text_input", "initial_value": "Europe/Berlin"}),
            _input("country", {"type": "plain_text_input", "initial_value": "DE"}, optional=True),
        ],
        "state": {
            "values": {
                "day": {"value": {"type": "static_select", "selected_option": None}},
                "zone": {"value": {"type": "plain_text_input", "value": "Asia/Tokyo"}},
                "country": {"value": {"type": "plain_text_input", "value": None}},
            }
        },
    }
    assert submitted_values(view) == {"day": "0", "zone": "Asia/Tokyo", "country": None}
    view["state"]["values"]["zone"]["value"]["value"] = None
    assert submitted_values(view)["zone"] is None
    assert submitted_values(view, required_texts=True)["zone"] == "Europe/Berlin"


def test_an_external_select_is_read_as_a_static_one() -> None:
    """Past 100 options a menu is an external select; its choice arrives as `selected_option` too."""
    option = {"text": {"type": "plain_text", "text": "Vendor 042's reps"}, "value": "vendor:42"}
    view = {
        "blocks": [_input("scope", {"type": "external_select", "min_query_length": 0})],
        "state": {"values": {"scope": {"value": {"type": "external_select", "selected_option": option}}}},
    }
    assert submitted_values(view) == {"scope": "vendor:42"}
    view["state"]["values"]["scope"]["value"]["selected_option"] = None
    assert submitted_values(view) == {"scope": None}
