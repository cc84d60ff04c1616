"""The audit log (issue 16): `record` one admin action, `latest` to list them. No Slack.

Each admin action records itself with one line in the service that owns it:
`audit.record(session, team_id, caller.member.id, "reviews.reopen", cycle.quarter, reason=reason)`.
Details are plain values; a key that names a secret is refused, so a token never lands here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit.models import AuditEvent
from bot.db import database_now
from bot.errors import Invalid
from bot.goals.numbers import read_whole

SECRET_WORDS = ("token", "secret", "password", "key")
DAYS_DEFAULT, DAYS_MAX = 30, 366
LIST_MAX = 40  # events shown by `/pacer audit` (each one line; the message stays under 50 blocks)
SUBJECT_MAX = 120


def record(
    session: Session, team_id: str, actor: int | None, action: str, subject: object = "", **details: Any
) -> None:
    """Add one event; `at` is the database's clock (the row's server default)."""
    if any(word in name.lower() for name in details for word in SECRET_WORDS):
        raise ValueError(f"audit details must not hold secrets: {sorted(details)}")
    clean = {name: _plain(value) for name, value in details.items()}
    text = str(subject)[:SUBJECT_MAX]
    session.add(AuditEvent(team_id=team_id, actor_id=actor, action=action, subject=text, details=clean))
    session.flush()


def _plain(value: Any) -> Any:
    """A JSON-safe copy: numbers and text as they are, dates as ISO, enums by value, the rest as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def read_days(words: Sequence[str]) -> int:
    """`/pacer audit [days]`: 1–366 days, 30 unless told."""
    if not words:
        return DAYS_DEFAULT
    days = read_whole(words[0], range(1, DAYS_MAX + 1)) if len(words) == 1 else None
    if days is None:
        raise Invalid("audit.errors.days", max=DAYS_MAX)
    return days


def latest(session: Session, team_id: str, *, days: int, limit: int = LIST_MAX) -> list[AuditEvent]:
    """The workspace's events of the last `days` days (by the database's clock), newest first."""
    since = database_now(session) - timedelta(days=days)
    found = select(AuditEvent).where(AuditEvent.team_id == team_id, AuditEvent.at >= since)
    return list(session.scalars(found.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))
