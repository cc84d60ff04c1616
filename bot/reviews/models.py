"""The quarterly review's tables: cycles, scorecards and their levels, self, peer and manager input,
the change history, and the customer-satisfaction and market-expansion figures. Every row carries its
workspace (`team_id`), and every query filters on it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow
from bot.db.base import string_enum


class Stage(StrEnum):
    """A cycle's stages, in order (`STAGES`)."""

    OPEN = "open"
    SELF_REVIEW = "self_review"
    PEER_INPUT = "peer_input"
    MANAGER_REVIEW = "manager_review"
    CALIBRATION = "calibration"
    PUBLISHED = "published"
    CLOSED = "closed"


STAGES: tuple[Stage, ...] = tuple(Stage)


class Dimension(StrEnum):
    """What a rep is reviewed on, in the order of the default weights (40/20/20/20)."""

    SALES = "sales"
    SATISFACTION = "satisfaction"  # customer satisfaction
    EXPANSION = "expansion"  # market expansion
    TEAMWORK = "teamwork"


DIMENSIONS: tuple[Dimension, ...] = tuple(Dimension)


class Source(StrEnum):
    """Where a level came from."""

    AUTO = "auto"
    SELF = "self"
    PEER = "peer"
    MANAGER = "manager"


class InputKind(StrEnum):
    SATISFACTION = "satisfaction"
    EXPANSION = "expansion"


class InputSource(StrEnum):
    UPLOAD = "upload"
    MANAGER = "manager"
    CRM = "crm"
    CHECKIN = "checkin"  # the quarter's sum of the new accounts reps gave in their weekly check-ins


def _levels_in_range(*columns: str) -> tuple[CheckConstraint, ...]:
    return tuple(CheckConstraint(f"{c} BETWEEN 1 AND 5", name=f"{c}_1_to_5") for c in columns)


LEVEL_COLUMNS = ("sales_level", "satisfaction_level", "expansion_level", "teamwork_level")


class ReviewSettings(Base):
    """A workspace's review settings (one row, or none: the defaults)."""

    __tablename__ = "review_settings"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    bands: Mapped[str] = mapped_column(String(32), default="70,90,100,120")  # % where levels 2..5 start
    weights: Mapped[str] = mapped_column(String(32), default="40,20,20,20")  # per DIMENSIONS, sum 100
    days_before: Mapped[int] = mapped_column(default=10)  # a cycle opens this many days before quarter end
    ask_new_accounts: Mapped[bool] = mapped_column(default=False)  # every rep's check-in asks for them
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReviewCycle(Base):
    """One quarter's review in a workspace. `locked` refuses edits until an admin reopens it."""

    __tablename__ = "review_cycles"
    __table_args__ = (UniqueConstraint("team_id", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    quarter: Mapped[str] = mapped_column(String(6))  # "2026Q4"
    stage: Mapped[Stage] = mapped_column(string_enum(Stage, "review_stage"))
    opens_on: Mapped[date] = mapped_column()
    self_due: Mapped[date] = mapped_column()
    peer_due: Mapped[date] = mapped_column()
    manager_due: Mapped[date] = mapped_column()
    locked: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column()
    reopened_count: Mapped[int] = mapped_column(default=0)  # each reopening is in review_changes
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Scorecard(Base):
    """A rep's scorecard in a cycle: its levels (`ScorecardLevel`) and the overall score, to one decimal."""

    __tablename__ = "scorecards"
    __table_args__ = (
        UniqueConstraint("cycle_id", "rep_id"),
        Index("ix_scorecards_team_id_rep_id", "team_id", "rep_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    overall: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))  # None: no dimension has a level
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ScorecardLevel(Base):
    """One dimension of a scorecard: its level (None: no data), where it came from, and the evidence."""

    __tablename__ = "scorecard_levels"
    __table_args__ = (UniqueConstraint("scorecard_id", "dimension"), *_levels_in_range("level"))

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    dimension: Mapped[Dimension] = mapped_column(string_enum(Dimension, "review_dimension", length=16))
    level: Mapped[int | None] = mapped_column()
    source: Mapped[Source] = mapped_column(string_enum(Source, "level_source", length=16))
    evidence: Mapped[str] = mapped_column(Text, default="")


class SelfReview(Base):
    """A rep's own view of the quarter: a level per dimension, wins, lessons and the support wanted."""

    __tablename__ = "self_reviews"
    __table_args__ = (UniqueConstraint("cycle_id", "rep_id"), *_levels_in_range(*LEVEL_COLUMNS))

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    sales_level: Mapped[int | None] = mapped_column()
    satisfaction_level: Mapped[int | None] = mapped_column()
    expansion_level: Mapped[int | None] = mapped_column()
    teamwork_level: Mapped[int | None] = mapped_column()
    wins: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    support_wanted: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column()


class PeerRating(Base):
    """A peer asked to rate a rep (`rating` None until they answer): at most one per pair per cycle."""

    __tablename__ = "peer_ratings"
    __table_args__ = (
        UniqueConstraint("cycle_id", "rep_id", "rater_id"),
        CheckConstraint("rater_id <> rep_id", name="not_self"),
        *_levels_in_range("rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    rating: Mapped[int | None] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")  # the manager's only; see policy
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    rated_at: Mapped[datetime | None] = mapped_column()


class ManagerReview(Base):
    """The manager's final level per dimension, the reason for each that differs from the auto level,
    and strengths, improvements and a development action."""

    __tablename__ = "manager_reviews"
    __table_args__ = (
        UniqueConstraint("cycle_id", "rep_id"),
        *_levels_in_range(*LEVEL_COLUMNS),
        CheckConstraint(
            "development_kind IN ('none', 'training', 'incentive') AND "
            "(development_kind = 'none') = (development_ref IS NULL)",
            name="development_link",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    sales_level: Mapped[int | None] = mapped_column()
    satisfaction_level: Mapped[int | None] = mapped_column()
    expansion_level: Mapped[int | None] = mapped_column()
    teamwork_level: Mapped[int | None] = mapped_column()
    sales_reason: Mapped[str] = mapped_column(Text, default="")
    satisfaction_reason: Mapped[str] = mapped_column(Text, default="")
    expansion_reason: Mapped[str] = mapped_column(Text, default="")
    teamwork_reason: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    improvements: Mapped[str] = mapped_column(Text, default="")
    development_action: Mapped[str] = mapped_column(Text, default="")
    # what the action links to (`bot.reviews.development`, migration 0014): none, a training course or an
    # incentive, by the id in the other feature's table (no foreign key: those features come and go)
    development_kind: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    development_ref: Mapped[int | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()


class ReviewChange(Base):
    """History: who changed what in a cycle, when and why (stage moves, locks, reopenings, levels)."""

    __tablename__ = "review_changes"
    __table_args__ = (Index("ix_review_changes_team_id_cycle_id", "team_id", "cycle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(40))  # "stage", "locked", "reopened", "level.sales", …
    before: Mapped[str] = mapped_column(String(80), default="")
    after: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewInput(Base):
    """A customer-satisfaction or market-expansion figure for a rep's quarter, with where it came from:
    `value` out of `scale` (a 4.5 of 5 score; None for a count such as new accounts), and a note."""

    __tablename__ = "review_inputs"
    __table_args__ = (
        UniqueConstraint("team_id", "quarter", "rep_id", "kind", "source"),
        CheckConstraint("scale IS NULL OR scale > 0", name="scale_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    quarter: Mapped[str] = mapped_column(String(6))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[InputKind] = mapped_column(string_enum(InputKind, "review_input_kind", length=16))
    source: Mapped[InputSource] = mapped_column(string_enum(InputSource, "review_input_source", length=16))
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    scale: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class WeeklyAccounts(Base):
    """The new accounts a rep opened in an ISO week, as given in that week's check-in (migration 0009);
    their quarter's sum is kept as the rep's `ReviewInput` from the check-ins."""

    __tablename__ = "review_weekly_accounts"
    __table_args__ = (
        UniqueConstraint("rep_id", "week_start"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column()
    count: Mapped[int] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class TalkState(StrEnum):
    """The review conversation: a slot the rep proposed, the manager confirmed, then held."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    HELD = "held"


class ReviewConversation(Base):
    """The review conversation of a rep's published scorecard (migration 0014): one per rep and cycle;
    no row while the rep has not proposed a slot. Each step is also in `review_changes` (who, when)."""

    __tablename__ = "review_conversations"
    __table_args__ = (UniqueConstraint("cycle_id", "rep_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    state: Mapped[TalkState] = mapped_column(string_enum(TalkState, "review_talk_state", length=16))
    starts_at: Mapped[datetime] = mapped_column()  # the proposed (then confirmed) slot
    held_at: Mapped[datetime | None] = mapped_column()
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
