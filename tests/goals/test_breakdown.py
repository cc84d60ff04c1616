"""The weekly breakdown of a goal's target: exact sums, fair rounding, ISO weeks, edits and pace."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar import iso_week_start, last_ended_week, period_bounds
from bot.goals.breakdown import (
    QUANTUM_COUNT,
    QUANTUM_CURRENCY,
    Breakdown,
    PeriodTarget,
    WeekTarget,
    breakdown,
    cumulative_target,
    pace,
    quantum_for,
    rebalance,
    weekly_needed,
    weekly_targets,
)

D = Decimal
ONE_DAY = timedelta(days=1)

# --- an independent oracle: each day's exact share of the target, as a Fraction ------------------------


def days_between(start: date, end: date) -> list[date]:
    return [start + ONE_DAY * offset for offset in range((end - start).days + 1)]


def working_or_calendar_days(start: date, end: date) -> list[date]:
    days = days_between(start, end)
    return [day for day in days if day.isoweekday() <= 5] or days


def exact_day_shares(
    start: date, end: date, weights: tuple[int, int, int, int] | None
) -> dict[date, Fraction]:
    if weights is None:
        days = working_or_calendar_days(start, end)
        return {day: Fraction(1, len(days)) for day in days}
    shares: dict[date, Fraction] = {}
    for quarter, weight in enumerate(weights, start=1):
        first = date(start.year, 3 * quarter - 2, 1)
        last = (
            date(start.year + 1, 1, 1) if quarter == 4 else date(start.year, 3 * quarter + 1, 1)
        ) - ONE_DAY
        lo, hi = max(first, start), min(last, end)
        if weight and lo <= hi:
            days = working_or_calendar_days(lo, hi)
            shares.update({day: Fraction(weight, 100 * len(days)) for day in days})
    return shares


def exact_share(shares: dict[date, Fraction], lo: date, hi: date) -> Fraction:
    return sum((share for day, share in shares.items() if lo <= day <= hi), Fraction(0))


# --- strategies ---------------------------------------------------------------------------------------

UNITS = st.sampled_from(["count", "USD", "CNY"])
EDGE_RANGES = [
    (date(2026, 12, 28), date(2027, 1, 10)),  # ISO 2026-W53 spans the new year
    (date(2020, 12, 20), date(2021, 1, 17)),  # 2020 has a W53 too
    (date(2024, 2, 26), date(2024, 3, 3)),  # leap day
    (date(2024, 1, 1), date(2024, 12, 31)),
    (date(2026, 3, 7), date(2026, 3, 8)),  # a weekend only: calendar days
    (date(2026, 3, 4), date(2026, 3, 4)),
]


@st.composite
def date_ranges(draw: st.DrawFn, max_days: int = 800) -> tuple[date, date]:
    if draw(st.booleans()):
        return draw(st.sampled_from(EDGE_RANGES))
    start = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2028, 12, 31)))
    return start, start + ONE_DAY * draw(st.integers(0, max_days))


@st.composite
def one_year_ranges_with_weights(draw: st.DrawFn) -> tuple[date, date, tuple[int, int, int, int]]:
    year = draw(st.sampled_from([2020, 2024, 2026, 2027]))
    first = draw(st.dates(min_value=date(year, 1, 1), max_value=date(year, 12, 31)))
    second = draw(st.dates(min_value=date(year, 1, 1), max_value=date(year, 12, 31)))
    start, end = min(first, second), max(first, second)
    if draw(st.booleans()):
        start, end = date(year, 1, 1), date(year, 12, 31)
    quarters = [q for q in range(4) if start.month <= 3 * q + 3 and end.month >= 3 * q + 1]
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(quarters) - 1, max_size=len(quarters) - 1)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    weights = [0, 0, 0, 0]
    for quarter, part in zip(quarters, parts, strict=True):
        weights[quarter] = part
    return start, end, (weights[0], weights[1], weights[2], weights[3])


@st.composite
def targets(draw: st.DrawFn, unit: str) -> Decimal:
    quantum = quantum_for(unit)
    top = int(D(10**9) / quantum)
    return draw(st.one_of(st.integers(1, 60), st.integers(1, top))) * quantum


# --- properties ---------------------------------------------------------------------------------------


def check_level(periods: list[PeriodTarget], target: Decimal, quantum: Decimal, shares: dict[date, Fraction]):
    assert sum(p.target for p in periods) == target
    for period in periods:
        assert period.target >= 0
        assert period.target % quantum == 0
        exact = Fraction(target) * exact_share(shares, period.start, period.end)
        assert abs(Fraction(period.target) - exact) < Fraction(quantum), period


def check_weeks(weeks: list[WeekTarget], start: date, end: date) -> None:
    mondays = [week.week_start for week in weeks]
    assert mondays[0] == start - timedelta(days=start.weekday())
    assert mondays[-1] == end - timedelta(days=end.weekday())
    assert all(b - a == timedelta(days=7) for a, b in pairwise(mondays))
    for week in weeks:
        assert week.week_start.isoweekday() == 1
        assert (week.iso_year, week.iso_week) == week.week_start.isocalendar()[:2]


def check_breakdown(
    result: Breakdown, weeks: list[WeekTarget], target: Decimal, unit: str, start, end, weights
):
    quantum = quantum_for(unit)
    shares = exact_day_shares(start, end, weights)
    assert sum(shares.values()) == 1
    for level in (result.quarters, result.months, result.weeks):
        check_level(level, target, quantum, shares)
        assert level[0].start == start and level[-1].end == end
        assert all(b.start - a.end == ONE_DAY for a, b in pairwise(level))
        assert len({p.key for p in level}) == len(level)
    check_weeks(weeks, start, end)
    assert [w.target for w in weeks] == [p.target for p in result.weeks]
    assert [f"{w.iso_year}-W{w.iso_week:02d}" for w in weeks] == [p.key for p in result.weeks]
    for period in result.weeks:
        if exact_share(shares, period.start, period.end) == 0:
            assert period.target == 0, period
    if weights is None and any(day.isoweekday() <= 5 for day in days_between(start, end)):
        for period in result.weeks:
            if all(day.isoweekday() > 5 for day in days_between(period.start, period.end)):
                assert period.target == 0, period


@settings(max_examples=200, deadline=None)  # never a timed test: a busy machine is not a failure
@given(data=st.data(), unit=UNITS)
def test_breakdown_sums_exactly_and_rounds_fairly(data: st.DataObject, unit: str) -> None:
    start, end = data.draw(date_ranges())
    target = data.draw(targets(unit))
    weeks = weekly_targets(target=target, unit=unit, start=start, end=end)
    result = breakdown(target=target, unit=unit, start=start, end=end)
    check_breakdown(result, weeks, target, unit, start, end, None)
    full = [w.target for w in weeks if w.week_start >= start and w.week_start + timedelta(days=4) <= end]
    if full:
        assert max(full) - min(full) <= quantum_for(unit)


@settings(max_examples=200, deadline=None)  # never a timed test: a busy machine is not a failure
@given(data=st.data(), unit=UNITS)
def test_weighted_breakdown_sums_exactly_and_follows_the_weights(data: st.DataObject, unit: str) -> None:
    start, end, weights = data.draw(one_year_ranges_with_weights())
    target = data.draw(targets(unit))
    weeks = weekly_targets(target=target, unit=unit, start=start, end=end, quarter_weights=weights)
    result = breakdown(target=target, unit=unit, start=start, end=end, quarter_weights=weights)
    check_breakdown(result, weeks, target, unit, start, end, weights)
    for quarter in result.quarters:
        weight = weights[int(quarter.key[-1]) - 1]
        assert abs(Fraction(quarter.target) - Fraction(target) * weight / 100) < Fraction(quantum_for(unit))
        if weight == 0:
            assert quarter.target == 0


@settings(max_examples=200, deadline=None)  # never a timed test: a busy machine is not a failure
@given(data=st.data(), unit=UNITS)
def test_rebalance_keeps_the_past_and_hits_the_new_target(data: st.DataObject, unit: str) -> None:
    start, end = data.draw(date_ranges(max_days=400))
    quantum = quantum_for(unit)
    weeks = weekly_targets(target=data.draw(targets(unit)), unit=unit, start=start, end=end)
    from_week = data.draw(
        st.sampled_from([w.week_start for w in weeks] + [weeks[-1].week_start + ONE_DAY * 7])
    )
    new_end = data.draw(st.dates(min_value=start, max_value=end + ONE_DAY * 60))
    new_target = data.draw(targets(unit))
    past = [w for w in weeks if w.week_start < from_week]
    remainder = new_target - sum(w.target for w in past)
    if remainder < 0:
        with pytest.raises(ValueError, match="below_past"):
            rebalance(
                weeks=weeks, new_target=new_target, unit=unit, start=start, end=new_end, from_week=from_week
            )
        return
    if from_week > new_end and remainder > 0:
        with pytest.raises(ValueError, match="no_future_weeks"):
            rebalance(
                weeks=weeks, new_target=new_target, unit=unit, start=start, end=new_end, from_week=from_week
            )
        return
    result = rebalance(
        weeks=weeks, new_target=new_target, unit=unit, start=start, end=new_end, from_week=from_week
    )
    assert result[: len(past)] == past
    assert sum(w.target for w in result) == new_target
    assert all(w.target >= 0 and w.target % quantum == 0 for w in result)
    mondays = [w.week_start for w in result]
    assert mondays == sorted(set(mondays))
    future = result[len(past) :]
    if future:
        check_weeks(future, max(from_week, start), new_end)
        shares = exact_day_shares(max(from_week, start), new_end, None)
        for week in future:
            exact = Fraction(remainder) * exact_share(shares, week.week_start, week.week_start + ONE_DAY * 6)
            assert abs(Fraction(week.target) - exact) < Fraction(quantum)


# --- examples computed by hand ------------------------------------------------------------------------


def by_key(periods: list[PeriodTarget]) -> dict[str, Decimal]:
    return {p.key: p.target for p in periods}


def test_a_year_with_quarter_weights() -> None:
    result = breakdown(
        target=D("1000000.00"),
        unit="USD",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        quarter_weights=(20, 25, 25, 30),
    )
    assert by_key(result.quarters) == {
        "2026-Q1": D("200000.00"),
        "2026-Q2": D("250000.00"),
        "2026-Q3": D("250000.00"),
        "2026-Q4": D("300000.00"),
    }
    # Q1 2026 has 64 working days (22 + 20 + 22): 3,125.00 a day.
    months = by_key(result.months)
    assert (months["2026-01"], months["2026-02"], months["2026-03"]) == (
        D("68750.00"),
        D("62500.00"),
        D("68750.00"),
    )
    assert result.weeks[0] == PeriodTarget("2026-W01", date(2026, 1, 1), date(2026, 1, 4), D("6250.00"))
    # Q4 has 66 working days, W53 4 of them (Monday 28 - Thursday 31 December): 300,000 x 4 / 66
    assert result.weeks[-1].key == "2026-W53"
    assert (result.weeks[-1].start, result.weeks[-1].end) == (date(2026, 12, 28), date(2026, 12, 31))
    assert result.weeks[-1].target in {D("18181.81"), D("18181.82")}


def test_a_month_goal_gives_each_working_day_one() -> None:
    weeks = weekly_targets(target=D(22), unit="count", start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert [(w.week_start, w.target) for w in weeks] == [
        (date(2026, 2, 23), 0),  # only Sunday 1 March is in range
        (date(2026, 3, 2), 5),
        (date(2026, 3, 9), 5),
        (date(2026, 3, 16), 5),
        (date(2026, 3, 23), 5),
        (date(2026, 3, 30), 2),
    ]
    result = breakdown(target=D(22), unit="count", start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert result.quarters == [PeriodTarget("2026-Q1", date(2026, 3, 1), date(2026, 3, 31), D(22))]
    assert result.months == [PeriodTarget("2026-03", date(2026, 3, 1), date(2026, 3, 31), D(22))]


def test_a_goal_starting_on_a_wednesday_prorates_its_first_week() -> None:
    weeks = weekly_targets(target=D("2000.00"), unit="CNY", start=date(2026, 3, 4), end=date(2026, 3, 31))
    assert [w.target for w in weeks] == [D("300.00"), D("500.00"), D("500.00"), D("500.00"), D("200.00")]


def test_iso_week_53_spans_the_new_year() -> None:
    weeks = weekly_targets(target=D(10), unit="count", start=date(2026, 12, 28), end=date(2027, 1, 10))
    assert weeks == [
        WeekTarget(date(2026, 12, 28), 2026, 53, D(5)),  # 28-31 December and Friday 1 January
        WeekTarget(date(2027, 1, 4), 2027, 1, D(5)),
    ]
    result = breakdown(target=D(10), unit="count", start=date(2026, 12, 28), end=date(2027, 1, 10))
    assert by_key(result.months) == {"2026-12": 4, "2027-01": 6}
    assert by_key(result.quarters) == {"2026-Q4": 4, "2027-Q1": 6}
    assert [p.key for p in result.weeks] == ["2026-W53", "2027-W01"]


def test_largest_remainders_get_the_leftover_quanta() -> None:
    three_weeks = {"start": date(2026, 3, 2), "end": date(2026, 3, 20)}
    assert [w.target for w in weekly_targets(target=D(7), unit="count", **three_weeks)] == [3, 2, 2]
    cents = weekly_targets(target=D("0.05"), unit="USD", **three_weeks)
    assert [w.target for w in cents] == [D("0.02"), D("0.02"), D("0.01")]
    # 3 then 5 working days: shares 3/8 and 5/8 of one, so the second week gets it.
    uneven = weekly_targets(target=D(1), unit="count", start=date(2026, 3, 4), end=date(2026, 3, 13))
    assert [w.target for w in uneven] == [0, 1]


def test_a_weekend_goal_falls_back_to_calendar_days() -> None:
    assert [
        w.target
        for w in weekly_targets(target=D(10), unit="count", start=date(2026, 3, 7), end=date(2026, 3, 8))
    ] == [10]
    with_monday = weekly_targets(target=D(10), unit="count", start=date(2026, 3, 7), end=date(2026, 3, 9))
    assert [w.target for w in with_monday] == [0, 10]


def test_a_leap_day_is_a_working_day_in_2024() -> None:
    weeks = weekly_targets(target=D(5), unit="count", start=date(2024, 2, 26), end=date(2024, 3, 1))
    assert weeks == [WeekTarget(date(2024, 2, 26), 2024, 9, D(5))]
    result = breakdown(target=D(5), unit="count", start=date(2024, 2, 26), end=date(2024, 3, 1))
    assert by_key(result.months) == {"2024-02": 4, "2024-03": 1}


@pytest.mark.parametrize(
    ("start", "end", "weights"),
    [
        (date(2026, 6, 1), date(2027, 1, 31), (25, 25, 25, 25)),  # two calendar years
        (date(2026, 1, 1), date(2026, 12, 31), (25, 25, 25, 24)),
        (date(2026, 1, 1), date(2026, 12, 31), (50, 50, 10, -10)),
        (date(2026, 1, 1), date(2026, 12, 31), (50, 50, 0)),
        (date(2026, 1, 1), date(2026, 3, 31), (50, 50, 0, 0)),  # Q2 has weight but no day
    ],
)
def test_invalid_quarter_weights_are_refused(
    start: date, end: date, weights: tuple[int, int, int, int]
) -> None:
    with pytest.raises(ValueError, match="weight"):
        weekly_targets(target=D(100), unit="count", start=start, end=end, quarter_weights=weights)


def test_a_quarter_with_weight_zero_gets_nothing() -> None:
    result = breakdown(
        target=D(100),
        unit="count",
        start=date(2026, 1, 1),
        end=date(2026, 6, 30),
        quarter_weights=(100, 0, 0, 0),
    )
    assert by_key(result.quarters) == {"2026-Q1": 100, "2026-Q2": 0}


@pytest.mark.parametrize(
    ("target", "unit", "end"),
    [
        (D("10.005"), "USD", date(2026, 3, 31)),
        (D("1.5"), "count", date(2026, 3, 31)),
        (D(0), "count", date(2026, 3, 31)),
        (D(-5), "count", date(2026, 3, 31)),
        (D("NaN"), "count", date(2026, 3, 31)),
        (D(10), "count", date(2026, 2, 28)),  # ends before it starts
    ],
)
def test_invalid_targets_and_dates_are_refused(target: Decimal, unit: str, end: date) -> None:
    with pytest.raises(ValueError):
        weekly_targets(target=target, unit=unit, start=date(2026, 3, 1), end=end)


# --- rebalance ----------------------------------------------------------------------------------------

FOUR_WEEKS = weekly_targets(target=D(100), unit="count", start=date(2026, 3, 2), end=date(2026, 3, 27))


def test_rebalance_spreads_the_rest_over_the_weeks_left() -> None:
    assert [w.target for w in FOUR_WEEKS] == [25, 25, 25, 25]
    common = {"weeks": FOUR_WEEKS, "unit": "count", "start": date(2026, 3, 2), "from_week": date(2026, 3, 16)}
    raised = rebalance(new_target=D(130), end=date(2026, 3, 27), **common)
    assert [w.target for w in raised] == [25, 25, 40, 40]
    assert raised[:2] == FOUR_WEEKS[:2]
    shorter = rebalance(new_target=D(130), end=date(2026, 3, 20), **common)
    assert [(w.week_start, w.target) for w in shorter] == [
        (date(2026, 3, 2), 25),
        (date(2026, 3, 9), 25),
        (date(2026, 3, 16), 80),
    ]
    longer = rebalance(new_target=D(130), end=date(2026, 4, 3), **common)
    assert [w.target for w in longer] == [25, 25, 27, 27, 26]
    with pytest.raises(ValueError, match="below_past"):
        rebalance(new_target=D(49), end=date(2026, 3, 27), **common)
    assert [w.target for w in rebalance(new_target=D(50), end=date(2026, 3, 27), **common)] == [25, 25, 0, 0]


def test_rebalance_needs_a_week_left_for_a_positive_remainder() -> None:
    common = {"weeks": FOUR_WEEKS, "unit": "count", "start": date(2026, 3, 2), "from_week": date(2026, 3, 16)}
    with pytest.raises(ValueError, match="no_future_weeks"):
        rebalance(new_target=D(60), end=date(2026, 3, 13), **common)
    assert rebalance(new_target=D(50), end=date(2026, 3, 13), **common) == FOUR_WEEKS[:2]
    with pytest.raises(ValueError, match="Monday"):
        rebalance(new_target=D(60), end=date(2026, 3, 27), **{**common, "from_week": date(2026, 3, 18)})


def test_rebalance_with_weights_follows_the_quarters_left() -> None:
    year = {"start": date(2024, 1, 1), "end": date(2024, 12, 31), "quarter_weights": (20, 25, 25, 30)}
    weeks = weekly_targets(target=D("1000000.00"), unit="USD", **year)
    from_week = date(2024, 7, 1)  # a Monday: Q1 and Q2 (450,000.00) are past
    past = [w for w in weeks if w.week_start < from_week]
    assert abs(sum(w.target for w in past) - D("450000.00")) < D("0.30")
    edited = rebalance(weeks=weeks, new_target=D("1550000.00"), unit="USD", from_week=from_week, **year)
    assert edited[: len(past)] == past
    assert sum(w.target for w in edited) == D("1550000.00")
    # Twice what was left (550,000.00) is left: every week left doubles, Q3 and Q4 keeping their 25:30.
    future = edited[len(past) :]
    assert [w.week_start for w in future] == [w.week_start for w in weeks[len(past) :]]
    for new, old in zip(future, weeks[len(past) :], strict=True):
        assert abs(new.target - 2 * old.target) <= D("0.05"), (new, old)


def test_rebalance_spreads_evenly_when_only_weight_zero_quarters_are_left() -> None:
    half = {"start": date(2026, 1, 1), "end": date(2026, 6, 30), "quarter_weights": (100, 0, 0, 0)}
    weeks = weekly_targets(target=D(100), unit="count", **half)
    assert sum(w.target for w in weeks if w.week_start >= date(2026, 4, 6)) == 0
    # 6 April - 30 June: 12 full weeks and Monday-Tuesday 29-30 June, 62 working days.
    edited = rebalance(weeks=weeks, new_target=D(162), unit="count", from_week=date(2026, 4, 6), **half)
    assert [w.target for w in edited if w.week_start >= date(2026, 4, 6)] == [5] * 12 + [2]
    assert sum(w.target for w in edited) == 162


# --- calendar helpers, cumulative targets and pace ----------------------------------------------------


def test_calendar_helpers() -> None:
    assert iso_week_start(date(2026, 3, 2)) == date(2026, 3, 2)
    assert iso_week_start(date(2026, 3, 8)) == date(2026, 3, 2)
    assert iso_week_start(date(2021, 1, 3)) == date(2020, 12, 28)  # 2020-W53
    assert date(2027, 1, 1).isocalendar()[:2] == (2026, 53)
    assert iso_week_start(date(2027, 1, 1)) == date(2026, 12, 28)
    assert last_ended_week(date(2026, 3, 4)) == date(2026, 2, 23)
    assert last_ended_week(date(2026, 3, 2)) == date(2026, 2, 23)
    assert last_ended_week(date(2027, 1, 6)) == date(2026, 12, 28)
    assert period_bounds("year", date(2026, 5, 5)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_bounds("quarter", date(2024, 2, 29)) == (date(2024, 1, 1), date(2024, 3, 31))
    assert period_bounds("quarter", date(2026, 11, 30)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds("month", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("month", date(2026, 12, 15)) == (date(2026, 12, 1), date(2026, 12, 31))
    with pytest.raises(ValueError):
        period_bounds("week", date(2026, 1, 1))
    assert (quantum_for("count"), quantum_for("USD"), quantum_for("CNY")) == (
        QUANTUM_COUNT,
        QUANTUM_CURRENCY,
        D("0.01"),
    )


def test_cumulative_target() -> None:
    assert cumulative_target(FOUR_WEEKS, through=date(2026, 3, 1)) == 0
    assert cumulative_target(FOUR_WEEKS, through=date(2026, 3, 9)) == 50
    assert cumulative_target(FOUR_WEEKS, through=date(2026, 3, 10)) == 50
    assert cumulative_target(FOUR_WEEKS, through=date(2026, 12, 31)) == 100


def test_pace_compares_results_with_targets_so_far() -> None:
    results = {date(2026, 3, 2): D(20), date(2026, 3, 9): D(20), date(2026, 3, 16): D(99)}
    p = pace(goal_target=D(100), unit="count", weeks=FOUR_WEEKS, results=results, through=date(2026, 3, 9))
    assert (p.result_to_date, p.target_to_date, p.ratio, p.projection) == (D(40), D(50), D("0.8"), D(80))
    nothing_due = pace(
        goal_target=D(100), unit="count", weeks=FOUR_WEEKS, results={}, through=date(2026, 2, 23)
    )
    assert (nothing_due.ratio, nothing_due.projection) == (None, None)
    weeks = weekly_targets(target=D("1000.00"), unit="USD", start=date(2026, 3, 2), end=date(2026, 3, 27))

    def projection(result: Decimal) -> Decimal | None:
        first_week = {date(2026, 3, 2): result}
        return pace(
            goal_target=D("1000.00"), unit="USD", weeks=weeks, results=first_week, through=date(2026, 3, 2)
        ).projection

    assert projection(D("250.00") / 3) == D("333.33")
    assert projection(D("500.00") / 3) == D("666.67")
    assert projection(D("83.33125")) == D("333.33")  # 333.325 rounds half-up, not to even
    assert projection(D(0)) == D("0.00")


def test_weekly_needed() -> None:
    def needed(
        result: str, unit: str = "count", target: str = "100", after: date = date(2026, 3, 9)
    ) -> Decimal | None:
        return weekly_needed(
            goal_target=D(target), unit=unit, result_to_date=D(result), weeks=FOUR_WEEKS, after=after
        )

    assert needed("50") == 25
    assert needed("51") == 25  # 24.5 rounds up
    assert needed("0", unit="USD", target="100.00", after=date(2026, 3, 2)) == D("33.34")
    assert needed("100") == 0
    assert needed("150") == 0
    assert needed("0", after=date(2026, 3, 23)) is None
