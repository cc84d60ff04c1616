"""`deliveries`: send what is due in the outbox. `pacer run` runs the sender continuously instead of ticking
this job; `pacer jobs run deliveries` drains the outbox once."""

from __future__ import annotations

from datetime import datetime

from bot.scheduler.job import Job, JobContext


def send_outbox(context: JobContext, now: datetime) -> str:
    return str(context.sender.drain())


JOBS = [
    Job("deliveries", "send what is due in the outbox (runs continuously in `pacer run`)", 0, send_outbox)
]
