"""A workspace's connection to a CRM: where it lives, its credentials (encrypted with `bot.secrets`),
and the sync's state — the cursor, the last sync, rows read, the last error and the next try. One per
workspace and provider; every query filters on `team_id`.

Migration 0018 adds `connected_by` (the admin who connected: told of the connection and of failures),
`CrmOwner` (a CRM user, matched to a member by email or by hand) and `CrmConnectState` (a pending Zoho
authorization: only the SHA-256 of its state is kept, bound to the workspace and the admin, expiring)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
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
    connected_by: Mapped[str] = mapped_column(String(32), default="")  # the admin's Slack user id
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OwnerMatch(StrEnum):
    NONE = "none"  # no member yet: listed by `/pacer crm map`
    EMAIL = "email"  # the CRM user's email is the member's Slack email
    HAND = "hand"  # an admin said so (`/pacer crm map <owner> @rep`); an email match never overrides it


class CrmOwner(Base):
    """A CRM user who owns records, and the member their rows count for."""

    __tablename__ = "crm_owners"
    __table_args__ = (UniqueConstraint("team_id", "provider", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    provider: Mapped[Provider] = mapped_column(string_enum(Provider, "crm_owner_provider", length=16))
    external_id: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(255), default="")  # lower case
    name: Mapped[str] = mapped_column(String(255), default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    matched: Mapped[OwnerMatch] = mapped_column(
        string_enum(OwnerMatch, "crm_owner_match", length=8), default=OwnerMatch.NONE
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CrmConnectState(Base):
    """A Zoho authorization under way: the callback must bring back the state, before `expires_at`, once."""

    __tablename__ = "crm_connect_states"
    __table_args__ = (Index("ix_crm_connect_states_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the state
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))  # the admin who asked
    provider: Mapped[Provider] = mapped_column(string_enum(Provider, "crm_state_provider", length=16))
    expires_at: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
