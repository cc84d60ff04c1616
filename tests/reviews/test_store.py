"""Keeping the quarter's scorecards (bot/reviews/store.py): written in bulk, updated in place, read back
with their evidence, refused once the cycle is locked; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Conflict
from bot.reviews import scorecards, service, store
from bot.reviews.models import Dimension, Scorecard, Source
from bot.reviews.scorecards import Evidence
from tests.factories import TEAM
from tests.reviews.support import NOW, count_statements, seeded


def test_scorecards_are_kept_and_read_back(session: Session) -> None:
    _, reps = seeded(session, 5)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    cards = scorecards.build_scorecards(session, TEAM, "2026Q4")
    ids = store.store_scorecards(session, cycle, cards, now=NOW)
    assert set(ids) == {rep.id for rep in reps}
    kept = store.stored_levels(session, cycle)
    first = kept[reps[0].id]
    assert first[Dimension.SALES].level == 2 and first[Dimension.SALES].source is Source.AUTO
    assert first[Dimension.SALES].evidence == Evidence(
        "reviews.evidence.sales", {"attainment": "0.8", "weeks": "14"}
    )
    assert first[Dimension.SATISFACTION].evidence == Evidence("reviews.evidence.no_input")
    overall = session.scalars(select(Scorecard.overall).where(Scorecard.id == ids[reps[0].id])).one()
    assert overall == Decimal("2.7")  # (2×40 + 4×20) / 60, re-weighted: no satisfaction or expansion figure


def test_keeping_again_updates_in_place_and_keeps_the_acknowledgement(session: Session) -> None:
    _, reps = seeded(session, 4)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    ids = store.store_scorecards(
        session, cycle, scorecards.build_scorecards(session, TEAM, "2026Q4"), now=NOW
    )
    card = session.get_one(Scorecard, ids[reps[0].id])
    card.acknowledged_at = NOW
    session.flush()
    later = NOW + timedelta(days=1)
    again = store.store_scorecards(
        session, cycle, scorecards.build_scorecards(session, TEAM, "2026Q4"), now=later
    )
    assert again == ids
    card = session.get_one(Scorecard, ids[reps[0].id])
    assert (card.acknowledged_at, card.updated_at) == (NOW, later)
    assert sum(len(levels) for levels in store.stored_levels(session, cycle).values()) == 4 * 4


def test_a_locked_cycle_is_not_rewritten(session: Session) -> None:
    seeded(session, 4)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    service.lock(session, cycle, by=None, now=NOW)
    with pytest.raises(Conflict):
        store.store_scorecards(session, cycle, scorecards.build_scorecards(session, TEAM, "2026Q4"), now=NOW)


def test_unreadable_evidence_is_no_evidence() -> None:
    assert store.read_evidence("not json") == Evidence("reviews.evidence.no_input")
    assert store.read_evidence('{"values": {}}') == Evidence("reviews.evidence.no_input")


@pytest.mark.parametrize("size", [10, 100])
def test_keeping_takes_the_same_statements_for_any_team(session: Session, size: int) -> None:
    seeded(session, size)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    cards = scorecards.build_scorecards(session, TEAM, "2026Q4")
    engine = session.get_bind().engine
    first = count_statements(engine, lambda: store.store_scorecards(session, cycle, cards, now=NOW))
    again = count_statements(engine, lambda: store.store_scorecards(session, cycle, cards, now=NOW))
    assert (first, again) == (5, 4)  # the same for 10 reps and for 100
