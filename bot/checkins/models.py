from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow
from bot.db.base import string_enum
from bot.goals.models import AMOUNT


class Confidence(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class CheckIn(Base):
    """A rep's answer for one goal and one ISO week. Answering again edits it: one row per (goal, week)."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("goal_id", "week_start"),
        Index("ix_checkins_team_id_week_start", "team_id", "week_start"),
        # covering: the digest sums a goal's results from the index alone (migration 0006)
        Index("ix_checkins_goal_id_week_start_result", "goal_id", "week_start", "result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column()
    result: Mapped[Decimal] = mapped_column(AMOUNT)
    confidence: Mapped[Confidence] = mapped_column(string_enum(Confidence, "confidence", length=16))
    highlights: Mapped[str] = mapped_column(Text, default="")
    blockers: Mapped[str] = mapped_column(Text, default="")
    needs_help: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
