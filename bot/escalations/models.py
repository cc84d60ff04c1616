from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow
from bot.db.base import string_enum


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class EscalationStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"  # the vendor has seen it
    RESOLVED = "resolved"


class Source(StrEnum):
    COMMAND = "command"
    CHECKIN = "checkin"  # a rep's "I need help"
    FEEDBACK = "feedback"


class Escalation(Base):
    """A problem a manager raised about a rep; with `involve_vendor`, sent to the rep's vendor."""

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_team_id_status", "team_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"))
    involve_vendor: Mapped[bool] = mapped_column(default=False)
    severity: Mapped[Severity] = mapped_column(string_enum(Severity, "severity", length=8))
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[Source] = mapped_column(string_enum(Source, "escalation_source", length=16))
    status: Mapped[EscalationStatus] = mapped_column(
        string_enum(EscalationStatus, "escalation_status", length=16), default=EscalationStatus.OPEN
    )
    sent_at: Mapped[datetime | None] = mapped_column()  # first queued for the vendor
    resent_at: Mapped[datetime | None] = mapped_column()  # re-sent once, unanswered for 2 working days
    flagged_in_digest: Mapped[bool] = mapped_column(default=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EscalationEvent(Base):
    """Every step of an escalation: who did what, and when."""

    __tablename__ = "escalation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # opened, sent, acknowledged, resolved, resent
    actor_user_id: Mapped[str | None] = mapped_column(String(32))  # None: Pacer itself
    at: Mapped[datetime] = mapped_column(default=utcnow)
