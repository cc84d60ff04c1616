"""How fast actuals come in (issue 13), from both sources: a spreadsheet (100,000 rows from a CSV against a
1,000-row baseline in the same process) and, with `--sources csv,crm`, the fake CRM server
(`benchmarks.crm_sync`: 100,000 deals against 1,000), on SQLite and PostgreSQL: seconds, this process's
CPU and the PostgreSQL backend's CPU, rows per second, the peak memory the import allocates (tracemalloc,
measured in a run of its own), the load average when each run started (other work on the machine shows
in wall time), and that importing the same file again writes nothing (no INSERT or UPDATE reaches
crm_actuals writes a row: asserted, and printed).

    .venv/bin/python -m benchmarks.crm_import [--rows 100000] [--databases sqlite,postgresql]
        [--sources csv,crm] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
        (default URL: $TEST_DATABASE_URL)

The goal: 100,000 rows under 10 s and 200 MB, and a re-import writing nothing. A benchmark prints
figures; it never fails on a timing."""

from __future__ import annotations

import argparse
import csv
import math
import os
import platform
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, text
from sqlalchemy.orm import Session

from benchmarks import cpu
from benchmarks.seeding import measured_on
from bot.crm import importing
from bot.db import make_session_factory
from bot.db.migrate import upgrade
from bot.roster.models import Member, Role
from bot.workspaces.models import Workspace

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
REPS = 50
METRICS = (("revenue", "USD"), ("deals_closed", ""), ("new_accounts", ""), ("calls", ""))


@dataclass
class Run:
    label: str
    rows: int
    seconds: float
    cpu: float
    written: int  # actuals created or updated, as the import counted them
    writes: int  # rows that INSERT and UPDATE statements on crm_actuals wrote (their row counts)
    server_cpu: float | None  # the PostgreSQL backend's CPU seconds, when it runs on this machine
    load: float  # the 1-minute load average when the run started


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(importing.HEADER)
        first = date(2026, 1, 5)
        for n in range(rows):
            metric, currency = METRICS[n % len(METRICS)]
            amount = f"{(n % 997) * 13 + 0.5:.2f}" if metric == "revenue" else str(n % 7 + 1)
            day = first + timedelta(days=n % 330)
            writer.writerow((f"UREP{n % REPS:03d}", day.isoformat(), metric, amount, currency, f"X-{n}"))


def seed(engine: Engine, team_ids: list[str]) -> None:
    with make_session_factory(engine).begin() as session:
        for team_id in team_ids:
            session.add(Workspace(team_id=team_id))
            session.flush()
            rows = [
                {"team_id": team_id, "user_id": f"UREP{n:03d}", "role": Role.REP, "display_name": ""}
                for n in range(REPS)
            ]
            session.execute(insert(Member), rows)


def import_once(session: Session, team_id: str, path: Path) -> tuple[int, int]:
    with path.open("rb") as stream:
        checked = importing.check(session, team_id, stream)
    assert checked.clean, checked.errors[:3]
    counts = importing.run(session, team_id, checked, now=NOW)
    session.commit()
    return checked.lines, counts.written


def timed(engine: Engine, label: str, team_id: str, path: Path) -> Run:
    writes = 0

    def count(_conn: object, cursor: Any, statement: str, *_args: object) -> None:
        nonlocal writes
        if writes_actuals(statement):
            writes += max(cursor.rowcount, 0)

    load = os.getloadavg()[0]
    event.listen(engine, "after_cursor_execute", count)
    try:
        with make_session_factory(engine)() as session:
            backend = _backend(session)
            server = cpu_of(backend)
            start, start_cpu = time.perf_counter(), time.process_time()
            rows, written = import_once(session, team_id, path)
            seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            after = cpu_of(backend)
    finally:
        event.remove(engine, "after_cursor_execute", count)
    server_cpu = after - server if after is not None and server is not None else None
    return Run(label, rows, seconds, cpu, written, writes, server_cpu, load)


def writes_actuals(statement: str) -> bool:
    """An INSERT into or UPDATE of crm_actuals (the temporary table the rows are loaded into is not one)."""
    return statement.lstrip()[:24].upper().startswith(("INSERT INTO CRM_ACTUALS", "UPDATE CRM_ACTUALS"))


def _backend(session: Session) -> int | None:
    if session.get_bind().dialect.name != "postgresql":
        return None
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    session.commit()
    return int(pid)


def cpu_of(pid: int | None) -> float | None:
    """A local process's CPU seconds so far (`cpu.process_seconds`), or None: no process, or not here."""
    seconds = math.nan if pid is None else cpu.process_seconds(pid)
    return None if math.isnan(seconds) else seconds


def peak_memory(engine: Engine, team_id: str, path: Path) -> float:
    """MB allocated at the peak of an import into an empty workspace (its own run: tracemalloc is slow)."""
    tracemalloc.start()
    try:
        with make_session_factory(engine)() as session:
            import_once(session, team_id, path)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def run(engine: Engine, rows: int, folder: Path) -> tuple[list[Run], float, float]:
    upgrade(engine)
    seed(engine, ["TSMALL", "TBIG", "TMEM", "TMEMSMALL"])
    small, big = folder / "small.csv", folder / "big.csv"
    write_csv(small, 1_000)
    write_csv(big, rows)
    runs = [
        timed(engine, "1,000 rows (baseline)", "TSMALL", small),
        timed(engine, "1,000 rows again", "TSMALL", small),
        timed(engine, f"{rows:,} rows", "TBIG", big),
        timed(engine, f"{rows:,} rows again", "TBIG", big),
    ]
    for again in (runs[1], runs[3]):
        assert again.written == again.writes == 0, f"a re-import wrote: {again}"
    return runs, peak_memory(engine, "TMEMSMALL", small), peak_memory(engine, "TMEM", big)


def report(kind: str, runs: list[Run], memory: tuple[float, float], size: int) -> None:
    print(kind)
    print(
        f"  {'what':<26} {'seconds':>8} {'CPU s':>6} {'server CPU s':>13} {'rows/s':>9} {'written':>8} "
        f"{'rows INS/UPD':>14} {'load':>5}"
    )
    for r in runs:
        server = f"{r.server_cpu:.2f}" if r.server_cpu is not None else "-"
        print(
            f"  {r.label:<26} {r.seconds:>8.2f} {r.cpu:>6.2f} {server:>13} {r.rows / r.seconds:>9,.0f} "
            f"{r.written:>8,} {r.writes:>14,} {r.load:>5.1f}"
        )
    base, big, again = runs[0], runs[2], runs[3]
    print(f"  peak memory (tracemalloc): 1,000 rows {memory[0]:.1f} MB, {size:,} rows {memory[1]:.1f} MB")
    ratio = (big.seconds / big.rows) / (base.seconds / base.rows)
    print(f"  ratio per row, big ÷ baseline: {ratio:.2f}×")
    busy = big.cpu + (big.server_cpu or 0.0)
    print(f"  {big.label}: {busy:.2f} s of CPU, this process and the database server together")
    met = big.seconds < 10 and memory[1] < 200 and again.written == again.writes == 0
    print(f"  goal: under 10 s and 200 MB, re-import writes nothing: {'met' if met else 'NOT met'}\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--sources", default="csv,crm", help="csv (a file), crm (the fake CRM server)")
    default_url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--postgres-url", default=default_url)
    args = parser.parse_args()
    sources = args.sources.split(",")
    if "csv" in sources:
        print(
            f"# CRM actuals import from a CSV, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} "
            f"cores, Python {platform.python_version()}; {REPS} reps, 4 metrics, a CSV in UTF-8; "
            f"load average {os.getloadavg()[0]:.1f} (other work on the machine shows in wall time, not CPU)\n"
        )
        with tempfile.TemporaryDirectory(prefix="pacer-crm-bench-") as folder:
            for kind, (runs, small_mb, big_mb), _seconds in measured_on(
                args.databases, args.postgres_url, lambda engine: run(engine, args.rows, Path(folder))
            ):
                report(kind, runs, (small_mb, big_mb), args.rows)
    if "crm" in sources:
        from benchmarks import crm_sync  # it imports this module

        crm_sync.measure(args.databases, args.postgres_url, args.rows)


if __name__ == "__main__":
    main()
