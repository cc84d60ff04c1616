"""Which week status shows (`/pacer status`, the Home tab): the last week that has ended, or, on the
first days of new goals, when no goal reaches back into it, the current week in progress. No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Exists, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.digests.service import Scope
from bot.goals.models import Goal, GoalStatus
from bot.workspaces.models import Workspace


@dataclass(frozen=True)
class StatusWeek:
    start: date  # its Monday
    in_progress: bool  # the current week, not yet ended


def status_week(session: Session, scope: Scope, now: datetime) -> StatusWeek:
    """Last week, unless none of the scope's active goals covers it and one covers this week: a goal
    that started this week is shown in progress from its first day, not as "no active goal"."""
    last, this = calendar.status_weeks(session.get_one(Workspace, scope.team_id), now)
    has_last, has_this = session.execute(select(_covers(scope, last), _covers(scope, this))).one()
    if has_this and not has_last:
        return StatusWeek(this, True)
    return StatusWeek(last, False)


def _covers(scope: Scope, week: date) -> Exists:
    """Whether an active goal of the scope overlaps the week starting `week`."""
    return (
        select(Goal.id)
        .where(
            Goal.team_id == scope.team_id,
            Goal.status == GoalStatus.ACTIVE,
            Goal.start_date <= calendar.week_end(week),
            Goal.end_date >= week,
            Goal.rep_id.in_(scope.rep_ids()),
        )
        .exists()
    )
