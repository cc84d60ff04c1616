from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow


class Interaction(Base):
    """A button press or modal submission that acted, written in the same transaction as its effect.

    `key` names the interaction, not the moment: a double click, or Slack's retry of the same
    submission, has the same key, so the second arrival finds this row and answers with `answer` (what
    the first one answered: its acknowledgement, its message) instead of acting again."""

    __tablename__ = "interactions"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
