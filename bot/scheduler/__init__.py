"""Scheduled jobs: thin ticks that ask a service who is due now. `pacer jobs run NAME --now …` runs one.
Each feature lists its jobs (`bot.features`); a job is a `Job` (`bot.scheduler.job`, a leaf module), its
work run once per active workspace, each on its own (`each_workspace`, `bot.scheduler.workspaces`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.scheduler.job import Job, JobContext
from bot.scheduler.units import Units, for_each_unit
from bot.scheduler.workspaces import each_workspace
from bot.workspaces.models import Workspace

__all__ = ["Job", "JobContext", "Units", "active_workspaces", "each_workspace", "for_each_unit", "run_once"]


def active_workspaces(session: Session) -> Sequence[Workspace]:
    """The workspaces jobs work on: not those Pacer was uninstalled from (`Workspace.active`)."""
    return session.scalars(select(Workspace).where(Workspace.active).order_by(Workspace.team_id)).all()


def run_once(context: JobContext, job: Job, now: datetime) -> list[str]:
    """Run `job` as if the clock read `now`, then send what it queued, waiting out retries (`jobs run`).
    `now` decides only what the job finds due: the outbox keeps to the database's clock."""
    lines = [f"{job.name}: {job.run(context, now)}"]
    if job.name != "deliveries":
        lines.append(f"deliveries: {context.sender.drain(linger=timedelta(seconds=90))}")
    return lines
