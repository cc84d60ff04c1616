"""A very large export is streamed in constant memory and split into parts: the writer over generated rows
(CSV and XLSX), and a whole export from the database on both backends, with tracemalloc's peak."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn
from bot.exports import service, writer
from bot.exports.base import ExportScope
from bot.exports.sets import CHECKINS
from bot.goals.models import Goal, GoalStatus, Metric, PeriodKind
from bot.roster.models import Role
from tests.exports.support import csv_rows
from tests.factories import TEAM, member

TEXT = "a week of calls, 你好, and =SUM(A1) " * 5  # about 170 characters


def generated(count: int) -> Iterator[tuple[Any, ...]]:
    for n in range(count):
        yield (
            date(2026, 1, 5),
            f"Rep {n % 500}",
            f"U{n:08d}",
            n,
            Decimal("12.5"),
            "on_track",
            TEXT,
            "",
            n % 2 == 0,
        )


def peak(run: Callable[[], Any]) -> tuple[int, Any]:
    tracemalloc.start()
    try:
        result = run()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def table(count: int) -> writer.Table:
    return writer.Table("checkins", CHECKINS.header, generated(count))


def test_csv_memory_stays_flat_and_parts_stay_under_the_limit(tmp_path: Path) -> None:
    small, _ = peak(lambda: writer.write_csv([table(2_000)], tmp_path, "small", part_bytes=1 << 20))
    large, parts = peak(lambda: writer.write_csv([table(40_000)], tmp_path, "large", part_bytes=2 << 20))
    written = sum(part.path.stat().st_size for part in parts)
    print(
        f"CSV: peak {small} B for 2,000 rows, {large} B for 40,000 rows ({written} B in {len(parts)} parts)"
    )
    assert written > 8 << 20 and len(parts) == -(-written // (2 << 20))
    assert all(part.path.stat().st_size <= 2 << 20 for part in parts)
    assert sum(part.rows for part in parts) == 40_000
    assert large < small + (1 << 20) and large < 2 << 20  # 20 times the rows, no more memory
    second = csv_rows(parts[1].path.read_bytes())
    assert second[0] == list(CHECKINS.header) and second[1][6].startswith("a week")
    assert parts[1].filename == "large-checkins-part2.csv"


def test_xlsx_is_written_in_write_only_workbooks_split_into_parts(tmp_path: Path) -> None:
    used, parts = peak(lambda: writer.write_xlsx([table(5_000)], tmp_path, "big", part_bytes=300_000))
    print(f"XLSX: peak {used} B for 5,000 rows in {len(parts)} workbooks")
    assert len(parts) >= 3 and sum(part.rows for part in parts) == 5_000
    assert all(part.path.stat().st_size <= 300_000 for part in parts)
    assert used < 8 << 20  # openpyxl keeps rows on disk in write-only mode
    book = load_workbook(parts[-1].path, read_only=True)
    rows = list(book["checkins"].iter_rows(values_only=True))
    assert rows[0] == tuple(CHECKINS.header) and str(rows[1][6]).startswith("a week")


def test_a_large_export_from_the_database_is_streamed(session: Session, tmp_path: Path) -> None:
    """15,000 check-ins (about 3.5 MB of CSV) exported in 512 KB parts take no more memory than a fifth of
    them (the peak is one batch of rows, `yield_per`, whatever the export's size)."""
    rep = member(session, "UBIG", role=Role.REP)
    first = date(2024, 1, 1)
    goals = [
        {
            "team_id": TEAM,
            "rep_id": rep.id,
            "title": f"Goal {n}",
            "metric": Metric.REVENUE,
            "unit": "USD",
            "target": Decimal(1000),
            "period_kind": PeriodKind.CUSTOM,
            "start_date": first,
            "end_date": date(2026, 12, 31),
            "status": GoalStatus.ACTIVE,
        }
        for n in range(100)
    ]
    goal_ids = session.scalars(insert(Goal).returning(Goal.id), goals).all()
    weeks = [first + timedelta(weeks=n) for n in range(150)]
    session.execute(
        insert(CheckIn),
        [
            {
                "team_id": TEAM,
                "goal_id": goal_id,
                "rep_id": rep.id,
                "week_start": week,
                "result": Decimal(7),
                "confidence": "on_track",
                "highlights": TEXT,
                "blockers": "",
                "needs_help": False,
            }
            for goal_id in goal_ids
            for week in weeks
        ],
    )
    last = date(2026, 12, 31)
    (tmp_path / "part").mkdir()
    fifth = service.Request(ExportScope(TEAM), (CHECKINS,), first, first + timedelta(weeks=29), "csv", "all")
    service.run(session, fifth, tmp_path / "part", part_bytes=512 << 10)  # compiled, cached
    small, _ = peak(lambda: service.run(session, fifth, tmp_path / "part", part_bytes=512 << 10))
    request = service.Request(ExportScope(TEAM), (CHECKINS,), first, last, "csv", "all")
    used, parts = peak(lambda: service.run(session, request, tmp_path, part_bytes=512 << 10))
    written = sum(part.path.stat().st_size for part in parts)
    print(
        f"database → CSV: peak {small} B for 3,000 rows, {used} B for 15,000 rows",
        f"({written} B, {len(parts)} parts)",
    )
    assert sum(part.rows for part in parts) == 15_000 and len(parts) >= 6
    assert used < small * 1.3 + (256 << 10), "memory grew with the rows"
