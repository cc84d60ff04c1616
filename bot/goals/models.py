from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, utcnow
from bot.db.base import string_enum
from bot.goals.numbers import AMOUNT_PRECISION, AMOUNT_SCALE
from bot.roster.models import Member

AMOUNT = Numeric(AMOUNT_PRECISION, AMOUNT_SCALE)  # bounds checked on input: bot.goals.numbers


class Metric(StrEnum):
    REVENUE = "revenue"
    DEALS_CLOSED = "deals_closed"
    NEW_ACCOUNTS = "new_accounts"
    CUSTOMER_VISITS = "customer_visits"
    CALLS = "calls"
    CUSTOM = "custom"


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    CUSTOM = "custom"


class GoalStatus(StrEnum):
    PROPOSED = "proposed"  # a rep proposed it; waits for their manager's approval
    AWAITING_AGREEMENT = "awaiting_agreement"  # a manager set it; waits for the rep to agree
    DISCUSSING = "discussing"  # the rep asked to discuss the target
    ACTIVE = "active"  # agreed: nudged, checked in on, counted
    CLOSED = "closed"


class Goal(Base):
    """A SMART target for one rep: specific (title, description), measurable (metric, unit, target),
    achievable (agreed by the rep), relevant (why), time-bound (start and end dates, inclusive)."""

    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint("target > 0", name="target_positive"),
        CheckConstraint("end_date > start_date", name="end_after_start"),
        Index("ix_goals_team_id_rep_id_status", "team_id", "rep_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    metric: Mapped[Metric] = mapped_column(string_enum(Metric, "metric"))
    metric_label: Mapped[str] = mapped_column(String(60), default="")  # the name of a custom metric
    unit: Mapped[str] = mapped_column(String(8))  # "count" or an ISO 4217 currency code
    target: Mapped[Decimal] = mapped_column(AMOUNT)
    why: Mapped[str] = mapped_column(Text, default="")
    period_kind: Mapped[PeriodKind] = mapped_column(string_enum(PeriodKind, "period_kind"))
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date] = mapped_column()
    quarter_weights: Mapped[str | None] = mapped_column(String(16))  # "20,25,25,30"
    status: Mapped[GoalStatus] = mapped_column(string_enum(GoalStatus, "goal_status"))
    version: Mapped[int] = mapped_column(default=1)
    agreed_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    rep: Mapped[Member] = relationship(foreign_keys=[rep_id], lazy="raise")
    manager: Mapped[Member | None] = relationship(foreign_keys=[manager_id], lazy="raise")


class WeeklyTarget(Base):
    """One ISO week's share of a goal's target (its period target at week level); they sum to the target."""

    __tablename__ = "weekly_targets"
    __table_args__ = (
        UniqueConstraint("goal_id", "week_start"),
        # covering: the digest sums a goal's targets from the index alone (migration 0006)
        Index("ix_weekly_targets_goal_id_week_start_target", "goal_id", "week_start", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column()  # the Monday of the ISO week
    iso_year: Mapped[int] = mapped_column()
    iso_week: Mapped[int] = mapped_column()
    target: Mapped[Decimal] = mapped_column(AMOUNT)


class GoalRevision(Base):
    """History: what a goal's target and dates were before an edit, who changed them and when."""

    __tablename__ = "goal_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column()
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    target: Mapped[Decimal] = mapped_column(AMOUNT)
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date] = mapped_column()
    status: Mapped[str] = mapped_column(String(24))
