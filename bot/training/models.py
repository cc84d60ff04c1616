"""Training's tables: courses (one row per course and language, with its current version), their lessons
(kept per version), assignments of a course to a rep, each rep's progress through a course, their quiz
answers, and the workspace's training settings. Every row carries its workspace (`team_id`), and every
query filters on it."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow
from bot.db.base import string_enum


class Category(StrEnum):
    PRODUCT = "product"
    SALES_SKILLS = "sales_skills"
    MARKET = "market"
    COMPLIANCE = "compliance"
    OTHER = "other"


LESSON_TEXT_MAX = 1200  # characters of a lesson's text (a micro-lesson reads in a minute)
DEFAULT_DAYS = "1,3"  # Tuesday and Thursday (Monday is 0)
DEFAULT_TIME = time(11, 0)
DEFAULT_ESCALATE_AFTER = 7  # days overdue before the vendor's contact hears of it


class TrainingSettings(Base):
    """A workspace's training settings (one row, or none: the defaults)."""

    __tablename__ = "training_settings"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[str] = mapped_column(String(16), default=DEFAULT_DAYS)  # weekdays, Monday 0
    lesson_time: Mapped[time] = mapped_column(default=DEFAULT_TIME)  # in each rep's own zone
    escalate_after_days: Mapped[int] = mapped_column(default=DEFAULT_ESCALATE_AFTER)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Course(Base):
    """A course in one language; `slug` joins its languages ("product-basics"). `version` grows each time
    an import changes its content (`content_hash`); the lessons of every version are kept."""

    __tablename__ = "training_courses"
    __table_args__ = (
        UniqueConstraint("team_id", "slug", "language"),
        CheckConstraint("pass_mark IS NULL OR pass_mark BETWEEN 0 AND 100", name="pass_mark_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[Category] = mapped_column(string_enum(Category, "training_category", length=16))
    pass_mark: Mapped[int | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    lesson_count: Mapped[int] = mapped_column(default=0)  # of the current version
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Lesson(Base):
    """One lesson of a course's version, at `position` (from 0), with an optional multiple-choice question."""

    __tablename__ = "training_lessons"
    __table_args__ = (UniqueConstraint("course_id", "version", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    image_url: Mapped[str | None] = mapped_column(String(500))
    prompt: Mapped[str | None] = mapped_column(Text)  # the question; None: a lesson without one
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)
    answer: Mapped[int | None] = mapped_column()  # the correct option's index
    explanation: Mapped[str | None] = mapped_column(Text)


class Assignment(Base):
    """A course given to one rep (a team, vendor or everyone is expanded to its reps when assigned). The
    same course assigned again moves its due date. `round` counts recertifications."""

    __tablename__ = "training_assignments"
    __table_args__ = (
        UniqueConstraint("course_id", "rep_id"),
        Index("ix_training_assignments_team_id_due", "team_id", "due", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    due: Mapped[date] = mapped_column()
    required: Mapped[bool] = mapped_column(default=True)
    recertify_days: Mapped[int | None] = mapped_column()
    round: Mapped[int] = mapped_column(default=0)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id", ondelete="SET NULL"))


class Progress(Base):
    """A rep's way through a course (one round of it): the version they are on, the next lesson to send,
    the local day a lesson last went, and once finished their score and confidence."""

    __tablename__ = "training_progress"
    __table_args__ = (
        UniqueConstraint("rep_id", "course_id", "round"),
        Index("ix_training_progress_team_id_course_id", "team_id", "course_id"),
        CheckConstraint("confidence_before BETWEEN 1 AND 5", name="confidence_before_1_to_5"),
        CheckConstraint("confidence_after BETWEEN 1 AND 5", name="confidence_after_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column()
    next_position: Mapped[int] = mapped_column(default=0)
    last_sent_on: Mapped[date | None] = mapped_column()  # the rep's local day
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column()
    score: Mapped[int | None] = mapped_column()  # % of the questions answered right
    confidence_before: Mapped[int | None] = mapped_column()
    confidence_after: Mapped[int | None] = mapped_column()


class QuizAnswer(Base):
    """A rep's answer to a lesson's question: once per rep, lesson (of a version) and round."""

    __tablename__ = "training_quiz_answers"
    __table_args__ = (UniqueConstraint("rep_id", "lesson_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("training_lessons.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(default=0)
    chosen: Mapped[int] = mapped_column()
    correct: Mapped[bool] = mapped_column()
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class Resource(Base):
    """A book, article, video or course elsewhere that reps can browse with `/pacer learn`."""

    __tablename__ = "training_resources"
    __table_args__ = (Index("ix_training_resources_team_id_category", "team_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    category: Mapped[Category] = mapped_column(string_enum(Category, "training_category", length=16))
    language: Mapped[str] = mapped_column(String(8))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StudyLog(Base):
    """What a rep studied on their own (`/pacer learn log`): what, for how long, and a takeaway."""

    __tablename__ = "training_study_logs"
    __table_args__ = (
        Index("ix_training_study_logs_team_id_rep_id", "team_id", "rep_id"),
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes_in_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    what: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column()
    takeaway: Mapped[str] = mapped_column(Text, default="")
    logged_at: Mapped[datetime] = mapped_column(default=utcnow)
