"""The demo's links: the raised manager review's development action links to the "Discovery calls" course
(assigned to the rep once the review is published), and the demo's incentive plan gives a seat in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.incentives.models import IncentivePlan
from bot.links.handlers import connect
from bot.reviews.development import DevelopmentAction, DevelopmentKind
from bot.reviews.models import ManagerReview, ReviewCycle
from bot.reviews.reviewing import link_development
from bot.training.courses import course_named

COURSE = "discovery-calls"


def seed_links(session: Session, team_id: str, *, by: int, now: datetime) -> None:
    connect()
    course = course_named(session, team_id, COURSE)
    action = DevelopmentAction(DevelopmentKind.TRAINING, course.id)
    for review in session.scalars(select(ManagerReview).where(ManagerReview.team_id == team_id)):
        link_development(
            session, session.get_one(ReviewCycle, review.cycle_id), review, action, by=by, now=now
        )
    for plan in session.scalars(select(IncentivePlan).where(IncentivePlan.team_id == team_id)):
        plan.seat_course_id = course.id
    session.flush()
