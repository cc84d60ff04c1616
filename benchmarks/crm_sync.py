"""How fast a CRM sync reads deals into actuals (issue 13): the fake CRM (Zoho's OAuth and COQL) serves
100,000 deals from a process of its own, on loopback; Pacer's `crm-sync` unit (`syncing.sync_one`: the
users listed and matched, COQL paged 2,000 rows a call, `record_rows`) syncs them into actuals, against
a 1,000-deal baseline in the same process. Then a second, incremental sync, which must write no actual.

    .venv/bin/python -m benchmarks.crm_sync [--deals 100000] [--databases sqlite,postgresql]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/test]   (default: $TEST_DATABASE_URL)

Printed per database: seconds, this process's CPU seconds, the fake CRM's CPU seconds, rows read per
second, actuals written, INSERT/UPDATE statements on actuals; peak memory by tracemalloc (a run of its
own, into an empty workspace) and the process's peak RSS. Goal: under 10 s and 200 MB. It never fails
on a timing."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from benchmarks.crm_import import cpu_of, writes_actuals
from benchmarks.seeding import measured_on
from bot.crm import connecting, syncing
from bot.crm.integrations.base import TokenCaches
from bot.crm.integrations.models import CrmConnection, Provider
from bot.crm.integrations.zoho import ZohoOAuth
from bot.crm.settings import CrmSettings
from bot.db import make_session_factory
from bot.db.migrate import upgrade
from bot.roster.models import Member, Role
from bot.secrets import Secret, Vault
from bot.workspaces.models import Workspace

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
OWNERS = 50
CLIENT_ID, CLIENT_SECRET = "1000.PACERTEST", "zoho-client-secret"  # the fake CRM's registered client
VAULT = Vault([Vault.new_key()])


@dataclass
class Run:
    label: str
    rows: int
    seconds: float
    cpu: float
    crm_cpu: float | None
    written: int  # actuals created or updated (the statements' row counts)
    writes: int  # INSERT and UPDATE statements on crm_actuals
    load: float  # the 1-minute load average when the run started


@dataclass
class FakeCrm:
    url: str
    code: str
    pid: int


@contextmanager
def fake_crm(deals: int) -> Iterator[FakeCrm]:
    """`python -m tests.crm.integrations.fake_crm --deals N` in a process of its own."""
    command = [sys.executable, "-m", "tests.crm.integrations.fake_crm", "--deals", str(deals)]
    command += ["--owners", str(OWNERS)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())
        yield FakeCrm(ready["url"], ready["zoho_code"], process.pid)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def settings_for(crm: FakeCrm) -> CrmSettings:
    return CrmSettings(
        _env_file=None,
        zoho_client_id=CLIENT_ID,
        zoho_client_secret=CLIENT_SECRET,
        zoho_redirect_uri="https://pacer.example/crm/zoho/callback",
        pacer_crm_zoho_servers={"us": crm.url},
    )


def emails(team_id: str, user_ids: Collection[str]) -> Mapping[str, str]:
    """What users.info would say: UREP007 is rep7@example.com, the fake CRM's seventh user."""
    return {f"rep{int(u[4:])}@example.com": u for u in user_ids if u.startswith("UREP")}


def seed(engine: Engine, crm: FakeCrm, team_ids: list[str]) -> dict[str, int]:
    """Each workspace with its reps, connected to the fake CRM with one refresh token."""
    settings = settings_for(crm)
    app = settings.zoho_app()
    assert app is not None
    with httpx.Client() as http:
        grant = ZohoOAuth(app, http, settings.centres()).exchange(crm.code, "us", crm.url)
    made: dict[str, int] = {}
    with make_session_factory(engine).begin() as session:
        for team_id in team_ids:
            session.add(Workspace(team_id=team_id))
            session.flush()
            reps = [
                {"team_id": team_id, "user_id": f"UREP{n:03d}", "role": Role.REP, "display_name": ""}
                for n in range(1, OWNERS + 1)
            ]
            session.execute(insert(Member), reps)
            pending = connecting.Pending(team_id, "UADMIN", Provider.ZOHO)
            where = connecting.Where(grant.api_domain, grant.location)
            fields = {"refresh_token": Secret(grant.refresh_token.reveal())}
            made[team_id] = connecting.save(session, VAULT, pending, fields, where, now=NOW, actor=None).id
    return made


def sync(session: Session, connection_id: int, crm: FakeCrm, now: datetime) -> tuple[int, int]:
    with httpx.Client(timeout=60) as http:
        tools = syncing.SyncTools(VAULT, settings_for(crm), http, emails, TokenCaches())
        result = syncing.sync_one(session, connection_id, tools, now=now)
    assert not result.error, result.error
    session.commit()
    written = session.scalar(select(CrmConnection.rows_read).where(CrmConnection.id == connection_id))
    return result.rows, int(written or 0)


def timed(engine: Engine, label: str, connection_id: int, crm: FakeCrm, now: datetime) -> Run:
    writes = written = 0

    def count(_conn: object, cursor: Any, statement: str, *_args: object) -> None:
        nonlocal writes, written
        if writes_actuals(statement):
            writes += 1
            written += max(cursor.rowcount, 0)

    load = os.getloadavg()[0]
    event.listen(engine, "after_cursor_execute", count)
    try:
        with make_session_factory(engine)() as session:
            before = cpu_of(crm.pid)
            start, start_cpu = time.perf_counter(), time.process_time()
            rows, _ = sync(session, connection_id, crm, now)
            seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            after = cpu_of(crm.pid)
    finally:
        event.remove(engine, "after_cursor_execute", count)
    crm_cpu = after - before if after is not None and before is not None else None
    return Run(label, rows, seconds, cpu, crm_cpu, written, writes, load)


def peak_memory(engine: Engine, connection_id: int, crm: FakeCrm) -> float:
    tracemalloc.start()
    try:
        with make_session_factory(engine)() as session:
            sync(session, connection_id, crm, NOW)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def peak_rss() -> float:
    """This process's peak resident set so far, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(engine: Engine, deals: int) -> tuple[list[Run], float, float, tuple[float, float]]:
    upgrade(engine)
    later = NOW + timedelta(minutes=15)
    with fake_crm(1_000) as small:
        ids = seed(engine, small, ["TSMALL", "TMEMSMALL"])
        runs = [
            timed(engine, "1,000 deals (baseline)", ids["TSMALL"], small, NOW),
            timed(engine, "1,000 deals, next sync", ids["TSMALL"], small, later),
        ]
        small_mb = peak_memory(engine, ids["TMEMSMALL"], small)
    rss_base = peak_rss()
    with fake_crm(deals) as big:
        ids = seed(engine, big, ["TBIG", "TMEM"])
        runs += [
            timed(engine, f"{deals:,} deals", ids["TBIG"], big, NOW),
            timed(engine, f"{deals:,} deals, next sync", ids["TBIG"], big, later),
        ]
        rss = peak_rss()
        big_mb = peak_memory(engine, ids["TMEM"], big)
    for again in (runs[1], runs[3]):
        assert again.written == 0, f"the next sync wrote: {again}"
    return runs, small_mb, big_mb, (rss_base, rss)


def report(kind: str, runs: list[Run], memory: tuple[float, float, tuple[float, float]]) -> None:
    print(kind)
    print(
        f"  {'what':<30} {'seconds':>8} {'CPU s':>6} {'CRM CPU s':>10} {'rows/s':>9} {'rows':>8} "
        f"{'written':>8} {'INSERT/UPDATE':>14} {'load':>5}"
    )
    for r in runs:
        crm = f"{r.crm_cpu:.2f}" if r.crm_cpu is not None else "-"
        print(
            f"  {r.label:<30} {r.seconds:>8.2f} {r.cpu:>6.2f} {crm:>10} {r.rows / r.seconds:>9,.0f} "
            f"{r.rows:>8,} {r.written:>8,} {r.writes:>14,} {r.load:>5.1f}"
        )
    base, big, again = runs[0], runs[2], runs[3]
    small_mb, big_mb, (rss_base, rss) = memory
    print(f"  peak memory (tracemalloc): 1,000 deals {small_mb:.1f} MB, big {big_mb:.1f} MB")
    print(
        f"  peak RSS of the process: {rss_base:.0f} MB after the baseline, {rss:.0f} MB after the big syncs"
    )
    ratio = (big.seconds / big.rows) / (base.seconds / base.rows)
    print(f"  time per row, big ÷ baseline: {ratio:.2f}×")
    met = big.seconds < 10 and big_mb < 200 and again.written == 0
    print(f"  goal: under 10 s and 200 MB, the next sync writes no actual: {'met' if met else 'NOT met'}\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    default_url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--postgres-url", default=default_url)
    args = parser.parse_args()
    measure(args.databases, args.postgres_url, args.deals)


def measure(databases: str, postgres_url: str, deals: int) -> None:
    """The sync's figures on each database (`benchmarks.crm_import --sources crm` runs this too)."""
    print(
        f"# CRM sync (Zoho, fake CRM in its own process), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; {OWNERS} owners; "
        f"load average {os.getloadavg()[0]:.1f}\n"
    )
    os.chdir(Path(__file__).resolve().parents[1])  # `-m tests.…` runs from the repository
    for kind, (runs, small_mb, big_mb, rss), _seconds in measured_on(
        databases, postgres_url, lambda engine: run(engine, deals)
    ):
        report(kind, runs, (small_mb, big_mb, rss))


if __name__ == "__main__":
    main()
