"""How long a workspace keeps check-in text, and the nightly blanking of older text. No Slack.

`/pacer retention [days|off]` reads and saves the setting (recorded); the `retention` job blanks the
highlights and blockers of check-ins whose week began more than that many days ago. Results, confidence
and the figures stay: only the words go."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.checkins.models import CheckIn
from bot.crm.models import CheckinSource
from bot.errors import Invalid
from bot.exports.models import RetentionSetting
from bot.goals.numbers import read_whole
from bot.workspaces.service import ensure_workspace

DAYS_MAX = 3650
OFF = "off"


def read_days(words: Sequence[str], error: str = "exports.errors.retention") -> int | None:
    """`off` → None (keep for good), else 1–3650 days; anything else is refused (`error`)."""
    if len(words) == 1 and words[0].lower() == OFF:
        return None
    days = read_whole(words[0], range(1, DAYS_MAX + 1)) if len(words) == 1 else None
    if days is None:
        raise Invalid(error, max=DAYS_MAX)
    return days


def load_days(session: Session, team_id: str) -> int | None:
    setting = session.get(RetentionSetting, team_id)
    return None if setting is None else setting.checkin_text_days


def save_days(session: Session, team_id: str, days: int | None, *, actor: int | None) -> None:
    ensure_workspace(session, team_id)
    setting = session.get(RetentionSetting, team_id) or RetentionSetting(team_id=team_id)
    setting.checkin_text_days = days
    session.add(setting)
    audit.record(session, team_id, actor, "settings.retention", "checkin_text", days=days)


def blank_old_text(session: Session, team_id: str, days: int, today: date) -> int:
    """Blank the workspace's check-in text of weeks that began more than `days` days before `today`;
    recorded. Returns how many check-ins it changed."""
    before = today - timedelta(days=days)
    worded = or_(CheckIn.highlights != "", CheckIn.blockers != "")
    old = (CheckIn.team_id == team_id, CheckIn.week_start < before, worded)
    result: CursorResult[Any] = session.execute(
        update(CheckIn).where(*old).values(highlights="", blockers="")
    )  # type: ignore[assignment]
    changed = result.rowcount
    session.execute(  # why those weeks' reports differed from the CRM's figure: check-in text too
        update(CheckinSource)
        .where(
            CheckinSource.team_id == team_id,
            CheckinSource.reason != "",
            CheckinSource.checkin_id.in_(
                select(CheckIn.id).where(CheckIn.team_id == team_id, CheckIn.week_start < before)
            ),
        )
        .values(reason="")
    )
    audit.record(
        session, team_id, None, "retention", "checkin_text", days=days, before=before, blanked=changed
    )
    return int(changed or 0)


def workspaces_with_limit(session: Session) -> list[tuple[str, int]]:
    found = select(RetentionSetting.team_id, RetentionSetting.checkin_text_days).where(
        RetentionSetting.checkin_text_days.is_not(None)
    )
    return [
        (team_id, days) for team_id, days in session.execute(found.order_by(RetentionSetting.team_id)) if days
    ]
