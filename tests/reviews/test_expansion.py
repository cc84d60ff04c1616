"""New accounts from the weekly check-in (bot/reviews/expansion.py): when they are asked, how a typed
count reads, and the quarter's sum kept as the check-ins' figure, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.goals.models import Metric
from bot.reviews import expansion, service
from bot.reviews.models import InputKind, InputSource, ReviewInput
from tests.factories import TEAM, member
from tests.reviews.support import NOW


def checkin_figures(session: Session) -> list[tuple[str, Decimal]]:
    rows = session.scalars(select(ReviewInput).where(ReviewInput.source == InputSource.CHECKIN))
    return sorted((row.quarter, row.value) for row in rows if row.kind is InputKind.EXPANSION)


def test_asked_for_a_new_accounts_goal_or_when_the_workspace_asks_everyone(session: Session) -> None:
    member(session, "UREP")
    assert expansion.asks(session, TEAM, [Metric.REVENUE, Metric.NEW_ACCOUNTS])
    assert not expansion.asks(session, TEAM, [Metric.REVENUE])
    expansion.save_asks_everyone(session, TEAM, True)
    assert expansion.asks(session, TEAM, [Metric.REVENUE]) and expansion.asks_everyone(session, TEAM)


def test_a_typed_count() -> None:
    assert [expansion.read_count(typed) for typed in (None, " ", "0", "12", "10000")] == [
        None,
        None,
        0,
        12,
        10000,
    ]
    bad = "reviews.settings.accounts_invalid"
    assert [expansion.read_count(typed) for typed in ("-1", "1.5", "三", "10001", "1e3")] == [bad] * 5


def test_weeks_add_up_per_quarter_by_their_thursday_and_an_emptied_week_is_forgotten(
    session: Session,
) -> None:
    rep = member(session, "UREP")
    expansion.record_week(session, rep, date(2026, 11, 30), 2, now=NOW)
    expansion.record_week(session, rep, date(2026, 12, 7), 3, now=NOW)
    expansion.record_week(session, rep, date(2026, 12, 7), 4, now=NOW)  # the check-in edited: replaced
    expansion.record_week(session, rep, date(2026, 12, 28), 5, now=NOW)  # Thursday 31 Dec: still Q4
    expansion.record_week(session, rep, date(2026, 9, 28), 1, now=NOW)  # Thursday 1 Oct: Q4 too
    expansion.record_week(session, rep, date(2026, 9, 21), 7, now=NOW)  # Thursday 24 Sep: Q3
    assert checkin_figures(session) == [("2026Q3", Decimal(7)), ("2026Q4", Decimal(12))]
    assert expansion.given(session, rep.id, date(2026, 12, 7)) == 4
    expansion.record_week(session, rep, date(2026, 9, 21), None, now=NOW)
    assert checkin_figures(session) == [("2026Q4", Decimal(12))]
    assert expansion.given(session, rep.id, date(2026, 9, 21)) is None


def test_a_locked_quarter_keeps_its_figure_as_calibrated(session: Session) -> None:
    rep = member(session, "UREP")
    expansion.record_week(session, rep, date(2026, 11, 30), 2, now=NOW)
    cycle = service.open_cycle(session, TEAM, "2026Q4", by=None, now=NOW)
    service.lock(session, cycle, by=None, now=NOW)
    expansion.record_week(session, rep, date(2026, 12, 7), 3, now=NOW)  # the check-in itself is kept
    assert expansion.given(session, rep.id, date(2026, 12, 7)) == 3
    assert checkin_figures(session) == [("2026Q4", Decimal(2))]
