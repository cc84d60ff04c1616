"""More data sets: review scorecards (levels and overall, never peer comments), kudos, incentive payouts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import groupby

from sqlalchemy import case, select
from sqlalchemy.orm import Session, aliased

from bot import calendar
from bot.exports.base import ExportScope, ExportSet, Row, streamed
from bot.exports.sets import Rep
from bot.incentives.models import IncentivePlan, Payout
from bot.recognition.models import Kudos
from bot.reviews.models import DIMENSIONS, ReviewCycle, Scorecard, ScorecardLevel, Stage
from bot.roster.models import Member

Receiver = aliased(Member, name="receiver")
PUBLISHED = (Stage.PUBLISHED, Stage.CLOSED)


def cycles_in_range(session: Session, scope: ExportScope, since: date, until: date) -> list[int]:
    """The review cycles whose quarter meets the range (a workspace has a few); for a vendor's contact only
    those published (as `bot.reviews.policy` shows them the levels)."""
    found_cycles = select(ReviewCycle.id, ReviewCycle.quarter).where(ReviewCycle.team_id == scope.team_id)
    if not scope.private:
        found_cycles = found_cycles.where(ReviewCycle.stage.in_(PUBLISHED))
    cycles = session.execute(found_cycles)
    found = []
    for cycle_id, quarter in cycles:
        first, last = calendar.quarter_bounds(quarter)
        if first <= until and last >= since:
            found.append(cycle_id)
    return found


def _scorecards(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """A line per scorecard: the quarter, the rep, each dimension's level and source, the overall."""
    cycles = cycles_in_range(session, scope, since, until)
    if not cycles:
        return
    query = (
        select(ReviewCycle.quarter, Rep.display_name, Rep.user_id, Scorecard.overall, Scorecard.id)
        .add_columns(ScorecardLevel.dimension, ScorecardLevel.level, ScorecardLevel.source)
        .join(ReviewCycle, ReviewCycle.id == Scorecard.cycle_id)
        .join(Rep, Rep.id == Scorecard.rep_id)
        .outerjoin(ScorecardLevel, ScorecardLevel.scorecard_id == Scorecard.id)
        .where(
            Scorecard.team_id == scope.team_id, Scorecard.cycle_id.in_(cycles), scope.covers(Scorecard.rep_id)
        )
        .order_by(ReviewCycle.quarter, Rep.display_name, Scorecard.id)
    )
    for _, lines in groupby(streamed(session, query), key=lambda line: line[4]):
        first, *rest = list(lines)
        levels = {line[5]: (line[6], line[7]) for line in (first, *rest) if line[5] is not None}
        cells = [value for d in DIMENSIONS for value in levels.get(d, (None, None))]
        yield (first[0], first[1], first[2], *cells, first[3])


def _kudos(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    """Kudos given or received in scope. A private kudos (the receiver's DM only) is in an admin's export
    only. For a vendor's contact (`private` false): only public kudos their reps received, and a giver from
    outside the vendor is not named."""
    giver = aliased(Member, name="giver")
    named = (
        giver.user_id if scope.private else case((scope.covers(Kudos.giver_id), giver.user_id), else_=None)
    )
    query = (
        select(Kudos.created_at, named, Receiver.user_id, Kudos.points, Kudos.reason, Kudos.kudos_values)
        .add_columns(Kudos.public, Kudos.status)
        .join(giver, giver.id == Kudos.giver_id)
        .join(Receiver, Receiver.id == Kudos.receiver_id)
        .where(Kudos.team_id == scope.team_id, Kudos.month.between(since.replace(day=1), until))
        .order_by(Kudos.id)
    )
    if scope.private:
        query = query.where(scope.covers(Kudos.receiver_id) | scope.covers(Kudos.giver_id))
    else:
        query = query.where(scope.covers(Kudos.receiver_id))
    if not scope.admin:
        query = query.where(Kudos.public.is_(True))
    return streamed(session, query)


def _payouts(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
    query = (
        select(IncentivePlan.name, IncentivePlan.period, Rep.display_name, Rep.user_id, Payout.attainment)
        .add_columns(Payout.amount, Payout.currency, Payout.client_share, Payout.vendor_share, Payout.status)
        .join(IncentivePlan, IncentivePlan.id == Payout.plan_id)
        .join(Rep, Rep.id == Payout.rep_id)
        .where(Payout.team_id == scope.team_id, scope.covers(Payout.rep_id))
        .where(IncentivePlan.starts_on <= until, IncentivePlan.ends_on >= since)
        .order_by(IncentivePlan.starts_on, Payout.id)
    )
    return streamed(session, query)


SCORECARDS = ExportSet(
    "scorecards",
    "exports.sets.scorecards",
    (
        "quarter",
        "rep",
        "slack_id",
        *(f"{d.value}_{part}" for d in DIMENSIONS for part in ("level", "source")),
        "overall",
    ),
    _scorecards,
    ("review_cycles", "scorecards", "scorecard_levels"),
)
KUDOS = ExportSet(
    "kudos",
    "exports.sets.kudos",
    ("at", "giver_slack_id", "receiver_slack_id", "points", "reason", "values", "public", "status"),
    _kudos,
    ("kudos",),
)
PAYOUTS = ExportSet(
    "payouts",
    "exports.sets.payouts",
    (
        "plan",
        "period",
        "rep",
        "slack_id",
        "attainment",
        "amount",
        "currency",
        "client_share",
        "vendor_share",
        "status",
    ),
    _payouts,
    ("incentive_plans", "incentive_payouts"),
)
