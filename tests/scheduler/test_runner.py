"""`Leadership`: with several processes on one PostgreSQL database, one only runs the ticks, the holder of
an advisory lock; when it lets go (or its connection dies), another takes over at its next tick."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.db import make_engine
from bot.scheduler.runner import Leadership

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def engines(engine: Engine) -> Iterator[tuple[Engine, Engine]]:
    """Two processes' engines on one database (each its own pool, as two `pacer run` have)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one process, which always leads: no lock to share")
    url = engine.url.render_as_string(hide_password=False)
    first, second = make_engine(url), make_engine(url)
    yield first, second
    first.dispose()
    second.dispose()


@pytest.fixture
def key() -> int:
    """A lock of this test's own: advisory locks are the whole database's, shared by every test run on it."""
    return secrets.randbelow(2**31 - 1) + 1


def _holder(engine: Engine, key: int) -> int | None:
    """The server process holding the advisory lock `key`, if any (pg_locks splits a bigint key in two)."""
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = :key"
                " AND objsubid = 1 AND granted"
            ),
            {"key": key},
        ).scalar()


def test_one_process_leads_and_another_takes_over_after_release(
    engines: tuple[Engine, Engine], key: int
) -> None:
    one, other = Leadership(engines[0], key), Leadership(engines[1], key)
    try:
        assert one.held()
        assert not other.held()
        assert one.held() and not other.held()  # asked again at the next ticks: still so
        one.release()
        assert _holder(engines[0], key) is None  # given up on the server, not only in this object
        assert other.held()
        assert not one.held()  # the old leader does not take it back while the new one holds it
    finally:
        one.release()
        other.release()
    assert _holder(engines[0], key) is None


def test_another_takes_over_when_the_leaders_connection_dies(
    engines: tuple[Engine, Engine], key: int
) -> None:
    one, other = Leadership(engines[0], key), Leadership(engines[1], key)
    try:
        assert one.held() and not other.held()
        pid = _holder(engines[0], key)
        assert pid is not None
        with engines[1].connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        limit = time.monotonic() + 5
        while _holder(engines[0], key) == pid and time.monotonic() < limit:
            time.sleep(0.05)  # the server ends the process (and its locks) just after it is asked to
        assert not one.held()  # its connection is gone: it knows it no longer leads
        assert other.held()
        assert not one.held()
        assert _holder(engines[0], key) != pid
    finally:
        one.release()
        other.release()


CHILD = """
import sys, threading, time
from bot.db import make_engine
from bot.scheduler.runner import Leadership
leadership = Leadership(make_engine(sys.argv[1]), int(sys.argv[2]))
assert leadership.held()
leadership.release_at_exit()
threading.Thread(target=time.sleep, args=(2.0,)).start()  # a job's thread, still at work at the end
print("leading", flush=True)
"""


def test_the_lock_is_kept_until_the_last_job_thread_ends_and_never_idle_in_transaction(
    engines: tuple[Engine, Engine], key: int
) -> None:
    """`pacer run` stopping: its main thread is done but a job's thread still works, so the lock stays
    (no other process starts the same jobs meanwhile) and goes when the process does."""
    url = engines[0].url.render_as_string(hide_password=False)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(key)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "leading", child.communicate()[
            1
        ]
        time.sleep(0.5)  # the main thread has returned; the job's thread sleeps on
        pid = _holder(engines[1], key)
        assert pid is not None and child.poll() is None
        with engines[1].connect() as connection:
            state = connection.execute(
                text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            ).scalar()
        assert state == "idle"  # not "idle in transaction"
        assert child.wait(timeout=15) == 0
    finally:
        child.kill()
    assert _holder(engines[1], key) is None
