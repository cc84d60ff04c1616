"""The calendar: ISO weeks across a year end (2026 has a week 53), months and quarters, public holidays in
China and the US, each person's zone, and the nudge, digest and feedback instants across DST changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot import calendar


@dataclass(frozen=True)
class Settings:
    """A workspace's settings about time (what `calendar.Schedule` reads)."""

    timezone: str = "UTC"
    country: str | None = None
    nudge_weekday: int = 0
    nudge_time: time = time(9, 0)
    digest_weekday: int = 0
    digest_time: time = time(16, 0)
    report_current_week: bool = False
    reminder_delay_hours: int = 24
    feedback_day: int = 0


@dataclass(frozen=True)
class Person:
    """A member's zone, country and time away (what `calendar.Person` reads)."""

    timezone: str | None = None
    country: str | None = None
    away_from: date | None = None
    away_until: date | None = None


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- ISO weeks ----------------------------------------------------------------------------------------

WEEK_53 = [date(2026, 12, 28) + timedelta(days=n) for n in range(7)]  # Monday 28 Dec to Sunday 3 Jan


@pytest.mark.parametrize("day", WEEK_53)
def test_week_53_spans_the_year_end(day: date) -> None:
    assert calendar.iso_week_start(day) == date(2026, 12, 28)
    assert calendar.iso_week(day) == (2026, 53)
    assert calendar.iso_week_number(day) == 53
    assert calendar.week_end(calendar.iso_week_start(day)) == date(2027, 1, 3)


def test_weeks_around_week_53() -> None:
    assert calendar.iso_week(date(2026, 12, 27)) == (2026, 52)
    assert calendar.iso_week(date(2027, 1, 4)) == (2027, 1)
    assert calendar.last_ended_week(date(2027, 1, 3)) == date(2026, 12, 21)
    assert calendar.last_ended_week(date(2027, 1, 4)) == date(2026, 12, 28)
    assert calendar.period_key("week", date(2026, 12, 28)) == "2026-W53"
    assert calendar.period_key("week", date(2027, 1, 4)) == "2027-W01"
    weeks = calendar.periods("week", date(2026, 12, 31), date(2027, 1, 5))
    assert weeks == [(date(2026, 12, 28), date(2027, 1, 3)), (date(2027, 1, 4), date(2027, 1, 10))]


# --- months and quarters ------------------------------------------------------------------------------


def test_months() -> None:
    assert calendar.month_of(date(2026, 12, 31)) == date(2026, 12, 1)
    assert calendar.month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert calendar.month_end(date(2026, 2, 10)) == date(2026, 2, 28)
    assert calendar.month_end(date(2026, 12, 1)) == date(2026, 12, 31)
    assert calendar.previous_month(date(2027, 1, 1)) == date(2026, 12, 1)
    assert calendar.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert calendar.next_month(date(2026, 1, 31)) == date(2026, 2, 1)
    assert calendar.period_key("month", date(2026, 3, 1)) == "2026-03"
    months = calendar.periods("month", date(2026, 11, 15), date(2027, 1, 2))
    assert [first for first, _ in months] == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]


@pytest.mark.parametrize(
    ("day", "quarter", "bounds"),
    [
        (date(2026, 1, 1), 1, (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2024, 2, 29), 1, (date(2024, 1, 1), date(2024, 3, 31))),
        (date(2026, 4, 1), 2, (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 9, 30), 3, (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 12, 31), 4, (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_quarters(day: date, quarter: int, bounds: tuple[date, date]) -> None:
    assert calendar.quarter_of(day) == quarter
    assert calendar.period_bounds("quarter", day) == bounds
    assert calendar.period_key("quarter", bounds[0]) == f"{day.year}-Q{quarter}"


@pytest.mark.parametrize(
    ("month", "weeks"),
    [
        # Nov 2026: Thursday the 5th to Thursday the 26th; the week of Nov 30 is December's (Thu Dec 3).
        (date(2026, 11, 1), (date(2026, 11, 2), date(2026, 11, 30))),
        # Jan 2027 starts on a Friday: the week of Dec 28 (Thursday Dec 31) is December's.
        (date(2027, 1, 15), (date(2027, 1, 4), date(2027, 2, 1))),
        (date(2026, 12, 1), (date(2026, 11, 30), date(2027, 1, 4))),
    ],
)
def test_a_months_weeks_are_those_whose_thursday_it_holds(month: date, weeks: tuple[date, date]) -> None:
    assert calendar.month_weeks(month) == weeks
    first, end = weeks
    assert all(
        calendar.month_of(monday + timedelta(days=3)) == calendar.month_of(month)
        for monday in [first + timedelta(days=7 * n) for n in range((end - first).days // 7)]
    )


def test_period_bounds_know_no_week() -> None:
    with pytest.raises(ValueError, match="week"):
        calendar.period_bounds("week", date(2026, 1, 1))


# --- working days and public holidays -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "country", "working"),
    [
        (date(2026, 10, 1), "CN", False),  # National Day
        (date(2026, 10, 7), "CN", False),  # still the Golden Week
        (date(2026, 10, 8), "CN", True),
        (date(2026, 10, 1), "US", True),
        (date(2026, 11, 26), "US", False),  # Thanksgiving
        (date(2026, 7, 3), "US", False),  # Independence Day, observed on the Friday
        (date(2026, 11, 26), "CN", True),
        (date(2026, 11, 26), None, True),  # no country: no public holidays
        (date(2026, 11, 28), None, False),  # a Saturday
        (date(2026, 11, 26), "XX", True),  # a country the package does not know: no holidays
    ],
)
def test_working_days(day: date, country: str | None, working: bool) -> None:
    assert calendar.is_working_day(day, country) is working


def test_known_countries() -> None:
    assert calendar.knows_holidays("CN")
    assert calendar.knows_holidays("US")
    assert not calendar.knows_holidays("XX")


def test_add_working_days_skips_weekends_and_holidays() -> None:
    berlin = calendar.zone("Europe/Berlin")
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=berlin)
    assert calendar.add_working_days(friday, 2, berlin, None) == datetime(2026, 12, 1, 10, 0, tzinfo=berlin)
    shanghai = calendar.zone("Asia/Shanghai")
    before_golden_week = datetime(2026, 9, 30, 9, 0, tzinfo=shanghai)
    assert calendar.add_working_days(before_golden_week, 2, shanghai, "CN") == datetime(
        2026, 10, 9, 9, 0, tzinfo=shanghai
    )


def test_day_off_is_time_away_or_a_holiday_of_the_members_country_else_the_workspaces() -> None:
    workspace = Settings(country="US")
    assert calendar.is_day_off(Person(), workspace, date(2026, 11, 26))
    assert not calendar.is_day_off(Person(country="CN"), workspace, date(2026, 11, 26))
    assert calendar.is_day_off(Person(country="CN"), workspace, date(2026, 10, 1))
    away = Person(away_from=date(2026, 12, 20), away_until=date(2027, 1, 3))
    assert calendar.is_day_off(away, workspace, date(2027, 1, 3))
    assert not calendar.is_day_off(away, workspace, date(2027, 1, 4))
    assert calendar.is_day_off(Person(away_until=date(2026, 12, 1)), workspace, date(2026, 11, 2))


# --- zones --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "workspace", "expected"),
    [
        ("Asia/Shanghai", "Europe/Berlin", "Asia/Shanghai"),
        (None, "Europe/Berlin", "Europe/Berlin"),
        ("Mars/Olympus_Mons", "Europe/Berlin", "Europe/Berlin"),  # not a zone: the workspace's
        ("", "America/New_York", "America/New_York"),
        (None, "Not/AZone", "UTC"),  # neither is a zone: UTC
    ],
)
def test_member_zone_falls_back_to_the_workspace_then_utc(
    member: str | None, workspace: str, expected: str
) -> None:
    assert calendar.member_zone(Person(timezone=member), Settings(timezone=workspace)).key == expected


def test_zone_names() -> None:
    assert calendar.is_zone("America/New_York")
    assert not calendar.is_zone("Mars/Olympus_Mons")
    assert not calendar.is_zone("../etc/passwd")
    assert calendar.workspace_zone(Settings(timezone="Europe/Berlin")).key == "Europe/Berlin"
    assert calendar.local_date(utc(2026, 12, 31, 17, 0), calendar.zone("Asia/Shanghai")) == date(2027, 1, 1)


# --- nudge instants across DST changes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "nudge_utc"),
    [
        ("America/New_York", utc(2026, 3, 4, 12), utc(2026, 3, 2, 14)),  # 09:00 EST
        ("America/New_York", utc(2026, 3, 11, 12), utc(2026, 3, 9, 13)),  # 09:00 EDT (from 8 March)
        ("America/New_York", utc(2026, 11, 4, 12), utc(2026, 11, 2, 14)),  # back to EST on 1 November
        ("Europe/Berlin", utc(2026, 3, 25, 12), utc(2026, 3, 23, 8)),  # 09:00 CET
        ("Europe/Berlin", utc(2026, 4, 1, 12), utc(2026, 3, 30, 7)),  # 09:00 CEST (from 29 March)
        ("Europe/Berlin", utc(2026, 10, 28, 12), utc(2026, 10, 26, 8)),  # back to CET on 25 October
    ],
)
def test_nudge_slot_is_local_nine_across_dst(zone: str, now: datetime, nudge_utc: datetime) -> None:
    assert calendar.nudge_slot(Settings(), calendar.zone(zone), now) == nudge_utc


def test_next_nudge_crosses_the_dst_change_at_local_nine() -> None:
    new_york = calendar.zone("America/New_York")
    assert calendar.next_nudge(Settings(), new_york, utc(2026, 3, 2, 13, 59)) == utc(2026, 3, 2, 14)
    assert calendar.next_nudge(Settings(), new_york, utc(2026, 3, 2, 14)) == utc(2026, 3, 9, 13)
    berlin = calendar.zone("Europe/Berlin")
    assert calendar.next_nudge(Settings(), berlin, utc(2026, 10, 19, 8)) == utc(2026, 10, 26, 8)


def test_nudged_week_and_reminder() -> None:
    slot = utc(2027, 1, 4, 9)
    assert calendar.nudged_week(Settings(), slot) == date(2026, 12, 28)
    assert calendar.nudged_week(Settings(report_current_week=True), slot) == date(2027, 1, 4)
    week = date(2026, 12, 28)
    assert calendar.reminder_time(Settings(), slot, week) == utc(2027, 1, 4, 14)  # 2 h before the digest
    early = Settings(reminder_delay_hours=4)
    assert calendar.reminder_time(early, slot, week) == utc(2027, 1, 4, 13)
    late_nudge = utc(2027, 1, 4, 15, 30)
    assert calendar.reminder_time(Settings(), late_nudge, week) == utc(2027, 1, 4, 16, 30)  # ≥ 1 h after


# --- the week a check-in is for, and the digest ----------------------------------------------------------


def test_checkin_week_is_last_week_until_its_digest() -> None:
    workspace, zone = Settings(), calendar.UTC
    assert calendar.checkin_week(workspace, zone, utc(2027, 1, 4, 15, 59)) == date(2026, 12, 28)
    assert calendar.checkin_week(workspace, zone, utc(2027, 1, 4, 16)) == date(2027, 1, 4)
    friday_team = Settings(report_current_week=True)
    assert calendar.checkin_week(friday_team, zone, utc(2027, 1, 3, 12)) == date(2026, 12, 28)
    assert calendar.week_is_open(workspace, zone, date(2026, 12, 28), utc(2027, 1, 4, 15, 59))
    assert not calendar.week_is_open(workspace, zone, date(2026, 12, 28), utc(2027, 1, 4, 16))
    assert not calendar.week_is_open(workspace, zone, date(2027, 1, 11), utc(2027, 1, 4, 16))


def test_digest_time_and_due_week_in_the_workspace_zone() -> None:
    berlin = Settings(timezone="Europe/Berlin")
    assert calendar.digest_time(berlin, date(2026, 12, 28)) == utc(2027, 1, 4, 15)  # 16:00 CET
    assert calendar.digest_week(berlin, utc(2027, 1, 4, 14, 59)) is None
    assert calendar.digest_week(berlin, utc(2027, 1, 4, 15)) == date(2026, 12, 28)
    assert calendar.digest_week(berlin, utc(2027, 1, 5, 14, 59)) == date(2026, 12, 28)  # a day's catch-up
    assert calendar.digest_week(berlin, utc(2027, 1, 5, 15)) is None


# --- the month feedback is for ------------------------------------------------------------------------


def test_local_month_is_the_members_own() -> None:
    workspace = Settings(timezone="Europe/London")
    new_year_in_shanghai = utc(2026, 12, 31, 17)
    assert calendar.local_month(Person(timezone="Asia/Shanghai"), workspace, new_year_in_shanghai) == date(
        2027, 1, 1
    )
    assert calendar.local_month(Person(), workspace, new_year_in_shanghai) == date(2026, 12, 1)


def test_feedback_prompt_month_at_ten_on_the_feedback_day_unless_away() -> None:
    rep, workspace = Person(timezone="America/New_York"), Settings(country="US")
    # 1 January 2027 is New Year's Day (a Friday): the prompt moves to Monday the 4th, 10:00 EST.
    assert calendar.feedback_date(workspace, "US", date(2027, 1, 1)) == date(2027, 1, 4)
    assert calendar.feedback_prompt_month(rep, workspace, utc(2027, 1, 4, 14, 59)) is None
    assert calendar.feedback_prompt_month(rep, workspace, utc(2027, 1, 4, 15)) == date(2027, 1, 1)
    assert calendar.feedback_prompt_month(rep, workspace, utc(2027, 1, 5, 15)) is None  # catch-up over
    away = Person(timezone="America/New_York", away_from=date(2027, 1, 4), away_until=date(2027, 1, 8))
    assert calendar.feedback_prompt_month(away, workspace, utc(2027, 1, 4, 15)) is None


def test_field_summary_month_from_nine_on_the_first() -> None:
    berlin = Settings(timezone="Europe/Berlin")
    assert calendar.field_summary_month(berlin, utc(2027, 1, 1, 7, 59)) is None
    assert calendar.field_summary_month(berlin, utc(2027, 1, 1, 8)) == date(2026, 12, 1)
    assert calendar.field_summary_month(berlin, utc(2027, 1, 20)) == date(2026, 12, 1)


def test_works_today_in_the_members_own_zone_and_country() -> None:
    workspace = Settings(timezone="America/New_York", country="US")
    shanghai = Person(timezone="Asia/Shanghai", country="CN")
    assert calendar.works_today(shanghai, workspace, utc(2026, 11, 26, 3))  # Thanksgiving is not CN's
    assert not calendar.works_today(Person(), workspace, utc(2026, 11, 26, 15))  # Thanksgiving in the US
    assert not calendar.works_today(shanghai, workspace, utc(2026, 9, 30, 17))  # 1 October in Shanghai
    assert calendar.works_today(Person(), workspace, utc(2026, 9, 30, 17))  # still 30 September in New York
    away = Person(away_from=date(2026, 12, 1), away_until=date(2026, 12, 4))
    assert not calendar.works_today(away, workspace, utc(2026, 12, 2, 15))


def test_the_feedback_window_opens_with_the_prompt_and_lasts_while_reminders_are_sent() -> None:
    manager, workspace = Person(timezone="America/New_York"), Settings(country="US")
    # January 2027's feedback day is Monday the 4th (New Year's Day moves it), 10:00 in New York.
    assert not calendar.feedback_window_open(manager, workspace, utc(2027, 1, 4, 14, 59))
    assert calendar.feedback_window_open(manager, workspace, utc(2027, 1, 4, 15))
    assert calendar.feedback_window_open(manager, workspace, utc(2027, 1, 14, 14, 59))
    assert not calendar.feedback_window_open(manager, workspace, utc(2027, 1, 14, 15))  # ten days on
    assert not calendar.feedback_window_open(manager, workspace, utc(2027, 1, 31, 12))


def test_status_weeks_are_last_week_and_this_one_in_the_workspaces_zone() -> None:
    shanghai = Settings(timezone="Asia/Shanghai")
    sunday_night_utc = utc(2026, 12, 6, 17)  # already Monday 7 December in Shanghai
    assert calendar.status_weeks(shanghai, sunday_night_utc) == (date(2026, 11, 30), date(2026, 12, 7))
    assert calendar.status_weeks(Settings(), sunday_night_utc) == (date(2026, 11, 23), date(2026, 11, 30))
