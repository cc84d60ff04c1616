"""Figures and dates as people read them (bot/format.py), in both languages: currency per the reader's
language, no ".00" on whole amounts, cents when there are cents, compact forms for summaries, counts and
percentages, and dates through Slack's `<!date>` with a Babel fallback that never names a zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from bot import calendar
from bot import format as fmt
from bot.config import Settings
from bot.i18n import moment, moment_text

SHANGHAI, NEW_YORK = calendar.zone("Asia/Shanghai"), calendar.zone("America/New_York")
NNBSP = "\u202f"  # CLDR's narrow no-break space before AM/PM


@pytest.mark.parametrize(
    ("value", "unit", "english", "chinese"),
    [
        (D(28150), "USD", "$28,150", "US$28,150"),
        (D(28150), "CNY", "CN¥28,150", "¥28,150"),
        (D("28150.5"), "USD", "$28,150.50", "US$28,150.50"),
        (D("28150.004"), "USD", "$28,150", "US$28,150"),  # rounds to a whole amount: no ".00"
        (D(7000), "EUR", "€7,000", "€7,000"),
        (D(7000), "SGD", "SGD7,000", "SGD7,000"),  # no symbol of its own: the code, never a bare "$"
        (D(7000), "AUD", "A$7,000", "AU$7,000"),
        (D(12500), "count", "12,500", "12,500"),
        (D("-0.004"), "USD", "$0", "US$0"),
        (D("NaN"), "USD", "—", "—"),
        (D("Infinity"), "count", "—", "—"),
    ],
)
def test_full_amounts(value: D, unit: str, english: str, chinese: str) -> None:
    assert fmt.amount(value, unit, "en") == english
    assert fmt.amount(value, unit, "zh") == chinese


@pytest.mark.parametrize(
    ("value", "unit", "english", "chinese"),
    [
        (D(28150), "USD", "$28.2K", "US$2.8万"),
        (D(28150), "CNY", "CN¥28.2K", "¥2.8万"),
        (D(28150), "count", "28.2K", "2.8万"),
        (D(1250000), "USD", "$1.3M", "US$125万"),
        (D(420), "USD", "$420", "US$420"),
        # Below what a language shortens (a thousand; 万), the whole amount, grouped, and never cents.
        (D("8122.23"), "USD", "$8.1K", "US$8,122"),
        (D("950.5"), "USD", "$951", "US$951"),
        (D(8000), "count", "8K", "8,000"),
    ],
)
def test_compact_amounts(value: D, unit: str, english: str, chinese: str) -> None:
    assert fmt.amount(value, unit, "en", compact=True) == english
    assert fmt.amount(value, unit, "zh", compact=True) == chinese


def test_one_symbol_means_one_currency_in_each_language() -> None:
    """The rule that makes "$" safe: within a language, no two of Pacer's currencies look alike."""
    units = ("USD", "EUR", "GBP", "CNY", "JPY", "SGD", "HKD", "INR", "AUD")
    for locale in ("en", "zh"):
        shown = {fmt.amount(D(1), unit, locale).replace("1", "") for unit in units}
        assert len(shown) == len(units), shown


def test_counts_and_percentages() -> None:
    assert fmt.count(D("12499.5"), "en") == "12,500" and fmt.count(D(1234567), "zh") == "1,234,567"
    assert fmt.percent(D("0.875"), "en") == "88%" and fmt.percent(D("0.125"), "zh") == "13%"  # half-up
    assert fmt.percent(D("-0.001"), "en") == "0%" and fmt.percent(None, "zh") == "—"


def test_huge_values_never_raise() -> None:
    for value in (D("1e308"), D("-1e400")):
        assert fmt.amount(value, "USD", "en") and fmt.amount(value, "count", "zh", compact=True)
        assert fmt.percent(value, "en").endswith("%")


def test_a_due_date_goes_through_slack_with_a_fallback() -> None:
    english = fmt.slack_day(date(2027, 3, 31), SHANGHAI, "en")
    noon = int(datetime(2027, 3, 31, 12, tzinfo=SHANGHAI).timestamp())
    assert english == f"<!date^{noon}^{{date_short_pretty}}|Mar 31>"
    assert fmt.slack_day(date(2027, 3, 31), SHANGHAI, "zh") == f"<!date^{noon}^{{date_short_pretty}}|3月31日>"
    assert fmt.slack_day(date(2027, 3, 31), SHANGHAI, "en", "year").endswith("^{date_short}|Mar 31, 2027>")


def test_a_moment_is_shown_in_the_readers_zone_and_language_without_a_zone_name() -> None:
    at = datetime(2026, 12, 14, 21, tzinfo=UTC)  # 16:00 in New York, 05:00 the next day in Shanghai
    stamp = int(at.timestamp())
    assert moment(at, NEW_YORK, "en") == (
        f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|Mon, Dec 14 at 4:00{NNBSP}PM>"
    )
    assert moment(at, SHANGHAI, "zh") == f"<!date^{stamp}^{{date_short_pretty}} {{time}}|12月15日周二 05:00>"
    assert moment_text(at, SHANGHAI, "en") == f"Tue, Dec 15 at 5:00{NNBSP}AM"  # plain_text fields
    # With no zone known, the fallback is the day alone, never a time in a zone the reader isn't told of.
    assert moment(at, None, "en").endswith("|Mon, Dec 14>")
    for shown in (moment(at, NEW_YORK, "en"), moment(at, ZoneInfo("America/Chicago"), "zh")):
        assert not re.search(r"UTC|GMT|[ECMP][SD]T|CST", shown)


def test_a_moment_needs_its_zone_and_keeps_its_fallback_inert() -> None:
    with pytest.raises(ValueError):
        fmt.slack_date(datetime(2026, 12, 14, 9), "{time}", "9:00")
    assert fmt.slack_date(datetime(2026, 12, 14, tzinfo=UTC), "{time}", "a|b>c") == (
        "<!date^1797206400^{time}|a·b&gt;c>"
    )


def test_times_and_periods_in_words() -> None:
    assert (
        fmt.time_text(time(16, 30), "en") == f"4:30{NNBSP}PM" and fmt.time_text(time(16, 30), "zh") == "16:30"
    )
    assert fmt.quarter_text(date(2027, 2, 1), "en") == "Q1 2027"
    assert fmt.quarter_text(date(2027, 2, 1), "zh") == "2027年第1季度"
    assert (fmt.month_text(date(2027, 3, 1), "en"), fmt.month_text(date(2027, 3, 1), "zh")) == (
        "Mar 2027",
        "2027年3月",
    )
    assert fmt.day_text(date(2027, 3, 31), "zh", "weekday") == "3月31日周三"


def test_babel_locales_are_cached() -> None:
    assert fmt.babel_locale("zh") is fmt.babel_locale("zh")
    assert str(fmt.babel_locale("en")) == "en_US" and str(fmt.babel_locale("xx")) == "en_US"


def test_local_slack_gets_the_dates_as_text() -> None:
    """local-slack (the demo) renders mrkdwn without `<!date>`: `PACER_PLAIN_DATES` shows the fallback."""
    at = datetime(2026, 12, 14, 21, tzinfo=UTC)
    try:
        Settings(_env_file=None, pacer_plain_dates=True)  # type: ignore[call-arg]
        assert moment(at, NEW_YORK, "en") == f"Mon, Dec 14 at 4:00{NNBSP}PM"
        assert fmt.slack_day(date(2027, 3, 31), SHANGHAI, "zh") == "3月31日"
    finally:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert moment(at, NEW_YORK, "en").startswith("<!date^")
