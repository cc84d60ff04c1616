"""What `/pacer incentives` shows, read in a few statements: a rep's running plans with their figures to
date and their computed payouts; a manager's team (or, for an admin, every plan's reps) with the payout each
implies now. Reps see only their own. No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot import calendar
from bot.incentives import attainment, seats
from bot.incentives.attainment import Figure
from bot.incentives.models import IncentivePlan, LedgerEntry, Payout, PlanStatus
from bot.incentives.payout import Payout as Computed
from bot.incentives.payout import compute
from bot.incentives.plans import terms_of
from bot.roster.models import Member
from bot.roster.policy import Caller
from bot.workspaces.models import Workspace

MAX_PLANS = 10


@dataclass(frozen=True)
class RepPlan:
    plan: IncentivePlan
    figure: Figure | None
    now: Computed
    seat: str | None = None  # the course a seat in which is part of the reward (`seats`), by its title


@dataclass(frozen=True)
class TeamRow:
    rep: Member
    figure: Figure | None
    now: Computed


def running(session: Session, team_id: str) -> list[IncentivePlan]:
    return list(
        session.scalars(
            select(IncentivePlan)
            .where(IncentivePlan.team_id == team_id, IncentivePlan.status == PlanStatus.ACTIVE)
            .order_by(IncentivePlan.ends_on, IncentivePlan.id)
            .limit(MAX_PLANS)
        )
    )


def closed(session: Session, team_id: str) -> list[IncentivePlan]:
    """Computed plans still awaiting approval."""
    return list(
        session.scalars(
            select(IncentivePlan)
            .where(IncentivePlan.team_id == team_id, IncentivePlan.status == PlanStatus.CLOSED)
            .order_by(IncentivePlan.ends_on, IncentivePlan.id)
            .limit(MAX_PLANS)
        )
    )


def today_of(session: Session, caller: Caller, now: datetime) -> date:
    """The caller's own calendar day (their zone, else the workspace's): a plan's figures run through it."""
    workspace = session.get_one(Workspace, caller.team_id)
    return calendar.zone_today(caller.member.timezone, workspace, now)


def rep_plans(session: Session, caller: Caller, *, today: date) -> list[RepPlan]:
    """The caller's running plans (those whose reps include them), with their figures through today."""
    found = []
    for plan in running(session, caller.team_id):
        scope = attainment.scope_of(plan)
        mine = session.scalar(scope.rep_ids().where(Member.id == caller.member.id))
        if mine is None:
            continue
        figure = attainment.figures(session, plan, through=today, rep_id=caller.member.id).get(mine)
        computed = compute(terms_of(plan), figure.attainment if figure else None)
        found.append(
            RepPlan(plan, figure, computed, seats.name_of(session, plan.team_id, plan.seat_course_id))
        )
    return found


def rep_payouts(session: Session, caller: Caller) -> list[tuple[Payout, IncentivePlan]]:
    """The caller's own computed payouts, newest first."""
    rows = session.execute(
        select(Payout, IncentivePlan)
        .join(IncentivePlan, IncentivePlan.id == Payout.plan_id)
        .where(Payout.team_id == caller.team_id, Payout.rep_id == caller.member.id)
        .order_by(Payout.computed_at.desc())
        .limit(MAX_PLANS)
    )
    return [(payout, plan) for payout, plan in rows]


def team_rows(session: Session, caller: Caller, plan: IncentivePlan, *, today: date) -> list[TeamRow]:
    """The plan's reps the caller may see (a manager: their team; an admin: all), with the payout now."""
    scope = attainment.scope_of(plan)
    reps_query = select(Member).where(Member.id.in_(scope.rep_ids())).order_by(Member.display_name, Member.id)
    if not caller.is_admin():
        reps_query = reps_query.where(Member.manager_id == caller.member.id)
    reps = list(session.scalars(reps_query))
    figures = attainment.figures(session, plan, through=today)
    terms = terms_of(plan)
    rows = []
    for rep in reps:
        figure = figures.get(rep.id)
        rows.append(TeamRow(rep, figure, compute(terms, figure.attainment if figure else None)))
    return rows


def plan_payouts(session: Session, caller: Caller, plan: IncentivePlan) -> list[tuple[Payout, Member]]:
    """A computed plan's payouts the caller may see (a manager: their team's)."""
    query = (
        select(Payout, Member)
        .join(Member, Member.id == Payout.rep_id)
        .where(Payout.plan_id == plan.id, Payout.team_id == caller.team_id)
        .order_by(Member.display_name, Member.id)
    )
    if not caller.is_admin():
        query = query.where(Payout.manager_id == caller.member.id)
    return [(payout, rep) for payout, rep in session.execute(query)]


@dataclass(frozen=True)
class Change:
    """A line of a plan's history: when, who (None: Pacer itself), what, and whose payout it was about."""

    at: datetime
    by: str | None
    what: str
    rep: str | None
    detail: str


def history(session: Session, plan: IncentivePlan, *, limit: int = 200) -> list[Change]:
    """The plan's history, oldest first (one statement)."""
    by, rep = aliased(Member), aliased(Member)
    rows = session.execute(
        select(LedgerEntry.at, by.user_id, LedgerEntry.what, rep.user_id, LedgerEntry.detail)
        .outerjoin(by, by.id == LedgerEntry.by_id)
        .outerjoin(Payout, Payout.id == LedgerEntry.payout_id)
        .outerjoin(rep, rep.id == Payout.rep_id)
        .where(LedgerEntry.team_id == plan.team_id, LedgerEntry.plan_id == plan.id)
        .order_by(LedgerEntry.id)
        .limit(limit)
    )
    return [Change(*row) for row in rows]
