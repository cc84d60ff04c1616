"""`each_workspace`: a job's work once per active workspace, each in sessions that see only its own rows
and with its own client; a workspace that fails is logged and tried again at the next tick, one that is
slow is left behind after the tick's budget (and skipped until it is done) while the others finish, and
hung workspaces delay the others only by their allowance, on a bounded number of threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from unittest.mock import MagicMock

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import aliased

from bot.db import SessionFactory, make_session_factory, utcnow
from bot.events import ContestEnded, Events, raise_after_commit
from bot.roster.models import Member
from bot.scheduler import JobContext, each_workspace
from bot.scheduler.workspaces import active_team_ids, combined
from bot.workspaces.models import Workspace
from tests.conftest import wipe
from tests.factories import member

TEAMS = ("T0000001", "T0000002", "T0000003")


@pytest.fixture
def factory(engine: Engine) -> Iterator[SessionFactory]:
    wipe(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        for n, team_id in enumerate((*TEAMS, "T0000GONE")):
            member(session, f"U{n}", team_id=team_id)
        session.execute(update(Workspace).where(Workspace.team_id == "T0000GONE").values(active=False))
    yield factory
    wipe(engine)


def _context(factory: SessionFactory) -> JobContext:
    clients = MagicMock()
    clients.for_team.side_effect = lambda team_id: f"client of {team_id}"
    return JobContext(MagicMock(), factory, MagicMock(), MagicMock(), MagicMock(), clients=clients)


def test_each_active_workspace_sees_only_its_own_rows_and_client(factory: SessionFactory) -> None:
    seen: dict[str, tuple[list[str], object]] = {}

    def work(context: JobContext, now: datetime) -> str:
        with context.session_factory.begin() as session:
            users = list(session.scalars(select(Member.user_id)))
            other = aliased(Member)  # a second Member in one statement (a rep and their rater) is scoped too
            assert list(session.scalars(select(other.user_id))) == users
            session.execute(update(Member).values(display_name="touched"))  # its own rows only
        assert context.team_id is not None
        seen[context.team_id] = (users, context.client)
        return f"{len(users)} members"

    summary = each_workspace(work)(_context(factory), utcnow())
    assert summary == "3 members (in 3 workspaces)"
    assert seen == {team: ([f"U{n}"], f"client of {team}") for n, team in enumerate(TEAMS)}
    with factory() as session:
        untouched = session.scalars(select(Member.team_id).where(Member.display_name != "touched")).all()
    assert untouched == ["T0000GONE"]  # not active: not worked on


def test_a_failing_workspace_is_retried_next_tick_and_holds_back_no_other(
    factory: SessionFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def work(context: JobContext, now: datetime) -> str:
        if context.team_id == "T0000002":
            raise ValueError("secret user text")
        return "1 nudge"

    summary = each_workspace(work)(_context(factory), utcnow())
    assert summary == "2 nudge (in 3 workspaces); failed in T0000002, tried again at the next tick"
    assert "ValueError" in caplog.text and "secret user text" not in caplog.text


def test_a_tick_while_the_process_stops_leaves_the_rest_for_the_next_start(
    factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At interpreter shutdown no thread can start ('cannot schedule new futures after interpreter
    shutdown'): the tick says which workspaces it left, raises nothing, and holds none of them."""
    submit = ThreadPoolExecutor.submit
    started: list[int] = []

    def stopping(pool: ThreadPoolExecutor, *args: Any, **kwargs: Any) -> Any:
        if started:
            raise RuntimeError("cannot schedule new futures after interpreter shutdown")
        started.append(1)
        return submit(pool, *args, **kwargs)

    work = each_workspace(lambda context, now: "1 nudge")
    monkeypatch.setattr(ThreadPoolExecutor, "submit", stopping)
    summary = work(_context(factory), utcnow())
    assert summary.startswith("1 nudge (in 2 workspaces)") and "T0000002" in summary
    monkeypatch.setattr(ThreadPoolExecutor, "submit", submit)
    assert work(_context(factory), utcnow()) == "3 nudge (in 3 workspaces)"  # none held as still at work


def test_a_slow_workspace_is_left_behind_and_skipped_until_done(factory: SessionFactory) -> None:
    release = threading.Event()

    def work(context: JobContext, now: datetime) -> str:
        if context.team_id == "T0000001":
            release.wait(10)
        return "1 nudge"

    job = each_workspace(work, budget=0.5)
    first = job(_context(factory), utcnow())
    assert first == "2 nudge (in 3 workspaces); still at work in T0000001, left to the next tick"
    second = job(_context(factory), utcnow())  # the slow one has not finished: not started again
    assert second.endswith("still at work in T0000001, left to the next tick")
    release.set()


def _more_workspaces(factory: SessionFactory, count: int) -> list[str]:
    """The fixture's three active workspaces and as many more, sorted as the tick reads them."""
    teams = [f"T{n:07d}" for n in range(1, count + 1)]
    with factory.begin() as session:
        for n, team_id in enumerate(teams[len(TEAMS) :], start=len(TEAMS) + 10):
            member(session, f"U{n}", team_id=team_id)
    return teams


class _Hang:
    """A job's work that hangs in `hung` workspaces until released, and counts what it does."""

    def __init__(self, hung: list[str]) -> None:
        self.__name__ = "hang"  # the job's name: its threads are "job-hang_…"
        self.hung = set(hung)
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.started: dict[str, int] = {}  # times each workspace's work began
        self.at: dict[str, float] = {}  # when (monotonic) each workspace's work began
        self.at_work = self.most_at_once = 0

    def __call__(self, context: JobContext, now: datetime) -> str:
        assert context.team_id is not None
        with self.lock:
            self.started[context.team_id] = self.started.get(context.team_id, 0) + 1
            self.at[context.team_id] = time.monotonic()
            self.at_work += 1
            self.most_at_once = max(self.most_at_once, self.at_work)
        try:
            if context.team_id in self.hung:
                self.release.wait(30)
            return "1 nudge"
        finally:
            with self.lock:
                self.at_work -= 1

    def finish(self) -> None:
        """Let the hung workspaces go and wait for their threads to end (each after its workspace is
        marked done), so none outlives the test and the next tick finds them all done."""
        self.release.set()
        limit = time.monotonic() + 10
        while any(t.name.startswith("job-hang") for t in threading.enumerate()) and time.monotonic() < limit:
            time.sleep(0.01)
        assert not any(t.name.startswith("job-hang") for t in threading.enumerate())


def test_hung_workspaces_delay_the_others_only_by_their_allowance(factory: SessionFactory) -> None:
    """Five workspaces hang (more than the four worked on at once): the healthy ones still start after
    about one allowance (0.5 s; under 3 s on a busy machine), long before the budget (5 s) they used to
    wait out; each hung one is started once, and the tick reports them as left to the next tick."""
    teams = _more_workspaces(factory, 7)
    hang = _Hang(teams[:5])
    job = each_workspace(hang, threads=4, allowance=0.5, budget=5.0)
    try:
        began = time.monotonic()
        summary = job(_context(factory), utcnow())
        took = time.monotonic() - began
        assert (
            summary
            == f"2 nudge (in 7 workspaces); still at work in {', '.join(teams[:5])}, left to the next tick"
        )
        waited = {team: round(hang.at[team] - began, 2) for team in teams[5:]}
        assert all(seconds < 3 for seconds in waited.values()), waited
        assert took < 6  # the tick itself keeps to its budget
        assert hang.started == dict.fromkeys(teams, 1)
        again = job(_context(factory), utcnow())  # the hung ones are still at work: not started twice
        assert again.startswith("2 nudge (in 7 workspaces); still at work in")
        assert hang.started == {**dict.fromkeys(teams[:5], 1), **dict.fromkeys(teams[5:], 2)}
    finally:
        hang.finish()


def test_hung_workspaces_take_at_most_the_jobs_threads_across_ticks(factory: SessionFactory) -> None:
    """Every workspace hangs: a tick starts no more than `most` at once, and the next tick, its threads
    all still held by the first's, starts none; once they are let go, the next tick works on every one."""
    teams = _more_workspaces(factory, 8)
    hang = _Hang(teams)
    job = each_workspace(hang, threads=2, allowance=0.1, budget=1.0, most=5)
    try:
        first = job(_context(factory), utcnow())
        assert first.startswith("nothing to do (in 8 workspaces); still at work in")
        assert hang.most_at_once == 5 and sorted(hang.started) == teams[:5]
        second = job(_context(factory), utcnow())
        assert (
            second
            == f"nothing to do (in 8 workspaces); still at work in {', '.join(teams)}, left to the next tick"
        )
        assert hang.most_at_once == 5 and sum(hang.started.values()) == 5
    finally:
        hang.finish()
    hang.hung.clear()
    third = job(_context(factory), utcnow())  # every thread of the job was given back
    assert third == "8 nudge (in 8 workspaces)"
    assert hang.started == {**dict.fromkeys(teams[:5], 2), **dict.fromkeys(teams[5:], 1)}


def test_workspaces_are_read_in_batches(factory: SessionFactory) -> None:
    assert list(active_team_ids(factory, batch=2)) == list(TEAMS)


def test_summaries_alike_add_up_and_others_are_listed() -> None:
    assert combined(["3 due, 1 new", "2 due, 0 new"]) == "5 due, 1 new"
    assert combined(["3 due", "nothing"]) == "3 due; nothing"
    assert combined([]) == ""


def test_a_jobs_domain_events_reach_their_subscribers(factory: SessionFactory) -> None:
    """The scoped sessions are a factory of their own: the events raised in them must still be
    dispatched after commit (they were silently dropped, so a contest's course seats were never given)."""
    hub = Events(synchronous=True)
    hub.attach(factory)
    heard: list[str] = []
    hub.subscribe(ContestEnded, lambda event: heard.append(event.team_id))

    def work(context: JobContext, now: datetime) -> str:
        assert context.team_id is not None
        with context.session_factory.begin() as session:
            raise_after_commit(session, ContestEnded(context.team_id, 1, ()))
        return "ended"

    summary = each_workspace(work)(_context(factory), utcnow())
    assert sorted(heard) == list(TEAMS), summary
