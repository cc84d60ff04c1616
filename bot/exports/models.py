"""The data lifecycle's settings (migrations 0017, 0021): how long a workspace keeps check-in text, and how
long its data is kept once Pacer is uninstalled (with the purge that is then due)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base

AFTER_UNINSTALL_DAYS = 30  # the default: an uninstalled workspace's data is kept 30 days, then purged


class RetentionSetting(Base):
    """A workspace's retention: check-in text (highlights, blockers) older than `checkin_text_days` is
    blanked by the nightly `retention` job; None (no row) keeps it for good. The figures always stay.

    Once Pacer is uninstalled, all the workspace's data is kept `after_uninstall_days` (30 unless told;
    None: for good) and then purged by the `uninstalled-purge` job: `purge_due_at` (the database's clock)
    is set by the uninstall and cleared by a reinstall."""

    __tablename__ = "retention_settings"
    __table_args__ = (
        CheckConstraint("checkin_text_days > 0", name="days_positive"),
        CheckConstraint("after_uninstall_days > 0", name="after_uninstall_positive"),
    )

    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    checkin_text_days: Mapped[int | None] = mapped_column()
    after_uninstall_days: Mapped[int | None] = mapped_column(
        default=AFTER_UNINSTALL_DAYS, server_default=text(str(AFTER_UNINSTALL_DAYS))
    )
    purge_due_at: Mapped[datetime | None] = mapped_column()
