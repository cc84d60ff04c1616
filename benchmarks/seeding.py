"""What the database benchmarks share (`benchmarks.digest`, `benchmarks.reviews`): a workspace seeded in
bulk — managers and reps, three goals a rep with weekly targets and check-ins — in a few executemany
statements, the planner's statistics refreshed after the load, and `measure` (median wall and CPU time,
and the SQL statements one run issues), and the fresh databases they run on (`database`, `measured_on`).
Only rows and numbers: each benchmark picks its weeks and figures."""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event, insert, text

from bot.checkins.models import CheckIn, Confidence
from bot.db import make_engine
from bot.goals.models import Goal, GoalStatus, Metric, PeriodKind, WeeklyTarget
from bot.roster.models import Member, Role
from bot.workspaces.models import Workspace

GOALS = 3  # a rep's goals: revenue in USD, then two counts
UNITS = ("USD", "count", "count")
CHUNK = 20_000  # rows an executemany sends at most
R = TypeVar("R")
Rows = list[dict[str, Any]]
GoalRows = tuple[Rows, Rows, Rows]  # goals, weekly targets, check-ins


@dataclass(frozen=True)
class Rep:
    id: int
    user_id: str
    manager_id: int
    display_name: str = ""


@dataclass(frozen=True)
class Figures:
    """A goal's numbers: its whole target, each week's target, each week's result (by the rep's index and
    the goal's), and which reps asked for help (by index)."""

    target: Decimal
    weekly_target: Decimal
    result: Callable[[int, int], Decimal]
    period_kind: PeriodKind = PeriodKind.CUSTOM
    needs_help: Callable[[int], bool] = lambda _index: False


def members(team_id: str, managers: Sequence[tuple[int, str]], reps: Sequence[Rep], *, now: datetime) -> Rows:
    """Member rows: the managers (full members of the workspace: only they manage a team), then the reps
    on their teams. Every row has every key: an executemany takes its columns from the first row."""
    common = {
        "team_id": team_id,
        "display_name": "",
        "is_slack_admin": False,
        "full_member": True,
        "active": True,
        "refreshed_at": now,
        "created_at": now,
        "on_team": False,
        "manager_id": None,
    }
    rows = [common | {"id": id_, "user_id": user_id, "role": Role.MANAGER} for id_, user_id in managers]
    rows += [
        common
        | {
            "id": rep.id,
            "user_id": rep.user_id,
            "role": Role.REP,
            "on_team": True,
            "manager_id": rep.manager_id,
            "display_name": rep.display_name,
        }
        for rep in reps
    ]
    return rows


def goals(
    team_id: str,
    reps: Sequence[Rep],
    weeks: Sequence[date],
    figures: Figures,
    *,
    first_goal: int,
    now: datetime,
) -> GoalRows:
    """`GOALS` goals a rep over `weeks`, each with a target and a check-in every week."""
    goal_rows, targets, checkins = [], [], []
    for index, rep in enumerate(reps):
        for g in range(GOALS):
            goal_id = first_goal + index * GOALS + g
            goal_rows.append(_goal(team_id, rep, goal_id, g, weeks, figures, now))
            for week in weeks:
                iso = week.isocalendar()
                targets.append(
                    {
                        "team_id": team_id,
                        "goal_id": goal_id,
                        "week_start": week,
                        "iso_year": iso.year,
                        "iso_week": iso.week,
                        "target": figures.weekly_target,
                    }
                )
                checkins.append(
                    {
                        "team_id": team_id,
                        "goal_id": goal_id,
                        "rep_id": rep.id,
                        "week_start": week,
                        "result": figures.result(index, g),
                        "confidence": Confidence.ON_TRACK,
                        "highlights": "",
                        "blockers": "",
                        "needs_help": figures.needs_help(index),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
    return goal_rows, targets, checkins


def _goal(
    team_id: str, rep: Rep, goal_id: int, g: int, weeks: Sequence[date], figures: Figures, now: datetime
) -> dict[str, Any]:
    return {
        "id": goal_id,
        "team_id": team_id,
        "rep_id": rep.id,
        "manager_id": rep.manager_id,
        "title": f"Goal {g}",
        "description": "",
        "metric": Metric.REVENUE,
        "metric_label": "",
        "unit": UNITS[g],
        "target": figures.target,
        "why": "bench",
        "period_kind": figures.period_kind,
        "start_date": weeks[0],
        "end_date": weeks[-1] + timedelta(days=6),
        "status": GoalStatus.ACTIVE,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def seed(engine: Engine, workspace: dict[str, Any], member_rows: Rows, goal_rows: GoalRows) -> None:
    """The workspace, its members, goals, weekly targets and check-ins, in one transaction."""
    found, targets, checkins = goal_rows
    with engine.begin() as db:
        db.execute(insert(Workspace).values(**workspace))
        db.execute(insert(Member), member_rows)
        db.execute(insert(Goal), found)
        for start in range(0, len(targets), CHUNK):
            db.execute(insert(WeeklyTarget), targets[start : start + CHUNK])
            db.execute(insert(CheckIn), checkins[start : start + CHUNK])


def analyze(engine: Engine) -> None:
    """As autovacuum does soon after such a load: statistics for the planner and, on PostgreSQL, the
    visibility map that lets index-only scans skip the table."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))


class ServerCpu:
    """The CPU time of the PostgreSQL backends that serve an engine's connections, read from
    `/proc/<pid>/schedstat` (the server runs on this machine). Zero when it can't be read (SQLite, or a
    server elsewhere). Parallel workers a plan starts are not counted."""

    def __init__(self, engine: Engine) -> None:
        self.pids: list[int] = []
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", self._connected)

    def _connected(self, dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        self.pids.append(int(cursor.fetchone()[0]))
        cursor.close()

    def seconds(self) -> float:
        total = 0
        for pid in self.pids:
            try:
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
        return total / 1e9


def measure(
    engine: Engine, work: Callable[[], Any], runs: int, server: ServerCpu | None = None
) -> tuple[float, float, int]:
    """Median wall milliseconds over `runs` after a warm-up, median CPU milliseconds (this thread's, plus
    the database server's when `server` reads it), and the statements one run issues."""
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    def cpu() -> float:
        return time.thread_time() + (server.seconds() if server else 0.0)

    work()  # warm-up
    event.listen(engine, "before_cursor_execute", count)
    work()
    event.remove(engine, "before_cursor_execute", count)
    wall, used = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu()
        work()
        wall.append((time.perf_counter() - start) * 1000)
        used.append((cpu() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(used), statements


@contextmanager
def database(kind: str, postgres_url: str) -> Iterator[Engine]:
    """A fresh SQLite file, or a schema of its own on PostgreSQL (dropped afterwards)."""
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{tempfile.mkdtemp(prefix='pacer-bench-')}/bench.db")
        yield engine
        engine.dispose()
        return
    schema = f"pacer_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def measured_on(kinds: str, postgres_url: str, work: Callable[[Engine], R]) -> Iterator[tuple[str, R, float]]:
    """`work` on a fresh database of each kind in `kinds` ("sqlite,postgresql"): its result and the seconds
    it took. A PostgreSQL that is not there is a printed note, not a failure; SQLite always is there."""
    for kind in kinds.split(","):
        started = time.perf_counter()
        try:
            with database(kind, postgres_url) as engine:
                result = work(engine)
        except Exception as error:  # a database that is not there is a note, not a failure
            if kind == "sqlite":
                raise
            print(f"{kind}: skipped ({error.__class__.__name__}: {error})\n")
            continue
        yield kind, result, time.perf_counter() - started
