"""Build members and profiles for tests through the real services."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.roster.models import Member, Role
from bot.roster.service import SlackProfile, save_profile
from bot.workspaces.service import ensure_workspace

TEAM = "T0000001"


def profile(user_id: str, **overrides: object) -> SlackProfile:
    values: dict[str, object] = {
        "user_id": user_id,
        "display_name": user_id.lower(),
        "timezone": "UTC",
        "slack_locale": "en-US",
        "is_admin": False,
        "deleted": False,
        "is_bot": False,
    }
    values.update(overrides)
    return SlackProfile(**values)  # type: ignore[arg-type]


def member(
    session: Session, user_id: str, *, role: Role = Role.REP, team_id: str = TEAM, **profile_values: object
) -> Member:
    ensure_workspace(session, team_id)
    saved = save_profile(session, team_id=team_id, profile=profile(user_id, **profile_values), now=utcnow())
    saved.role = role
    session.flush()
    return saved
