"""A workspace's connection to a CRM: where it lives, its credentials (encrypted with `bot.secrets`),
and the sync's state — the cursor, the last sync, rows read, the last error and the next try. One per
workspace and provider; every query filters on `team_id`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow
from bot.db.base import string_enum


class Provider(StrEnum):
    ZOHO = "zoho"
    FXIAOKE = "fxiaoke"


class CrmConnection(Base):
    __tablename__ = "crm_connections"
    __table_args__ = (
        UniqueConstraint("team_id", "provider"),
        CheckConstraint("rows_read >= 0", name="rows_read_not_negative"),
        CheckConstraint("failures >= 0", name="failures_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    provider: Mapped[Provider] = mapped_column(string_enum(Provider, "crm_provider", length=16))
    data_centre: Mapped[str] = mapped_column(String(16), default="")  # Zoho's `location` ("eu", …)
    api_domain: Mapped[str] = mapped_column(String(255))  # Zoho's api_domain, or the Fxiaoke cloud
    credentials: Mapped[str] = mapped_column(Text)  # Vault.seal(...): never plain text
    cursor: Mapped[str] = mapped_column(String(64), default="")  # last Modified_Time read (ISO 8601)
    last_sync_at: Mapped[datetime | None] = mapped_column()
    rows_read: Mapped[int] = mapped_column(default=0)  # by the last sync
    last_error: Mapped[str] = mapped_column(Text, default="")  # a connector error's message, no secret
    next_try_at: Mapped[datetime | None] = mapped_column()
    failures: Mapped[int] = mapped_column(default=0)  # in a row; 0 after a good sync
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
