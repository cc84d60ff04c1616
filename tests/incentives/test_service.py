"""The plan's way through the database, on SQLite and PostgreSQL: computed once at its period's end in a
constant number of statements whatever the number of reps; a manager approves only their team; an approved
plan refuses changes; an admin reopens it (recorded), its payouts dropped and computed again with new
outbox keys; reopening is refused once a payout is invoiced; every change in the history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.delivery.models import Delivery
from bot.errors import Conflict, NotAllowed
from bot.incentives import ledger, plans
from bot.incentives.computing import compute_plan, due_plans
from bot.incentives.models import IncentivePlan, LedgerEntry, Payout, PayoutStatus, PlanStatus
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from tests.factories import member, rep_with_goal
from tests.reviews.support import Q4_WEEKS, count_statements
from tests.support.people import ADMIN, BEN, MARIA

AFTER = datetime(2027, 1, 1, 12, tzinfo=UTC)
ANSWERS = plans.PlanAnswers(
    name="Q4 accounts",
    period="2026Q4",
    audience="all",
    metric="new_accounts",
    tiers="0-80: 0\n80-100: 1\n100-120: 1.5\n120+: 2",
    base="1000",
    currency="USD",
    funder="vendor",
)


def caller(person: Member) -> Caller:
    return Caller(member=person, role=person.role, locale="en")


def team(session: Session, size: int, boss: Member, first: int = 0) -> list[Member]:
    return [
        rep_with_goal(
            session,
            f"UR{first + n:04d}",
            boss,
            None,
            dict.fromkeys(Q4_WEEKS, 10),
            {week: (8 + n % 6, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS},
        )
        for n in range(size)
    ]


def new_plan(session: Session, admin: Member) -> IncentivePlan:
    data = plans.check_plan(ANSWERS)
    assert isinstance(data, plans.PlanInput)
    return plans.save_plan(session, caller(admin), data, plan_id=None, now=AFTER)


def test_computed_once_in_constant_statements(session: Session, engine: Engine) -> None:
    admin = member(session, ADMIN, role=Role.ADMIN)
    boss = member(session, MARIA, role=Role.MANAGER)
    small, big = (
        new_plan(session, admin),
        plans.save_plan(
            session,
            caller(admin),
            replace(plans.check_plan(ANSWERS), name="Other"),  # type: ignore[type-var]
            plan_id=None,
            now=AFTER,
        ),
    )
    team(session, 3, boss)
    few = count_statements(engine, lambda: compute_plan(session, small.id, now=AFTER))
    team(session, 30, boss, first=100)
    many = count_statements(engine, lambda: compute_plan(session, big.id, now=AFTER))
    assert few == many, (few, many)
    assert session.scalar(select(Payout.id).where(Payout.plan_id == small.id)) is not None
    assert compute_plan(session, small.id, now=AFTER) == 0  # once
    assert len(session.scalars(select(Payout).where(Payout.plan_id == big.id)).all()) == 33
    assert due_plans(session, AFTER) == []


def test_approvals_refusals_and_reopening(session: Session) -> None:
    admin = member(session, ADMIN, role=Role.ADMIN)
    maria, ben = member(session, MARIA, role=Role.MANAGER), member(session, BEN, role=Role.MANAGER)
    team(session, 2, maria)
    team(session, 1, ben, first=50)
    plan = new_plan(session, admin)
    assert due_plans(session, datetime(2026, 12, 31, 12, tzinfo=UTC)) == []  # the period has not ended
    assert due_plans(session, AFTER) == [plan.id]
    compute_plan(session, plan.id, now=AFTER)
    data = plans.check_plan(ANSWERS)
    assert isinstance(data, plans.PlanInput)
    with pytest.raises(Conflict) as computed:
        plans.save_plan(session, caller(admin), data, plan_id=plan.id, now=AFTER)
    assert computed.value.key == "incentives.errors.computed"
    assert ledger.approve(session, caller(maria), plan, now=AFTER) == 2  # her team only
    with pytest.raises(Conflict):
        ledger.approve(session, caller(maria), plan, now=AFTER)  # nothing left that is hers
    with pytest.raises(NotAllowed):
        ledger.approve(
            session,
            caller(session.scalars(select(Member).where(Member.user_id == "UR0000")).one()),
            plan,
            now=AFTER,
        )
    assert ledger.approve(session, caller(admin), plan, now=AFTER) == 2
    assert plan.status is PlanStatus.CLOSED  # Ben's rep still waits
    ledger.approve(session, caller(ben), plan, now=AFTER)
    ledger.approve(session, caller(admin), plan, now=AFTER)
    assert plan.status is PlanStatus.APPROVED
    with pytest.raises(Conflict) as refused:
        plans.save_plan(session, caller(admin), data, plan_id=plan.id, now=AFTER)
    assert refused.value.key == "incentives.errors.approved"
    with pytest.raises(NotAllowed):
        plans.reopen(session, caller(maria), plan, now=AFTER)
    keys = set(session.scalars(select(Delivery.key)))
    assert plans.reopen(session, caller(admin), plan, now=AFTER) == 3
    assert plan.status is PlanStatus.ACTIVE and plan.reopened_count == 1
    plans.save_plan(session, caller(admin), data, plan_id=plan.id, now=AFTER)  # changes allowed again
    assert compute_plan(session, plan.id, now=AFTER) == 3
    assert len(set(session.scalars(select(Delivery.key))) - keys) == 3 + 2 + 1  # reps, managers, admin
    for who in (maria, ben, admin):
        ledger.approve(session, caller(who), plan, now=AFTER)
    assert ledger.mark(session, caller(admin), plan, None, PayoutStatus.APPROVED, now=AFTER) == 3
    with pytest.raises(Conflict) as billed:
        plans.reopen(session, caller(admin), plan, now=AFTER)
    assert billed.value.key == "incentives.errors.billed"
    history = [(e.what, e.by_id) for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]
    assert ("reopened", admin.id) in history and ("edited", admin.id) in history
    assert history.count(("invoiced", admin.id)) == 3
    assert all(p.status is PayoutStatus.INVOICED for p in session.scalars(select(Payout)))
