"""Self review, manager review and acknowledgement (bot/reviews/reviewing.py): levels 1–5 as field
errors, a reason for each level that differs from auto, changes kept in the history, stage and lock rules;
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.errors import Conflict, FieldErrors, NotAllowed
from bot.reviews import reviewing, scorecards, service, store
from bot.reviews.models import DIMENSIONS, Dimension, ManagerReview, Scorecard, Stage
from bot.reviews.reviewing import ManagerAnswers, level_field, reason_field
from tests.factories import TEAM
from tests.reviews.support import NOW, seeded

AUTO = {Dimension.SALES: 2, Dimension.SATISFACTION: None, Dimension.EXPANSION: None, Dimension.TEAMWORK: 4}


@pytest.mark.parametrize(
    ("typed", "required", "errors"),
    [
        ({"sales_level": "3", "teamwork_level": " 5 "}, False, {}),
        ({"sales_level": "0"}, False, {"sales_level"}),
        (
            {"sales_level": "6", "teamwork_level": "2.5", "expansion_level": "-1"},
            False,
            {"sales_level", "teamwork_level", "expansion_level"},
        ),
        ({"sales_level": "3"}, True, {"satisfaction_level", "expansion_level", "teamwork_level"}),
    ],
)
def test_levels_outside_one_to_five_are_field_errors(
    typed: dict[str, str], required: bool, errors: set[str]
) -> None:
    found = reviewing.read_levels(typed, required=required)
    if errors:
        assert isinstance(found, FieldErrors) and set(found) == errors
        assert set(found.values()) == {"reviews.errors.level_range"}
    else:
        assert found == {
            Dimension.SALES: 3,
            Dimension.SATISFACTION: None,
            Dimension.EXPANSION: None,
            Dimension.TEAMWORK: 5,
        }


def test_a_level_that_differs_from_auto_needs_a_reason() -> None:
    final = {Dimension.SALES: 3, Dimension.SATISFACTION: 4, Dimension.EXPANSION: None, Dimension.TEAMWORK: 4}
    assert reviewing.check_reasons(AUTO, final, {}) == {
        "sales_reason": "reviews.errors.reason_needed",
        "satisfaction_reason": "reviews.errors.reason_needed",  # no auto level to keep: say why
    }
    reasons = {Dimension.SALES: "closed a late deal", Dimension.SATISFACTION: "customer survey by phone"}
    assert reviewing.check_reasons(AUTO, final, reasons) == {}
    assert reviewing.check_reasons(AUTO, dict(AUTO), {}) == {}


def test_the_self_review_is_kept_while_its_stage_lasts(session: Session) -> None:
    _, reps = seeded(session, 4)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    levels = reviewing.read_levels({"sales_level": "3", "teamwork_level": "4"}, required=False)
    assert not isinstance(levels, FieldErrors)
    text = {"wins": " two new accounts ", "lessons": "plan visits", "support_wanted": "a demo kit"}
    saved = reviewing.save_self_review(session, cycle, reps[0], levels, text=text, now=NOW)
    again = reviewing.save_self_review(
        session, cycle, reps[0], {**levels, Dimension.SALES: 4}, text=text, now=NOW
    )
    assert again.id == saved.id and (again.sales_level, again.teamwork_level, again.wins) == (
        4,
        4,
        "two new accounts",
    )
    for _ in range(2):
        service.advance(session, cycle, by=None, now=NOW)
    with pytest.raises(Conflict) as refused:
        reviewing.save_self_review(session, cycle, reps[0], levels, text=text, now=NOW)
    assert refused.value.key == "reviews.errors.wrong_stage"


def test_the_managers_changes_and_reasons_go_into_the_history(session: Session) -> None:
    boss, reps = seeded(session, 4)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    for _ in range(3):
        service.advance(session, cycle, by=boss.id, now=NOW)
    final = {**AUTO, Dimension.SALES: 3}
    missing = reviewing.save_manager_review(
        session, cycle, reps[0], ManagerAnswers(final, {}), auto=AUTO, by=boss.id, now=NOW
    )
    assert missing == {"sales_reason": "reviews.errors.reason_needed"}
    assert session.query(ManagerReview).count() == 0  # nothing saved
    answers = ManagerAnswers(
        final, {Dimension.SALES: "a big deal signed on the 31st"}, "calm", "follow-ups", "negotiation course"
    )
    review = reviewing.save_manager_review(session, cycle, reps[0], answers, auto=AUTO, by=boss.id, now=NOW)
    assert isinstance(review, ManagerReview)
    assert (review.sales_level, review.sales_reason, review.teamwork_level, review.teamwork_reason) == (
        3,
        "a big deal signed on the 31st",
        4,
        "",
    )
    assert review.development_action == "negotiation course"
    changes = [
        (c.what, c.before, c.after, c.reason)
        for c in service.history(session, cycle)
        if c.what.startswith("level.")
    ]
    assert changes == [("level.sales", "2", "3", "a big deal signed on the 31st")]
    card = scorecards.build_scorecards(session, TEAM, "2026Q4")[0]
    assert card.levels[Dimension.SALES].level == 3  # the final level wins over the computed one


def test_a_locked_cycle_refuses_the_managers_edit_with_the_reason(session: Session) -> None:
    boss, reps = seeded(session, 4)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    for _ in range(4):
        service.advance(session, cycle, by=boss.id, now=NOW)
    service.lock(session, cycle, by=boss.id, now=NOW)
    with pytest.raises(Conflict) as refused:
        reviewing.save_manager_review(
            session, cycle, reps[0], ManagerAnswers(dict(AUTO), {}), auto=AUTO, by=boss.id, now=NOW
        )
    assert refused.value.key == "reviews.errors.locked"


def test_only_the_rep_acknowledges_a_published_scorecard_once(session: Session) -> None:
    boss, reps = seeded(session, 4)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    ids = store.store_scorecards(
        session, cycle, scorecards.build_scorecards(session, TEAM, "2026Q4"), now=NOW
    )
    card = session.get_one(Scorecard, ids[reps[0].id])
    with pytest.raises(Conflict):
        reviewing.acknowledge(session, cycle, card, reps[0], now=NOW)
    for _ in range(5):
        service.advance(session, cycle, by=boss.id, now=NOW)
    assert cycle.stage is Stage.PUBLISHED
    with pytest.raises(NotAllowed):
        reviewing.acknowledge(session, cycle, card, reps[1], now=NOW)
    assert reviewing.acknowledge(session, cycle, card, reps[0], now=NOW) is True
    assert reviewing.acknowledge(session, cycle, card, reps[0], now=NOW) is False
    assert card.acknowledged_at == NOW


def test_the_field_names_are_the_columns() -> None:
    assert [level_field(d) for d in DIMENSIONS] == [
        "sales_level",
        "satisfaction_level",
        "expansion_level",
        "teamwork_level",
    ]
    assert all(hasattr(ManagerReview, reason_field(d)) for d in DIMENSIONS)
