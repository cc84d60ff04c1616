"""`interactions-prune`: forget the keys of old button presses and submissions."""

from __future__ import annotations

from datetime import datetime

from bot.interactions.service import prune
from bot.scheduler import Job, JobContext


def prune_interactions(context: JobContext, now: datetime) -> str:
    with context.session_factory.begin() as session:
        return f"{prune(session, now=now)} interactions forgotten"


JOBS = [
    Job(
        "interactions-prune",
        "forget button presses and modal submissions older than a week",
        360,
        prune_interactions,
    )
]
