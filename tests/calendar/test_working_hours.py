"""`calendar.next_working_hour` and `calendar.reminder_day`: when a review asks or reminds someone, in
their own zone and on their own working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot import calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Place:
    timezone: str = "UTC"
    country: str | None = None
    nudge_weekday: int = 0
    nudge_time: time = time(9, 0)
    digest_weekday: int = 0
    digest_time: time = time(9, 0)
    report_current_week: bool = False
    reminder_delay_hours: int = 24
    feedback_day: int = 0


@dataclass
class Someone:
    timezone: str | None = "Asia/Shanghai"
    country: str | None = None
    away_from: date | None = None
    away_until: date | None = None


def local(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "asked"),
    [
        (local(22, 11), local(22, 11)),  # Tuesday 11:00: now
        (local(22, 10), local(22, 10)),
        (local(22, 9, 59), local(22, 10)),  # before ten: at ten
        (local(22, 18), local(23, 10)),  # the working day is over: tomorrow
        (local(25, 20), local(28, 10)),  # Friday evening: Monday
        (local(26, 11), local(28, 10)),  # Saturday
    ],
)
def test_the_next_working_hour_in_the_persons_own_zone(now: datetime, asked: datetime) -> None:
    assert calendar.next_working_hour(Someone(), Place(), now.astimezone(UTC)) == asked


def test_holidays_and_time_away_are_skipped() -> None:
    in_china = Someone(country="CN")
    new_year = local(31, 19)  # Thursday evening; 1 January 2027 is a Friday and a holiday in China
    assert calendar.next_working_hour(in_china, Place(), new_year) == datetime(
        2027, 1, 4, 10, tzinfo=SHANGHAI
    )
    assert calendar.next_working_hour(Someone(), Place(), new_year) == datetime(
        2027, 1, 1, 10, tzinfo=SHANGHAI
    )
    away = Someone(away_from=date(2026, 12, 22), away_until=date(2026, 12, 23))
    assert calendar.next_working_hour(away, Place(), local(22, 11)) == local(24, 10)


def test_a_reminder_day_is_a_working_day_from_ten_until_the_due_date() -> None:
    due = date(2026, 12, 25)
    assert calendar.reminder_day(Someone(), Place(), local(22, 10), due) == date(2026, 12, 22)
    assert calendar.reminder_day(Someone(), Place(), local(22, 9), due) is None
    assert calendar.reminder_day(Someone(), Place(), local(25, 17, 59), due) == due
    assert calendar.reminder_day(Someone(), Place(), local(28, 10), due) is None  # after the due date
    assert calendar.reminder_day(Someone(timezone=None), Place(), local(22, 18), due) == date(2026, 12, 22)
