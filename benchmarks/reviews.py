"""How long building every scorecard of a quarter takes, and how many SQL statements it issues, for a
workspace of 1,000 reps × 3 goals × 13 weeks with peer ratings, against a 10-rep workspace in the same
database, on SQLite and PostgreSQL (issue 12). Keeping them (`store_scorecards`) is measured too.

    .venv/bin/python -m benchmarks.reviews [--reps 1000] [--databases sqlite,postgresql] [--runs 7]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/test]   (default: $TEST_DATABASE_URL)

PostgreSQL gets a schema of its own, dropped at the end. The goal: the 1,000-rep build under 1 s, with
the same number of statements as the 10-rep one. A benchmark prints figures; it never fails on a timing."""

from __future__ import annotations

import argparse
import os
import platform
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from benchmarks import seeding
from bot.db import make_session_factory
from bot.db.migrate import upgrade
from bot.goals.models import PeriodKind
from bot.reviews import scorecards, service, store, upload
from bot.reviews.models import InputKind, InputSource, ManagerReview, PeerRating, ReviewCycle, ReviewInput
from bot.roster.models import Role

QUARTER = "2026Q3"
WEEKS = [date(2026, 6, 29) + timedelta(weeks=n) for n in range(13)]  # Q3 2026's ISO weeks
NOW = datetime(2026, 9, 25, 9, tzinfo=UTC)
TEAM_SIZE = 25  # reps per manager; each rep is rated by 4 teammates
SMALL, BIG = "TSMALL", "TBIG"
Row = tuple[str, float, float, int]  # what, median wall ms, median CPU ms, statements


def _review_rows(team_id: str, cycle_id: int, rep_ids: list[int]) -> tuple[list[dict[str, Any]], ...]:
    """4 ratings per rep from teammates, a satisfaction score for half, a manager's level for a tenth."""
    ratings, inputs, reviews = [], [], []
    for index, rep_id in enumerate(rep_ids):
        team = index // TEAM_SIZE * TEAM_SIZE
        size = min(TEAM_SIZE, len(rep_ids) - team)
        for offset in range(1, 5):
            rater = rep_ids[team + (index - team + offset) % size]
            ratings.append(
                {
                    "team_id": team_id,
                    "cycle_id": cycle_id,
                    "rep_id": rep_id,
                    "rater_id": rater,
                    "rating": 1 + (index + offset) % 5,
                    "comment": "",
                    "requested_at": NOW,
                    "rated_at": NOW,
                }
            )
        if index % 2 == 0:
            inputs.append(
                {
                    "team_id": team_id,
                    "quarter": QUARTER,
                    "rep_id": rep_id,
                    "kind": InputKind.SATISFACTION,
                    "source": InputSource.UPLOAD,
                    "value": Decimal(index % 50) / 10,
                    "scale": Decimal(5),
                    "note": "",
                    "recorded_at": NOW,
                }
            )
        if index % 10 == 0:
            reviews.append({"team_id": team_id, "cycle_id": cycle_id, "rep_id": rep_id, "sales_level": 3})
    return ratings, inputs, reviews


def workspace_rows(
    team_id: str, reps: int, first_id: int
) -> tuple[seeding.Rows, tuple[seeding.Rows, seeding.Rows, seeding.Rows]]:
    """Member rows (reps on teams of 25 under their managers) and the reps' goals, targets and check-ins
    over Q3 2026 (`benchmarks.incentives` seeds the same workspace)."""
    managers = (reps + TEAM_SIZE - 1) // TEAM_SIZE
    team = [
        seeding.Rep(first_id + managers + n, f"U{first_id + n}", first_id + n // TEAM_SIZE, f"rep {n:05d}")
        for n in range(reps)
    ]
    figures = seeding.Figures(
        target=Decimal(13_000),
        weekly_target=Decimal(1000),
        result=lambda index, g: Decimal(600 + (index * 7 + g * 13) % 800),
        period_kind=PeriodKind.QUARTER,
    )
    bosses = [(first_id + m, f"M{first_id + m}") for m in range(managers)]
    return (
        seeding.members(team_id, bosses, team, now=NOW),
        seeding.goals(team_id, team, WEEKS, figures, first_goal=first_id * 3, now=NOW),
    )


def seed(engine: Engine, team_id: str, reps: int, first_id: int) -> None:
    """A workspace with `reps` reps on teams of 25, their goals, check-ins, a Q3 cycle and peer input."""
    members, goals = workspace_rows(team_id, reps, first_id)
    seeding.seed(engine, {"team_id": team_id}, members, goals)
    team = [row for row in members if row["role"] is Role.REP]
    with make_session_factory(engine)() as session:
        cycle_id = service.open_cycle(session, team_id, QUARTER, by=None, now=NOW).id
        session.commit()
    ratings, inputs, reviews = _review_rows(team_id, cycle_id, [rep["id"] for rep in team])
    with engine.begin() as db:
        db.execute(insert(PeerRating), ratings)
        db.execute(insert(ReviewInput), inputs)
        db.execute(insert(ManagerReview), reviews)


def measure(engine: Engine, work: Callable[[], Any], runs: int) -> tuple[float, float, int]:
    return seeding.measure(engine, work, runs)


def keep(session: Session, cycle: ReviewCycle, cards: list[scorecards.Card]) -> None:
    """Keep the scorecards and commit, as calibration does once (not many times in one transaction)."""
    store.store_scorecards(session, cycle, cards, now=NOW)
    session.commit()


IMPORT_QUARTERS = ("2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4")


def figures_file(first_id: int, lines: int) -> bytes:
    """A figures CSV of `lines` lines (a multiple of 10) over the same five quarters whatever its length: a
    satisfaction score or a count of new accounts for each of `lines` ÷ 10 reps and quarter."""
    rows, reps = [], max(1, lines // 10)
    for n in range(lines):
        rep, quarter, kind = n % reps, IMPORT_QUARTERS[n // reps % 5], n // (reps * 5) % 2
        figure = f"{n % 5}.5,5," if kind == 0 else f",,{n % 9}"
        rows.append(f"U{first_id + rep},{quarter},{figure},note {n}")
    return ("rep,quarter,score,scale,new_accounts,note\n" + "\n".join(rows)).encode()


def import_figures(session: Session, team_id: str, data: bytes) -> None:
    """Read, check and import a figures file, as `/pacer review import` does, and commit."""
    found = upload.read_upload(session, team_id, data)
    if found.errors:
        raise SystemExit(f"the generated file has bad lines: {found.errors[:3]}")
    upload.import_upload(session, team_id, found, dry_run=False, by=None, now=NOW)
    session.commit()


def run_imports(engine: Engine, reps: int, runs: int) -> list[Row]:
    """A 10-line figures file against a 10,000-line one (the most a file may hold), into the big workspace."""
    rows: list[Row] = []
    lines = min(upload.MAX_LINES, reps * 10)  # 10,000 for 1,000 reps
    with make_session_factory(engine)() as session:
        for count in (10, lines):
            work = partial(import_figures, session, BIG, figures_file(100_000, count))
            rows.append((f"import figures, {count:,} lines", *measure(engine, work, max(1, runs // 2))))
    return rows


def run(engine: Engine, reps: int, runs: int) -> list[Row]:
    upgrade(engine)
    seed(engine, SMALL, 10, 1_000)
    seed(engine, BIG, reps, 100_000)
    seeding.analyze(engine)
    rows: list[Row] = []
    sessions = make_session_factory(engine)
    for team_id, label in ((SMALL, "10 reps (baseline)"), (BIG, f"{reps:,} reps")):
        with sessions() as session:
            build = partial(scorecards.build_scorecards, session, team_id, QUARTER)
            rows.append((f"build scorecards, {label}", *measure(engine, build, runs)))
            cycle, cards = service.get_cycle(session, team_id, QUARTER), build()
            rows.append(
                (f"keep scorecards, {label}", *measure(engine, partial(keep, session, cycle, cards), runs))
            )
    return rows + run_imports(engine, reps, runs)


def report(kind: str, rows: list[Row], seconds: float) -> None:
    print(f"{kind} (seeded and measured in {seconds:.0f} s)")
    print(f"  {'what':<36} {'median ms':>10} {'CPU ms':>7} {'statements':>11}")
    for label, wall, cpu, statements in rows:
        print(f"  {label:<36} {wall:>10.1f} {cpu:>7.1f} {statements:>11}")
    (_, small, _, small_n), (_, small_keep, _, keep_n) = rows[0], rows[1]
    (_, big, big_cpu, big_n), (_, big_keep, _, big_keep_n) = rows[2], rows[3]
    print(
        f"  ratio big ÷ baseline: build time {big / small:.1f}×, statements {big_n / small_n:.2f}× · "
        f"keep time {big_keep / small_keep:.1f}×, statements {big_keep_n / keep_n:.2f}×"
    )
    verdict = "met" if big < 1000 and big_n == small_n else "NOT met"
    print(f"  goal: build under 1 s with constant statements: {verdict} ({big:.0f} ms, {big_cpu:.0f} ms CPU)")
    (_, few, _, few_n), (_, many, _, many_n) = rows[4], rows[5]
    print(
        f"  import: statements {few_n} and {many_n} (constant: {'yes' if few_n == many_n else 'NO'}), "
        f"time {many / few:.0f}×\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--databases", default="sqlite,postgresql")
    default_url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--postgres-url", default=default_url)
    args = parser.parse_args()
    print(
        f"# quarterly scorecards, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(
        f"# {args.reps:,} reps × 3 goals × 13 weeks = {args.reps * 39:,} weekly targets, as many check-ins, "
        "4 peer ratings a rep\n"
    )
    for kind, rows, seconds in seeding.measured_on(
        args.databases, args.postgres_url, lambda engine: run(engine, args.reps, args.runs)
    ):
        report(kind, rows, seconds)


if __name__ == "__main__":
    main()
