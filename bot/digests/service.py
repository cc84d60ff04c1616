"""Digest figures for one week: per rep, per vendor and for the team, in a constant number of queries
whatever the team's size (aggregated in SQL, never a query per rep or per goal). No Slack imports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, Subquery, func, select, true
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins.models import CheckIn, Confidence
from bot.digests import sources
from bot.digests.sources import FigureSource
from bot.goals.models import Goal, GoalStatus, WeeklyTarget
from bot.goals.numbers import stored
from bot.roster.models import Member, Role, Vendor
from bot.roster.service import Caller

ON_PACE, CLOSE = Decimal(1), Decimal("0.85")
ZERO = Decimal(0)


@dataclass
class Amounts:
    """Week and period-to-date figures for one unit ("USD", "count", …)."""

    week_target: Decimal = ZERO
    week_result: Decimal = ZERO
    target_to_date: Decimal = ZERO
    result_to_date: Decimal = ZERO

    def add(self, other: Amounts) -> None:
        self.week_target += other.week_target
        self.week_result += other.week_result
        self.target_to_date += other.target_to_date
        self.result_to_date += other.result_to_date

    @property
    def pace(self) -> Decimal | None:
        return self.result_to_date / self.target_to_date if self.target_to_date else None


@dataclass
class RepLine:
    rep: Member
    vendor: str | None
    by_unit: dict[str, Amounts] = field(default_factory=dict)
    checked_in: bool = False
    confidence: Confidence | None = None  # the least confident answer of the week
    needs_help: bool = False
    blockers: list[str] = field(default_factory=list)
    last_week_attainment: Decimal | None = None
    # the week's figures that had another source (the CRM's) beside them, by unit (`bot.digests.sources`)
    sources: dict[str, FigureSource] = field(default_factory=dict)

    @property
    def pace(self) -> Decimal | None:
        paces = [a.pace for a in self.by_unit.values() if a.pace is not None]
        return sum(paces, ZERO) / len(paces) if paces else None

    @property
    def attainment(self) -> Decimal | None:
        """This week's result over this week's target, averaged over units."""
        ratios = [a.week_result / a.week_target for a in self.by_unit.values() if a.week_target]
        return sum(ratios, ZERO) / len(ratios) if ratios else None

    @property
    def movement(self) -> Decimal | None:
        if self.attainment is None or self.last_week_attainment is None:
            return None
        return self.attainment - self.last_week_attainment


def status_of(pace: Decimal | None) -> str:
    """on (≥ 100 %), close (85–100 %), behind (< 85 %), or none when nothing was due yet."""
    if pace is None:
        return "none"
    return "on" if pace >= ON_PACE else "close" if pace >= CLOSE else "behind"


@dataclass
class Digest:
    team_id: str
    week_start: date
    lines: list[RepLine]
    totals: dict[str, Amounts]
    vendors: dict[str, dict[str, Amounts]]  # vendor name → unit → amounts

    @property
    def missing(self) -> list[RepLine]:
        return [line for line in self.lines if not line.checked_in]

    @property
    def sourced(self) -> bool:
        """Some figure of the week had another source beside it: the digest says what its marks mean."""
        return any(line.sources for line in self.lines)

    @property
    def help_requests(self) -> list[RepLine]:
        return [line for line in self.lines if line.needs_help]

    def movers(self, count: int = 3) -> list[RepLine]:
        moving = [line for line in self.lines if line.movement is not None and line.movement > 0]
        return sorted(moving, key=lambda line: line.movement or ZERO, reverse=True)[:count]


@dataclass(frozen=True)
class Scope:
    """Whose figures: a workspace's reps, one manager's team, one vendor's reps, or one rep."""

    team_id: str
    manager_id: int | None = None
    vendor_id: int | None = None
    rep_id: int | None = None

    def reps(self) -> Select[Member, str]:
        """The scope's reps with their vendor's name, in the order the digest lists them."""
        return (
            select(Member, Vendor.name)
            .outerjoin(Vendor, Vendor.id == Member.vendor_id)
            .where(*self._filters())
            .order_by(Member.display_name, Member.id)
        )

    def rep_ids(self) -> Select[int]:
        """Only their ids, for `IN (…)`: no vendor join and no order for the database to carry out."""
        return select(Member.id).where(*self._filters())

    def _filters(self) -> list[Any]:
        filters = [
            Member.team_id == self.team_id,
            Member.on_team.is_(True),
            Member.active.is_(True),
            Member.role == Role.REP,
        ]
        if self.manager_id is not None:
            filters.append(Member.manager_id == self.manager_id)
        if self.vendor_id is not None:
            filters.append(Member.vendor_id == self.vendor_id)
        if self.rep_id is not None:
            filters.append(Member.id == self.rep_id)
        return filters


def build(session: Session, scope: Scope, week_start: date) -> Digest:
    """The digest for the ISO week starting `week_start`, over the reps in `scope`."""
    lines = {rep.id: RepLine(rep, vendor) for rep, vendor in session.execute(scope.reps())}
    week_end, last_week = calendar.week_end(week_start), week_start - calendar.WEEK
    active = (
        Goal.team_id == scope.team_id,
        Goal.status == GoalStatus.ACTIVE,
        Goal.start_date <= week_end,
        Goal.end_date >= week_start,
        Goal.rep_id.in_(scope.rep_ids()),
    )
    goals = select(Goal.id, Goal.rep_id, Goal.unit).where(*active).subquery()
    weeks = Weeks(week_start, last_week)
    if session.get_bind().dialect.name == "postgresql":
        sums = _lateral_sums(active, weeks)
    else:
        sums = _grouped_sums(goals, weeks)
    _add_amounts(lines, session.execute(sums))
    _add_answers(session, lines, goals, week_start)
    for rep_id, by_unit in sources.of(session, scope.team_id, week_start, scope.rep_ids()).items():
        if rep_id in lines:
            lines[rep_id].sources = by_unit
    return _totals(scope.team_id, week_start, list(lines.values()))


@dataclass(frozen=True)
class Weeks:
    this: date
    last: date

    def sums(self, value: Any, week: Any) -> tuple[Any, Any, Any]:
        """The week's sum, the sum to date and last week's sum of `value`."""
        return (
            func.sum(value).filter(week == self.this).label("week"),
            func.sum(value).filter(week <= self.this).label("to_date"),
            func.sum(value).filter(week == self.last).label("last_week"),
        )


def _lateral_sums(active: tuple[Any, ...], weeks: Weeks) -> Select[Any]:
    """PostgreSQL: per active goal, its targets' and results' sums, each from a `LATERAL` aggregate over
    the goal's rows in a covering index (an index-only scan of ~52 entries per goal, rather than a hash
    aggregate over every row of the workspace). Goals without weekly targets are left out."""
    targets = (
        select(*weeks.sums(WeeklyTarget.target, WeeklyTarget.week_start))
        .where(WeeklyTarget.goal_id == Goal.id)
        .having(func.count() > 0)
        .lateral("targets")
    )
    results = (
        select(*weeks.sums(CheckIn.result, CheckIn.week_start))
        .where(CheckIn.goal_id == Goal.id)
        .lateral("results")
    )
    return (
        select(Goal.id, Goal.rep_id, Goal.unit, *targets.c, *results.c)
        .select_from(Goal)
        .join(targets, true())
        .join(results, true())
        .where(*active)
        .order_by(Goal.id)
    )


def _grouped_sums(goals: Subquery, weeks: Weeks) -> Select[Any]:
    """Elsewhere (SQLite, no `LATERAL`): the same rows from two grouped subqueries joined to the goals."""

    def grouped(value: Any, goal: Any, week: Any) -> Subquery:
        return (
            select(goal.label("goal_id"), *weeks.sums(value, week))
            .join(goals, goals.c.id == goal)
            .group_by(goal)
            .subquery()
        )

    targets = grouped(WeeklyTarget.target, WeeklyTarget.goal_id, WeeklyTarget.week_start)
    results = grouped(CheckIn.result, CheckIn.goal_id, CheckIn.week_start)
    return (
        select(goals.c.id, goals.c.rep_id, goals.c.unit, *list(targets.c)[1:], *list(results.c)[1:])
        .join(targets, targets.c.goal_id == goals.c.id)
        .outerjoin(results, results.c.goal_id == goals.c.id)
        .order_by(goals.c.id)
    )


def _add_amounts(lines: dict[int, RepLine], rows: Iterable[Any]) -> None:
    """Each goal's sums (one row per goal, in goal order) into its rep's line, by unit: its `Amounts` is
    the line's own for the unit's first goal (no copy); and each rep's last-week attainment."""
    last_week_ratios: dict[int, list[Decimal]] = defaultdict(list)
    for _goal_id, rep_id, unit, week_target, target_to_date, last_target, week, to_date, last in rows:
        line = lines[rep_id]
        amounts = Amounts(_amount(week_target), _amount(week), _amount(target_to_date), _amount(to_date))
        same_unit = line.by_unit.get(unit)
        if same_unit is None:
            line.by_unit[unit] = amounts
        else:
            same_unit.add(amounts)
        previous = _amount(last_target)
        if previous:
            last_week_ratios[rep_id].append(_amount(last) / previous)
    for rep_id, ratios in last_week_ratios.items():
        lines[rep_id].last_week_attainment = sum(ratios, ZERO) / len(ratios)


def _amount(value: Decimal | None) -> Decimal:
    """`stored`, without its copy for the usual case: a finite Decimal as the database returns it."""
    return value if type(value) is Decimal and value.is_finite() else stored(value)


def _add_answers(session: Session, lines: dict[int, RepLine], goals: Subquery, week_start: date) -> None:
    order = {Confidence.OFF_TRACK: 0, Confidence.AT_RISK: 1, Confidence.ON_TRACK: 2}
    rows = session.execute(
        select(CheckIn.rep_id, CheckIn.confidence, CheckIn.needs_help, CheckIn.blockers)
        .join(goals, goals.c.id == CheckIn.goal_id)  # (a team_id filter here makes PostgreSQL plan it badly)
        .where(CheckIn.week_start == week_start)
    )
    for rep_id, confidence, needs_help, blockers in rows:
        line = lines[rep_id]
        line.checked_in = True
        if line.confidence is None or order[confidence] < order[line.confidence]:
            line.confidence = confidence
        line.needs_help = line.needs_help or needs_help
        if blockers and blockers not in line.blockers:
            line.blockers.append(blockers)


def _totals(team_id: str, week_start: date, lines: list[RepLine]) -> Digest:
    totals: dict[str, Amounts] = defaultdict(Amounts)
    vendors: dict[str, dict[str, Amounts]] = defaultdict(lambda: defaultdict(Amounts))
    counted = [line for line in lines if line.by_unit]
    for line in counted:
        for unit, amounts in line.by_unit.items():
            totals[unit].add(amounts)
            vendors[line.vendor or ""][unit].add(amounts)
    return Digest(team_id, week_start, counted, dict(totals), {k: dict(v) for k, v in vendors.items()})


@dataclass(frozen=True)
class Series:
    """Cumulative target and result per week, in one unit, for the digest's chart; and the cumulative
    result per vendor ("" for reps without one), which adds up to `result`."""

    unit: str
    weeks: list[date]
    target: list[Decimal]
    result: list[Decimal]
    vendors: dict[str, list[Decimal]] = field(default_factory=dict)


def cumulative(session: Session, scope: Scope, week_start: date) -> Series | None:
    """Week by week up to `week_start`: the cumulative target and result of the scope's active goals in
    their most common unit, the result also per vendor (two grouped queries). None when nothing to draw."""
    goals = (
        select(Goal.id, Goal.unit, Goal.rep_id)
        .where(
            Goal.team_id == scope.team_id,
            Goal.status == GoalStatus.ACTIVE,
            Goal.start_date <= week_start,
            Goal.end_date >= week_start,
            Goal.rep_id.in_(scope.rep_ids()),
        )
        .subquery()
    )
    units = session.execute(
        select(goals.c.unit, func.count()).group_by(goals.c.unit).order_by(func.count().desc())
    )
    top = units.first()
    if top is None:
        return None
    unit = str(top[0])

    def weekly(value: Any, goal: Any, week: Any, *by: Any) -> Select[Any]:
        return (
            select(week, *by, func.sum(value))
            .join(goals, goals.c.id == goal)
            .where(goals.c.unit == unit, week <= week_start)
            .group_by(week, *by)
        )

    targets = weekly(WeeklyTarget.target, WeeklyTarget.goal_id, WeeklyTarget.week_start)
    results = (  # per week and vendor: the same one query, its rows split by the rep's vendor
        weekly(CheckIn.result, CheckIn.goal_id, CheckIn.week_start, Vendor.name)
        .join(Member, Member.id == goals.c.rep_id)
        .outerjoin(Vendor, Vendor.id == Member.vendor_id)
    )
    by_vendor: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for day, vendor, amount in session.execute(results):
        by_vendor[vendor or ""][day] = stored(amount)
    return _running_totals(unit, {day: stored(amount) for day, amount in session.execute(targets)}, by_vendor)


def _running_totals(
    unit: str, targets: dict[date, Decimal], by_vendor: dict[str, dict[date, Decimal]]
) -> Series | None:
    """The cumulative target and result week by week, the result also per vendor; None with fewer than
    two weeks to draw."""
    weeks = sorted(targets)
    if len(weeks) < 2:
        return None
    vendors = {
        name: _running([results.get(week, ZERO) for week in weeks]) for name, results in by_vendor.items()
    }
    weekly_results = [
        sum((results.get(week, ZERO) for results in by_vendor.values()), ZERO) for week in weeks
    ]
    return Series(unit, weeks, _running([targets[week] for week in weeks]), _running(weekly_results), vendors)


def _running(values: list[Decimal]) -> list[Decimal]:
    """Running totals: [1, 2, 3] → [1, 3, 6]."""
    out, total = [], ZERO
    for value in values:
        total += value
        out.append(total)
    return out


def own_scope(caller: Caller) -> Scope:
    """An admin's digest covers the workspace; a manager's, their team."""
    return Scope(caller.team_id) if caller.is_admin() else Scope(caller.team_id, caller.member.id)
