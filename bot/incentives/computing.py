"""Period end: each active plan whose period has ended (the day after its last, in the workspace's zone) is
computed once — a payout per rep with a target of the metric, through the period's last day — and closed;
each rep's DM and the approvers' notes go through the outbox, once per key. No Slack."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import enqueue
from bot.incentives import attainment, messages
from bot.incentives.models import IncentivePlan, Payout, PayoutStatus, PlanStatus
from bot.incentives.payout import Payout as Computed
from bot.incentives.payout import compute
from bot.incentives.plans import record, terms_of
from bot.roster.models import Member, Role
from bot.roster.service import role_of
from bot.workspaces.models import Workspace


def due_plans(session: Session, now: datetime) -> list[int]:
    """The ids of active plans whose period has ended in their workspace's own zone."""
    rows = session.execute(
        select(IncentivePlan.id, IncentivePlan.ends_on, Workspace)
        .join(Workspace, Workspace.team_id == IncentivePlan.team_id)
        .where(IncentivePlan.status == PlanStatus.ACTIVE)
    )
    return [
        plan_id
        for plan_id, ends_on, workspace in rows
        if calendar.local_date(now, calendar.workspace_zone(workspace)) > ends_on
    ]


def compute_plan(
    session: Session, plan_id: int, *, now: datetime, admins: frozenset[str] = frozenset()
) -> int:
    """The plan's payouts, once: the plan row is held while they are written, and an already computed plan
    is left alone. Returns how many payouts were written."""
    plan = session.scalar(select(IncentivePlan).where(IncentivePlan.id == plan_id).with_for_update())
    if plan is None or plan.status is not PlanStatus.ACTIVE:
        return 0
    terms = terms_of(plan)
    found = attainment.figures(session, plan, through=plan.ends_on)
    reps = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(list(found))))}
    rows = [
        _payout(plan, reps[rep_id], compute(terms, f.attainment), f.attainment, now)
        for rep_id, f in found.items()
    ]
    if rows:  # one executemany, whatever the number of reps
        session.execute(insert(Payout), rows)
    payouts = [Payout(**row) for row in rows]  # as the messages read them; not added to the session
    plan.status, plan.computed_at = PlanStatus.CLOSED, now
    session.flush()
    record(session, plan, "computed", by=None, now=now, payouts=len(payouts))
    workspace = session.get_one(Workspace, plan.team_id)
    approvers = _approvers(session, plan.team_id, reps, admins)
    enqueue(session, messages.computed(plan, payouts, reps, approvers, workspace), now=now)
    return len(payouts)


def _approvers(
    session: Session, team_id: str, reps: dict[int, Member], admins: frozenset[str]
) -> list[Member]:
    """Who approves the payouts: the reps' managers and every admin, as a request would see them (a
    Slack admin, in PACER_ADMINS `admins`, or made an admin in Pacer): one statement."""
    managers = {rep.manager_id for rep in reps.values() if rep.manager_id is not None}
    found = session.scalars(
        select(Member)
        .where(Member.team_id == team_id, Member.active.is_(True))
        .where(
            or_(
                Member.id.in_(managers),
                Member.role == Role.ADMIN,
                Member.is_slack_admin.is_(True),
                Member.user_id.in_(admins),
            )
        )
        .order_by(Member.id)
    )
    return [m for m in found if m.id in managers or role_of(m, admins) is Role.ADMIN]


def _payout(
    plan: IncentivePlan, rep: Member, paid: Computed, attained: Decimal | None, now: datetime
) -> dict[str, Any]:
    return {
        "team_id": plan.team_id,
        "plan_id": plan.id,
        "rep_id": rep.id,
        "manager_id": rep.manager_id,
        "vendor_id": rep.vendor_id,
        "attainment": attained,
        "amount": paid.amount,
        "currency": plan.currency,
        "client_share": paid.client,
        "vendor_share": paid.vendor,
        "funder": plan.funder,
        "status": PayoutStatus.COMPUTED,
        "computed_at": now,
        "updated_at": now,
    }
