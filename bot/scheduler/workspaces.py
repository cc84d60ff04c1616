"""Every workspace at once, each on its own: a job's tick runs its work once per active workspace, in a
context scoped to that workspace (its sessions see only that workspace's rows; its client is the
workspace's own), a few workspaces at a time on a small pool of threads. The workspaces are read in
bounded batches. A workspace whose work raises is logged (the exception's type and where, never its
message, which may quote user text) and tried again at the next tick; one still running when the tick's
budget is spent is left to finish in the background and skipped by the next tick until it has, and those
not started by then are left for the next tick: a slow or failing workspace never holds back another's
messages past their minute. Every job's once-only keys make a workspace's next try safe."""

from __future__ import annotations

import logging
import re
import threading
import traceback
import weakref
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
THREADS = 4  # workspaces worked on at once
BUDGET = 50.0  # seconds a tick waits for its workspaces: within the minute of the nudges it queues
Work = Callable[[JobContext, datetime], str]

# (database, job, workspace) still at work, perhaps from an earlier tick; the database is the session
# factory's, so two apps in one process (the tests) never hold back each other's workspaces
_running: set[tuple[int, str, str]] = set()
_running_lock = threading.Lock()
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


def each_workspace(work: Work, *, threads: int = THREADS, budget: float = BUDGET) -> Work:
    """`work` as a job that runs once per active workspace, each on its own (see the module)."""
    name = getattr(work, "__name__", repr(work))

    @wraps(work)
    def tick(context: JobContext, now: datetime) -> str:
        done, count = Tick(), 0
        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"job-{name}")
        futures: dict[Future[str], str] = {}
        for team_id in active_team_ids(context.session_factory):
            count += 1
            if not _start((id(context.session_factory), name, team_id)):
                done.late.append(team_id)
                continue
            futures[pool.submit(_one, work, name, context, team_id, now)] = team_id
        unfinished = wait_all(futures, timeout=budget).not_done
        pool.shutdown(wait=False, cancel_futures=True)
        for future, team_id in futures.items():
            if future in unfinished:
                done.late.append(team_id)
                if future.cancelled():
                    _finish((id(context.session_factory), name, team_id))
            elif future.exception() is not None:
                done.failed.append(team_id)
            else:
                done.summaries.append(future.result())
        return done.line(count)

    return tick


def _start(key: tuple[int, str, str]) -> bool:
    with _running_lock:
        if key in _running:
            return False
        _running.add(key)
        return True


def _finish(key: tuple[int, str, str]) -> None:
    with _running_lock:
        _running.discard(key)


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
