"""`interactions-prune`: forget the keys of old button presses, submissions and Slack events."""

from __future__ import annotations

from datetime import datetime

from bot.db import utcnow
from bot.interactions.service import prune
from bot.scheduler import Job, JobContext


def prune_interactions(context: JobContext, now: datetime) -> str:
    """Real time, not `now`: a simulated clock (`jobs run --now` a week ahead) must not forget the keys of
    interactions Slack may still send again."""
    del now
    with context.session_factory.begin() as session:
        return f"{prune(session, now=utcnow())} interactions forgotten"


JOBS = [
    Job(
        "interactions-prune",
        "forget button presses, modal submissions and Slack events older than a week",
        360,
        prune_interactions,
    )
]
