"""Training at scale (issue 14): the completion report (`/pacer training` for an admin: the tallies per
vendor and the first 40 assignments) and the lesson tick's read (`progress.due_lessons`, who is due a
lesson now) for 5,000 reps × 20 courses, against 10 reps × 20 courses in the same database, on SQLite and
PostgreSQL; wall and CPU milliseconds and the SQL statements one run issues.

    .venv/bin/python -m benchmarks.training [--reps 5000] [--courses 20] [--databases sqlite,postgresql]
        [--runs 7] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]   (default: $TEST_DATABASE_URL)

The goal: the report under 300 ms with the same number of statements as the 10-rep one. Not measured
here: the lesson fan-out through the outbox at Slack's rate (benchmarks/fanout.py measures the outbox's
sender; the lessons are ordinary outbox rows). A benchmark prints figures; it never fails on a timing."""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from sqlalchemy import Engine, insert, text

from benchmarks.reviews import measure
from benchmarks.seeding import database
from bot.db import make_session_factory
from bot.db.migrate import upgrade
from bot.roster.models import Member, Role, Vendor
from bot.training import progress, sections, tracking
from bot.training.models import Assignment, Category, Course, Lesson, Progress
from bot.workspaces.models import Workspace

NOW = datetime(2026, 12, 8, 10, 30, tzinfo=UTC)  # a Tuesday: 11:30 in Berlin, lessons are due
TODAY = date(2026, 12, 8)
VENDORS = 5
TEAM_SIZE = 25
SMALL, BIG = "TSMALL", "TBIG"
Row = tuple[str, float, float, int]


def _people(team_id: str, reps: int, first: int) -> tuple[list[dict[str, Any]], list[int]]:
    managers = (reps + TEAM_SIZE - 1) // TEAM_SIZE
    base = {"team_id": team_id, "full_member": True, "active": True, "created_at": NOW, "on_team": False}
    rows = [
        base
        | {
            "id": first + m,
            "user_id": f"UM{first + m}",
            "role": Role.MANAGER,
            "display_name": f"m{m}",
            "manager_id": None,
            "vendor_id": None,
            "timezone": "Europe/Berlin",
        }
        for m in range(managers)
    ]
    rep_ids = [first + managers + r for r in range(reps)]
    rows += [
        base
        | {
            "id": rid,
            "user_id": f"U{rid}",
            "role": Role.REP,
            "display_name": f"rep {n:05d}",
            "on_team": True,
            "manager_id": first + n // TEAM_SIZE,
            "vendor_id": first + n % VENDORS,
            "timezone": "Europe/Berlin",
        }
        for n, rid in enumerate(rep_ids)
    ]
    return rows, rep_ids


def seed(engine: Engine, team_id: str, reps: int, courses: int, first: int) -> None:
    """`reps` reps of 5 vendors, `courses` courses of 6 lessons each assigned to every rep; a third of the
    assignments completed, a third part way, a third not started; half of them due before today."""
    members, rep_ids = _people(team_id, reps, first)
    course_ids = [first + c for c in range(courses)]
    with engine.begin() as db:
        db.execute(insert(Workspace), [{"team_id": team_id, "timezone": "UTC", "language": "en"}])
        db.execute(
            insert(Vendor),
            [
                {
                    "id": first + v,
                    "team_id": team_id,
                    "name": f"Vendor {v}",
                    "name_key": f"vendor {v}",
                    "created_at": NOW,
                }
                for v in range(VENDORS)
            ],
        )
        db.execute(insert(Member), members)
        db.execute(
            insert(Course),
            [
                {
                    "id": cid,
                    "team_id": team_id,
                    "slug": f"course-{cid}",
                    "language": "en",
                    "title": f"Course {cid}",
                    "category": Category.PRODUCT,
                    "version": 1,
                    "content_hash": "x",
                    "lesson_count": 6,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for cid in course_ids
            ],
        )
        db.execute(
            insert(Lesson),
            [
                {
                    "team_id": team_id,
                    "course_id": cid,
                    "version": 1,
                    "position": p,
                    "text": "A lesson.",
                    "links": [],
                    "options": [],
                }
                for cid in course_ids
                for p in range(6)
            ],
        )
        assignments, progresses = [], []
        for n, rid in enumerate(rep_ids):
            for c, cid in enumerate(course_ids):
                due = date(2026, 12, 1) if (n + c) % 2 else date(2026, 12, 31)
                assignments.append(
                    {
                        "team_id": team_id,
                        "course_id": cid,
                        "rep_id": rid,
                        "due": due,
                        "required": True,
                        "round": 0,
                        "assigned_at": NOW,
                    }
                )
                kind = (n + c) % 3
                if kind < 2:
                    progresses.append(
                        {
                            "team_id": team_id,
                            "rep_id": rid,
                            "course_id": cid,
                            "round": 0,
                            "version": 1,
                            "next_position": 6 if kind == 0 else 2,
                            "started_at": NOW,
                            "completed_at": NOW if kind == 0 else None,
                            "score": 80 if kind == 0 else None,
                            "last_sent_on": date(2026, 12, 3),
                        }
                    )
        db.execute(insert(Assignment), assignments)
        db.execute(insert(Progress), progresses)


def the_report(engine: Engine, team_id: str) -> None:
    """What `/pacer training` reads for an admin, and builds its lines from."""
    with make_session_factory(engine)() as session:
        scope = tracking.Scope(team_id)
        tallies = tracking.tallies(session, scope, TODAY)
        found = tracking.rows(session, scope, limit=sections.LINES_MAX)
        [sections.row_line(row, TODAY, "en") for row in found]
        sections.vendor_lines(tallies, "en")


def the_tick(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        progress.due_lessons(session, now=NOW)


def run(engine: Engine, reps: int, courses: int, runs: int) -> list[Row]:
    upgrade(engine)
    seed(engine, SMALL, 10, courses, 1_000)
    seed(engine, BIG, reps, courses, 100_000)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    rows: list[Row] = []
    for team_id, label in ((SMALL, "10 reps (baseline)"), (BIG, f"{reps:,} reps")):
        rows.append((f"report, {label}", *measure(engine, partial(the_report, engine, team_id), runs)))
    rows.append(
        (f"lesson tick, both workspaces ({reps + 10:,} reps)", *measure(engine, partial(the_tick, engine), 3))
    )
    return rows


def report(kind: str, rows: list[Row], seconds: float) -> None:
    print(f"{kind} (seeded and measured in {seconds:.0f} s)")
    print(f"  {'what':<42} {'median ms':>10} {'CPU ms':>7} {'statements':>11}")
    for label, wall, cpu, statements in rows:
        print(f"  {label:<42} {wall:>10.1f} {cpu:>7.1f} {statements:>11}")
    (_, small, _, small_n), (_, big, big_cpu, big_n) = rows[0], rows[1]
    verdict = "met" if big < 300 and big_n == small_n else "NOT met"
    print(f"  ratio big ÷ baseline: time {big / small:.1f}×, statements {big_n / small_n:.2f}×")
    print(
        f"  goal: report under 300 ms with constant statements: {verdict} "
        f"({big:.0f} ms, {big_cpu:.0f} ms CPU)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=5000)
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    print(
        f"# training, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"# {args.reps:,} reps × {args.courses} courses = {args.reps * args.courses:,} assignments\n")
    for kind in args.databases.split(","):
        started = time.perf_counter()
        with database(kind, args.postgres_url) as engine:
            rows = run(engine, args.reps, args.courses, args.runs)
        report(kind, rows, time.perf_counter() - started)


if __name__ == "__main__":
    main()
