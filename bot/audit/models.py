"""The audit log's table (migration 0017): one row per admin action, on the database's clock.

`team_id` has no foreign key on purpose: a purge deletes the workspace, and its own record stays."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class AuditEvent(Base):
    """Who (a member id; None for the command line) did what (`action`, e.g. "role.manager") to what
    (`subject`, e.g. a Slack user id or "settings"), with details that never hold a secret."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_team_id_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column()  # members.id; no FK: an erased member's actions stay
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
