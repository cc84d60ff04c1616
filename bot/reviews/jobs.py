"""`reviews-open`: open each workspace's quarterly review on its day (the configured number of days
before the quarter ends, in the workspace's own zone). Opening is a database fact — one cycle per quarter
and workspace — so a missed or repeated tick opens it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.reviews.service import open_due_cycle
from bot.scheduler import Job, JobContext, for_each_unit
from bot.workspaces.models import Workspace


def open_cycles(context: JobContext, now: datetime) -> str:
    """Each workspace in a transaction of its own: open its review if today is on or after the day."""
    with context.session_factory() as session:
        workspaces = list(session.scalars(select(Workspace)))
        session.expunge_all()

    def open_one(session: Session, workspace: Workspace) -> bool:
        today = calendar.local_date(now, calendar.workspace_zone(workspace))
        return open_due_cycle(session, workspace.team_id, today, now=now) is not None

    done = for_each_unit(context.session_factory, [(f"reviews:{w.team_id}", w) for w in workspaces], open_one)
    return f"{done.results.count(True)} quarterly reviews opened{done.note()}"


JOBS = [Job("reviews-open", "open each workspace's quarterly review on its day", 60, open_cycles)]
