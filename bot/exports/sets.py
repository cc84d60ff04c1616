"""The data sets of Pacer's existing features, declared on their `Feature` entries in bot/features.py.

Each streams rows in scope between two days. Names, never anything secret. Anonymous feedback never
carries its author (nor the manager, which with a small team would name them); a vendor contact's scope
leaves it out entirely. Review scorecards export levels and the overall only: no peer comments."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, null, select
from sqlalchemy.orm import Session, aliased

from bot import calendar
from bot.checkins.models import CheckIn
from bot.db import database_now
from bot.escalations.models import Escalation
from bot.exports.base import ExportScope, ExportSet, Row, streamed
from bot.feedback.anonymity import shown_anonymous
from bot.feedback.models import FieldFeedback, ManagerFeedback
from bot.goals.models import Goal, WeeklyTarget
from bot.roster.models import Member, Vendor

Rep = aliased(Member, name="rep")
Boss = aliased(Member, name="boss")
By = aliased(Member, name="by")  # who did it: chose a badge, changed a goal or a plan, held a talk


def named_by(scope: ExportScope) -> ColumnElement[Any]:
    """Who did it (a manager or an admin): their Slack id where `private`, else nothing."""
    named: ColumnElement[Any] = By.user_id.expression if scope.private else null()
    return named


DAY = timedelta(days=1)


def _goals(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    query = (
        select(Goal.id, Rep.display_name, Rep.user_id, Vendor.name, Goal.title, Goal.metric, Goal.target)
        .add_columns(Goal.start_date, Goal.end_date, Goal.status)
        .join(Rep, Rep.id == Goal.rep_id)
        .outerjoin(Vendor, Vendor.id == Rep.vendor_id)
        .where(Goal.team_id == scope.team_id, scope.covers(Goal.rep_id))
        .where(Goal.start_date <= until, Goal.end_date >= since)
        .order_by(Goal.id)
    )
    return streamed(session, query)


def _weekly_targets(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    query = (
        select(WeeklyTarget.goal_id, Rep.user_id, WeeklyTarget.week_start, WeeklyTarget.target)
        .join(Goal, Goal.id == WeeklyTarget.goal_id)
        .join(Rep, Rep.id == Goal.rep_id)
        .where(WeeklyTarget.team_id == scope.team_id, scope.covers(Goal.rep_id))
        .where(WeeklyTarget.week_start.between(since, until))
        .order_by(WeeklyTarget.goal_id, WeeklyTarget.week_start)
    )
    return streamed(session, query)


def _checkins(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    query = (
        select(CheckIn.week_start, Rep.display_name, Rep.user_id, CheckIn.goal_id, CheckIn.result)
        .add_columns(CheckIn.confidence, CheckIn.highlights, CheckIn.blockers, CheckIn.needs_help)
        .join(Rep, Rep.id == CheckIn.rep_id)
        .where(CheckIn.team_id == scope.team_id, scope.covers(CheckIn.rep_id))
        .where(CheckIn.week_start.between(since, until))
        .order_by(CheckIn.week_start, CheckIn.id)
    )
    return streamed(session, query)


def _figures(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """The digest's figures: each goal's target and result per week (no result: not checked in)."""
    checkin = and_(CheckIn.goal_id == WeeklyTarget.goal_id, CheckIn.week_start == WeeklyTarget.week_start)
    query = (
        select(WeeklyTarget.week_start, Rep.display_name, Rep.user_id, Goal.id, Goal.metric)
        .add_columns(WeeklyTarget.target, CheckIn.result)
        .join(Goal, Goal.id == WeeklyTarget.goal_id)
        .join(Rep, Rep.id == Goal.rep_id)
        .outerjoin(CheckIn, checkin)
        .where(WeeklyTarget.team_id == scope.team_id, scope.covers(Goal.rep_id))
        .where(WeeklyTarget.week_start.between(since, until))
        .order_by(WeeklyTarget.week_start, Rep.display_name, Goal.id)
    )
    return streamed(session, query)


def _manager_feedback(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    query = (
        select(ManagerFeedback.month, Rep.display_name, Rep.user_id, Boss.display_name)
        .add_columns(ManagerFeedback.strengths, ManagerFeedback.improve, ManagerFeedback.next_step)
        .add_columns(ManagerFeedback.rating, ManagerFeedback.reply)
        .join(Rep, Rep.id == ManagerFeedback.rep_id)
        .outerjoin(Boss, Boss.id == ManagerFeedback.manager_id)
        .where(ManagerFeedback.team_id == scope.team_id, scope.covers(ManagerFeedback.rep_id))
        .where(ManagerFeedback.month.between(_month(since), until))
        .order_by(ManagerFeedback.month, ManagerFeedback.id)
    )
    return streamed(session, query)


FIELD_TEXT = (
    FieldFeedback.market,
    FieldFeedback.competitor,
    FieldFeedback.competitor_moves,
    FieldFeedback.customers,
    FieldFeedback.problems,
    FieldFeedback.suggestions,
)


def _field_feedback(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """Rep → company feedback, month by month: named items with their rep, then the anonymous items the
    app itself would show (see `_anonymous_field_feedback`), as "anonymous" with no rep."""
    query = (
        select(FieldFeedback.month, Rep.display_name, Rep.user_id, *FIELD_TEXT)
        .outerjoin(Rep, Rep.id == FieldFeedback.author_id)
        .where(FieldFeedback.team_id == scope.team_id, FieldFeedback.month.between(_month(since), until))
        .where(FieldFeedback.anonymous.is_(False))
        .order_by(FieldFeedback.month, FieldFeedback.id)
    )
    if scope.manager_id is not None:
        query = query.where(FieldFeedback.manager_id == scope.manager_id)
    if scope.vendor_id is not None or not scope.private:
        query = query.where(scope.covers(FieldFeedback.author_id))
    anonymous = _anonymous_field_feedback(session, scope, since, until)
    yield from heapq.merge(streamed(session, query), anonymous, key=lambda row: row[0])


def _anonymous_field_feedback(session: Session, scope: ExportScope, since: date, until: date) -> list[Row]:
    """The anonymous items released by the app's own rule (`anonymity.shown_anonymous`): a manager's team
    (a manager, or an admin's "team" scope) or the workspace (an admin's "all") with at least three that
    month, and only closed months (an export taken before and after a new item must not single it out).
    Never in a vendor's scope. Sorted by their text, so the order says nothing of who wrote first."""
    if scope.vendor_id is not None or not scope.private:
        return []
    closed = calendar.feedback_months_closed_before(database_now(session))
    query = (
        select(FieldFeedback.month, FieldFeedback.manager_id, *FIELD_TEXT)
        .where(FieldFeedback.team_id == scope.team_id, FieldFeedback.anonymous.is_(True))
        .where(FieldFeedback.month.between(_month(since), until), FieldFeedback.month < closed)
    )
    items = session.execute(query).all()
    shown = shown_anonymous(items, group_of=lambda item: item.manager_id, month_of=lambda item: item.month)
    released = shown.workspace if scope.manager_id is None else shown.by_group.get(scope.manager_id, [])
    rows = [(month, "anonymous", None, *text) for month, _, *text in released]
    return sorted(rows, key=lambda row: (row[0], *(text or "" for text in row[3:])))


def _escalations(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    query = (
        select(Escalation.id, Escalation.created_at, Rep.display_name, Rep.user_id)
        .add_columns(Escalation.severity, Escalation.status, Escalation.description, Escalation.source)
        .add_columns(Escalation.involve_vendor, Escalation.resolved_at)
        .join(Rep, Rep.id == Escalation.rep_id)
        .where(Escalation.team_id == scope.team_id, scope.covers(Escalation.rep_id))
        .where(Escalation.created_at >= _start(since), Escalation.created_at < _start(until + DAY))
        .order_by(Escalation.id)
    )
    if scope.vendor_id is not None:
        query = query.where(Escalation.involve_vendor.is_(True))  # what the vendor was told of
    return streamed(session, query)


def _month(day: date) -> date:
    return day.replace(day=1)


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


GOALS = ExportSet(
    "goals",
    "exports.sets.goals",
    ("goal_id", "rep", "slack_id", "vendor", "title", "metric", "target", "start", "end", "status"),
    _goals,
    ("goals",),
)
WEEKLY_TARGETS = ExportSet(
    "weekly_targets",
    "exports.sets.weekly_targets",
    ("goal_id", "slack_id", "week", "target"),
    _weekly_targets,
    ("weekly_targets", "goals"),
)
CHECKINS = ExportSet(
    "checkins",
    "exports.sets.checkins",
    ("week", "rep", "slack_id", "goal_id", "result", "confidence", "highlights", "blockers", "needs_help"),
    _checkins,
    ("checkins",),
)
FIGURES = ExportSet(
    "figures",
    "exports.sets.figures",
    ("week", "rep", "slack_id", "goal_id", "metric", "target", "result"),
    _figures,
    ("weekly_targets", "goals", "checkins"),
)
MANAGER_FEEDBACK = ExportSet(
    "manager_feedback",
    "exports.sets.manager_feedback",
    ("month", "rep", "slack_id", "manager", "strengths", "improve", "next_step", "rating", "reply"),
    _manager_feedback,
    ("manager_feedback",),
)
FIELD_FEEDBACK = ExportSet(
    "field_feedback",
    "exports.sets.field_feedback",
    (
        "month",
        "rep",
        "slack_id",
        "market",
        "competitor",
        "competitor_moves",
        "customers",
        "problems",
        "suggestions",
    ),
    _field_feedback,
    ("field_feedback",),
)
ESCALATIONS = ExportSet(
    "escalations",
    "exports.sets.escalations",
    (
        "id",
        "opened",
        "rep",
        "slack_id",
        "severity",
        "status",
        "description",
        "source",
        "vendor_told",
        "resolved_at",
    ),
    _escalations,
    ("escalations",),
)
