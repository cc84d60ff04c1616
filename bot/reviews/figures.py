"""The quarter of one rep in figures, for their self review and their manager's: each week's attainment
(best and worst), the check-in rate, help requests and monthly feedback acknowledged. Three statements
for any number of goals and weeks. No Slack.

A week counts when a goal of the rep's had a target in it; a week without a check-in is missed, never
0 % (its attainment is not computed), and a quarter without targets has no rate ("no data")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins.models import CheckIn
from bot.feedback.models import ManagerFeedback
from bot.goals.models import Goal, GoalStatus, WeeklyTarget
from bot.reviews import scoring
from bot.reviews.models import ReviewCycle
from bot.reviews.scorecards import quarter_span
from bot.roster.models import Member

Weekly = dict[date, dict[str, Decimal]]


@dataclass(frozen=True)
class QuarterFigures:
    weeks: dict[date, Decimal]  # attainment of each week with a target and a check-in (1.0 = 100 %)
    weeks_due: int  # weeks with a target
    weeks_checked_in: int  # … of which the rep checked in
    help_requests: int  # check-ins asking for help
    feedback: int  # monthly feedback given to the rep in the quarter
    feedback_acknowledged: int

    @property
    def best(self) -> tuple[date, Decimal] | None:
        return max(self.weeks.items(), key=lambda week: (week[1], week[0])) if self.weeks else None

    @property
    def worst(self) -> tuple[date, Decimal] | None:
        return min(self.weeks.items(), key=lambda week: (week[1], week[0])) if self.weeks else None

    @property
    def checkin_rate(self) -> Decimal | None:
        return Decimal(self.weeks_checked_in) / self.weeks_due if self.weeks_due else None


def quarter_figures(session: Session, cycle: ReviewCycle, rep: Member) -> QuarterFigures:
    start, end = quarter_span(cycle.quarter, None)
    goals = (
        select(Goal.id, Goal.unit)
        .where(Goal.team_id == cycle.team_id, Goal.rep_id == rep.id, Goal.status == GoalStatus.ACTIVE)
        .where(Goal.start_date <= calendar.week_end(end), Goal.end_date >= start)
        .subquery()
    )
    targets = _weekly(
        session, (WeeklyTarget.target, WeeklyTarget.goal_id, WeeklyTarget.week_start), goals, (start, end)
    )
    results = _weekly(session, (CheckIn.result, CheckIn.goal_id, CheckIn.week_start), goals, (start, end))
    helped = session.scalar(
        select(func.count())
        .select_from(CheckIn)
        .join(goals, goals.c.id == CheckIn.goal_id)
        .where(CheckIn.week_start >= start, CheckIn.week_start <= end, CheckIn.needs_help.is_(True))
    )
    given, acknowledged = _feedback(session, cycle, rep)
    due = {week for week, units in targets.items() if any(t > 0 for t in units.values())}
    weeks = {
        week: ratio
        for week in sorted(due & results.keys())
        if (ratio := scoring.attainment(targets[week], results[week])) is not None
    }
    return QuarterFigures(weeks, len(due), len(due & results.keys()), int(helped or 0), given, acknowledged)


def _weekly(session: Session, columns: tuple[Any, Any, Any], goals: Any, span: tuple[date, date]) -> Weekly:
    """{week: {unit: sum of `value`}} over the goals' weeks in `span`; `columns` is (value, goal, week)."""
    value, goal, week = columns
    found: Weekly = defaultdict(dict)
    query = (
        select(week, goals.c.unit, func.sum(value))
        .join(goals, goals.c.id == goal)
        .where(week >= span[0], week <= span[1])
        .group_by(week, goals.c.unit)
    )
    for when, unit, amount in session.execute(query):
        found[when][unit] = Decimal(amount)
    return found


def _feedback(session: Session, cycle: ReviewCycle, rep: Member) -> tuple[int, int]:
    first, last = calendar.quarter_bounds(cycle.quarter)
    given, acknowledged = session.execute(
        select(func.count(), func.count(ManagerFeedback.acknowledged_at)).where(
            ManagerFeedback.team_id == cycle.team_id,
            ManagerFeedback.rep_id == rep.id,
            ManagerFeedback.month >= first,
            ManagerFeedback.month <= last,
        )
    ).one()
    return int(given), int(acknowledged)
