from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow

TEAM_ID_MAX = 32
EVENT_ID_MAX = (
    64  # Slack's event ids are far shorter; a longer one is refused at the door (bot.slack.inbound)
)


class Interaction(Base):
    """A button press or modal submission that acted, written in the same transaction as its effect.

    `key` names the interaction, not the moment: a double click, or Slack's retry of the same
    submission, has the same key, so the second arrival finds this row and answers with `answer` (what
    the first one answered: its acknowledgement, its message) instead of acting again. A Slack event
    taken in is one too (`event:<event_id>`, see `bot.slack.retries`), which is why there is no foreign
    key to `workspaces`: an event may come before the workspace is set up."""

    __tablename__ = "interactions"

    team_id: Mapped[str] = mapped_column(String(TEAM_ID_MAX), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
