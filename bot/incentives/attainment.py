"""A plan's attainment per rep, from Pacer's own goals and check-ins: the same figures the quarterly
scorecard stands on (`bot.reviews.scorecards`: sums of weekly targets and check-in results of *active*
goals over the period's ISO weeks, `calendar.month_weeks`, through a day), here for the plan's metric only,
and the ratio as `bot.reviews.scoring.attainment` gives it (per unit, averaged), kept to 6 decimals
(`stored_ratio`). The results are the CRM's actuals instead when the workspace chose them
(`scorecards.crm_for`, one statement more). Two or three statements for any number of reps. No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.digests.service import Scope
from bot.goals.models import Goal, GoalStatus, Metric, WeeklyTarget
from bot.incentives.models import Audience, IncentivePlan
from bot.reviews import scorecards, scoring

SIX_PLACES = Decimal("0.000001")
MAX_RATIO = Decimal(100)


@dataclass(frozen=True)
class Figure:
    """A rep's figures for the plan's period so far: target and result per unit, and their attainment."""

    targets: dict[str, Decimal]
    results: dict[str, Decimal]
    attainment: Decimal | None
    crm: bool = False  # the results are the CRM's (the workspace's choice), not the reps' reports

    def single(self) -> tuple[str, Decimal, Decimal] | None:
        """(unit, target, result) when the rep's goals of the metric share one unit: what "more" is in."""
        if len(self.targets) != 1:
            return None
        unit, target = next(iter(self.targets.items()))
        return unit, target, self.results.get(unit, Decimal(0))


def scope_of(plan: IncentivePlan) -> Scope:
    """The plan's reps: one manager's team, one vendor's reps, or everyone's (`bot.digests.service.Scope`)."""
    if plan.audience is Audience.TEAM:
        return Scope(plan.team_id, manager_id=plan.manager_id or -1)
    if plan.audience is Audience.VENDOR:
        return Scope(plan.team_id, vendor_id=plan.vendor_id or -1)
    return Scope(plan.team_id)


def span(plan: IncentivePlan, through: date | None) -> tuple[date, date]:
    """The first and last Monday of the period's ISO weeks that count, up to the week of `through`."""
    start, end = (
        calendar.month_weeks(plan.starts_on)[0],
        calendar.month_weeks(plan.ends_on)[1] - calendar.WEEK,
    )
    if through is not None:
        end = min(end, calendar.iso_week_start(through))
    return start, end


def figures(
    session: Session, plan: IncentivePlan, *, through: date | None, rep_id: int | None = None
) -> dict[int, Figure]:
    """Each of the plan's reps (or only `rep_id`) with a target of the metric in the period, by rep id."""
    scope = scope_of(plan)
    if rep_id is not None:
        scope = Scope(scope.team_id, scope.manager_id, scope.vendor_id, rep_id)
    return figures_in(session, scope, plan.metric, span(plan, through))


def figures_in(session: Session, scope: Scope, metric: Metric, weeks: tuple[date, date]) -> dict[int, Figure]:
    """The scope's reps with a target of `metric` in the ISO weeks from `weeks[0]` to `weeks[1]` (their
    Mondays), by rep id: the sums per unit and the attainment."""
    start, end = weeks
    goals = (
        select(Goal.id, Goal.rep_id, Goal.unit, Goal.metric)
        .where(Goal.team_id == scope.team_id, Goal.status == GoalStatus.ACTIVE, Goal.metric == metric)
        .where(Goal.rep_id.in_(scope.rep_ids()))
        .where(Goal.start_date <= calendar.week_end(end), Goal.end_date >= start)
        .subquery()
    )
    targets = scorecards._sums(
        session,
        scorecards._summed(
            WeeklyTarget.target, WeeklyTarget.goal_id, WeeklyTarget.week_start, goals, (start, end)
        ),
    )
    crm = scorecards.crm_for(session, scope.team_id)
    results = scorecards._sums(session, scorecards.results_query(crm, scope.team_id, goals, (start, end)))
    return {
        rep: Figure(
            dict(by_unit),
            dict(results.get(rep, {})),
            stored_ratio(scoring.attainment(by_unit, results.get(rep, {}))),
            crm=crm is not None,
        )
        for rep, by_unit in targets.items()
    }


def stored_ratio(ratio: Decimal | None) -> Decimal | None:
    """Attainment as a payout is computed from and stored: to 6 decimals (half-up), at most 100 (10,000 %,
    where tiers end), never negative; so the stored figure gives back exactly the stored amount."""
    if ratio is None:
        return None
    return min(max(ratio, Decimal(0)), MAX_RATIO).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
