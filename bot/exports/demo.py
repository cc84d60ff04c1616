"""The demo's data lifecycle: check-in text kept a year, and the admin's setup in the audit log, so
`/pacer audit` and `/pacer retention` show something at once (and `/pacer export` has all the rest)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.exports import retention
from bot.roster.models import Member

DEMO_RETENTION_DAYS = 365


def seed_lifecycle(session: Session, admin: Member, managers: Sequence[Member]) -> None:
    """The admin made the managers, saved the settings, and set the retention (each recorded)."""
    for manager in managers:
        audit.record(session, admin.team_id, admin.id, "role.manager", manager.user_id)
    audit.record(session, admin.team_id, admin.id, "settings.workspace", "setup")
    retention.save_days(session, admin.team_id, DEMO_RETENTION_DAYS, actor=admin.id)
