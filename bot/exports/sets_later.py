"""The data sets of the features that came after the first exports: training (assignments with their
progress and quiz score, study logs), CRM actuals (each figure with its source), the incentive ledger, and
the reviews' text (the manager's review and the rep's self review; never peer ratings or comments).

Figures and what people wrote about their own work, never anything secret: a CRM connection's credentials
and cursor are not read (only `crm_actuals`), nor any Slack token. A vendor's contact sees their vendor's
reps only: in the ledger, the history of those reps' payouts, never another vendor's, nor who made each
change (`ExportScope.private`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.crm.models import Actual
from bot.exports.base import ExportScope, ExportSet, Row, streamed
from bot.exports.sets import DAY, Boss, By, Rep, _start, named_by
from bot.exports.sets_more import cycles_in_range
from bot.incentives.models import IncentivePlan, LedgerEntry, Payout
from bot.reviews.models import DIMENSIONS, ManagerReview, ReviewCycle, Scorecard, SelfReview
from bot.training.models import Assignment, Course, Progress, StudyLog


def _training(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """A line per assignment (a round of a course) that was open in the range: when it was assigned and
    due, and the rep's progress on that round — started, finished, quiz score, confidence before and
    after (empty until they get there)."""
    progress = and_(
        Progress.rep_id == Assignment.rep_id,
        Progress.course_id == Assignment.course_id,
        Progress.round == Assignment.round,
    )
    query = (
        select(Course.slug, Course.title, Course.category, Rep.display_name, Rep.user_id)
        .add_columns(Assignment.assigned_at, Assignment.due, Assignment.required, Assignment.round)
        .add_columns(Progress.started_at, Progress.completed_at, Progress.score)
        .add_columns(Progress.confidence_before, Progress.confidence_after)
        .join(Course, Course.id == Assignment.course_id)
        .join(Rep, Rep.id == Assignment.rep_id)
        .outerjoin(Progress, progress)
        .where(Assignment.team_id == scope.team_id, scope.covers(Assignment.rep_id))
        .where(Assignment.assigned_at < _start(until + DAY), Assignment.due >= since)
        .order_by(Assignment.due, Assignment.id)
    )
    return streamed(session, query)


def _study_logs(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    query = (
        select(StudyLog.logged_at, Rep.display_name, Rep.user_id, StudyLog.what, StudyLog.minutes)
        .add_columns(StudyLog.takeaway)
        .join(Rep, Rep.id == StudyLog.rep_id)
        .where(StudyLog.team_id == scope.team_id, scope.covers(StudyLog.rep_id))
        .where(StudyLog.logged_at >= _start(since), StudyLog.logged_at < _start(until + DAY))
        .order_by(StudyLog.logged_at, StudyLog.id)
    )
    return streamed(session, query)


def _crm_actuals(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """Each CRM figure with where it came from (a file, Zoho, Fxiaoke) and its id there."""
    query = (
        select(Actual.day, Actual.week_start, Rep.display_name, Rep.user_id, Actual.metric, Actual.amount)
        .add_columns(Actual.currency, Actual.source, Actual.external_id)
        .join(Rep, Rep.id == Actual.rep_id)
        .where(Actual.team_id == scope.team_id, scope.covers(Actual.rep_id))
        .where(Actual.day.between(since, until))
        .order_by(Actual.day, Actual.id)
    )
    return streamed(session, query)


def _incentive_ledger(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """The history of plans and payouts. An admin's scope: all of it; a manager's: their reps' payouts and
    the plans they run; a vendor's contact: their reps' payouts only, without who changed them."""
    query = (
        select(LedgerEntry.at, IncentivePlan.name, IncentivePlan.period, Rep.display_name, Rep.user_id)
        .add_columns(LedgerEntry.what, LedgerEntry.detail, named_by(scope))
        .join(IncentivePlan, IncentivePlan.id == LedgerEntry.plan_id)
        .outerjoin(Payout, Payout.id == LedgerEntry.payout_id)
        .outerjoin(Rep, Rep.id == Payout.rep_id)
        .outerjoin(By, By.id == LedgerEntry.by_id)
        .where(LedgerEntry.team_id == scope.team_id)
        .where(LedgerEntry.at >= _start(since), LedgerEntry.at < _start(until + DAY))
        .order_by(LedgerEntry.at, LedgerEntry.id)
    )
    if scope.manager_id is not None:
        theirs = and_(LedgerEntry.payout_id.is_(None), IncentivePlan.manager_id == scope.manager_id)
        query = query.where(or_(scope.covers(Payout.rep_id), theirs))
    elif not scope.everything:
        query = query.where(scope.covers(Payout.rep_id))
    return streamed(session, query)


TRAINING = ExportSet(
    "training",
    "exports.sets.training",
    (
        "course",
        "title",
        "category",
        "rep",
        "slack_id",
        "assigned_at",
        "due",
        "required",
        "round",
        "started_at",
        "completed_at",
        "quiz_score",
        "confidence_before",
        "confidence_after",
    ),
    _training,
    ("training_assignments", "training_progress", "training_courses"),
)
STUDY_LOGS = ExportSet(
    "study_logs",
    "exports.sets.study_logs",
    ("at", "rep", "slack_id", "what", "minutes", "takeaway"),
    _study_logs,
    ("training_study_logs",),
)
CRM_ACTUALS = ExportSet(
    "crm_actuals",
    "exports.sets.crm_actuals",
    ("day", "week", "rep", "slack_id", "metric", "amount", "currency", "source", "source_id"),
    _crm_actuals,
    ("crm_actuals",),
)
INCENTIVE_LEDGER = ExportSet(
    "incentive_ledger",
    "exports.sets.incentive_ledger",
    ("at", "plan", "period", "rep", "slack_id", "what", "detail", "by_slack_id"),
    _incentive_ledger,
    ("incentive_ledger_entries", "incentive_plans", "incentive_payouts"),
)


def _reviews(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """A line per rep per quarter: the manager's review (levels, reasons, strengths, improvements, the
    development action) beside the rep's self review (wins, lessons, support wanted). Never the peer
    ratings or comments; nothing for a vendor's contact, who sees neither in Pacer (`bot.reviews.policy`)."""
    if not scope.private:
        return
    cycles = cycles_in_range(session, scope, since, until)
    if not cycles:
        return
    mine = and_(SelfReview.cycle_id == Scorecard.cycle_id, SelfReview.rep_id == Scorecard.rep_id)
    theirs = and_(ManagerReview.cycle_id == Scorecard.cycle_id, ManagerReview.rep_id == Scorecard.rep_id)
    query = (
        select(ReviewCycle.quarter, Rep.display_name, Rep.user_id, Boss.display_name)
        .add_columns(*(getattr(ManagerReview, f"{d.value}_level") for d in DIMENSIONS))
        .add_columns(*(getattr(ManagerReview, f"{d.value}_reason") for d in DIMENSIONS))
        .add_columns(ManagerReview.strengths, ManagerReview.improvements, ManagerReview.development_action)
        .add_columns(SelfReview.wins, SelfReview.lessons, SelfReview.support_wanted)
        .select_from(Scorecard)
        .join(ReviewCycle, ReviewCycle.id == Scorecard.cycle_id)
        .join(Rep, Rep.id == Scorecard.rep_id)
        .outerjoin(ManagerReview, theirs)
        .outerjoin(Boss, Boss.id == ManagerReview.manager_id)
        .outerjoin(SelfReview, mine)
        .where(Scorecard.team_id == scope.team_id, Scorecard.cycle_id.in_(cycles))
        .where(scope.covers(Scorecard.rep_id))
        .order_by(ReviewCycle.quarter, Rep.display_name, Scorecard.id)
    )
    yield from streamed(session, query)


REVIEWS = ExportSet(
    "reviews",
    "exports.sets.reviews",
    (
        "quarter",
        "rep",
        "slack_id",
        "manager",
        *(f"{d.value}_level" for d in DIMENSIONS),
        *(f"{d.value}_reason" for d in DIMENSIONS),
        "strengths",
        "improvements",
        "development_action",
        "self_wins",
        "self_lessons",
        "self_support_wanted",
    ),
    _reviews,
    ("review_cycles", "scorecards", "manager_reviews", "self_reviews"),
)
