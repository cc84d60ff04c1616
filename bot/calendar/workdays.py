"""Days off: working days (Monday to Friday, not a public holiday of the `holidays` package), time away."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from bot.calendar.weeks import DAY
from bot.calendar.zones import Person, Schedule, local_date, member_zone


def knows_holidays(country: str) -> bool:
    """Whether the `holidays` package has public holidays for this ISO 3166 code ("CN", "US", …)."""
    return country in holidays.list_supported_countries()


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:  # a country the package does not know: no holidays
        return frozenset()


def is_public_holiday(country: str | None, day: date) -> bool:
    return bool(country) and day in _holidays(str(country), day.year)


def is_weekday(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < 5


def is_working_day(day: date, country: str | None) -> bool:
    """A weekday that is not a public holiday in `country` (None: no holidays)."""
    return is_weekday(day) and not is_public_holiday(country, day)


def add_working_days(at: datetime, count: int, in_zone: ZoneInfo, country: str | None) -> datetime:
    """The same local time `count` working days after `at`, counted in `in_zone`'s calendar."""
    local = at.astimezone(in_zone)
    day, counted = local.date(), 0
    while counted < count:
        day += DAY
        counted += 1 if is_working_day(day, country) else 0
    return datetime.combine(day, local.time(), tzinfo=in_zone)


def holiday_country(member: Person, workspace: Schedule) -> str | None:
    """Whose public holidays a member keeps: their own country's, else the workspace's."""
    return member.country or workspace.country


def is_away(member: Person, day: date) -> bool:
    return member.away_until is not None and (member.away_from or date.min) <= day <= member.away_until


def is_day_off(member: Person, workspace: Schedule, day: date) -> bool:
    """Away, or a public holiday in the member's country (else the workspace's)."""
    return is_away(member, day) or is_public_holiday(holiday_country(member, workspace), day)


def works_today(member: Person, workspace: Schedule, now: datetime) -> bool:
    """`now` falls on a working day of the member's, in their own zone and country, and they are not away."""
    today = local_date(now, member_zone(member, workspace))
    return is_working_day(today, holiday_country(member, workspace)) and not is_away(member, today)
