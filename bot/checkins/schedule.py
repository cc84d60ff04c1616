"""When things happen for one person: their nudge time in their own zone, which week a check-in is for,
until when it may be given, and whether today is a day off for them. Pure functions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from bot.goals.breakdown import iso_week_start
from bot.roster.models import Member
from bot.workspaces.models import Workspace

WEEK = timedelta(days=7)
CATCH_UP = timedelta(hours=24)  # a nudge missed (Pacer was down) is still sent within a day
REMINDER_BEFORE_DIGEST = timedelta(hours=2)


def zone_of(member: Member, workspace: Workspace) -> ZoneInfo:
    for name in (member.timezone, workspace.timezone):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def nudge_slot(workspace: Workspace, zone: ZoneInfo, now: datetime) -> datetime:
    """The nudge time, in `zone`, of the ISO week that `now` falls in there."""
    monday = iso_week_start(now.astimezone(zone).date())
    day = monday + timedelta(days=workspace.nudge_weekday)
    return datetime.combine(day, workspace.nudge_time, tzinfo=zone)


def digest_time(workspace: Workspace, week_start: date) -> datetime:
    """When the digest for the week starting `week_start` is posted: the next week, workspace time."""
    day = week_start + WEEK + timedelta(days=workspace.digest_weekday)
    return datetime.combine(day, workspace.digest_time, tzinfo=ZoneInfo(workspace.timezone))


def nudged_week(workspace: Workspace, slot: datetime) -> date:
    """The week a nudge at `slot` asks about: the last one that ended, or (Friday teams) this one."""
    this_week = iso_week_start(slot.date())
    return this_week if workspace.report_current_week else this_week - WEEK


def checkin_week(workspace: Workspace, zone: ZoneInfo, now: datetime) -> date:
    """The week `/pacer checkin` is for: last week until its digest is posted, then the current week."""
    this_week = iso_week_start(now.astimezone(zone).date())
    if workspace.report_current_week:
        return this_week
    last_week = this_week - WEEK
    return last_week if now < digest_time(workspace, last_week) else this_week


def week_is_open(workspace: Workspace, zone: ZoneInfo, week_start: date, now: datetime) -> bool:
    """A check-in for `week_start` may be given: it has begun and its digest is not out yet."""
    this_week = iso_week_start(now.astimezone(zone).date())
    if week_start > this_week:
        return False
    return week_start == this_week or now < digest_time(workspace, week_start)


def reminder_time(workspace: Workspace, nudged_at: datetime, week_start: date) -> datetime:
    """When to remind a silent rep: the workspace's delay after the nudge, but while a check-in is still
    worth giving — two hours before that week's digest — and never within an hour of the nudge."""
    delay = nudged_at + timedelta(hours=workspace.reminder_delay_hours)
    before_digest = digest_time(workspace, week_start) - REMINDER_BEFORE_DIGEST
    return max(min(delay, before_digest), nudged_at + timedelta(hours=1))


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:  # a country the package does not know: no holidays
        return frozenset()


def is_public_holiday(country: str | None, day: date) -> bool:
    return bool(country) and day in _holidays(str(country), day.year)


def is_day_off(member: Member, workspace: Workspace, day: date) -> bool:
    """Away, or a public holiday in the member's country (else the workspace's)."""
    if member.away_until is not None and (member.away_from or date.min) <= day <= member.away_until:
        return True
    return is_public_holiday(member.country or workspace.country, day)
