"""APScheduler 3 in the `pacer run` process: each job ticks on an interval, one at a time, never piling up.

With several processes on one PostgreSQL database, only the holder of an advisory lock ticks; the
others stay ready to take over. Sending is shared by every process (rows are claimed SKIP LOCKED)."""

from __future__ import annotations

import logging
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Connection, Engine, text

from bot.db import utcnow
from bot.scheduler import Job, JobContext

logger = logging.getLogger(__name__)
LEADER_LOCK = 0x5041_4345  # "PACE"


class Leadership:
    """Whether this process runs the ticks. SQLite: always (one process is the supported setup)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def held(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        with self._lock:
            try:
                if self._connection is None:
                    connection = self.engine.connect()
                    if not connection.execute(
                        text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_LOCK}
                    ).scalar():
                        connection.close()
                        return False
                    connection.commit()
                    self._connection = connection
                    logger.info("this process now runs the scheduled jobs")
                self._connection.execute(text("SELECT 1"))  # still connected, so still holding the lock
                return True
            except Exception:
                logger.exception("lost the scheduler lock's connection; another process may take over")
                self._connection = None
                return False

    def release(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


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
