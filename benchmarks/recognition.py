"""How long a month's leaderboard and everyone's allowance figures take, and how many SQL statements they
issue, for a workspace of 5,000 people with 12 months of kudos (3 given by each person a month, 180,000
in all, a tenth of them held or rejected, and boosts for the managers), against a 50-person workspace
in the same database, on SQLite and PostgreSQL (issue 15).

    .venv/bin/python -m benchmarks.recognition [--people 5000] [--databases sqlite,postgresql] [--runs 7]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/test]   (default: $TEST_DATABASE_URL)

The goal: both under 200 ms for the 5,000 people, with the same number of statements as for 50. A
benchmark prints figures; it never fails on a timing."""

from __future__ import annotations

import argparse
import os
import platform
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from sqlalchemy import Engine, insert, text

from benchmarks.reviews import measure
from benchmarks.seeding import measured_on
from bot import calendar
from bot.db import make_session_factory
from bot.db.migrate import upgrade
from bot.recognition import allowance
from bot.recognition.models import AllowanceBoost, Kudos, Status
from bot.recognition.settings import DEFAULTS
from bot.roster.models import Member, Role
from bot.workspaces.models import Workspace

MONTHS = [date(2026, m, 1) for m in range(1, 13)]
NOW = datetime(2026, 12, 20, 9, tzinfo=UTC)
GIVEN_A_MONTH = 3
MANAGER_EVERY = 25  # one person in 25 is a manager, boosted each month
SMALL, BIG = "TSMALL", "TBIG"
Row = tuple[str, float, float, int]


def _people(team_id: str, people: int, first_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": first_id + n,
            "team_id": team_id,
            "user_id": f"U{first_id + n}",
            "display_name": f"person {n:05d}",
            "role": Role.MANAGER if n % MANAGER_EVERY == 0 else Role.REP,
            "full_member": True,
            "active": True,
            "on_team": n % MANAGER_EVERY != 0,
            "created_at": NOW,
        }
        for n in range(people)
    ]


def _status(n: int) -> Status:
    return Status.HELD if n % 20 == 0 else Status.REJECTED if n % 20 == 1 else Status.ACCEPTED


def _kudos(team_id: str, ids: list[int]) -> list[dict[str, Any]]:
    rows, n = [], 0
    for month in MONTHS:
        for index, giver in enumerate(ids):
            for k in range(GIVEN_A_MONTH):
                receiver = ids[(index * 7 + k * 13 + month.month) % len(ids)]
                receiver = receiver if receiver != giver else ids[(index + 1) % len(ids)]
                rows.append(
                    {
                        "team_id": team_id,
                        "giver_id": giver,
                        "receiver_id": receiver,
                        "points": 5 + (index + k) % 20,
                        "reason": f"thanks {n}",
                        "kudos_values": "teamwork",
                        "public": True,
                        "status": _status(n),
                        "month": month,
                        "created_at": datetime.combine(month, datetime.min.time(), tzinfo=UTC),
                    }
                )
                n += 1
    return rows


def seed(engine: Engine, team_id: str, people: int, first_id: int) -> None:
    """A workspace of `people`, 12 months of kudos, and a boost a month for each manager."""
    members = _people(team_id, people, first_id)
    ids = [row["id"] for row in members]
    boosts = [
        {"team_id": team_id, "member_id": row["id"], "month": month, "points": 50, "created_at": NOW}
        for row in members
        if row["role"] is Role.MANAGER
        for month in MONTHS
    ]
    kudos = _kudos(team_id, ids)
    with engine.begin() as db:
        db.execute(insert(Workspace).values(team_id=team_id))
        db.execute(insert(Member), members)
        db.execute(insert(AllowanceBoost), boosts)
        for start in range(0, len(kudos), 20_000):
            db.execute(insert(Kudos), kudos[start : start + 20_000])


def figures(session: Any, team_id: str, month: date) -> tuple[int, int]:
    """What a month's page shows: the top 10, and every giver's allowance figures."""
    top = allowance.leaderboard(session, team_id, month)
    balances = allowance.allowances(session, team_id, month, DEFAULTS)
    return len(top), len(balances)


def run(engine: Engine, people: int, runs: int) -> list[Row]:
    upgrade(engine)
    seed(engine, SMALL, 50, 1_000)
    seed(engine, BIG, people, 100_000)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    rows: list[Row] = []
    month = calendar.previous_month(calendar.month_of(NOW.date()))
    for team_id, label in ((SMALL, "50 people (baseline)"), (BIG, f"{people:,} people")):
        with make_session_factory(engine)() as session:
            top = partial(allowance.leaderboard, session, team_id, month)
            rows.append((f"leaderboard, {label}", *measure(engine, top, runs)))
            both = partial(figures, session, team_id, month)
            rows.append((f"leaderboard + allowances, {label}", *measure(engine, both, runs)))
    return rows


def report(kind: str, rows: list[Row], seconds: float) -> None:
    print(f"{kind} (seeded and measured in {seconds:.0f} s)")
    print(f"  {'what':<46} {'median ms':>10} {'CPU ms':>7} {'statements':>11}")
    for label, wall, cpu, statements in rows:
        print(f"  {label:<46} {wall:>10.1f} {cpu:>7.1f} {statements:>11}")
    (_, small, _, small_n), (_, big, big_cpu, big_n) = rows[1], rows[3]
    print(f"  ratio big ÷ baseline (both): time {big / small:.1f}×, statements {big_n / small_n:.2f}×")
    verdict = "met" if big < 200 and big_n == small_n else "NOT met"
    print(f"  goal: under 200 ms with constant statements: {verdict} ({big:.0f} ms, {big_cpu:.0f} ms CPU)\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--databases", default="sqlite,postgresql")
    default_url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--postgres-url", default=default_url)
    args = parser.parse_args()
    print(
        f"# recognition figures, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    total = args.people * 12 * GIVEN_A_MONTH
    print(
        f"# {args.people:,} people × 12 months × {GIVEN_A_MONTH} kudos = {total:,} kudos; "
        "the month measured: Nov 2026\n"
    )
    for kind, rows, seconds in measured_on(
        args.databases, args.postgres_url, lambda engine: run(engine, args.people, args.runs)
    ):
        report(kind, rows, seconds)


if __name__ == "__main__":
    main()
