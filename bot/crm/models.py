"""CRM actuals: figures that came from a CRM or a spreadsheet rather than from a rep's check-in.

- `Actual`: one figure for a rep, a day (and its ISO week) and a goal metric, with its source
  (`import` or `crm:<provider>`) and an external id; re-importing the same rows changes nothing.
- `PipelineSnapshot`: a rep's open pipeline as of a day, from a connector (shown later on Home/status).
- `CheckinSource`: what the CRM said when a rep checked in, beside what they reported, and why they differ.
- `CrmSettings`: the workspace's threshold for a material difference between a report and the CRM.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow
from bot.db.base import string_enum
from bot.goals.models import AMOUNT, Metric

COUNT_UNIT = "count"  # the currency of a counted metric (deals, accounts)
IMPORT_SOURCE = "import"  # a spreadsheet; a connector's rows are "crm:<provider>"
DEFAULT_THRESHOLD = Decimal(10)  # percent


def crm_source(provider: str) -> str:
    return f"crm:{provider}"


class Actual(Base):
    """One figure for a rep: `amount` of `metric` on `day` (in the ISO week starting `week_start`).

    `external_id` is the row's id in its source; when a file gives none, the natural key
    "<rep id>|<day>" stands in, so a rep, a day, a metric and a source hold one figure."""

    __tablename__ = "crm_actuals"
    __table_args__ = (
        UniqueConstraint("team_id", "source", "external_id", "metric"),
        Index("ix_crm_actuals_team_id_rep_id_week_start", "team_id", "rep_id", "week_start", "metric"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column()  # the Monday of the ISO week
    day: Mapped[date] = mapped_column()  # the week's Monday when the source named only the week
    metric: Mapped[Metric] = mapped_column(string_enum(Metric, "metric"))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(8))  # ISO 4217, or "count"
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PipelineSnapshot(Base):
    """A rep's open pipeline in one currency as of a day, from one source."""

    __tablename__ = "crm_pipeline"
    __table_args__ = (UniqueConstraint("team_id", "rep_id", "source", "as_of", "currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    as_of: Mapped[date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(8))
    deals: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CheckinSource(Base):
    """The CRM's figure for a check-in's goal and week when the rep checked in, kept beside the result
    the rep reported (`checkins.result`); `reason` says why they differ (required when they do)."""

    __tablename__ = "checkin_sources"

    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    crm_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    crm_items: Mapped[int] = mapped_column(default=0)  # the rows behind it: deals closed, accounts
    source: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CrmSettings(Base):
    """A workspace's CRM settings: a report differing from the CRM by more than `threshold` percent is
    listed for the manager."""

    __tablename__ = "crm_settings"
    __table_args__ = (CheckConstraint("threshold >= 0 AND threshold <= 1000", name="threshold_range"),)

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    threshold: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=DEFAULT_THRESHOLD)
    # where scorecards and incentives take sales figures (`bot.crm.figures.Source`, migration 0019)
    figures: Mapped[str] = mapped_column(String(8), default="reported", server_default="reported")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
