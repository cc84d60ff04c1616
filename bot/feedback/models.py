from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow


class ManagerFeedback(Base):
    """A manager's monthly feedback to one rep; the rep acknowledges it and may reply."""

    __tablename__ = "manager_feedback"
    __table_args__ = (
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
        Index("ix_manager_feedback_team_id_rep_id_month", "team_id", "rep_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    month: Mapped[date] = mapped_column()  # the first day of the month it was given in
    strengths: Mapped[str] = mapped_column(Text)
    improve: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column()
    # a training course named as the development action (migration 0019): assigned to the rep once
    course_id: Mapped[int | None] = mapped_column()
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    reply: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FieldFeedback(Base):
    """A rep's monthly feedback to the company. One per rep and month: `author_key` is a keyed hash of
    (workspace, rep, month) that only stops duplicates. An anonymous item stores no author id, and its
    team (`manager_id`) only when that team had at least three reps, so no column leads back to its author."""

    __tablename__ = "field_feedback"
    __table_args__ = (
        UniqueConstraint("team_id", "author_key"),
        Index("ix_field_feedback_team_id_month", "team_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column()
    author_key: Mapped[str] = mapped_column(String(64))
    anonymous: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    market: Mapped[str] = mapped_column(Text, default="")
    competitor: Mapped[str] = mapped_column(String(80), default="")
    competitor_moves: Mapped[str] = mapped_column(Text, default="")
    customers: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[str] = mapped_column(Text, default="")
