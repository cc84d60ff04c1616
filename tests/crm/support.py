"""What the CRM tests share: two reps and a manager in one workspace, a rep in another, and a clock."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.crm import importing
from bot.crm.importing import Checked
from bot.roster.models import Member, Role
from tests.factories import TEAM, member

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
OTHER_TEAM = "T0000002"
EMAILS = {"ana@example.com": "UANA"}


def reps(session: Session) -> tuple[Member, Member]:
    ana = member(session, "UANA", display_name="Ana Li")
    wang = member(session, "UWANG", display_name="王芳")
    member(session, "UBOSS", role=Role.MANAGER)
    member(session, "UOTHER", team_id=OTHER_TEAM)
    return ana, wang


def check(session: Session, text: str, encoding: str = "utf-8") -> Checked:
    return importing.check(
        session,
        TEAM,
        io.BytesIO(text.encode(encoding)),
        emails=lambda found: {e: EMAILS[e] for e in found if e in EMAILS},
    )
