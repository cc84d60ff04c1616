from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, String, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow

LANGUAGES = ("en", "zh")
WEEKDAYS = range(7)  # 0 = Monday, as in date.weekday()
FIRST_WORKING_DAY = 0  # feedback_day 0 means "the first working day of the month"


class Workspace(Base):
    """One Slack team and its Pacer settings. `team_id` is the key every other table carries."""

    __tablename__ = "workspaces"
    __table_args__ = (
        CheckConstraint("nudge_weekday BETWEEN 0 AND 6", name="nudge_weekday"),
        CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="digest_weekday"),
        CheckConstraint("feedback_day BETWEEN 0 AND 28", name="feedback_day"),
        CheckConstraint("reminder_delay_hours BETWEEN 1 AND 168", name="reminder_delay_hours"),
        CheckConstraint("language IN ('en', 'zh')", name="language"),
    )

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    digest_channel_id: Mapped[str | None] = mapped_column(String(32))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    nudge_weekday: Mapped[int] = mapped_column(default=0)
    nudge_time: Mapped[time] = mapped_column(default=time(9, 0))
    reminder_delay_hours: Mapped[int] = mapped_column(default=24)
    feedback_day: Mapped[int] = mapped_column(default=FIRST_WORKING_DAY)
    language: Mapped[str] = mapped_column(String(8), default="en")
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 code for public holidays
    report_current_week: Mapped[bool] = mapped_column(default=False)  # Friday teams report this week
    digest_weekday: Mapped[int] = mapped_column(default=0)
    digest_time: Mapped[time] = mapped_column(default=time(16, 0))
    # False once Pacer was uninstalled (or its bot token revoked): jobs skip it, its data is kept.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
