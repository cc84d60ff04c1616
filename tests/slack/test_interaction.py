"""The one interaction helper (bot/slack/interaction.py) and the one form shape (bot/slack/forms.py), as
plain values: metadata and button values are typed or `Stale`, never a KeyError; field errors come back
translated under their blocks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from unittest.mock import Mock

import pytest

from bot.errors import FieldErrors, Invalid, Stale
from bot.goals import form as goal_form
from bot.slack.forms import Form, reject
from bot.slack.ids import VALUE_ACTION
from bot.slack.interaction import Interaction, Metadata, NoMetadata, read_metadata


class WeekMetadata(Metadata):
    week: date
    rep: int
    note: str | None = None


def view(metadata: Any = None, values: dict[str, str] | None = None) -> dict[str, Any]:
    raw = metadata if isinstance(metadata, str) else json.dumps(metadata or {})
    state = {
        block: {VALUE_ACTION: {"type": "plain_text_input", "value": v}} for block, v in (values or {}).items()
    }
    return {"private_metadata": raw, "state": {"values": state}, "blocks": []}


def test_metadata_is_read_into_its_model() -> None:
    read = read_metadata(WeekMetadata, view({"week": "2026-11-30", "rep": 7, "later": "ignored"}))
    assert read == WeekMetadata(week=date(2026, 11, 30), rep=7)
    assert read.model_dump(exclude_unset=True) == {"week": date(2026, 11, 30), "rep": 7}


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        "not json",
        "[]",
        "42",
        {},
        {"week": "2026-11-30"},
        {"week": "soon", "rep": 7},
        {"week": None, "rep": 7},
        {"week": "2026-11-30", "rep": "seven"},
        {"week": "2026-11-30", "rep": [7]},
    ],
)
def test_malformed_or_forged_metadata_is_stale(metadata: Any) -> None:
    with pytest.raises(Stale):
        read_metadata(WeekMetadata, view(metadata) if metadata != "" else {"private_metadata": ""})


def interaction(body: dict[str, Any]) -> Interaction[NoMetadata]:
    return Interaction(
        Mock(), ack=Mock(), body=body, client=Mock(), respond=None, context=Mock(), metadata=NoMetadata()
    )


@pytest.mark.parametrize(
    "body",
    [{}, {"actions": []}, {"actions": [{}]}, {"actions": [{"value": "x"}]}, {"actions": [{"value": None}]}],
)
def test_a_button_value_that_does_not_read_is_stale(body: dict[str, Any]) -> None:
    with pytest.raises(Stale):
        interaction(body).value(int)


def test_a_button_value_is_read_by_its_parser() -> None:
    pressed = interaction({"actions": [{"action_id": "goal_agree", "value": "12:3"}]})
    assert pressed.value(lambda v: tuple(int(p) for p in v.split(":"))) == (12, 3)
    assert pressed.action_id == "goal_agree"


def test_the_caller_is_resolved_once_on_first_use() -> None:
    request = interaction({"team": {"id": "T1"}, "user": {"id": "U1"}})
    assert request.caller is request.caller
    request.deps.caller_of.assert_called_once_with(request.body, request.context)


@dataclass(frozen=True)
class NameForm:
    name: str | None
    size: str | None


def check_name(answers: NameForm, *, longest: int) -> str | FieldErrors:
    errors = FieldErrors()
    if not answers.name:
        errors["name"] = "feedback.error.required"
    elif len(answers.name) > longest:
        errors["name"] = Invalid("error.too_long", max=longest)
    if answers.size not in (None, "s", "m"):
        errors["size"] = "error.invalid"
    return errors or answers.name or ""


NAME = Form.of(NameForm, check_name)


def test_a_form_reads_one_field_per_block_and_checks_it() -> None:
    assert NAME.from_view(view(values={"name": " Acme ", "size": "m", "stray": "x"}), longest=10) == "Acme"
    errors = NAME.from_view(view(values={"size": "xl"}), longest=10)
    assert errors == {"name": "feedback.error.required", "size": "error.invalid"}
    assert isinstance(errors, FieldErrors)


def test_reject_answers_with_each_message_under_its_field() -> None:
    ack = Mock()
    errors = NAME.from_view(view(values={"name": "x" * 20}), longest=10)
    assert isinstance(errors, FieldErrors)
    reject(ack, errors, "en")
    ack.assert_called_once_with(response_action="errors", errors={"name": "At most 10 characters, please."})


def test_the_goal_form_returns_field_errors() -> None:
    empty = goal_form.GoalForm(*[None] * len(goal_form.GoalForm.__dataclass_fields__))
    assert isinstance(goal_form.validate(empty, today=date(2026, 12, 1)), FieldErrors)
