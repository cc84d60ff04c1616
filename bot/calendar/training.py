"""Training's instants: the day a rep's lesson is due (the workspace's training weekdays, at the lesson
time in the rep's own zone, a working day of theirs and not away) and when the next one comes, the one
reminder before a course's due date, and how many days a course is overdue in the rep's zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.calendar.instants import WORKING_HOURS, asks_on, next_working_hour
from bot.calendar.weeks import DAY
from bot.calendar.zones import Person, Schedule, first_zone, local_date, member_zone

REMIND_BEFORE = timedelta(days=2)  # the reminder comes in the two days before the due date


def lesson_day(
    member: Person, workspace: Schedule, weekdays: frozenset[int], at: time, now: datetime
) -> date | None:
    """The member's local day whose lesson is due now: one of `weekdays` (Monday 0), from `at` until the
    day ends in their own zone, a working day of theirs (own country, else the workspace's), not away."""
    local = now.astimezone(member_zone(member, workspace))
    today = local.date()
    if today.weekday() not in weekdays or local.time() < at:
        return None
    if not asks_on(member, workspace, today):
        return None
    return today


def next_lesson(
    member: Person,
    workspace: Schedule,
    weekdays: frozenset[int],
    at: time,
    now: datetime,
    *,
    sent_on: date | None,
) -> datetime | None:
    """When the member's next lesson comes (what the Home tab tells them): `at` in their own zone on the
    first day from today that `lesson_day` allows and on which nothing was sent to them yet (`sent_on`:
    the day of the latest), a moment already past when today's is still on its way; None without a
    training day within a year."""
    in_zone = member_zone(member, workspace)
    day = local_date(now, in_zone)
    for _ in range(366):
        if day.weekday() in weekdays and day != sent_on and asks_on(member, workspace, day):
            return datetime.combine(day, at, tzinfo=in_zone)
        day += DAY
    return None


def member_today(member: Person, workspace: Schedule, now: datetime) -> date:
    """The member's own calendar day at `now`."""
    return local_date(now, member_zone(member, workspace))


def zone_today(timezone: str | None, workspace: Schedule, now: datetime) -> date:
    """The calendar day at `now` in a person's zone (`timezone`), else the workspace's (a caller's today)."""
    return local_date(now, first_zone(timezone, workspace.timezone))


def due_reminder_day(member: Person, workspace: Schedule, now: datetime, due: date) -> date | None:
    """The member's local day whose reminder of `due` may go now: within the two days before it, in their
    working hours (10:00 to 18:00 on a working day of theirs, not away); else None."""
    today = member_today(member, workspace, now)
    if not due - REMIND_BEFORE <= today < due:
        return None
    return today if next_working_hour(member, workspace, now, WORKING_HOURS[0].hour) == now else None


def days_overdue(member: Person, workspace: Schedule, now: datetime, due: date) -> int:
    """Whole days past `due` in the member's zone (0 on the due date, negative before it)."""
    return (member_today(member, workspace, now) - due).days


def days_after(day: date, count: int) -> date:
    """The calendar day `count` days after `day` (a recertification's date, a new due date)."""
    return day + timedelta(days=count)
