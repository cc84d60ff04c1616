"""The quarterly review's remaining data sets: the rep's self review (levels and text), the figures behind
the satisfaction and expansion levels, the new accounts reps gave in their check-ins, the review's
history and the review conversations.

As `bot.reviews.policy` shows them: a review's parts other than its levels reach admins and the rep's
manager only, never a vendor's contact (`ExportScope.private` false: these sets are empty for them, as
`reviews` is); the weekly new accounts are check-in answers, exported to whoever gets the check-ins. Peer
input never: no rating, comment or rater (`peer_ratings` is not read), and the history leaves out every
change but the kinds listed in `SHOWN_CHANGES` — "peer.asked" names the rater, so it is never among them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.exports.base import ExportScope, ExportSet, Row, streamed
from bot.exports.sets import DAY, Boss, By, Rep, _start
from bot.exports.sets_more import cycles_in_range
from bot.reviews.models import (
    DIMENSIONS,
    ReviewChange,
    ReviewConversation,
    ReviewCycle,
    ReviewInput,
    SelfReview,
    WeeklyAccounts,
)
from bot.reviews.service import DUE_FIELDS, quarter_of

# the history's kinds of change an export holds: the cycle's stages, locks, reopenings and dates, each
# level a manager set, the development action and the conversation's steps; never who was asked to rate
SHOWN_CHANGES = ("stage", "locked", "reopened", *DUE_FIELDS, "development")
SHOWN_PREFIXES = ("level.", "talk.")


def quarters(since: date, until: date) -> list[str]:
    """The quarters ("2026Q4") that meet the range, oldest first."""
    return [quarter_of(first) for first, _ in calendar.periods("quarter", since, until)]


def _self_reviews(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """Each rep's self review of a quarter: a level per dimension, wins, lessons, the support wanted and
    when they sent it. For admins and the rep's manager only."""
    if not scope.private:
        return
    cycles = cycles_in_range(session, scope, since, until)
    if not cycles:
        return
    query = (
        select(ReviewCycle.quarter, Rep.display_name, Rep.user_id)
        .add_columns(*(getattr(SelfReview, f"{d.value}_level") for d in DIMENSIONS))
        .add_columns(SelfReview.wins, SelfReview.lessons, SelfReview.support_wanted, SelfReview.submitted_at)
        .join(ReviewCycle, ReviewCycle.id == SelfReview.cycle_id)
        .join(Rep, Rep.id == SelfReview.rep_id)
        .where(SelfReview.team_id == scope.team_id, SelfReview.cycle_id.in_(cycles))
        .where(scope.covers(SelfReview.rep_id))
        .order_by(ReviewCycle.quarter, Rep.display_name, SelfReview.id)
    )
    yield from streamed(session, query)


def _review_inputs(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """The customer-satisfaction and market-expansion figures of each rep's quarter, with their source
    (an upload, a manager, the CRM, the check-ins), a note and who recorded them: a scorecard's evidence."""
    if not scope.private:
        return
    query = (
        select(ReviewInput.quarter, Rep.display_name, Rep.user_id, ReviewInput.kind, ReviewInput.source)
        .add_columns(ReviewInput.value, ReviewInput.scale, ReviewInput.note, By.user_id)
        .add_columns(ReviewInput.recorded_at)
        .join(Rep, Rep.id == ReviewInput.rep_id)
        .outerjoin(By, By.id == ReviewInput.recorded_by_id)
        .where(ReviewInput.team_id == scope.team_id, ReviewInput.quarter.in_(quarters(since, until)))
        .where(scope.covers(ReviewInput.rep_id))
        .order_by(ReviewInput.quarter, Rep.display_name, ReviewInput.id)
    )
    yield from streamed(session, query)


def _new_accounts(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """The new accounts each rep gave in a week's check-in (when the workspace asks for them)."""
    query = (
        select(WeeklyAccounts.week_start, Rep.display_name, Rep.user_id, WeeklyAccounts.count)
        .add_columns(WeeklyAccounts.recorded_at)
        .join(Rep, Rep.id == WeeklyAccounts.rep_id)
        .where(WeeklyAccounts.team_id == scope.team_id, scope.covers(WeeklyAccounts.rep_id))
        .where(WeeklyAccounts.week_start.between(since, until))
        .order_by(WeeklyAccounts.week_start, WeeklyAccounts.id)
    )
    return streamed(session, query)


def _review_history(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """Who changed what in a review and why, between the two days: a rep's levels, development action and
    conversation (a manager's scope: their reps'), and, in the whole workspace's export, the cycle's own
    stages, locks, reopenings and dates. Never a peer's name (see `SHOWN_CHANGES`)."""
    if not scope.private:
        return
    shown = or_(
        ReviewChange.what.in_(SHOWN_CHANGES), *(ReviewChange.what.startswith(p) for p in SHOWN_PREFIXES)
    )
    query = (
        select(ReviewChange.changed_at, ReviewCycle.quarter, Rep.display_name, Rep.user_id)
        .add_columns(ReviewChange.what, ReviewChange.before, ReviewChange.after, ReviewChange.reason)
        .add_columns(By.user_id)
        .join(ReviewCycle, ReviewCycle.id == ReviewChange.cycle_id)
        .outerjoin(Rep, Rep.id == ReviewChange.rep_id)
        .outerjoin(By, By.id == ReviewChange.changed_by_id)
        .where(ReviewChange.team_id == scope.team_id, shown)
        .where(ReviewChange.changed_at >= _start(since), ReviewChange.changed_at < _start(until + DAY))
        .order_by(ReviewChange.changed_at, ReviewChange.id)
    )
    if scope.everything:
        query = query.where(ReviewChange.rep_id.is_(None) | scope.covers(ReviewChange.rep_id))
    else:
        query = query.where(scope.covers(ReviewChange.rep_id))
    yield from streamed(session, query)


def _review_conversations(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """Each rep's review conversation with their manager: the slot, whether confirmed or held, and who
    marked it held."""
    if not scope.private:
        return
    query = (
        select(ReviewCycle.quarter, Rep.display_name, Rep.user_id, Boss.display_name)
        .add_columns(ReviewConversation.state, ReviewConversation.starts_at, ReviewConversation.held_at)
        .add_columns(By.user_id)
        .join(ReviewCycle, ReviewCycle.id == ReviewConversation.cycle_id)
        .join(Rep, Rep.id == ReviewConversation.rep_id)
        .outerjoin(Boss, Boss.id == ReviewConversation.manager_id)
        .outerjoin(By, By.id == ReviewConversation.held_by_id)
        .where(ReviewConversation.team_id == scope.team_id, scope.covers(ReviewConversation.rep_id))
        .where(
            ReviewConversation.starts_at >= _start(since),
            ReviewConversation.starts_at < _start(until + DAY),
        )
        .order_by(ReviewConversation.starts_at, ReviewConversation.id)
    )
    yield from streamed(session, query)


SELF_REVIEWS = ExportSet(
    "self_reviews",
    "exports.sets.self_reviews",
    (
        "quarter",
        "rep",
        "slack_id",
        *(f"{d.value}_level" for d in DIMENSIONS),
        "wins",
        "lessons",
        "support_wanted",
        "submitted_at",
    ),
    _self_reviews,
    ("self_reviews", "review_cycles"),
)
REVIEW_INPUTS = ExportSet(
    "review_inputs",
    "exports.sets.review_inputs",
    (
        "quarter",
        "rep",
        "slack_id",
        "kind",
        "source",
        "value",
        "scale",
        "note",
        "recorded_by_slack_id",
        "recorded_at",
    ),
    _review_inputs,
    ("review_inputs",),
)
NEW_ACCOUNTS = ExportSet(
    "new_accounts",
    "exports.sets.new_accounts",
    ("week", "rep", "slack_id", "new_accounts", "recorded_at"),
    _new_accounts,
    ("review_weekly_accounts",),
)
REVIEW_HISTORY = ExportSet(
    "review_history",
    "exports.sets.review_history",
    ("at", "quarter", "rep", "slack_id", "what", "before", "after", "reason", "by_slack_id"),
    _review_history,
    ("review_changes", "review_cycles"),
)
REVIEW_CONVERSATIONS = ExportSet(
    "review_conversations",
    "exports.sets.review_conversations",
    ("quarter", "rep", "slack_id", "manager", "state", "starts_at", "held_at", "held_by_slack_id"),
    _review_conversations,
    ("review_conversations", "review_cycles"),
)
