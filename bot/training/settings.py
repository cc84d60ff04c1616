"""The workspace's training settings: `/pacer setup training [days tue,thu] [time 11:00] [escalate 7]`
(admins). Each word checked and bounded before anything is saved; a wrong one is refused, saying how."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy.orm import Session

from bot.errors import Invalid
from bot.goals.numbers import read_whole
from bot.training.models import DEFAULT_DAYS, DEFAULT_ESCALATE_AFTER, DEFAULT_TIME, TrainingSettings
from bot.training.service import Settings, settings_of
from bot.workspaces.service import ensure_workspace

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ESCALATE_MAX = 90
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


@dataclass(frozen=True)
class Changes:
    days: str | None = None  # "1,3": Monday is 0
    at: time | None = None
    escalate: int | None = None


def read_changes(args: Sequence[str]) -> Changes:
    """`days a,b`, `time HH:MM`, `escalate N`, in any order, each at most once."""
    words = [word.lower() for word in args]
    if len(words) % 2:
        raise Invalid("training.settings.usage")
    found: dict[str, str] = {}
    for name, value in zip(words[::2], words[1::2], strict=True):
        if name in found or name not in {"days", "time", "escalate"}:
            raise Invalid("training.settings.usage")
        found[name] = value
    return Changes(
        _days(found["days"]) if "days" in found else None,
        _time(found["time"]) if "time" in found else None,
        _escalate(found["escalate"]) if "escalate" in found else None,
    )


def _days(value: str) -> str:
    days = [d[:3] for d in value.split(",") if d]
    if not days or any(d not in WEEKDAYS for d in days):
        raise Invalid("training.settings.bad_days")
    return ",".join(str(n) for n in sorted({WEEKDAYS.index(d) for d in days}))


def _time(value: str) -> time:
    found = _TIME.fullmatch(value)
    if found is None:
        raise Invalid("training.settings.bad_time")
    return time(int(found.group(1)), int(found.group(2)))


def _escalate(value: str) -> int:
    days = read_whole(value, range(1, ESCALATE_MAX + 1))
    if days is None:
        raise Invalid("training.settings.bad_escalate", max=ESCALATE_MAX)
    return days


def save(session: Session, team_id: str, changes: Changes, *, now: datetime) -> Settings:
    ensure_workspace(session, team_id)
    row = session.get(TrainingSettings, team_id)
    if row is None:
        row = TrainingSettings(
            team_id=team_id,
            days=DEFAULT_DAYS,
            lesson_time=DEFAULT_TIME,
            escalate_after_days=DEFAULT_ESCALATE_AFTER,
        )
        session.add(row)
    row.days = changes.days or row.days
    row.lesson_time = changes.at or row.lesson_time
    row.escalate_after_days = changes.escalate or row.escalate_after_days
    row.updated_at = now
    session.flush()
    return settings_of(session, team_id)
