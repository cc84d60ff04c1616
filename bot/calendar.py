"""The one place Pacer reasons about time, so every feature agrees on what "this week" means.

- Periods: ISO weeks (named by their Monday), months (named by their 1st), quarters, and their keys.
- Days off: working days (Monday to Friday, not a public holiday of the `holidays` package), time away.
- Zones: a member's own zone, else the workspace's, else UTC.
- Instants: when the nudge, its reminder, the digest, the feedback prompt and the field summary are due,
  "the week a check-in is for" and "the month feedback is for".

Pure functions of plain values and of the few settings they read (a `Workspace` or `Member` row fits the
protocols below), so this module imports neither Slack nor the database and no feature imports it back.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

UTC = ZoneInfo("UTC")
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
CATCH_UP = timedelta(hours=24)  # a message missed (Pacer was down) is still sent within a day
REMINDER_BEFORE_DIGEST = timedelta(hours=2)
FEEDBACK_PROMPT_TIME = time(10, 0)  # on the feedback day, in the person's own zone
FEEDBACK_REMINDER_AFTER = timedelta(days=3)  # a feedback prompt not answered this long is reminded
FEEDBACK_REMIND_UNTIL = timedelta(days=10)  # a reminder still worth sending this long after the prompt
FIELD_SUMMARY_TIME = time(9, 0)  # on the 1st of the month, in the workspace's zone
PeriodKind = Literal["year", "quarter", "month", "week"]


class Schedule(Protocol):
    """A workspace's settings about time (a `Workspace` row)."""

    @property
    def timezone(self) -> str: ...
    @property
    def country(self) -> str | None: ...
    @property
    def nudge_weekday(self) -> int: ...
    @property
    def nudge_time(self) -> time: ...
    @property
    def digest_weekday(self) -> int: ...
    @property
    def digest_time(self) -> time: ...
    @property
    def report_current_week(self) -> bool: ...
    @property
    def reminder_delay_hours(self) -> int: ...
    @property
    def feedback_day(self) -> int: ...


class Person(Protocol):
    """A member's own zone, country and time away (a `Member` row); each falls back to the workspace's."""

    @property
    def timezone(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def away_from(self) -> date | None: ...
    @property
    def away_until(self) -> date | None: ...


# --- zones --------------------------------------------------------------------------------------------
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; raises ZoneInfoNotFoundError or ValueError for a name that is not one."""
    return ZoneInfo(name)


def is_zone(name: str) -> bool:
    """Whether `name` is an IANA zone this machine knows (what setup accepts)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def first_zone(*names: str | None) -> ZoneInfo:
    """The first of `names` that is a known zone, else UTC."""
    for name in names:
        if name and is_zone(name):
            return ZoneInfo(name)
    return UTC


def member_zone(member: Person, workspace: Schedule) -> ZoneInfo:
    """Where a member's day happens: their own zone, else the workspace's, else UTC."""
    return first_zone(member.timezone, workspace.timezone)


def workspace_zone(workspace: Schedule) -> ZoneInfo:
    """The workspace's zone, in which channel posts (digest, field summary) fall due."""
    return ZoneInfo(workspace.timezone)


def local_date(now: datetime, in_zone: ZoneInfo) -> date:
    """The date it is at `now` in `in_zone`."""
    return now.astimezone(in_zone).date()


# --- weeks, months, quarters --------------------------------------------------------------------------
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
    if not (len(key) == 6 and key[:4].isdigit() and key[4] in "Qq" and key[5] in "1234"):
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


# --- working days, holidays, time away ----------------------------------------------------------------


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


# --- weekly instants: nudge, reminder, digest ---------------------------------------------------------


def nudge_slot(workspace: Schedule, in_zone: ZoneInfo, now: datetime) -> datetime:
    """The nudge time, in `in_zone`, of the ISO week that `now` falls in there."""
    monday = iso_week_start(local_date(now, in_zone))
    day = monday + timedelta(days=workspace.nudge_weekday)
    return datetime.combine(day, workspace.nudge_time, tzinfo=in_zone)


def next_nudge(workspace: Schedule, in_zone: ZoneInfo, now: datetime) -> datetime:
    """The first nudge time after `now` (this week's, or next week's once it has passed)."""
    slot = nudge_slot(workspace, in_zone, now)
    return slot if slot > now else nudge_slot(workspace, in_zone, now + WEEK)


def nudged_week(workspace: Schedule, slot: datetime) -> date:
    """The week a nudge at `slot` asks about: the last one that ended, or (Friday teams) this one."""
    this_week = iso_week_start(slot.date())
    return this_week if workspace.report_current_week else this_week - WEEK


def digest_time(workspace: Schedule, week_start: date) -> datetime:
    """When the digest for the week starting `week_start` is posted: the next week, workspace time."""
    day = week_start + WEEK + timedelta(days=workspace.digest_weekday)
    return datetime.combine(day, workspace.digest_time, tzinfo=workspace_zone(workspace))


def digest_week(workspace: Schedule, now: datetime) -> date | None:
    """The week whose digest is due now in the workspace's zone (within a day's catch-up), if any."""
    local = now.astimezone(workspace_zone(workspace))
    monday = iso_week_start(local.date())
    slot = datetime.combine(
        monday + timedelta(days=workspace.digest_weekday), workspace.digest_time, tzinfo=local.tzinfo
    )
    return monday - WEEK if slot <= local < slot + CATCH_UP else None


def checkin_week(workspace: Schedule, in_zone: ZoneInfo, now: datetime) -> date:
    """The week `/pacer checkin` is for: last week until its digest is posted, then the current week."""
    this_week = iso_week_start(local_date(now, in_zone))
    if workspace.report_current_week:
        return this_week
    last_week = this_week - WEEK
    return last_week if now < digest_time(workspace, last_week) else this_week


def week_is_open(workspace: Schedule, in_zone: ZoneInfo, week_start: date, now: datetime) -> bool:
    """A check-in for `week_start` may be given: it has begun and its digest is not out yet."""
    this_week = iso_week_start(local_date(now, in_zone))
    if week_start > this_week:
        return False
    return week_start == this_week or now < digest_time(workspace, week_start)


def reminder_time(workspace: Schedule, nudged_at: datetime, week_start: date) -> datetime:
    """When to remind a silent rep: the workspace's delay after the nudge, but while a check-in is still
    worth giving — two hours before that week's digest — and never within an hour of the nudge."""
    delay = nudged_at + timedelta(hours=workspace.reminder_delay_hours)
    before_digest = digest_time(workspace, week_start) - REMINDER_BEFORE_DIGEST
    return max(min(delay, before_digest), nudged_at + timedelta(hours=1))


# --- monthly instants: feedback ----------------------------------------------------------------------


def feedback_date(workspace: Schedule, country: str | None, month: date) -> date:
    """The month's feedback day: the workspace's day (0: the 1st), moved on to a working day, or back
    to one when moving on would leave the month (a 28th that is a Saturday)."""
    day = month.replace(day=workspace.feedback_day or 1)
    step = DAY
    while not is_working_day(day, country):
        day += step
        if day.month != month.month:
            day, step = month.replace(day=workspace.feedback_day or 1), -step
    return day


def local_month(member: Person, workspace: Schedule, now: datetime) -> date:
    """The month feedback is for: the member's current month, in their own zone."""
    return month_of(local_date(now, member_zone(member, workspace)))


def feedback_prompt_month(member: Person, workspace: Schedule, now: datetime) -> date | None:
    """The month whose prompt is due for `member` now: 10:00 on the feedback day in their own zone, within
    a day's catch-up, unless they are away."""
    in_zone = member_zone(member, workspace)
    month = month_of(local_date(now, in_zone))
    day = feedback_date(workspace, holiday_country(member, workspace), month)
    slot = datetime.combine(day, FEEDBACK_PROMPT_TIME, tzinfo=in_zone)
    if slot <= now < slot + CATCH_UP and not is_day_off(member, workspace, day):
        return month
    return None


def field_summary_month(workspace: Schedule, now: datetime) -> date | None:
    """The month summarised now: the month before, from 09:00 on the 1st in the workspace's zone."""
    in_zone = workspace_zone(workspace)
    local = now.astimezone(in_zone)
    month = month_of(local.date())
    if local >= datetime.combine(month, FIELD_SUMMARY_TIME, tzinfo=in_zone):
        return previous_month(month)
    return None


def feedback_window_open(member: Person, workspace: Schedule, now: datetime) -> bool:
    """Whether `member` (a manager) is asked for this month's feedback now: from the prompt on the feedback
    day, in their own zone, for as long as a reminder is still worth sending."""
    in_zone = member_zone(member, workspace)
    day = feedback_date(workspace, holiday_country(member, workspace), month_of(local_date(now, in_zone)))
    opens = datetime.combine(day, FEEDBACK_PROMPT_TIME, tzinfo=in_zone)
    return opens <= now < opens + FEEDBACK_REMIND_UNTIL


def status_weeks(workspace: Schedule, now: datetime) -> tuple[date, date]:
    """The weeks `/pacer status` and the Home tab may show, in the workspace's zone: the last one that
    has ended, and the current one (in progress; shown when no goal reaches back into the last)."""
    this_week = iso_week_start(local_date(now, workspace_zone(workspace)))
    return this_week - WEEK, this_week
