"""Zones: a member's own zone, else the workspace's, else UTC; and the settings about time the calendar reads
(a `Workspace` or `Member` row fits the protocols below)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = ZoneInfo("UTC")


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
