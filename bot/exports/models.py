"""The data lifecycle's setting (migration 0017): how long a workspace keeps check-in text."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class RetentionSetting(Base):
    """A workspace's retention: check-in text (highlights, blockers) older than `checkin_text_days` is
    blanked by the nightly `retention` job; None (no row) keeps it for good. The figures always stay."""

    __tablename__ = "retention_settings"
    __table_args__ = (CheckConstraint("checkin_text_days > 0", name="days_positive"),)

    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    checkin_text_days: Mapped[int | None] = mapped_column()
