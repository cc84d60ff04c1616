"""Numbers and dates are bounded before any work, and arithmetic on stored amounts never raises.

Property tests (hypothesis, seeded and bounded) over the whole accepted range: the amount reader, the
formatter, the weekly breakdown and pace. Plus the edges people (or forged requests) send."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.goals import breakdown
from bot.goals.dates import add_years, date_window, read_date
from bot.goals.numbers import (
    MAX_AMOUNT,
    fits_column,
    format_amount,
    format_ratio,
    read_amount,
    read_whole,
)
from bot.slack.state import clean, values_of

D = Decimal


def seeded(examples: int) -> settings:
    """Bounded and reproducible: the same examples every run, no deadline (never a timed test)."""
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None)


TODAY = date(2026, 12, 1)
HOSTILE_AMOUNTS = [
    "1" * 30,
    "123456789012345678901234567890",
    "10000000000000000",  # 17 integer digits
    "10000000000000",  # 14: more than a float (SQLite) keeps exactly with cents
    "9999999999999999.999",
    "-5",
    "−5",
    "1e309",
    "1E5",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "٣٤",  # Arabic-Indic digits
    "۳۴",  # Extended Arabic-Indic
    "१२",  # Devanagari
    "12.345",
    "1\x002",
    "12\u202e",
    "9" * 10_000,
    "100000亿",  # 1e13 through a multiplier
    "",
]


@pytest.mark.parametrize("text", HOSTILE_AMOUNTS)
def test_hostile_amounts_are_refused(text: str) -> None:
    assert read_amount(text) is None
    assert read_amount(text, step=D(1), positive=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２", D(12)),  # full-width digits, as CJK keyboards type them
        ("１２，５００．５", D("12500.5")),
        ("9,999,999,999,999.99", MAX_AMOUNT),
        ("0", D(0)),
        ("12.34", D("12.34")),
        ("99999.99亿", D("9999999000000")),
    ],
)
def test_accepted_amounts(text: str, expected: Decimal | None) -> None:
    value = read_amount(text)
    if expected is None:
        assert value is None or fits_column(value)
    else:
        assert value == expected


def test_positive_and_step() -> None:
    assert read_amount("0", positive=True) is None
    assert read_amount("12.5", step=D(1)) is None
    assert read_amount("12", step=D(1), positive=True) == 12


@pytest.mark.parametrize(
    ("text", "allowed", "expected"),
    [
        ("3", range(1, 6), 3),
        (" 5 ", range(1, 6), 5),
        ("0", range(1, 6), None),
        ("6", range(1, 6), None),
        ("٣", range(1, 6), None),
        ("²", range(101), None),  # str.isdigit() is true for it and int() refuses it
        ("9" * 5000, range(101), None),  # int() refuses over 4,300 digits
        ("-1", range(101), None),
        ("1e2", range(101), None),
        ("2147483647", range(1, 2**31), 2**31 - 1),
        ("2147483648", range(1, 2**31), None),
        (None, range(101), None),
    ],
)
def test_read_whole(text: str | None, allowed: range, expected: int | None) -> None:
    assert read_whole(text, allowed) == expected


@seeded(400)
@given(st.text(max_size=80))
def test_reading_any_text_never_raises(text: str) -> None:
    value = read_amount(text)
    assert value is None or (fits_column(value) and value >= 0)
    assert read_whole(text, range(1, 2**31)) is None or text.strip().lstrip("+").isascii()


amounts = st.integers(0, int(MAX_AMOUNT * 100)).map(lambda cents: D(cents).scaleb(-2))


@seeded(300)
@given(amounts, st.sampled_from(["USD", "CNY", "count"]))
def test_every_column_amount_reads_back_from_its_format(value: Decimal, unit: str) -> None:
    shown = format_amount(value, unit, "en")
    if unit != "count":
        assert read_amount(shown) == value
    assert read_amount(f"{value:f}") == value


any_decimal = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=D("-1e400"), max_value=D("1e400"), places=2),
    st.builds(lambda m, e: D(m).scaleb(e), st.integers(-(10**40), 10**40), st.integers(-400, 400)),
    st.sampled_from([D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), D("1e308"), D("-0")]),
)


@seeded(400)
@given(any_decimal, st.sampled_from(["USD", "count"]))
def test_formatting_never_raises(value: Decimal, unit: str) -> None:
    assert format_amount(value, unit, "en")
    assert format_ratio(value)


@seeded(150)
@given(
    target=st.integers(1, int(MAX_AMOUNT * 100)),
    unit=st.sampled_from(["USD", "count"]),
    offset=st.integers(-366, 731),
    length=st.integers(1, 3 * 365),
)
def test_breakdown_sums_exactly_over_the_accepted_range(
    target: int, unit: str, offset: int, length: int
) -> None:
    value = D(target).scaleb(-2) if unit == "USD" else D(target // 100 or 1)
    start = TODAY + timedelta(days=offset)
    end = start + timedelta(days=length)
    weeks = breakdown.weekly_targets(target=value, unit=unit, start=start, end=end)
    assert sum(w.target for w in weeks) == value
    assert all(w.target >= 0 and fits_column(w.target) for w in weeks)
    assert len(weeks) <= 3 * 53 + 1


@seeded(400)
@given(
    goal_target=any_decimal,
    targets=st.lists(any_decimal, max_size=6),
    results=st.lists(any_decimal, max_size=6),
    unit=st.sampled_from(["USD", "count"]),
)
def test_pace_never_raises_for_any_stored_value(
    goal_target: Decimal, targets: list[Decimal], results: list[Decimal], unit: str
) -> None:
    monday = date(2026, 11, 2)
    weeks = [
        breakdown.WeekTarget(monday + timedelta(weeks=i), 2026, 45 + i, t) for i, t in enumerate(targets)
    ]
    done = {monday + timedelta(weeks=i): r for i, r in enumerate(results)}
    through = monday + timedelta(weeks=3)
    pace = breakdown.pace(goal_target=goal_target, unit=unit, weeks=weeks, results=done, through=through)
    assert pace.result_to_date.is_finite() and pace.target_to_date.is_finite()
    assert pace.ratio is None or pace.ratio.is_finite()
    assert pace.projection is None or pace.projection.is_finite()
    needed = breakdown.weekly_needed(
        goal_target=goal_target, unit=unit, result_to_date=pace.result_to_date, weeks=weeks, after=through
    )
    assert needed is None or needed.is_finite()
    for shown in (pace.result_to_date, pace.projection, needed):
        if shown is not None:
            assert format_amount(shown, unit, "zh")
    assert format_ratio(pace.ratio)


def test_thirty_digit_results_already_stored_still_render() -> None:
    huge = D("123456789012345678901234567890.12")
    weeks = [breakdown.WeekTarget(date(2026, 11, 2), 2026, 45, D(10))]
    pace = breakdown.pace(
        goal_target=D(100),
        unit="count",
        weeks=weeks,
        results={date(2026, 11, 2): huge},
        through=date(2026, 11, 2),
    )
    assert pace.projection == D("1234567890123456789012345678901")
    assert format_ratio(pace.ratio).endswith("%")
    assert format_amount(pace.projection or D(0), "count", "en").startswith("1,234,567,890")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("0001-01-01", date(1, 1, 1)),
        ("9999-12-31", date(9999, 12, 31)),
        ("2026-02-30", None),
        ("20261201", None),
        ("2026-W49-1", None),
        ("２０２６-１２-０１", None),
        ("2026-12-01\x00", None),
        ("", None),
        (None, None),
    ],
)
def test_read_date(raw: str | None, expected: date | None) -> None:
    assert read_date(raw) == expected


def test_date_window_and_years() -> None:
    assert date_window(TODAY) == (date(2025, 12, 1), date(2028, 12, 1))
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert add_years(date(9999, 1, 1), 3) == date(9999, 1, 1)  # clamped, never an OverflowError
    assert add_years(date(1, 1, 1), -1) == date(1, 1, 1)


def test_clean_drops_controls_and_caps() -> None:
    assert clean("a\x00b\x07c\r\nd\te\x7f\x85f\ud800g\u200f中🙂", 100) == "abc\nd\tef" + "g\u200f中🙂"
    assert clean("x" * 10_000) == "x" * 3000
    assert len(clean("\x00" * 10_000 + "y", 50)) <= 50


def test_values_of_cuts_one_past_the_inputs_max_length() -> None:
    view = {
        "blocks": [{"type": "input", "block_id": "target", "element": {"max_length": 40}}],
        "state": {
            "values": {
                "target": {"value": {"type": "plain_text_input", "value": "1" * 10_000}},
                "why": {"value": {"type": "plain_text_input", "value": "w\x00hy" * 5000}},
                "metric": {"value": {"type": "static_select", "selected_option": "not an option"}},
            }
        },
    }
    values = values_of(view)
    assert values["target"] == "1" * 41  # one past the input's max_length: the feature refuses it
    assert len(values["why"] or "") == 3001 and "\x00" not in (values["why"] or "")
    assert values["metric"] is None
