"""The data sets that complete the export's cover of a rep's data (see `bot.exports.coverage`): badges,
contest awards, quiz answers, CRM pipeline snapshots, the CRM's figure beside each check-in, and each
goal's earlier versions. The reviews' remaining tables are in `sets_reviews`.

Scope as everywhere (`ExportScope`): an admin's whole workspace, a manager's team, a vendor's contact their
vendor's reps only; who chose a badge or changed a goal is named only where `private` (never to a vendor's
contact, as the incentive ledger never names who changed a payout). Text cells are neutralised by the
writer (`bot.spreadsheets.safe_cell`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn
from bot.crm.models import CheckinSource, PipelineSnapshot
from bot.exports.base import ExportScope, ExportSet, Row, streamed
from bot.exports.sets import DAY, By, Rep, _start, named_by
from bot.goals.models import Goal, GoalRevision
from bot.incentives.models import Contest, ContestAward
from bot.recognition.models import Badge
from bot.roster.models import Vendor
from bot.training.models import Course, Lesson, QuizAnswer


def _badges(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """Rep of the month, a line per badge of a rep in scope: whose honour it was ("team", "vendor" or
    "workspace", without the database's ids), the rep's vendor then, and who chose it."""
    query = (
        select(Badge.month, Badge.kind, Badge.scope, Rep.display_name, Rep.user_id, Vendor.name)
        .add_columns(named_by(scope), Badge.created_at)
        .join(Rep, Rep.id == Badge.rep_id)
        .outerjoin(Vendor, Vendor.id == Badge.vendor_id)
        .outerjoin(By, By.id == Badge.chosen_by_id)
        .where(Badge.team_id == scope.team_id, scope.covers(Badge.rep_id))
        .where(Badge.month.between(since.replace(day=1), until))
        .order_by(Badge.month, Badge.id)
    )
    for month, kind, key, *rest in streamed(session, query):
        yield (month, kind, key.split(":")[0], *rest)


def _contest_awards(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """What each rep in scope won at a contest whose window meets the range: their place or the threshold
    they reached, and the prize."""
    query = (
        select(Contest.name, Contest.metric, Contest.starts_on, Contest.ends_on, Rep.display_name)
        .add_columns(Rep.user_id, ContestAward.rank, ContestAward.threshold, ContestAward.unit)
        .add_columns(ContestAward.prize, ContestAward.awarded_at)
        .join(Contest, Contest.id == ContestAward.contest_id)
        .join(Rep, Rep.id == ContestAward.rep_id)
        .where(ContestAward.team_id == scope.team_id, scope.covers(ContestAward.rep_id))
        .where(Contest.starts_on <= until, Contest.ends_on >= since)
        .order_by(Contest.ends_on, Contest.id, ContestAward.rank, ContestAward.id)
    )
    return streamed(session, query)


def _quiz_answers(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """Each answer a rep gave to a lesson's question: the course, the lesson (numbered from 1), the
    question, the option chosen (its number from 1 and its text), right or not, and when."""
    query = (
        select(QuizAnswer.answered_at, Rep.display_name, Rep.user_id, Course.slug, Course.title)
        .add_columns(Lesson.version, Lesson.position, Lesson.prompt, QuizAnswer.round, QuizAnswer.chosen)
        .add_columns(Lesson.options, QuizAnswer.correct)
        .join(Lesson, Lesson.id == QuizAnswer.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
        .join(Rep, Rep.id == QuizAnswer.rep_id)
        .where(QuizAnswer.team_id == scope.team_id, scope.covers(QuizAnswer.rep_id))
        .where(QuizAnswer.answered_at >= _start(since), QuizAnswer.answered_at < _start(until + DAY))
        .order_by(QuizAnswer.answered_at, QuizAnswer.id)
    )
    for *head, position, prompt, attempt, chosen, options, correct in streamed(session, query):
        text = options[chosen] if isinstance(options, list) and 0 <= chosen < len(options) else None
        yield (*head, position + 1, prompt, attempt, chosen + 1, text, correct)


def _crm_pipeline(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """Each rep's open pipeline as of a day, per currency and source."""
    query = (
        select(PipelineSnapshot.as_of, Rep.display_name, Rep.user_id, PipelineSnapshot.amount)
        .add_columns(PipelineSnapshot.currency, PipelineSnapshot.deals, PipelineSnapshot.source)
        .join(Rep, Rep.id == PipelineSnapshot.rep_id)
        .where(PipelineSnapshot.team_id == scope.team_id, scope.covers(PipelineSnapshot.rep_id))
        .where(PipelineSnapshot.as_of.between(since, until))
        .order_by(PipelineSnapshot.as_of, PipelineSnapshot.id)
    )
    return streamed(session, query)


def _checkin_crm(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """What the CRM said when a rep checked in, beside the result they reported, and their reason when
    the two differ: the same people as the check-ins themselves."""
    query = (
        select(CheckIn.week_start, Rep.display_name, Rep.user_id, CheckIn.goal_id, CheckIn.result)
        .add_columns(CheckinSource.crm_amount, CheckinSource.crm_items, CheckinSource.source)
        .add_columns(CheckinSource.reason, CheckinSource.recorded_at)
        .join(CheckIn, CheckIn.id == CheckinSource.checkin_id)
        .join(Rep, Rep.id == CheckIn.rep_id)
        .where(CheckinSource.team_id == scope.team_id, scope.covers(CheckIn.rep_id))
        .where(CheckIn.week_start.between(since, until))
        .order_by(CheckIn.week_start, CheckIn.id)
    )
    return streamed(session, query)


def _goal_history(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """A goal's earlier versions: what its target, dates and status were before each edit made in the
    range, and who made it."""
    query = (
        select(GoalRevision.changed_at, GoalRevision.goal_id, Rep.display_name, Rep.user_id, Goal.title)
        .add_columns(GoalRevision.version, GoalRevision.target, GoalRevision.start_date)
        .add_columns(GoalRevision.end_date, GoalRevision.status, named_by(scope))
        .join(Goal, Goal.id == GoalRevision.goal_id)
        .join(Rep, Rep.id == Goal.rep_id)
        .outerjoin(By, By.id == GoalRevision.changed_by_id)
        .where(GoalRevision.team_id == scope.team_id, scope.covers(Goal.rep_id))
        .where(GoalRevision.changed_at >= _start(since), GoalRevision.changed_at < _start(until + DAY))
        .order_by(GoalRevision.changed_at, GoalRevision.id)
    )
    return streamed(session, query)


BADGES = ExportSet(
    "badges",
    "exports.sets.badges",
    ("month", "kind", "scope", "rep", "slack_id", "vendor", "chosen_by_slack_id", "at"),
    _badges,
    ("badges",),
)
CONTEST_AWARDS = ExportSet(
    "contest_awards",
    "exports.sets.contest_awards",
    (
        "contest",
        "metric",
        "start",
        "end",
        "rep",
        "slack_id",
        "rank",
        "threshold",
        "unit",
        "prize",
        "awarded_at",
    ),
    _contest_awards,
    ("incentive_contest_awards", "incentive_contests"),
)
QUIZ_ANSWERS = ExportSet(
    "quiz_answers",
    "exports.sets.quiz_answers",
    (
        "at",
        "rep",
        "slack_id",
        "course",
        "title",
        "version",
        "lesson",
        "question",
        "round",
        "chosen",
        "chosen_answer",
        "correct",
    ),
    _quiz_answers,
    ("training_quiz_answers", "training_lessons", "training_courses"),
)
CRM_PIPELINE = ExportSet(
    "crm_pipeline",
    "exports.sets.crm_pipeline",
    ("as_of", "rep", "slack_id", "amount", "currency", "deals", "source"),
    _crm_pipeline,
    ("crm_pipeline",),
)
CHECKIN_CRM = ExportSet(
    "checkin_crm",
    "exports.sets.checkin_crm",
    (
        "week",
        "rep",
        "slack_id",
        "goal_id",
        "reported",
        "crm_amount",
        "crm_items",
        "source",
        "reason",
        "recorded_at",
    ),
    _checkin_crm,
    ("checkin_sources", "checkins"),
)
GOAL_HISTORY = ExportSet(
    "goal_history",
    "exports.sets.goal_history",
    (
        "changed_at",
        "goal_id",
        "rep",
        "slack_id",
        "title",
        "version",
        "target",
        "start",
        "end",
        "status",
        "changed_by_slack_id",
    ),
    _goal_history,
    ("goal_revisions", "goals"),
)
