"""The check-in's hooks for other features (bot/checkins/extras.py): every connected extra's part of the
modal merged (the first to pre-fill an answer wins, an answer the rep gave is never replaced, fields kept in
order), their field errors together, each one's `keep` called in the save's transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from bot.checkins import extras
from bot.checkins.extras import EXTRAS, GoalExtra, RepWeek, Shown
from bot.checkins.service import Answer
from bot.errors import FieldErrors
from bot.goals.models import Goal
from bot.i18n import Locale
from bot.slack import blocks
from bot.slack.forms import Values

OF = RepWeek("T0000001", 7, date(2026, 11, 30))
kept: list[tuple[str, RepWeek, Values]] = []


def extra(name: str, prefill: dict[int, dict[str, str]], errors: dict[str, str]) -> GoalExtra:
    def shown(_session: Session, of: RepWeek, goals: Sequence[Goal], locale: Locale) -> Shown:
        assert (of, list(goals), locale) == (OF, [], "zh")
        return Shown(prefill, {1: [blocks.context(name)]})

    def check(_session: Session, of: RepWeek, _answers: Sequence[Answer], submitted: Values) -> FieldErrors:
        return FieldErrors(errors) if submitted.get("why") is None else FieldErrors()

    def keep(_session: Session, of: RepWeek, submitted: Values, _now: datetime) -> None:
        kept.append((name, of, submitted))

    return GoalExtra(shown, check, keep)


@pytest.fixture
def two() -> Iterator[None]:
    before = list(EXTRAS)
    EXTRAS[:] = [
        extra("crm", {1: {"result": "12500"}}, {"crm_reason:1": "crm.checkin.reason_needed"}),
        extra("other", {1: {"result": "1", "blockers": "none"}, 2: {"result": "3"}}, {"other:2": "x"}),
    ]
    kept.clear()
    yield
    EXTRAS[:] = before


def test_every_extra_is_asked_and_merged(session: Session, two: None) -> None:
    shown = extras.shown(session, OF, [], "zh")
    assert shown.prefill == {1: {"result": "12500", "blockers": "none"}, 2: {"result": "3"}}
    assert [b["elements"][0]["text"] for b in shown.fields[1]] == ["crm", "other"]
    previous = {1: {"result": "7000"}}  # answered already: the rep's own answer stays
    extras.prefill(previous, shown)
    assert previous == {1: {"result": "7000", "blockers": "none"}, 2: {"result": "3"}}
    refused = extras.check(session, OF, [], {})
    assert refused == {"crm_reason:1": "crm.checkin.reason_needed", "other:2": "x"}
    assert extras.check(session, OF, [], {"why": "late deal"}) == {}
    extras.keep(session, OF, {"why": "late deal"}, now=datetime(2026, 12, 4))
    assert kept == [("crm", OF, {"why": "late deal"}), ("other", OF, {"why": "late deal"})]


def test_nothing_connected_changes_nothing(session: Session) -> None:
    before = list(EXTRAS)
    EXTRAS.clear()
    try:
        assert extras.shown(session, OF, [], "en") == Shown({}, {})
        assert extras.check(session, OF, [], {}) == {}
    finally:
        EXTRAS[:] = before
