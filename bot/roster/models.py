from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, utcnow
from bot.db.base import string_enum


class Role(StrEnum):
    """What a member may do. `admin` is never stored: it comes from Slack (owner/admin) or PACER_ADMINS."""

    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"


class Vendor(Base):
    """The outsourcing company that employs reps. `contact_user_id` is a Slack user at the vendor."""

    __tablename__ = "vendors"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80))  # casefolded name: "ACME" and "acme" are one vendor
    contact_user_id: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))  # a shared channel for digests and escalations
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Member(Base):
    """A Slack user known to Pacer. `role` is the role Pacer gave (manager or rep); see `Role`."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id"),
        Index("ix_members_team_id_manager_id", "team_id", "manager_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[Role] = mapped_column(
        string_enum(Role, "role", length=16),
        default=Role.REP,
    )
    is_slack_admin: Mapped[bool] = mapped_column(default=False)
    # Not a guest nor an external user of a shared channel (from users.info); only then admin or manager.
    full_member: Mapped[bool] = mapped_column(default=False, server_default=false())
    on_team: Mapped[bool] = mapped_column(default=False)  # a rep who was added with `/pacer team add`
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"))
    timezone: Mapped[str | None] = mapped_column(String(64))
    slack_locale: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))  # `/pacer language`, overrides slack_locale
    active: Mapped[bool] = mapped_column(default=True)
    away_from: Mapped[date | None] = mapped_column()
    away_until: Mapped[date | None] = mapped_column()  # inclusive; no nudges from away_from to here
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166; else the workspace's
    team_channel_id: Mapped[str | None] = mapped_column(String(32))  # a manager's team digest channel
    refreshed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    manager: Mapped[Member | None] = relationship(remote_side=[id], lazy="raise")
    vendor: Mapped[Vendor | None] = relationship(lazy="raise")


class TeamMembership(Base):
    """A rep's time on a manager's team, from `started_at` to `ended_at` (open while on it). Team sizes
    for anonymity are read from here at the start of a month, so padding a team later changes nothing."""

    __tablename__ = "team_memberships"
    __table_args__ = (Index("ix_team_memberships_team_id_manager_id", "team_id", "manager_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
