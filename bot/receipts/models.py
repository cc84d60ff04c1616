from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow

TEAM_ID_MAX = 32
EVENT_ID_MAX = 64


class EventReceipt(Base):
    """One Slack event Pacer took in: `(team_id, event_id)` is unique, so the second delivery of the
    same event (Slack retries when it got no 200 within 3 s) finds the first one's receipt and does
    nothing. No foreign key to `workspaces`: an event may come before the workspace is set up."""

    __tablename__ = "event_receipts"
    __table_args__ = (Index("ix_event_receipts_received_at", "received_at"),)

    team_id: Mapped[str] = mapped_column(String(TEAM_ID_MAX), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(EVENT_ID_MAX), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
