"""The demo's data lifecycle (bot/exports/demo.py through bot/demo/seed.py): the admin's setup is in the
audit log, check-in text is kept a year, and the whole demo workspace exports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.demo.people import TEAM_ID
from bot.demo.seed import seed
from bot.exports import retention, service
from bot.exports.base import ExportScope
from bot.features import all_exports
from tests.conftest import wipe

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_the_demo_has_an_audit_log_a_retention_and_exports(engine: Engine, tmp_path: Path) -> None:
    wipe(engine)
    seed(engine, now=NOW, anonymity_key=b"k" * 32)
    with Session(engine) as session:
        actions = [event.action for event in audit.latest(session, TEAM_ID, days=3650)]
        assert actions.count("role.manager") == 2 and "settings.retention" in actions
        assert retention.load_days(session, TEAM_ID) == 365
        request = service.Request(
            ExportScope(TEAM_ID), all_exports(), date(2026, 1, 1), NOW.date(), "xlsx", "all"
        )
        parts = service.run(session, request, tmp_path, part_bytes=50 << 20)
        assert len(parts) == 1 and parts[0].rows > 100
        session.rollback()
    wipe(engine)
