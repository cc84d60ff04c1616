"""`retention`: once a day, each workspace with a check-in text limit has older text blanked (recorded)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.exports import retention
from bot.scheduler import Job, JobContext, each_workspace, for_each_unit


def blank_checkin_text(context: JobContext, now: datetime) -> str:
    """One unit of work per workspace: a failing workspace is skipped and tried again tomorrow."""
    with context.session_factory() as session:
        limits = retention.workspaces_with_limit(session)

    def run(session: Session, limit: tuple[str, int]) -> int:
        return retention.blank_old_text(session, limit[0], limit[1], now.date())

    units = [(f"retention:{team_id}", (team_id, days)) for team_id, days in limits]
    done = for_each_unit(context.session_factory, units, run)
    blanked = sum(result for result in done.results if isinstance(result, int))
    return f"{blanked} check-ins' text blanked in {len(limits)} workspaces{done.note()}"


JOBS = (
    Job(
        "retention",
        "blank check-in text older than each workspace's retention",
        1440,
        each_workspace(blank_checkin_text),
    ),
)
