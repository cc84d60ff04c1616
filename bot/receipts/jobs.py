"""`event-receipts`: forget the receipts of events too old for Slack to send again."""

from __future__ import annotations

from datetime import datetime

from bot.db import utcnow
from bot.receipts.service import prune
from bot.scheduler import Job, JobContext


def prune_receipts(context: JobContext, now: datetime) -> str:
    """Real time, not `now`: a simulated clock (`jobs run --now` a week ahead) must not forget the
    receipts of events Slack may still send again."""
    del now
    with context.session_factory.begin() as session:
        return f"{prune(session, now=utcnow())} event receipts forgotten"


JOBS = [Job("event-receipts", "forget receipts of Slack events older than a day", 60, prune_receipts)]
