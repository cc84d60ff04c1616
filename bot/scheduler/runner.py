"""APScheduler 3 in the `pacer run` process: each job ticks on an interval, one at a time, never piling up.

With several processes on one PostgreSQL database, only the holder of an advisory lock ticks; the
others stay ready to take over. Sending is shared by every process (rows are claimed SKIP LOCKED)."""

from __future__ import annotations

import atexit
import logging
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Connection, Engine, text

from bot.db import utcnow
from bot.scheduler import Job, JobContext

logger = logging.getLogger(__name__)
LEADER_LOCK = 0x5041_4345  # "PACE"


class Leadership:
    """Whether this process runs the ticks. SQLite: always (one process is the supported setup).

    PostgreSQL: whoever holds a session-level advisory lock on a connection kept for it. The lock lives as
    long as that session, not the `Connection` object: a connection given back to the pool keeps it, so
    the lock is given up by `pg_advisory_unlock`, and a connection that failed is invalidated (closed on
    the server, which ends its session and its locks), never given back."""

    def __init__(self, engine: Engine, key: int = LEADER_LOCK) -> None:
        self.engine = engine
        self.key = key  # the tests take a key of their own: advisory locks are the whole database's
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def held(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        with self._lock:
            connection = self._connection
            try:
                if connection is None:
                    connection = self.engine.connect()
                    if not connection.execute(
                        text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
                    ).scalar():
                        connection.close()  # holds no lock: back to the pool
                        return False
                    connection.commit()
                    self._connection = connection
                    logger.info("this process now runs the scheduled jobs")
                connection.execute(text("SELECT 1"))  # still connected, so still holding the lock
                connection.commit()  # never left "idle in transaction" (a server may kill such sessions)
                return True
            except Exception:
                logger.exception("lost the scheduler lock's connection; another process may take over")
                self._connection = None
                if connection is not None:
                    _drop(connection)
                return False

    def release_at_exit(self) -> None:
        """Give up the lock when the process exits, once its last job thread has ended (Python joins
        those threads before it runs `atexit`): a tick or a slow workspace's work still running after
        the scheduler stopped keeps the lock, so no other process starts the same jobs meanwhile."""
        atexit.register(self.release)

    def release(self) -> None:
        """Give up the lock, so another process takes over at its next tick rather than never."""
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is None:
                return
            try:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                connection.commit()
                connection.close()
            except Exception:
                logger.warning("could not unlock the scheduler lock; closing its connection instead")
                _drop(connection)


def _drop(connection: Connection) -> None:
    """Close `connection` on the server, whatever its state: its session ends, and its locks with it."""
    try:
        connection.invalidate()
        connection.close()
    except Exception:
        logger.warning("could not close the scheduler lock's connection", exc_info=True)


def tick(job: Job, context: JobContext, leadership: Leadership) -> None:
    if not leadership.held():
        return
    try:
        summary = job.run(context, utcnow())
    except Exception:
        # The next tick tries again: whether something was done is a database fact, not scheduler memory.
        logger.exception("job %s failed; it runs again at its next tick", job.name)
        return
    logger.info("job %s: %s", job.name, summary)


def start_scheduler(jobs: dict[str, Job], context: JobContext, leadership: Leadership) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
    )
    for job in jobs.values():
        if job.every_minutes:
            scheduler.add_job(
                tick,
                "interval",
                minutes=job.every_minutes,
                args=[job, context, leadership],
                id=job.name,
                name=job.name,
                next_run_time=utcnow(),
            )
    scheduler.start()
    logger.info("scheduler started: %s", ", ".join(sorted(n for n, j in jobs.items() if j.every_minutes)))
    return scheduler
