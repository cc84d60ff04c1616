from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow
from bot.db.base import string_enum


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # due at next_attempt_at
    SENDING = "sending"  # claimed by a sender until lease_until; may or may not have reached Slack
    SENT = "sent"
    FAILED = "failed"  # gave up: see last_error
    CANCELLED = "cancelled"  # no longer needed (e.g. the rep checked in before their nudge went out)


class Delivery(Base):
    """One message Pacer must send (or update), stored before it is sent.

    `key` — kind, recipient and period, e.g. ``nudge:U123:2026-W49`` — is unique per workspace: whether
    a message was already sent is a database fact, so ticks, restarts and catch-up never send twice."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("team_id", "key"),
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(32), default="")  # e.g. the ISO week's Monday, 2026-11-30
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(32))  # a channel id, or a user id for a DM
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # text, blocks; "update_of": the key to edit
    status: Mapped[DeliveryStatus] = mapped_column(
        string_enum(DeliveryStatus, "delivery_status", length=16),
        default=DeliveryStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # A kept-up-to-date message (`service.revise`): each change of its payload counts one up, so a sender
    # that sent an older revision leaves the row pending, and the newest is sent (as an update) next.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # An earlier try ended without knowing whether Slack took the message (a timeout, a dropped
    # connection, a 5xx, a sender that died): look in the conversation before posting again.
    maybe_sent: Mapped[bool] = mapped_column(default=False)
    # next_attempt_at, lease_until and sent_at are on the database's clock (bot.db.database_now), which
    # every sender shares; created_at is the queuing caller's (a job's `now`), for the jobs' own rules.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_channel: Mapped[str | None] = mapped_column(String(32))
    sent_ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
