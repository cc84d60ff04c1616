"""What the Slack flows of a review read: the workspace's current cycle, a rep's card (with the auto
levels a manager's review starts from), and who is at which stage of it. Constant statements whatever the
team's size. No Slack."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.digests.service import Scope
from bot.errors import NotFound
from bot.reviews.models import ManagerReview, PeerRating, ReviewCycle, SelfReview, Stage
from bot.reviews.scorecards import Card, read_figures, score
from bot.reviews.settings import load_config
from bot.roster.models import Member


def current_cycle(session: Session, team_id: str) -> ReviewCycle:
    """The workspace's latest review that is not closed, or NotFound."""
    cycle = open_cycle_of(session, team_id)
    if cycle is None:
        raise NotFound("reviews.flows.no_open_cycle")
    return cycle


def open_cycle_of(session: Session, team_id: str) -> ReviewCycle | None:
    """The workspace's latest review that is not closed, if any."""
    return session.scalars(
        select(ReviewCycle)
        .where(ReviewCycle.team_id == team_id, ReviewCycle.stage != Stage.CLOSED)
        .order_by(ReviewCycle.quarter.desc())
        .limit(1)
    ).first()


def card_of(session: Session, cycle: ReviewCycle, rep: Member, *, auto: bool = False) -> Card:
    """`rep`'s card of the cycle's quarter as computed now; with `auto`, the computed levels even where a
    manager has set a final one (what a manager's change is measured against)."""
    figures = read_figures(session, Scope(cycle.team_id, rep_id=rep.id), cycle.quarter, None)
    if auto:
        figures = dataclasses.replace(figures, final={})
    card = Card(rep.id, rep.manager_id, rep.vendor_id)
    score(card, figures, load_config(session, cycle.team_id))
    return card


def self_review_of(session: Session, cycle: ReviewCycle, rep_id: int) -> SelfReview | None:
    return session.scalars(
        select(SelfReview).where(
            SelfReview.team_id == cycle.team_id, SelfReview.cycle_id == cycle.id, SelfReview.rep_id == rep_id
        )
    ).one_or_none()


def manager_review_of(session: Session, cycle: ReviewCycle, rep_id: int) -> ManagerReview | None:
    return session.scalars(
        select(ManagerReview).where(
            ManagerReview.team_id == cycle.team_id,
            ManagerReview.cycle_id == cycle.id,
            ManagerReview.rep_id == rep_id,
        )
    ).one_or_none()


@dataclass(frozen=True)
class RepProgress:
    """Where one rep's review stands: self review sent, peers asked and answered, manager review done."""

    rep: Member
    self_done: bool
    peers_asked: int
    peers_rated: int
    manager_done: bool


def team_progress(session: Session, cycle: ReviewCycle, reps: list[Member]) -> list[RepProgress]:
    """Each of `reps`' progress in the cycle, in four statements."""
    ids = [rep.id for rep in reps]
    selves = _done(session, SelfReview, cycle, ids)
    managers = _done(session, ManagerReview, cycle, ids)
    counts = {
        rep_id: (asked, rated)
        for rep_id, asked, rated in session.execute(
            select(PeerRating.rep_id, func.count(), func.count(PeerRating.rating))
            .where(PeerRating.team_id == cycle.team_id, PeerRating.cycle_id == cycle.id)
            .where(PeerRating.rep_id.in_(ids))
            .group_by(PeerRating.rep_id)
        )
    }
    return [
        RepProgress(rep, rep.id in selves, *counts.get(rep.id, (0, 0)), manager_done=rep.id in managers)
        for rep in reps
    ]


def _done(
    session: Session, model: type[SelfReview] | type[ManagerReview], cycle: ReviewCycle, ids: list[int]
) -> set[int]:
    return set(
        session.scalars(
            select(model.rep_id).where(
                model.team_id == cycle.team_id,
                model.cycle_id == cycle.id,
                model.rep_id.in_(ids),
                model.submitted_at.is_not(None),
            )
        )
    )


def reps_of(session: Session, team_id: str, manager_id: int | None) -> list[Member]:
    """A manager's reps (None: every rep on a team in the workspace), as the digest orders them."""
    scope = Scope(team_id, manager_id=manager_id)
    return list(
        session.scalars(
            select(Member).where(Member.id.in_(scope.rep_ids())).order_by(Member.display_name, Member.id)
        )
    )


def pending_ratings(session: Session, cycle: ReviewCycle, rater_id: int) -> list[PeerRating]:
    """The ratings `rater_id` was asked for in the cycle and has not given yet."""
    return list(
        session.scalars(
            select(PeerRating).where(
                PeerRating.team_id == cycle.team_id,
                PeerRating.cycle_id == cycle.id,
                PeerRating.rater_id == rater_id,
                PeerRating.rating.is_(None),
            )
        )
    )
