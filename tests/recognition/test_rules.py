"""The words of `/pacer kudos` and the rules against gaming, as pure functions."""

from __future__ import annotations

import pytest

from bot.errors import Invalid
from bot.recognition.models import Hold
from bot.recognition.rules import Draft, Month, check_draft, check_points, hold_for, normal_reason, read_words
from bot.recognition.settings import RecognitionConfig

CONFIG = RecognitionConfig(values=("teamwork", "grit"), value_required=True)


def month(**figures: int) -> Month:
    base = {
        "allowance": 100,
        "spent": 0,
        "to_receiver": 0,
        "from_receiver": 0,
        "receiver_spent": 0,
        "receiver_allowance": 100,
        "same_reasons": 0,
    }
    return Month(**(base | figures))


def test_the_words_give_points_reason_values_and_privacy() -> None:
    assert read_words(["20", "great", "#Teamwork", "demo", "private"]) == Draft(
        20, "great demo", ("teamwork",), True
    )
    assert read_words(["great", "<#C123|grit>"]) == Draft(None, "great", ("grit",), False)
    assert read_words([]) == Draft(None, "", (), False)


@pytest.mark.parametrize(
    ("word", "key"),
    [("-5", "negative"), ("0", "zero"), ("99999999", "points_invalid"), ("+0", "zero")],
)
def test_bad_points_are_refused(word: str, key: str) -> None:
    with pytest.raises(Invalid) as refused:
        read_words([word, "thanks"])
    assert refused.value.key == f"recognition.errors.{key}"


@pytest.mark.parametrize(
    ("draft", "key"),
    [
        (Draft(5, "   ", ("grit",)), "no_reason"),
        (Draft(5, "x" * 501, ("grit",)), "reason_too_long"),
        (Draft(5, "ok", ()), "value_needed"),
        (Draft(5, "ok", ("speed",)), "unknown_value"),
    ],
)
def test_a_draft_is_checked_against_the_workspace(draft: Draft, key: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_draft(draft, CONFIG)
    assert refused.value.key == f"recognition.errors.{key}"


def test_a_value_is_required_only_when_there_are_values() -> None:
    assert (
        check_draft(Draft(5, " good  call ", ()), RecognitionConfig(value_required=True)).reason
        == "good call"
    )


def test_the_allowance_and_the_40_percent_cap() -> None:
    check_points(40, month(), CONFIG)
    check_points(10, month(spent=90, to_receiver=30), CONFIG)
    with pytest.raises(Invalid) as over:
        check_points(11, month(spent=90), CONFIG)
    assert over.value.key == "recognition.errors.over_allowance" and over.value.values["left"] == 10
    with pytest.raises(Invalid) as capped:
        check_points(11, month(spent=30, to_receiver=30), CONFIG)
    assert capped.value.key == "recognition.errors.over_cap" and capped.value.values == {
        "cap": 40,
        "left": 10,
    }


def test_a_boosted_allowance_raises_the_cap() -> None:
    check_points(60, month(allowance=150), CONFIG)


@pytest.mark.parametrize(
    ("figures", "points", "held"),
    [
        ({}, 40, None),  # nothing back from the receiver
        ({"from_receiver": 40, "receiver_spent": 40}, 40, Hold.RECIPROCAL),  # all of it, both ways
        ({"from_receiver": 5, "receiver_spent": 5}, 5, None),  # two small thank-yous
        ({"from_receiver": 30, "receiver_spent": 90}, 40, None),  # the receiver gave most to others
        ({"spent": 80, "from_receiver": 30, "receiver_spent": 30}, 20, None),  # the giver gave most to others
        ({"same_reasons": 1}, 5, Hold.REPEATED),
    ],
)
def test_what_is_held_for_review(figures: dict[str, int], points: int, held: Hold | None) -> None:
    assert hold_for(points, month(**figures)) is held


def test_reasons_compare_without_case_spaces_or_end_punctuation() -> None:
    assert normal_reason(" Thanks  for the HELP! ") == normal_reason("thanks for the help")
    assert normal_reason("thanks for the help") != normal_reason("thanks for the demo")
