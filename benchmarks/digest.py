"""How long a digest and a manager's Home tab take to build, and how many SQL statements they issue,
for 1,000 reps with 3 goals each and 52 weeks of check-ins, on SQLite and on PostgreSQL.

    .venv/bin/python -m benchmarks.digest [--reps 1000] [--databases sqlite,postgresql] [--runs 7]

The baseline, measured in the same run on the same database, is a 10-rep team: the ratio of
statements must be 1.0 (no query per rep), and the time ratio shows how the build scales.
A benchmark prints figures; it never fails on a timing."""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine, text

from benchmarks import seeding
from bot.config import Settings
from bot.db import make_engine, make_session_factory, utcnow
from bot.db.migrate import upgrade
from bot.digests import service, sources
from bot.features import pages
from bot.home.handlers import home_view
from bot.links import crm as links_crm
from bot.slack.deps import Deps
from bot.slack.directory import Directory

TEAM = "T0000001"
FIRST_WEEK = date(2025, 12, 1)  # 52 ISO weeks up to the week of 2026-11-23
WEEKS = [FIRST_WEEK + timedelta(days=7 * n) for n in range(52)]
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)  # the digest is for the week of 2026-11-23
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
Row = tuple[float, float, int]  # median wall ms, median CPU ms, statements


def seed(engine: Engine, reps: int) -> tuple[int, int]:
    """A manager with a 10-rep team (the baseline) and one with the rest; returns both manager ids."""
    now = utcnow()
    team = [seeding.Rep(100 + n, f"U{n:05d}", 1 if n < 10 else 2) for n in range(reps)]
    figures = seeding.Figures(
        target=Decimal(52_000),
        weekly_target=Decimal(1000),
        result=lambda n, g: Decimal(900 + (n * 7 + g * 13) % 250),
        needs_help=lambda n: n % 97 == 0,
    )
    seeding.seed(
        engine,
        {"team_id": TEAM, "digest_channel_id": "C0DIGEST"},
        seeding.members(TEAM, [(1, "UMGR1"), (2, "UMGR2")], team, now=now),
        seeding.goals(TEAM, team, WEEKS, figures, first_goal=1, now=now),
    )
    seeding.analyze(engine)
    return 1, 2


def measure(engine: Engine, server: seeding.ServerCpu, work: Callable[[], Any], runs: int) -> Row:
    return seeding.measure(engine, work, runs, server)


def run(url: str, reps: int, runs: int) -> list[tuple[str, float, float, int]]:
    engine = make_engine(url)
    server = seeding.ServerCpu(engine)
    upgrade(engine)
    small, big = seed(engine, reps)
    sessions = make_session_factory(engine)
    week = WEEKS[-1]
    settings = Settings(_env_file=None, slack_bot_token="xoxb-bench", slack_signing_secret="bench")
    deps = Deps(
        settings=settings,
        session_factory=sessions,
        client=WebClient(base_url="http://127.0.0.1:9/api/"),
        directory=Directory(WebClient(base_url="http://127.0.0.1:9/api/"), sessions),
        clock=lambda: NOW,
        pages=pages(),
    )
    rows = []
    for label, manager_id, user_id in (
        ("10-rep team (baseline)", small, "UMGR1"),
        (f"{reps - 10}-rep team", big, "UMGR2"),
    ):
        with sessions() as session:
            rows.append(
                (
                    f"digest, {label}",
                    *measure(
                        engine,
                        server,
                        partial(service.build, session, service.Scope(TEAM, manager_id=manager_id), week),
                        runs,
                    ),
                )
            )
        caller = deps.caller(TEAM, user_id)
        rows.append(
            (f"manager Home tab, {label}", *measure(engine, server, partial(home_view, deps, caller), runs))
        )
    with sessions() as session:
        rows.append(
            (
                f"digest, whole workspace ({reps} reps)",
                *measure(engine, server, lambda: service.build(session, service.Scope(TEAM), week), runs),
            )
        )
        rows.append(
            (
                "chart series, whole workspace",
                *measure(
                    engine, server, lambda: service.cumulative(session, service.Scope(TEAM), week), runs
                ),
            )
        )
        saved = list(sources.LOOKUPS)
        links_crm.connect()  # the figures' sources (the CRM's), as the app connects them: one statement more
        try:
            rows.append(
                (
                    "digest, whole workspace, CRM sources marked",
                    *measure(engine, server, lambda: service.build(session, service.Scope(TEAM), week), runs),
                )
            )
        finally:
            sources.LOOKUPS[:] = saved
    engine.dispose()
    return rows


def postgres_url() -> tuple[str, Callable[[], None]]:
    name = f"pacer_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_URL.rsplit("/", 1)[0] + f"/{name}", drop


def _nothing() -> None:
    return None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print(
        f"# digest and Home tab build, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(
        f"# {args.reps} reps × 3 goals × 52 weeks = {args.reps * 156:,} weekly targets, as many check-ins\n"
    )
    for database in args.databases.split(","):
        cleanup: Callable[[], None] = _nothing
        if database == "sqlite":
            folder = tempfile.mkdtemp(prefix="pacer-bench-")
            url = f"sqlite:///{folder}/bench.db"
        else:
            try:
                url, cleanup = postgres_url()
            except Exception as error:
                print(f"{database}: skipped ({error.__class__.__name__}: PostgreSQL not reachable)\n")
                continue
        try:
            started = time.perf_counter()
            rows = run(url, args.reps, args.runs)
            print(f"{database} (seeded and measured in {time.perf_counter() - started:.0f} s)")
            print(f"  {'what':<44} {'median ms':>10} {'CPU ms':>7} {'statements':>11}")
            for label, millis, cpu, statements in rows:
                print(f"  {label:<44} {millis:>10.1f} {cpu:>7.1f} {statements:>11}")
            base_digest, big_digest = rows[0], rows[2]
            base_home, big_home = rows[1], rows[3]
            print(
                f"  ratio big ÷ baseline: digest time {big_digest[1] / base_digest[1]:.2f}×, statements "
                f"{big_digest[3] / base_digest[3]:.2f}× · Home tab time {big_home[1] / base_home[1]:.2f}×, "
                f"statements {big_home[3] / base_home[3]:.2f}×"
            )
            print(
                f"  CRM source marks ÷ none: digest time {rows[6][1] / rows[4][1]:.2f}×, statements "
                f"{rows[6][3]} vs {rows[4][3]}"
            )
            goal = "met" if rows[4][1] < 300 else "NOT met"
            print(
                f"  goal: whole-workspace digest under 300 ms: {goal} ({rows[4][1]:.0f} ms, "
                f"{rows[4][2]:.0f} ms of CPU)\n"
            )
        finally:
            cleanup()


if __name__ == "__main__":
    main()
