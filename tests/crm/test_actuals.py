"""Connectors' typed rows stored as actuals (bot/crm/actuals.py): a closed deal counts its amount towards
revenue and once towards deals closed, a new account once towards new accounts; unmapped owners are
skipped and named; the same rows again write nothing; each workspace's rows are its own."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm import actuals
from bot.crm.actuals import record_rows
from bot.crm.models import Actual, PipelineSnapshot
from bot.crm.rows import ClosedDeal, NewAccount, PipelineFigure
from bot.goals.models import Metric
from tests.crm.support import NOW, OTHER_TEAM, reps
from tests.factories import TEAM

DAY = date(2026, 11, 25)


def test_rows_become_actuals_once(session: Session) -> None:
    ana, wang = reps(session)
    rows = [
        ClosedDeal("z-ana", "D1", Decimal("12500.50"), "usd", DAY),
        ClosedDeal("z-wang", "D2", Decimal(800), "CNY", DAY),
        NewAccount("z-ana", "A1", DAY),
        ClosedDeal("z-ghost", "D3", Decimal(5), "USD", DAY),
        PipelineFigure("z-ana", Decimal(40000), "USD", DAY, deals=4),
    ]
    owners = {"z-ana": ana.id, "z-wang": wang.id}
    done = record_rows(session, TEAM, "zoho", owners, rows, now=NOW)
    assert (done.counts.created, done.counts.updated, done.counts.unchanged) == (5, 0, 0)
    assert (done.pipeline, done.unmapped) == (1, {"z-ghost"})
    stored = session.execute(
        select(Actual.rep_id, Actual.metric, Actual.amount, Actual.currency, Actual.source, Actual.week_start)
        .where(Actual.team_id == TEAM)
        .order_by(Actual.id)
    ).all()
    assert [tuple(row) for row in stored] == [
        (ana.id, Metric.REVENUE, Decimal("12500.50"), "USD", "crm:zoho", date(2026, 11, 23)),
        (ana.id, Metric.DEALS_CLOSED, Decimal(1), "count", "crm:zoho", date(2026, 11, 23)),
        (wang.id, Metric.REVENUE, Decimal(800), "CNY", "crm:zoho", date(2026, 11, 23)),
        (wang.id, Metric.DEALS_CLOSED, Decimal(1), "count", "crm:zoho", date(2026, 11, 23)),
        (ana.id, Metric.NEW_ACCOUNTS, Decimal(1), "count", "crm:zoho", date(2026, 11, 23)),
    ]
    again = record_rows(session, TEAM, "zoho", owners, rows, now=NOW)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 5)
    moved = [ClosedDeal("z-ana", "D1", Decimal(13000), "USD", date(2026, 12, 1))]
    changed = record_rows(session, TEAM, "zoho", owners, moved, now=NOW)
    assert (changed.counts.created, changed.counts.updated, changed.counts.unchanged) == (0, 2, 0)
    snapshot = session.scalars(select(PipelineSnapshot)).one()
    assert (snapshot.rep_id, snapshot.amount, snapshot.deals) == (ana.id, Decimal(40000), 4)


def test_another_source_or_workspace_keeps_its_own_rows(session: Session) -> None:
    ana, _ = reps(session)
    deal = ClosedDeal("o1", "D1", Decimal(10), "USD", DAY)
    assert record_rows(session, TEAM, "zoho", {"o1": ana.id}, [deal], now=NOW).counts.created == 2
    assert record_rows(session, TEAM, "fxiaoke", {"o1": ana.id}, [deal], now=NOW).counts.created == 2
    assert record_rows(session, OTHER_TEAM, "zoho", {"o1": ana.id}, [deal], now=NOW).counts.created == 2


def test_a_key_given_twice_keeps_its_last_figure_across_load_batches(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figures go to the database in loads of `BATCH` (SQLite's executemany): a deal read twice, in
    different loads, is stored once with its last figure; an update keeps `created_at`."""
    monkeypatch.setattr(actuals, "BATCH", 2)
    ana, wang = reps(session)
    owners = {"z-ana": ana.id, "z-wang": wang.id}
    rows = [
        ClosedDeal("z-ana", "D1", Decimal(100), "USD", DAY),
        ClosedDeal("z-wang", "D2", Decimal(200), "USD", DAY),
        ClosedDeal("z-wang", "D1", Decimal("150.25"), "EUR", DAY),  # D1 again: moved to Wang, changed
    ]
    done = record_rows(session, TEAM, "zoho", owners, rows, now=NOW)
    assert (done.counts.created, done.counts.updated, done.counts.unchanged) == (4, 0, 0)
    stored = session.execute(
        select(Actual.external_id, Actual.metric, Actual.rep_id, Actual.amount, Actual.currency)
        .where(Actual.team_id == TEAM)
        .order_by(Actual.external_id, Actual.metric)
    ).all()
    assert [tuple(row) for row in stored] == [
        ("D1", Metric.DEALS_CLOSED, wang.id, Decimal(1), "count"),
        ("D1", Metric.REVENUE, wang.id, Decimal("150.25"), "EUR"),
        ("D2", Metric.DEALS_CLOSED, wang.id, Decimal(1), "count"),
        ("D2", Metric.REVENUE, wang.id, Decimal(200), "USD"),
    ]
    later = NOW + timedelta(hours=1)
    moved = record_rows(session, TEAM, "zoho", owners, [rows[0], rows[1]], now=later)
    assert (moved.counts.created, moved.counts.updated, moved.counts.unchanged) == (0, 2, 2)
    d1 = session.scalars(select(Actual).where(Actual.external_id == "D1")).all()
    assert {(a.rep_id, a.created_at, a.updated_at) for a in d1} == {(ana.id, NOW, later)}
    d2 = session.scalars(select(Actual).where(Actual.external_id == "D2")).all()
    assert {a.updated_at for a in d2} == {NOW}  # unchanged: not written
