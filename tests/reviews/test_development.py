"""The development action's link (bot/reviews/development.py): read from the manager modal with field
errors, kept and read back, named by a feature's hook when one is connected, shown on the scorecard."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.errors import FieldErrors
from bot.reviews import development
from bot.reviews.development import DevelopmentAction, DevelopmentKind, read_action
from bot.reviews.publish_views import link_line

TRAINING = DevelopmentAction(DevelopmentKind.TRAINING, 12)


@pytest.mark.parametrize(
    ("values", "read"),
    [
        ({}, development.NONE),
        ({"development_kind": "none", "development_ref": " "}, development.NONE),
        ({"development_kind": "training", "development_ref": "12"}, TRAINING),
        (
            {"development_kind": "incentive", "development_ref": "7"},
            DevelopmentAction(DevelopmentKind.INCENTIVE, 7),
        ),
        (
            {"development_kind": "training"},
            FieldErrors({"development_ref": "reviews.development.ref_needed"}),
        ),
        ({"development_ref": "12"}, FieldErrors({"development_kind": "reviews.development.kind_needed"})),
        (
            {"development_kind": "bonus", "development_ref": "1"},
            FieldErrors({"development_kind": "reviews.development.kind_unknown"}),
        ),
        (
            {"development_kind": "training", "development_ref": "0"},
            FieldErrors({"development_ref": "reviews.development.ref_number"}),
        ),
        (
            {"development_kind": "training", "development_ref": "99999999999"},
            FieldErrors({"development_ref": "reviews.development.ref_number"}),
        ),
        (
            {"development_kind": "training", "development_ref": "-3"},
            FieldErrors({"development_ref": "reviews.development.ref_number"}),
        ),
    ],
)
def test_read_from_the_modal(values: dict[str, str], read: DevelopmentAction | FieldErrors) -> None:
    assert read_action(values) == read


def test_a_link_without_an_id_cannot_be_built_and_a_bad_stored_one_reads_as_none() -> None:
    with pytest.raises(ValueError, match="exactly when"):
        DevelopmentAction(DevelopmentKind.TRAINING)
    assert development.stored("training", 12) == TRAINING
    assert development.stored("training", None) == development.NONE
    assert development.stored("gone", 3) == development.NONE


def test_a_connected_namer_names_the_link_on_the_scorecard(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert development.name_of(session, "T1", TRAINING) is None
    assert link_line(TRAINING, None, "en") == "*Linked*: A training course #12"
    monkeypatch.setitem(
        development.NAMERS, DevelopmentKind.TRAINING, lambda _s, team, ref: f"Negotiation {team}/{ref}"
    )
    name = development.name_of(session, "T1", TRAINING)
    assert name == "Negotiation T1/12"
    assert (
        link_line(TRAINING, "<!here> Negotiation", "zh")
        == "*关联*：培训课程“&lt;!here&gt; Negotiation”（#12）"
    )
