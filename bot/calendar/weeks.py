"""Periods: ISO weeks (named by their Monday), months (named by their 1st), quarters, and their keys."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from bot.calendar.zones import Schedule, local_date, workspace_zone

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
PeriodKind = Literal["year", "quarter", "month", "week"]


def iso_week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_end(week_start: date) -> date:
    """The Sunday of the ISO week starting `week_start`."""
    return week_start + timedelta(days=6)


def last_ended_week(today: date) -> date:
    """The Monday of the ISO week before `today`'s."""
    return iso_week_start(today) - WEEK


def last_week(workspace: Schedule, now: datetime) -> date:
    """The last ISO week that has ended in the workspace's time zone: the week a digest reports on."""
    return last_ended_week(local_date(now, workspace_zone(workspace)))


def iso_week(day: date) -> tuple[int, int]:
    """`day`'s ISO year and week number: 2027-01-01 is in (2026, 53)."""
    iso_year, week, _ = day.isocalendar()
    return iso_year, week


def iso_week_number(day: date) -> int:
    """`day`'s ISO week number (1 to 53), as shown in week labels."""
    return iso_week(day)[1]


def month_of(day: date) -> date:
    """The 1st of `day`'s month: how a month is named."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1) - DAY


def previous_month(month: date) -> date:
    return month_of(month_of(month) - DAY)


def next_month(month: date) -> date:
    return month_of(month_end(month) + DAY)


def month_weeks(month: date) -> tuple[date, date]:
    """The ISO weeks that belong to `month`'s figures: those whose Thursday falls in it (ISO 8601's rule),
    as [first Monday, first Monday of the next month's weeks). Each has ended by the 4th of the month
    after, so a month's figures never count a week whose check-in can't be in yet."""
    return iso_week_start(month_of(month) + 3 * DAY), iso_week_start(next_month(month) + 3 * DAY)


def quarter_of(day: date) -> int:
    """`day`'s calendar quarter, 1 to 4."""
    return (day.month - 1) // 3 + 1


def period_bounds(kind: str, anchor: date) -> tuple[date, date]:
    """The first and last day of the calendar year, quarter or month containing `anchor`."""
    if kind == "year":
        return date(anchor.year, 1, 1), date(anchor.year, 12, 31)
    if kind == "quarter":
        first_month = 3 * (quarter_of(anchor) - 1) + 1
        return date(anchor.year, first_month, 1), month_end(date(anchor.year, first_month + 2, 1))
    if kind == "month":
        return month_of(anchor), month_end(anchor)
    raise ValueError(f"unknown period kind: {kind!r}")


def quarter_bounds(key: str) -> tuple[date, date]:
    """The first and last day of a review quarter named like "2026Q4"; ValueError for any other name."""
    if not (len(key) == 6 and key.isascii() and key[:4].isdigit() and key[4] in "Qq" and key[5] in "1234"):
        raise ValueError(f"not a quarter: {key!r}")
    return period_bounds("quarter", date(int(key[:4]), 3 * int(key[5]) - 2, 1))


def review_dates(key: str, days_before: int) -> tuple[date, date, date, date]:
    """A review opens `days_before` its quarter's last day; self and peer input are due 2/5 and 7/10 on."""
    last, step = quarter_bounds(key)[1], timedelta(days=days_before) / 10
    return last - 10 * step, last - 6 * step, last - 3 * step, last  # manager review: the last day


def period_key(kind: PeriodKind, first: date) -> str:
    """A period's name: "2026" (year), "2026-Q1" (quarter), "2026-03" (month), "2026-W09" (ISO week)."""
    if kind == "week":
        iso_year, week = iso_week(first)
        return f"{iso_year}-W{week:02d}"
    if kind == "quarter":
        return f"{first.year}-Q{quarter_of(first)}"
    return f"{first.year}-{first.month:02d}" if kind == "month" else str(first.year)


def periods(kind: PeriodKind, start: date, end: date) -> list[tuple[date, date]]:
    """The first and last day of each ISO week, month, quarter or year touching [start, end], unclipped."""
    found = []
    cursor = iso_week_start(start) if kind == "week" else period_bounds(kind, start)[0]
    while cursor <= end:
        last = week_end(cursor) if kind == "week" else period_bounds(kind, cursor)[1]
        found.append((cursor, last))
        cursor = last + DAY
    return found


def days(start: date, end: date) -> list[date]:
    """Every day of [start, end]."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
