"""A training course seat as a reward (issue 15): an incentive plan's or a contest's `seat_course_id`. The
course is assigned once to each rep whose payout is approved (`PayoutApproved`), and to each prized rank
of a contest when it ends (`ContestEnded`). No Slack."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.events import ContestEnded, PayoutApproved
from bot.incentives import seats
from bot.incentives.models import Contest, IncentivePlan
from bot.roster.models import Member
from bot.training import service as training


def connect() -> None:
    """Offer and name the workspace's courses as seats in the plan and contest modals (idempotent)."""
    seats.CHOOSERS[:] = [training.course_choices]
    seats.NAMERS[:] = [training.course_title]


def _grant(
    session: Session, team_id: str, rep_id: int, course_id: int, *, by_id: int | None, now: datetime
) -> bool:
    rep = session.get(Member, rep_id)
    if rep is None or rep.team_id != team_id:
        return False
    return training.grant(session, team_id, rep, course_id, by_id=by_id, now=now)


def grant_plan_seat(session: Session, event: PayoutApproved, *, now: datetime) -> bool:
    """The plan's course seat, assigned to the rep of the approved payout once; True when new."""
    plan = session.get(IncentivePlan, event.plan_id)
    if plan is None or plan.team_id != event.team_id or plan.seat_course_id is None:
        return False
    return _grant(session, event.team_id, event.rep_id, plan.seat_course_id, by_id=event.by_id, now=now)


def grant_contest_seats(session: Session, event: ContestEnded, *, now: datetime) -> int:
    """The contest's course seat, assigned once to each winner; how many were new."""
    contest = session.get(Contest, event.contest_id)
    if contest is None or contest.team_id != event.team_id or contest.seat_course_id is None:
        return 0
    course = contest.seat_course_id
    return sum(
        _grant(session, event.team_id, rep, course, by_id=contest.created_by_id, now=now)
        for rep in event.winners
    )
