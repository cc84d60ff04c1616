"""Recognition's tables: the workspace's settings, kudos (given, held for review, rejected), allowance
boosts and badges. Every row carries its workspace (`team_id`), and every query filters on it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow
from bot.db.base import string_enum

DEFAULT_ALLOWANCE = 100


class Status(StrEnum):
    """A kudos' state: accepted (shown), held for an admin's review, or rejected by one (points back)."""

    ACCEPTED = "accepted"
    HELD = "held"
    REJECTED = "rejected"


class Hold(StrEnum):
    """Why a kudos is held for review."""

    RECIPROCAL = "reciprocal"  # the giver and receiver traded most of their month's points
    REPEATED = "repeated"  # the giver used the same reason before this month


class RecognitionSettings(Base):
    """A workspace's recognition settings (one row, or none: the defaults)."""

    __tablename__ = "recognition_settings"
    __table_args__ = (CheckConstraint("allowance > 0", name="allowance_positive"),)

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    allowance: Mapped[int] = mapped_column(default=DEFAULT_ALLOWANCE)  # points a person may give a month
    kudos_values: Mapped[str] = mapped_column(String(600), default="")  # "teamwork,customer_first"
    value_required: Mapped[bool] = mapped_column(default=False)
    channel_id: Mapped[str | None] = mapped_column(String(32))  # where public kudos and badges are posted
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Kudos(Base):
    """Points one member gives another with a reason, out of the giver's allowance for `month` (the 1st
    of the month in the giver's own zone when given). Held and accepted kudos count against it."""

    __tablename__ = "kudos"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("giver_id <> receiver_id", name="not_to_self"),
        Index("ix_kudos_team_id_month_giver_id", "team_id", "month", "giver_id"),
        Index("ix_kudos_team_id_receiver_id_created_at", "team_id", "receiver_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    giver_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    kudos_values: Mapped[str] = mapped_column(String(200), default="")  # the value hashtags, comma-separated
    public: Mapped[bool] = mapped_column(default=True)
    status: Mapped[Status] = mapped_column(string_enum(Status, "kudos_status", length=16))
    held_reason: Mapped[Hold | None] = mapped_column(string_enum(Hold, "kudos_hold", length=16))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    month: Mapped[date] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AllowanceBoost(Base):
    """Extra points an admin gave a manager for one month (theirs, in their zone); boosts add up."""

    __tablename__ = "allowance_boosts"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        Index("ix_allowance_boosts_team_id_month", "team_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column()
    points: Mapped[int] = mapped_column()
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Badge(Base):
    """An honour award: "rep of the month" for a manager's team or a vendor's reps, chosen by a manager.
    One per scope and month (`scope`: "team:<manager id>", "vendor:<vendor id>" or, a manager's reps of a
    vendor, "vendor:<vendor id>:<manager id>")."""

    __tablename__ = "badges"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "month", "scope"),
        Index("ix_badges_team_id_rep_id", "team_id", "rep_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32), default="rep_of_month")
    month: Mapped[date] = mapped_column()
    scope: Mapped[str] = mapped_column(String(40))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"))
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
