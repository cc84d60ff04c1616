"""Incentive plans, their payouts, and the ledger's history. Every row carries its workspace (`team_id`), and
every query filters on it. Amounts are exact decimals (`bot.goals.numbers` bounds them on input)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow
from bot.db.base import string_enum
from bot.goals.models import AMOUNT, Metric
from bot.incentives.payout import Funder, Mode

RATIO = Numeric(14, 6)  # attainment as a ratio, 1 = 100 %
PERCENT = Numeric(5, 2)  # the vendor's share of a split, 0–100


class PrizeKind(StrEnum):
    """How a contest's prizes are won: by rank on the leaderboard, or by reaching a threshold of the metric
    (each rep wins the prize of the highest threshold they reach)."""

    RANK = "rank"
    THRESHOLD = "threshold"


class PeriodKind(StrEnum):
    QUARTER = "quarter"  # "2026Q4"
    MONTH = "month"  # "2026-11"


class Audience(StrEnum):
    """Whose plan: one manager's team, one vendor's reps, or every rep of the workspace."""

    TEAM = "team"
    VENDOR = "vendor"
    ALL = "all"


class PlanStatus(StrEnum):
    DRAFT = "draft"  # being set up: shown to admins only
    ACTIVE = "active"  # running: reps see it; computed at its period's end
    CLOSED = "closed"  # computed, payouts awaiting approval
    APPROVED = "approved"  # every payout approved by an admin; changes refused until reopened


class PayoutStatus(StrEnum):
    """A payout's way, in order (`PAYOUT_STEPS`): computed → manager approved → approved → invoiced → paid."""

    COMPUTED = "computed"
    MANAGER_APPROVED = "manager_approved"
    APPROVED = "approved"
    INVOICED = "invoiced"
    PAID = "paid"


PAYOUT_STEPS: tuple[PayoutStatus, ...] = tuple(PayoutStatus)
IN_LEDGER = frozenset({PayoutStatus.APPROVED, PayoutStatus.INVOICED, PayoutStatus.PAID})


class IncentivePlan(Base):
    """A plan for a period and a set of reps, paying by attainment of one goal metric."""

    __tablename__ = "incentive_plans"
    __table_args__ = (
        UniqueConstraint("team_id", "name", "period"),
        CheckConstraint("vendor_percent BETWEEN 0 AND 100", name="vendor_percent_0_to_100"),
        CheckConstraint("base >= 0", name="base_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    period_kind: Mapped[PeriodKind] = mapped_column(
        string_enum(PeriodKind, "incentive_period_kind", length=8)
    )
    period: Mapped[str] = mapped_column(String(8))  # "2026Q4" or "2026-11"
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    audience: Mapped[Audience] = mapped_column(string_enum(Audience, "incentive_audience", length=8))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"))
    metric: Mapped[Metric] = mapped_column(string_enum(Metric, "incentive_metric"))
    tiers: Mapped[str] = mapped_column(Text)  # one "lower-upper: multiplier" line per tier, as checked
    mode: Mapped[Mode] = mapped_column(string_enum(Mode, "incentive_mode", length=8))
    base: Mapped[Decimal] = mapped_column(AMOUNT)
    cap: Mapped[Decimal | None] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    funder: Mapped[Funder] = mapped_column(string_enum(Funder, "incentive_funder", length=8))
    vendor_percent: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal(0))
    status: Mapped[PlanStatus] = mapped_column(string_enum(PlanStatus, "incentive_plan_status", length=8))
    reopened_count: Mapped[int] = mapped_column(default=0)  # each reopening is in the ledger's history
    # a training course seat as the reward too (migration 0019): assigned once the payout is approved
    seat_course_id: Mapped[int | None] = mapped_column()
    computed_at: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Payout(Base):
    """What a plan pays one rep for its period: computed once at the period's end, then approved."""

    __tablename__ = "incentive_payouts"
    __table_args__ = (
        UniqueConstraint("plan_id", "rep_id"),
        Index("ix_incentive_payouts_team_id_vendor_id", "team_id", "vendor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("incentive_plans.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"))
    attainment: Mapped[Decimal | None] = mapped_column(RATIO)  # None: no target in the period
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    client_share: Mapped[Decimal] = mapped_column(AMOUNT)
    vendor_share: Mapped[Decimal] = mapped_column(AMOUNT)
    funder: Mapped[Funder] = mapped_column(string_enum(Funder, "incentive_funder", length=8))
    status: Mapped[PayoutStatus] = mapped_column(string_enum(PayoutStatus, "incentive_payout_status"))
    computed_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LedgerEntry(Base):
    """The history: every change to a plan or a payout, who made it and when (never edited or deleted)."""

    __tablename__ = "incentive_ledger_entries"
    __table_args__ = (Index("ix_incentive_ledger_entries_plan_id", "plan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("incentive_plans.id", ondelete="CASCADE"))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("incentive_payouts.id", ondelete="CASCADE"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))  # None: Pacer
    what: Mapped[str] = mapped_column(String(24))  # "created", "edited", "activated", "computed", a status
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column()


class Contest(Base):
    """A contest (SPIFF): reps ranked by attainment of one goal metric over a window; a leaderboard of the
    top N only is kept up to date in a channel, with a prize per rank or per threshold of the metric."""

    __tablename__ = "incentive_contests"
    __table_args__ = (
        UniqueConstraint("team_id", "name"),
        CheckConstraint("top_n BETWEEN 1 AND 10", name="top_n_1_to_10"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    metric: Mapped[Metric] = mapped_column(string_enum(Metric, "incentive_contest_metric"))
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    channel_id: Mapped[str] = mapped_column(String(32))
    top_n: Mapped[int] = mapped_column()
    # one "rank: prize" or "threshold: prize" line per prize (`prize_kind`), as checked
    prizes: Mapped[str] = mapped_column(Text, default="")
    prize_kind: Mapped[PrizeKind] = mapped_column(  # migration 0020
        string_enum(PrizeKind, "incentive_contest_prize_kind", length=9),
        default=PrizeKind.RANK,
        server_default=PrizeKind.RANK.value,
    )
    # a training course seat for each prized rank (migration 0019): assigned once the contest ends
    seat_course_id: Mapped[int | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()  # the final leaderboard is posted
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContestAward(Base):
    """What a rep won at a contest's end (migration 0022): a prize for a place (`rank`), or for the highest
    threshold they reached (`threshold`, in `unit`). Written once, in the transaction that ends the
    contest; the record a rep's own view reads (the winner's DM is queued from it)."""

    __tablename__ = "incentive_contest_awards"
    __table_args__ = (
        UniqueConstraint("contest_id", "rep_id"),
        CheckConstraint("(rank IS NULL) <> (threshold IS NULL)", name="rank_or_threshold"),
        Index("ix_incentive_contest_awards_team_id_rep_id", "team_id", "rep_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    contest_id: Mapped[int] = mapped_column(ForeignKey("incentive_contests.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    rank: Mapped[int | None] = mapped_column()
    threshold: Mapped[Decimal | None] = mapped_column(AMOUNT)
    unit: Mapped[str] = mapped_column(String(8), default="")  # the threshold's unit when the rep's is known
    prize: Mapped[str] = mapped_column(Text)
    awarded_at: Mapped[datetime] = mapped_column()
