"""Every workspace at once, each on its own: a job's tick runs its work once per active workspace, in a
context scoped to that workspace (its sessions see only that workspace's rows; its client is the
workspace's own), a few workspaces at a time. The workspaces are read in bounded batches. A workspace
whose work raises is logged (the exception's type and where, never its message, which may quote user
text) and tried again at the next tick.

A slow workspace holds back no other: each counts against the few at once (`THREADS`) only for its
allowance (`ALLOWANCE`); past it, it goes on on its own thread and the next workspace starts beside it,
so four hung workspaces delay the rest by seconds, not by the tick's budget. Threads stay bounded: a job
has at most `MOST_THREADS` at work, its slow workspaces from earlier ticks included; only when that many
are stuck do the others wait (for one to end, or for the next tick). One still running when the tick's
budget is spent is left to finish in the background and is never started again while it runs (the next
tick skips it until it has); those not started by then are left for the next tick. Every job's once-only
keys make a workspace's next try safe."""

from __future__ import annotations

import logging
import re
import threading
import time
import traceback
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_all
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import wraps
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, sessionmaker, with_loader_criteria

from bot import events
from bot.db import Base, SessionFactory
from bot.scheduler.job import JobContext
from bot.workspaces.models import Workspace

logger = logging.getLogger(__name__)
BATCH = 100  # workspaces read per query
THREADS = 4  # workspaces worked on at once, each while within its allowance
ALLOWANCE = 5.0  # seconds a workspace counts against THREADS; past them the next starts beside it
MOST_THREADS = 12  # threads a job has at work at once, its slow workspaces from earlier ticks included
BUDGET = 50.0  # seconds a tick waits for its workspaces: within the minute of the nudges it queues
Work = Callable[[JobContext, datetime], str]

# (database, job, workspace) still at work, perhaps from an earlier tick; the database is the session
# factory's, so two apps in one process (the tests) never hold back each other's workspaces
_running: set[tuple[int, str, str]] = set()
# threads at work per (database, job), whichever tick started them
_live: Counter[tuple[int, str]] = Counter()
_changed = threading.Condition()  # guards both; notified whenever a workspace's work ends
_scoped: weakref.WeakKeyDictionary[SessionFactory, dict[str, SessionFactory]] = weakref.WeakKeyDictionary()
_scoped_lock = threading.Lock()


def team_models() -> list[Any]:
    """Every mapped class with a `team_id` column: what a workspace's session is scoped on."""
    return [m.class_ for m in Base.registry.mappers if "team_id" in m.columns]


def scoped(session_factory: SessionFactory, team_id: str) -> SessionFactory:
    """A session factory whose sessions see only `team_id`'s rows: every ORM statement (SELECT, UPDATE,
    DELETE) gets `team_id = …` on each workspace-owned table it reads, however the job wrote it. Made once
    per workspace and kept: its listeners are registered under a lock, never while another thread
    registers (SQLAlchemy's event registry is not safe for that; an event was seen to go missing)."""
    with _scoped_lock:
        per_team = _scoped.setdefault(session_factory, {})
        found = per_team.get(team_id)
        if found is None:
            found = per_team[team_id] = _scoped_factory(session_factory, team_id)
        return found


def _scoped_factory(session_factory: SessionFactory, team_id: str) -> SessionFactory:
    factory: SessionFactory = sessionmaker(**session_factory.kw)
    events.carry(session_factory, factory)  # a job's domain events still reach their subscribers
    criteria = [
        with_loader_criteria(model, lambda cls: cls.team_id == team_id, include_aliases=True)
        for model in team_models()
    ]

    @event.listens_for(factory, "do_orm_execute")
    def _only_this_workspace(state: ORMExecuteState) -> None:
        if state.is_select or state.is_update or state.is_delete:
            state.statement = state.statement.options(*criteria)

    return factory


def in_workspace(context: JobContext, team_id: str) -> JobContext:
    """The job's context for one workspace: scoped sessions, the workspace's own client."""
    return replace(
        context,
        session_factory=scoped(context.session_factory, team_id),
        client=context.client_for(team_id),
        team_id=team_id,
    )


def active_team_ids(session_factory: SessionFactory, batch: int = BATCH) -> Iterator[str]:
    """The active workspaces' team ids, read `batch` at a time (by team id, so none is read twice)."""
    after = ""
    while True:
        with session_factory() as session:
            page = list(
                session.scalars(
                    select(Workspace.team_id)
                    .where(Workspace.active, Workspace.team_id > after)
                    .order_by(Workspace.team_id)
                    .limit(batch)
                )
            )
        yield from page
        if len(page) < batch:
            return
        after = page[-1]


@dataclass
class Tick:
    """What one tick did in each workspace."""

    summaries: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)  # still at work (or not started) when the budget ran out

    def line(self, count: int) -> str:
        text = combined(self.summaries) or "nothing to do"
        if count != 1:
            text += f" (in {count} workspaces)"
        if self.failed:
            text += f"; failed in {', '.join(self.failed)}, tried again at the next tick"
        if self.late:
            text += f"; still at work in {', '.join(self.late)}, left to the next tick"
        return text


def combined(summaries: list[str]) -> str:
    """The workspaces' summary lines as one: when they read alike but for their figures, the figures
    are added up ("3 reps due" + "2 reps due" → "5 reps due"); else the distinct lines."""
    if not summaries:
        return ""
    shapes = {re.sub(r"\d+", "#", s) for s in summaries}
    if len(shapes) == 1:
        figures = [[int(n) for n in re.findall(r"\d+", s)] for s in summaries]
        totals = iter(str(sum(column)) for column in zip(*figures, strict=True))
        return re.sub(r"#", lambda _: next(totals), shapes.pop())
    return "; ".join(dict.fromkeys(summaries))


def each_workspace(
    work: Work,
    *,
    threads: int = THREADS,
    budget: float = BUDGET,
    allowance: float = ALLOWANCE,
    most: int = MOST_THREADS,
) -> Work:
    """`work` as a job that runs once per active workspace, each on its own (see the module)."""
    name = getattr(work, "__name__", repr(work))

    @wraps(work)
    def tick(context: JobContext, now: datetime) -> str:
        done, count = Tick(), 0
        job = (id(context.session_factory), name)
        deadline = time.monotonic() + budget
        pool = ThreadPoolExecutor(max_workers=most, thread_name_prefix=f"job-{name}")
        futures: dict[Future[str], str] = {}
        within: dict[tuple[int, str, str], float] = {}  # this tick's workspaces in their allowance, till when
        for team_id in active_team_ids(context.session_factory):
            count += 1
            key = (*job, team_id)
            if not _turn(key, within, threads=threads, most=most, deadline=deadline):
                done.late.append(team_id)  # still at work since an earlier tick, or no turn within the budget
                continue
            within[key] = time.monotonic() + allowance
            try:
                futures[pool.submit(_one, work, name, context, team_id, now)] = team_id
            except BaseException as error:
                _finish(key)
                if not isinstance(error, RuntimeError):
                    raise
                done.late.append(team_id)  # no new thread: the process is stopping (or out of threads)
                break
        unfinished = wait_all(futures, timeout=max(0.0, deadline - time.monotonic())).not_done
        pool.shutdown(wait=False, cancel_futures=True)
        _tally(done, futures, unfinished, job)
        return done.line(count)

    return tick


def _tally(
    done: Tick, futures: dict[Future[str], str], unfinished: set[Future[str]], job: tuple[int, str]
) -> None:
    """Each started workspace's outcome in `done`: its summary, failed, or still at work (left for later;
    one cancelled before it started is no longer at work)."""
    for future, team_id in futures.items():
        if future in unfinished:
            done.late.append(team_id)
            if future.cancelled():
                _finish((*job, team_id))
        elif future.exception() is not None:
            done.failed.append(team_id)
        else:
            done.summaries.append(future.result())


def _turn(
    key: tuple[int, str, str],
    within: dict[tuple[int, str, str], float],
    *,
    threads: int,
    most: int,
    deadline: float,
) -> bool:
    """Wait until `key`'s workspace may start, and mark it at work: fewer than `threads` of the tick's
    workspaces still within their allowance (`within`, pruned here), and fewer than `most` threads at work
    in its job. False, at once, if it is still at work since an earlier tick; or if the budget ends first."""
    job = key[:2]
    with _changed:
        while True:
            if key in _running:
                return False
            now = time.monotonic()
            if now >= deadline:
                return False
            for other, until in list(within.items()):
                if other not in _running or until <= now:
                    del within[other]  # done, or past its allowance: it no longer holds back the others
            if len(within) < threads and _live[job] < most:
                _running.add(key)
                _live[job] += 1
                return True
            wake = min(deadline, *within.values()) if len(within) >= threads else deadline
            _changed.wait(wake - now)  # or until some workspace's work ends


def _finish(key: tuple[int, str, str]) -> None:
    with _changed:
        _running.discard(key)
        _live[key[:2]] -= 1
        if not _live[key[:2]]:
            del _live[key[:2]]
        _changed.notify_all()


def _one(work: Work, name: str, context: JobContext, team_id: str, now: datetime) -> str:
    try:
        return work(in_workspace(context, team_id), now)
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"
        logger.error(
            "job %s failed in workspace %s: %s at %s; the next tick tries it again",
            *(name, team_id, type(error).__name__, where),
        )
        raise
    finally:
        _finish((id(context.session_factory), name, team_id))
