"""Who owes something in a review's current stage, for the daily reminders (`reviews-remind`): a rep their
self review, a peer the ratings they were asked for, a manager the reviews of their reps. Each person once,
with how many are still to give and the stage's due date. A few statements a cycle, whatever its size.
No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reviews.models import ManagerReview, PeerRating, ReviewCycle, SelfReview, Stage
from bot.reviews.progress import reps_of
from bot.roster.models import Member


class Owed(StrEnum):
    SELF = "self"
    PEER = "peer"
    MANAGER = "manager"


OWED_IN: dict[Stage, Owed] = {
    Stage.OPEN: Owed.SELF,
    Stage.SELF_REVIEW: Owed.SELF,
    Stage.PEER_INPUT: Owed.PEER,
    Stage.MANAGER_REVIEW: Owed.MANAGER,
}


@dataclass(frozen=True)
class Due:
    """`person` still owes `count` of `what` in `cycle`, due by `due` (a calendar day)."""

    cycle: ReviewCycle
    person: Member
    what: Owed
    count: int
    due: date
    asked_at: datetime | None = None  # a peer's earliest ask still unanswered
    reps: tuple[tuple[int, str], ...] = ()  # (id, Slack id) of the reps still to rate or to review


def cycles_to_remind(session: Session) -> list[ReviewCycle]:
    """Every workspace's cycles in a stage where someone owes input."""
    return list(session.scalars(select(ReviewCycle).where(ReviewCycle.stage.in_(list(OWED_IN)))))


def due_of(cycle: ReviewCycle) -> date:
    """The current stage's due date."""
    what = OWED_IN[cycle.stage]
    if what is Owed.SELF:
        return cycle.self_due
    return cycle.peer_due if what is Owed.PEER else cycle.manager_due


def owing(session: Session, cycle: ReviewCycle) -> list[Due]:
    """Who owes what in the cycle's current stage (active people only), in the order they joined."""
    what, asked = OWED_IN[cycle.stage], dict[int, datetime]()
    if what is Owed.SELF:
        counts = _self_owed(session, cycle)
    elif what is Owed.PEER:
        counts, asked = _peer_owed(session, cycle)
    else:
        counts = _manager_owed(session, cycle)
    people = session.scalars(select(Member).where(Member.id.in_(list(counts)), Member.active.is_(True)))
    due = due_of(cycle)
    return [
        Due(cycle, p, what, len(counts[p.id]), due, asked.get(p.id), tuple(counts[p.id]))
        for p in sorted(people, key=lambda p: p.id)
    ]


def _done(session: Session, model: type[SelfReview] | type[ManagerReview], cycle: ReviewCycle) -> set[int]:
    return set(
        session.scalars(
            select(model.rep_id).where(
                model.team_id == cycle.team_id, model.cycle_id == cycle.id, model.submitted_at.is_not(None)
            )
        )
    )


Owing = dict[int, list[tuple[int, str]]]  # person id → (id, Slack id) of each rep concerned


def _self_owed(session: Session, cycle: ReviewCycle) -> Owing:
    done = _done(session, SelfReview, cycle)
    return {
        rep.id: [(rep.id, rep.user_id)] for rep in reps_of(session, cycle.team_id, None) if rep.id not in done
    }


def _manager_owed(session: Session, cycle: ReviewCycle) -> Owing:
    done, owed = _done(session, ManagerReview, cycle), Owing()
    for rep in reps_of(session, cycle.team_id, None):
        if rep.id not in done and rep.manager_id is not None:
            owed.setdefault(rep.manager_id, []).append((rep.id, rep.user_id))
    return owed


def _peer_owed(session: Session, cycle: ReviewCycle) -> tuple[Owing, dict[int, datetime]]:
    rows = session.execute(
        select(PeerRating.rater_id, PeerRating.rep_id, Member.user_id, PeerRating.requested_at)
        .join(Member, Member.id == PeerRating.rep_id)
        .where(PeerRating.team_id == cycle.team_id, PeerRating.cycle_id == cycle.id)
        .where(PeerRating.rating.is_(None))
        .order_by(PeerRating.id)
    )
    owed, asked = Owing(), dict[int, datetime]()
    for rater, rep_id, rep_user_id, requested_at in rows:
        owed.setdefault(rater, []).append((rep_id, rep_user_id))
        asked[rater] = min(asked.get(rater, requested_at), requested_at)
    return owed, asked
