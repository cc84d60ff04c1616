"""A goal's target split into quarters, months and ISO weeks, and the pace of a rep against it.

The target is spread over the working days (Monday to Friday) of the goal's dates, or over its calendar
days when it has no working day; optional quarter weights first share it between calendar quarters.
Each level (quarters, months, weeks) is rounded on its own with the largest-remainder method, so each
sums exactly to the target in whole quanta (0.01 for a currency, 1 for a count).

Shares are kept exact: a period's share, in quanta, is the fraction `numerator / denominator` of two
integers, so rounding never depends on the precision of a decimal context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal, localcontext
from math import lcm

from bot import calendar
from bot.goals.numbers import WIDE

QUANTUM_COUNT = Decimal(1)
QUANTUM_CURRENCY = Decimal("0.01")
QuarterWeights = tuple[int, int, int, int]
_RATIO = Context(prec=28)  # a ratio needs no more digits than this to be shown or compared


@dataclass(frozen=True)
class WeekTarget:
    """The target of one ISO week, named by its Monday."""

    week_start: date
    iso_year: int
    iso_week: int
    target: Decimal


@dataclass(frozen=True)
class PeriodTarget:
    """The target of a quarter ("2026-Q1"), month ("2026-03") or ISO week ("2026-W09"), dates clipped."""

    key: str
    start: date
    end: date
    target: Decimal


@dataclass(frozen=True)
class Breakdown:
    """A goal's target per calendar quarter, month and ISO week; each list sums to the target."""

    quarters: list[PeriodTarget]
    months: list[PeriodTarget]
    weeks: list[PeriodTarget]


@dataclass(frozen=True)
class Pace:
    """Result against target so far; `ratio` and `projection` are None while nothing was due."""

    result_to_date: Decimal
    target_to_date: Decimal
    ratio: Decimal | None
    projection: Decimal | None


def quantum_for(unit: str) -> Decimal:
    """The smallest step of an amount: 1 for "count", 0.01 for a currency code."""
    return QUANTUM_COUNT if unit == "count" else QUANTUM_CURRENCY


def cumulative_target(weeks: list[WeekTarget], *, through: date) -> Decimal:
    """The sum of the (finite) targets of the weeks starting on or before `through`."""
    with localcontext(WIDE):
        return sum(
            (week.target for week in weeks if week.week_start <= through and week.target.is_finite()),
            Decimal(0),
        )


def weekly_targets(
    *, target: Decimal, unit: str, start: date, end: date, quarter_weights: QuarterWeights | None = None
) -> list[WeekTarget]:
    """The target split over the ISO weeks touching [start, end]; the weeks sum exactly to `target`."""
    quantum = _quanta(target, unit, positive=True)
    shares, denominator = _day_shares(start, end, quarter_weights)
    total = _to_quanta(target, quantum)
    return _week_targets(shares, denominator, total, quantum=quantum, start=start, end=end)


def breakdown(
    *, target: Decimal, unit: str, start: date, end: date, quarter_weights: QuarterWeights | None = None
) -> Breakdown:
    """The target split into quarters, months and ISO weeks; each level sums exactly to `target`."""
    quantum = _quanta(target, unit, positive=True)
    shares, denominator = _day_shares(start, end, quarter_weights)
    total = _to_quanta(target, quantum)

    def level(periods: list[tuple[str, date, date]]) -> list[PeriodTarget]:
        amounts = _allocate(shares, denominator, total, periods)
        return [
            PeriodTarget(key, max(lo, start), min(hi, end), amount * quantum)
            for (key, lo, hi), amount in zip(periods, amounts, strict=True)
        ]

    return Breakdown(
        quarters=level(_periods(start, end, "quarter")),
        months=level(_periods(start, end, "month")),
        weeks=level(_periods(start, end, "week")),
    )


def rebalance(
    *,
    weeks: list[WeekTarget],
    new_target: Decimal,
    unit: str,
    start: date,
    end: date,
    from_week: date,
    quarter_weights: QuarterWeights | None = None,
) -> list[WeekTarget]:
    """The weeks after an edit: weeks before `from_week` (a Monday) keep their targets; what remains of
    `new_target` is spread over the weeks from `from_week` to `end` as the goal's days would share it.

    Raises ValueError("below_past") when the past weeks already exceed `new_target`, and
    ValueError("no_future_weeks") when a positive remainder has no day left to go to.
    """
    if calendar.iso_week_start(from_week) != from_week:
        raise ValueError("from_week must be a Monday")
    quantum = _quanta(new_target, unit)
    kept = sorted((week for week in weeks if week.week_start < from_week), key=lambda week: week.week_start)
    remainder = new_target - sum((week.target for week in kept), Decimal(0))
    if remainder < 0:
        raise ValueError("below_past")
    first_day = max(from_week, start)
    if first_day > end:
        if remainder > 0:
            raise ValueError("no_future_weeks")
        return kept
    shares, _ = _day_shares(start, end, quarter_weights)
    future = {day: share for day, share in shares.items() if day >= first_day}
    if not any(future.values()):  # only weight-0 quarters are left: spread evenly rather than lose it
        future, _ = _day_shares(first_day, end, None)
    denominator = sum(future.values())
    total = _to_quanta(remainder, quantum)
    spread = _week_targets(future, denominator, total, quantum=quantum, start=first_day, end=end)
    return kept + spread


def pace(
    *, goal_target: Decimal, unit: str, weeks: list[WeekTarget], results: dict[date, Decimal], through: date
) -> Pace:
    """Results of the weeks up to `through` (inclusive) against their targets, and the year-end
    projection at that ratio, rounded half-up to the unit's quantum.

    Never raises, whatever the stored values: the arithmetic runs in a context wide enough for any of
    them, and a value no amount column should hold (infinite, not a number) counts as nothing."""
    with localcontext(WIDE):
        result_to_date = sum(
            (value for day, value in results.items() if day <= through and value.is_finite()), Decimal(0)
        )
        target_to_date = cumulative_target(weeks, through=through)
        if target_to_date == 0 or not goal_target.is_finite():
            return Pace(result_to_date, target_to_date, None, None)
        ratio = _RATIO.divide(result_to_date, target_to_date)
        projection = (result_to_date * goal_target / target_to_date).quantize(
            quantum_for(unit), rounding=ROUND_HALF_UP
        )
    return Pace(result_to_date, target_to_date, ratio, projection)


def weekly_needed(
    *, goal_target: Decimal, unit: str, result_to_date: Decimal, weeks: list[WeekTarget], after: date
) -> Decimal | None:
    """What each remaining week (starting after `after`) needs to reach the target, rounded up to the
    quantum; 0 when it is already met, None when no week remains (or the figures are not numbers)."""
    remaining = sum(1 for week in weeks if week.week_start > after)
    if remaining == 0 or not (goal_target.is_finite() and result_to_date.is_finite()):
        return None
    quantum = quantum_for(unit)
    with localcontext(WIDE):
        missing = goal_target - result_to_date
        if missing <= 0:
            return Decimal(0) * quantum
        missing_quanta = int((missing / quantum).to_integral_value(rounding=ROUND_CEILING))
        return -(-missing_quanta // remaining) * quantum


# --- allocation ---------------------------------------------------------------------------------------


def _quanta(target: Decimal, unit: str, *, positive: bool = False) -> Decimal:
    """The unit's quantum, once `target` is known to be a whole number of them (and positive)."""
    quantum = quantum_for(unit)
    if not target.is_finite() or target != _to_quanta(target, quantum) * quantum:
        raise ValueError(f"target {target} is not a multiple of {quantum}")
    if positive and target <= 0:
        raise ValueError(f"target {target} is not positive")
    return quantum


def _to_quanta(amount: Decimal, quantum: Decimal) -> int:
    with localcontext(Context(prec=100)):
        return int(amount / quantum)


def _allocation_days(start: date, end: date) -> list[date]:
    """The working days of [start, end], or all of its days when none is a working day."""
    days = calendar.days(start, end)
    return [day for day in days if calendar.is_weekday(day)] or days


def _day_shares(start: date, end: date, weights: QuarterWeights | None) -> tuple[dict[date, int], int]:
    """Each day's share of the target as `shares[day] / denominator` (days without a share are absent)."""
    if end < start:
        raise ValueError("end is before start")
    if weights is None:
        return dict.fromkeys(_allocation_days(start, end), 1), len(_allocation_days(start, end))
    _check_weights(weights, start, end)
    quarters: list[tuple[int, list[date]]] = []
    for index, weight in enumerate(weights):
        q_start, q_end = calendar.period_bounds("quarter", date(start.year, 3 * index + 1, 1))
        lo, hi = max(q_start, start), min(q_end, end)
        if weight > 0:
            if lo > hi:
                raise ValueError(f"quarter Q{index + 1} has weight {weight} but no day in range")
            quarters.append((weight, _allocation_days(lo, hi)))
    common = lcm(*(len(days) for _, days in quarters))
    shares = {day: weight * (common // len(days)) for weight, days in quarters for day in days}
    return shares, 100 * common


def _check_weights(weights: QuarterWeights, start: date, end: date) -> None:
    if start.year != end.year:
        raise ValueError("quarter weights need a goal within one calendar year")
    valid = len(weights) == 4 and all(type(w) is int and w >= 0 for w in weights) and sum(weights) == 100
    if not valid:
        raise ValueError("quarter weights must be 4 non-negative integers summing to 100")


def _allocate(
    shares: dict[date, int], denominator: int, total: int, periods: list[tuple[str, date, date]]
) -> list[int]:
    """`total` quanta shared between the periods by their days' shares, with largest-remainder rounding:
    whole parts first, then one more each to the largest remainders (earlier period first on ties)."""
    numerators = [total * sum(shares.get(day, 0) for day in calendar.days(lo, hi)) for _, lo, hi in periods]
    amounts = [numerator // denominator for numerator in numerators]
    leftover = total - sum(amounts)
    if not 0 <= leftover <= len(amounts):
        raise ValueError("shares do not add up to the total")  # a bug, not bad input
    by_remainder = sorted(range(len(numerators)), key=lambda i: (-(numerators[i] % denominator), i))
    for index in by_remainder[:leftover]:
        amounts[index] += 1
    return amounts


def _week_targets(
    shares: dict[date, int], denominator: int, total: int, *, quantum: Decimal, start: date, end: date
) -> list[WeekTarget]:
    weeks = _periods(start, end, "week")
    amounts = _allocate(shares, denominator, total, weeks)
    return [
        WeekTarget(monday, *calendar.iso_week(monday), amount * quantum)
        for (_, monday, _), amount in zip(weeks, amounts, strict=True)
    ]


# --- periods ------------------------------------------------------------------------------------------


def _periods(start: date, end: date, kind: calendar.PeriodKind) -> list[tuple[str, date, date]]:
    """The (key, first day, last day) of each week, month or quarter touching [start, end], unclipped."""
    return [(calendar.period_key(kind, lo), lo, hi) for lo, hi in calendar.periods(kind, start, end)]
