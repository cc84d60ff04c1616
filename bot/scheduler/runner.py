"""APScheduler 3 in the `pacer run` process: each job ticks on an interval, one at a time, never piling up."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot.db import utcnow
from bot.scheduler import Job, JobContext

logger = logging.getLogger(__name__)


def tick(job: Job, context: JobContext) -> None:
    try:
        summary = job.run(context, utcnow())
    except Exception:
        # The next tick tries again: whether something was done is a database fact, not scheduler memory.
        logger.exception("job %s failed; it runs again at its next tick", job.name)
        return
    logger.info("job %s: %s", job.name, summary)


def start_scheduler(jobs: dict[str, Job], context: JobContext) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
    )
    for job in jobs.values():
        scheduler.add_job(
            tick,
            "interval",
            minutes=job.every_minutes,
            args=[job, context],
            id=job.name,
            name=job.name,
            next_run_time=utcnow(),
        )
    scheduler.start()
    logger.info("scheduler started: %s", ", ".join(sorted(jobs)) or "no jobs")
    return scheduler
