"""Scheduled jobs: thin ticks that ask a service who is due now. `pacer jobs run NAME --now …` runs one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.config import Settings
from bot.db import SessionFactory
from bot.delivery.sender import Sender
from bot.scheduler.units import Units, for_each_unit
from bot.slack.directory import Directory

logger = logging.getLogger(__name__)
__all__ = ["Job", "JobContext", "Units", "all_jobs", "for_each_unit", "run_once"]


@dataclass
class JobContext:
    settings: Settings
    session_factory: SessionFactory
    client: WebClient
    directory: Directory
    sender: Sender


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    every_minutes: int  # 0: not ticked by the scheduler (the outbox sender runs continuously instead)
    run: Callable[[JobContext, datetime], str]  # returns a one-line summary of what it did


def send_outbox(context: JobContext, now: datetime) -> str:
    return str(context.sender.drain())


def run_once(context: JobContext, job: Job, now: datetime) -> list[str]:
    """Run `job` as if the clock read `now`, then send what it queued, waiting out retries (`jobs run`).
    `now` decides only what the job finds due: the outbox keeps to the database's clock."""
    lines = [f"{job.name}: {job.run(context, now)}"]
    if job.name != "deliveries":
        lines.append(f"deliveries: {context.sender.drain(linger=timedelta(seconds=90))}")
    return lines


def all_jobs() -> dict[str, Job]:
    from bot.checkins.jobs import JOBS as CHECKIN_JOBS
    from bot.digests.jobs import JOBS as DIGEST_JOBS
    from bot.escalations.jobs import JOBS as ESCALATION_JOBS
    from bot.feedback.jobs import JOBS as FEEDBACK_JOBS
    from bot.interactions.jobs import JOBS as INTERACTION_JOBS
    from bot.roster.jobs import JOBS as ROSTER_JOBS

    outbox = Job(
        "deliveries", "send what is due in the outbox (runs continuously in `pacer run`)", 0, send_outbox
    )
    jobs = [
        *ROSTER_JOBS,
        *CHECKIN_JOBS,
        *DIGEST_JOBS,
        *FEEDBACK_JOBS,
        *ESCALATION_JOBS,
        *INTERACTION_JOBS,
        outbox,
    ]
    return {job.name: job for job in jobs}
