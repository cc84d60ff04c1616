"""Peer input: a rep's peers are asked (by their manager, or proposed by the rep), each rates them once
per cycle from 1 to 5 with an optional comment. Never oneself, never someone outside the rep's team: both
are refused with the reason. No Slack."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot.errors import Invalid, NotAllowed
from bot.reviews import policy
from bot.reviews.models import PeerRating, ReviewCycle, Stage
from bot.reviews.scoring import LEVELS
from bot.reviews.service import check_stage, record_change
from bot.roster.models import Member

ASKING_STAGES = (Stage.OPEN, Stage.SELF_REVIEW, Stage.PEER_INPUT)
MAX_PEERS = 5


def ask_peer(
    session: Session, cycle: ReviewCycle, rep: Member, rater: Member, *, by: int | None, now: datetime
) -> PeerRating:
    """Ask `rater` to rate `rep` in this cycle (asking twice is the same one request)."""
    check_stage(cycle, *ASKING_STAGES)
    policy.check_can_rate(rater, rep)
    found = _find(session, cycle, rep.id, rater.id)
    if found is not None:
        return found
    if len(ratings_of(session, cycle, rep.id)) >= MAX_PEERS:
        raise Invalid("reviews.errors.too_many_peers", most=MAX_PEERS)
    asked = PeerRating(
        team_id=cycle.team_id,
        cycle_id=cycle.id,
        rep_id=rep.id,
        rater_id=rater.id,
        requested_by_id=by,
        requested_at=now,
    )
    session.add(asked)
    session.flush()
    record_change(
        session, cycle, by=by, what="peer.asked", before="", after=str(rater.id), now=now, rep_id=rep.id
    )
    return asked


def rate(
    session: Session,
    cycle: ReviewCycle,
    rep: Member,
    rater: Member,
    *,
    rating: int,
    comment: str,
    now: datetime,
) -> PeerRating:
    """`rater`'s answer: a whole 1–5 rating and an optional comment. Answering again changes it while
    peer input is still open; only peers who were asked may answer."""
    check_stage(cycle, *ASKING_STAGES)
    policy.check_can_rate(rater, rep)
    if rating not in LEVELS:
        raise Invalid("reviews.errors.rating_range")
    asked = _find(session, cycle, rep.id, rater.id)
    if asked is None:
        raise NotAllowed("reviews.errors.not_asked")
    asked.rating, asked.comment, asked.rated_at = rating, comment.strip(), now
    session.flush()
    return asked


def ratings_of(session: Session, cycle: ReviewCycle, rep_id: int) -> list[PeerRating]:
    """Every peer asked about `rep_id` in the cycle, answered or not, in the order they were asked."""
    return list(
        session.scalars(
            select(PeerRating)
            .where(
                PeerRating.team_id == cycle.team_id,
                PeerRating.cycle_id == cycle.id,
                PeerRating.rep_id == rep_id,
            )
            .order_by(PeerRating.id)
        )
    )


def _find(session: Session, cycle: ReviewCycle, rep_id: int, rater_id: int) -> PeerRating | None:
    return session.scalars(
        select(PeerRating).where(
            PeerRating.team_id == cycle.team_id,
            PeerRating.cycle_id == cycle.id,
            PeerRating.rep_id == rep_id,
            PeerRating.rater_id == rater_id,
        )
    ).one_or_none()


def unanswered_asks(session: Session) -> list[tuple[ReviewCycle, Member, Member]]:
    """Every ask not answered yet, as (cycle, rep, rater), in a cycle that still asks and to an active
    rater, oldest first: what `reviews-ask` delivers at each rater's own working hours. One statement."""
    rep, rater = aliased(Member), aliased(Member)
    rows = session.execute(
        select(ReviewCycle, rep, rater)
        .join(PeerRating, PeerRating.cycle_id == ReviewCycle.id)
        .join(rep, rep.id == PeerRating.rep_id)
        .join(rater, rater.id == PeerRating.rater_id)
        .where(ReviewCycle.stage.in_(ASKING_STAGES), PeerRating.rating.is_(None), rater.active.is_(True))
        .order_by(PeerRating.id)
    )
    return [(row[0], row[1], row[2]) for row in rows]
