"""Workspace settings: create on first sight, validate and save what `/pacer setup` submits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import TypeVar

from sqlalchemy.orm import Session

from bot import calendar
from bot.db.engine import upsert_statement
from bot.errors import FieldErrors
from bot.goals.numbers import read_whole
from bot.i18n import LOCALES
from bot.workspaces.models import Workspace

REMINDER_DELAYS = (4, 8, 12, 24, 48, 72)
ZONE_NAME_MAX = 64  # the column's length
_T = TypeVar("_T")
_REPORT_ERROR = "setup.error.report_week"
_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def ensure_workspace(session: Session, team_id: str) -> Workspace:
    """The workspace row for `team_id`, created with defaults on first use (safe when two requests race)."""
    workspace = session.get(Workspace, team_id)
    if workspace is not None:
        return workspace
    session.execute(upsert_statement(session, Workspace).values(team_id=team_id).on_conflict_do_nothing())
    return session.get_one(Workspace, team_id)


@dataclass(frozen=True)
class SetupForm:
    """The raw answers of the setup modal, as strings (None when left empty)."""

    digest_channel_id: str | None
    timezone: str | None
    nudge_weekday: str | None
    nudge_time: str | None
    reminder_delay_hours: str | None
    feedback_day: str | None
    language: str | None
    digest_weekday: str | None = "0"
    digest_time: str | None = "16:00"
    report_week: str | None = "last"  # "last": the week that ended; "current": Friday teams
    country: str | None = None


@dataclass(frozen=True)
class WorkspaceSettings:
    digest_channel_id: str | None
    timezone: str
    nudge_weekday: int
    nudge_time: time
    reminder_delay_hours: int
    feedback_day: int
    language: str
    digest_weekday: int = 0
    digest_time: time = time(16, 0)
    report_current_week: bool = False
    country: str | None = None


def validate_setup(form: SetupForm) -> WorkspaceSettings | FieldErrors:
    """Typed settings, or {field name: i18n key of the problem} for every field that is wrong."""
    errors: dict[str, str] = {}

    def check(field: str, value: _T | None, problem: str) -> _T:
        if value is None:
            errors[field] = problem
        return value  # type: ignore[return-value]  # only used when `errors` stays empty

    errors.update(_channel_errors(form.digest_channel_id))
    zone = check("timezone", _zone(form.timezone), "setup.error.timezone")
    weekday = check("nudge_weekday", _int_in(form.nudge_weekday, range(7)), "setup.error.weekday")
    nudge_time = check("nudge_time", _time(form.nudge_time), "setup.error.time")
    delay = check(
        "reminder_delay_hours", _int_in(form.reminder_delay_hours, REMINDER_DELAYS), "setup.error.reminder"
    )
    feedback_day = check("feedback_day", _int_in(form.feedback_day, range(29)), "setup.error.feedback_day")
    language = check("language", form.language if form.language in LOCALES else None, "setup.error.language")
    digest_weekday = check("digest_weekday", _int_in(form.digest_weekday, range(7)), "setup.error.weekday")
    digest_time = check("digest_time", _time(form.digest_time), "setup.error.time")
    reports = ("last", "current")
    report = check("report_week", form.report_week if form.report_week in reports else None, _REPORT_ERROR)
    country = (form.country or "").strip().upper() or None
    errors.update(_country_errors(country))
    if errors:
        return FieldErrors(errors)
    return WorkspaceSettings(
        digest_channel_id=form.digest_channel_id,
        timezone=zone,
        nudge_weekday=weekday,
        nudge_time=nudge_time,
        reminder_delay_hours=delay,
        feedback_day=feedback_day,
        language=language,
        digest_weekday=digest_weekday,
        digest_time=digest_time,
        report_current_week=report == "current",
        country=country,
    )


def _channel_errors(channel: str | None) -> dict[str, str]:
    """The digest channel is optional; when given it is a channel id (public or private)."""
    return (
        {"digest_channel_id": "setup.error.channel"} if channel and not channel.startswith(("C", "G")) else {}
    )


def _country_errors(country: str | None) -> dict[str, str]:
    """The country (for public holidays) is optional; the same list as `roster.service.country_code`."""
    if country is not None and not calendar.knows_holidays(country):
        return {"country": "setup.error.country"}
    return {}


def save_settings(session: Session, *, team_id: str, settings: WorkspaceSettings) -> Workspace:
    workspace = ensure_workspace(session, team_id)
    workspace.digest_channel_id = settings.digest_channel_id
    workspace.timezone = settings.timezone
    workspace.nudge_weekday = settings.nudge_weekday
    workspace.nudge_time = settings.nudge_time
    workspace.reminder_delay_hours = settings.reminder_delay_hours
    workspace.feedback_day = settings.feedback_day
    workspace.language = settings.language
    workspace.digest_weekday = settings.digest_weekday
    workspace.digest_time = settings.digest_time
    workspace.report_current_week = settings.report_current_week
    workspace.country = settings.country
    return workspace


def _zone(raw: str | None) -> str | None:
    name = (raw or "").strip()
    if not name or len(name) > ZONE_NAME_MAX or name.startswith("/") or ".." in name:
        return None
    return name if calendar.is_zone(name) else None


def _time(raw: str | None) -> time | None:
    match = _TIME.match((raw or "").strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _int_in(raw: str | None, allowed: range | tuple[int, ...]) -> int | None:
    value = read_whole(raw, range(min(allowed), max(allowed) + 1))
    return value if value in allowed else None
