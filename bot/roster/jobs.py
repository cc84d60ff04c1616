"""`roster-refresh`: keep members' time zones, languages and active flags in step with Slack."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.roster.models import Member
from bot.roster.service import PROFILE_MAX_AGE, save_profile
from bot.scheduler import Job, JobContext, each_workspace, for_each_unit

logger = logging.getLogger(__name__)
BATCH = 200


def refresh_profiles(context: JobContext, now: datetime) -> str:
    """Ask Slack again about members whose profile is older than a day, a batch per tick."""
    with context.session_factory() as session:
        stale = session.execute(
            select(Member.team_id, Member.user_id)
            .where(
                Member.active.is_(True),
                or_(Member.refreshed_at.is_(None), Member.refreshed_at < now - PROFILE_MAX_AGE),
            )
            .order_by(Member.refreshed_at)
            .limit(BATCH)
        ).all()

    def refresh(session: Session, who: tuple[str, str]) -> bool | None:
        """Ask Slack (before the transaction touches the database), then save: True if still active."""
        team_id, user_id = who
        profile = context.directory.fetch(user_id, team_id=team_id)
        member = session.scalar(select(Member).where(Member.team_id == team_id, Member.user_id == user_id))
        if member is None:
            return None
        if profile is None:
            member.active = False
        else:
            save_profile(session, team_id=team_id, profile=profile, now=now)
        return member.active

    units = [(f"profile:{team_id}:{user_id}", (team_id, user_id)) for team_id, user_id in stale]
    done = for_each_unit(context.session_factory, units, refresh)
    refreshed, gone = done.results.count(True), done.results.count(False)
    return (
        f"{refreshed} profiles refreshed, "
        f"{gone} users gone from Slack (deleted or deactivated) marked inactive{done.note()}"
    )


JOBS = [
    Job(
        "roster-refresh",
        "refresh members' time zone, language and status from Slack",
        60,
        each_workspace(refresh_profiles),
    )
]
