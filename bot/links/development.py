"""The review's development action, linked to a training course or an incentive plan. No Slack."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.incentives.models import IncentivePlan, PlanStatus
from bot.reviews import development
from bot.reviews.development import DevelopmentKind
from bot.reviews.models import ManagerReview
from bot.roster.models import Member
from bot.training import service as training

logger = logging.getLogger(__name__)
OFFERED_PLANS = (PlanStatus.DRAFT, PlanStatus.ACTIVE)  # a plan the rep can still be put on


def plan_choices(session: Session, team_id: str, _locale: str) -> list[tuple[int, str]]:
    """The workspace's incentive plans still to run, newest period first: (id, "name (period)")."""
    rows = session.execute(
        select(IncentivePlan.id, IncentivePlan.name, IncentivePlan.period)
        .where(IncentivePlan.team_id == team_id, IncentivePlan.status.in_(OFFERED_PLANS))
        .order_by(IncentivePlan.starts_on.desc(), IncentivePlan.id)
    ).all()
    return [(row.id, f"{row.name} ({row.period})") for row in rows]


def plan_name(session: Session, team_id: str, plan_id: int) -> str | None:
    plan = session.get(IncentivePlan, plan_id)
    return plan.name if plan is not None and plan.team_id == team_id else None


def connect() -> None:
    """Offer and name courses and incentive plans in the manager review (idempotent)."""
    development.CHOOSERS[DevelopmentKind.TRAINING] = training.course_choices
    development.NAMERS[DevelopmentKind.TRAINING] = training.course_title
    development.CHOOSERS[DevelopmentKind.INCENTIVE] = plan_choices
    development.NAMERS[DevelopmentKind.INCENTIVE] = plan_name


def assign_published(session: Session, team_id: str, cycle_id: int, *, by_id: int, now: datetime) -> int:
    """Each course a published cycle's manager reviews link to, assigned to its rep once; how many new."""
    reviews = session.scalars(
        select(ManagerReview).where(
            ManagerReview.team_id == team_id,
            ManagerReview.cycle_id == cycle_id,
            ManagerReview.development_kind == DevelopmentKind.TRAINING.value,
        )
    ).all()
    new = 0
    for review in reviews:
        rep = session.get(Member, review.rep_id)
        if rep is None or review.development_ref is None:
            continue
        by = review.manager_id or by_id
        new += training.grant(session, team_id, rep, review.development_ref, by_id=by, now=now)
    logger.info("review cycle %s published: %s development course(s) assigned", cycle_id, new)
    return new
