"""Dates people enter (goal periods, time away), bounded before any work: a date picker's "YYYY-MM-DD",
a start from a year before today to two years after (today: the app's clock), a goal at most 3 years
long. So a mistyped year (1, 9999) is a field error, never hundreds of thousands of weekly rows."""

from __future__ import annotations

import re
from datetime import date

LONGEST_YEARS, EARLIEST_YEARS, LATEST_YEARS = 3, 1, 2
_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_date(raw: str | None) -> date | None:
    """A date as a date picker sends it, "YYYY-MM-DD", strictly (ten ASCII characters); else None."""
    if not raw or not _ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def date_window(today: date) -> tuple[date, date]:
    """The first and last day a goal may start on: from a year before `today` to two years after."""
    return add_years(today, -EARLIEST_YEARS), add_years(today, LATEST_YEARS)


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes 28 February in a common year."""
    year = min(max(day.year + years, date.min.year), date.max.year)
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)
