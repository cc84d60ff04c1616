"""The demo's incentive plan (`pacer demo`, bot/demo/seed.py calls `seed_incentives`): this quarter's
revenue accelerator for every rep, running, set up through the plan's own check and service, so a demo
rep's `/pacer incentives` shows their attainment to date, the payout it implies now and what it takes to
reach the next tier; a manager sees their team's table."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot import calendar
from bot.incentives import plans
from bot.incentives.models import IncentivePlan
from bot.roster.policy import Caller

DEMO_PLAN = plans.PlanAnswers(
    name="Revenue accelerator",
    period=None,  # this quarter
    audience="all",
    metric="revenue",
    tiers="0-80: 0.5\n80-100: 1\n100-120: 1.5\n120+: 2",
    mode="marginal",
    base="5000",
    cap="15000",
    currency="USD",
    funder="split",
    split="30",
)


def seed_incentives(session: Session, admin: Caller, *, now: datetime) -> IncentivePlan:
    """This quarter's plan, active, created by the demo's admin."""
    first = calendar.period_bounds("quarter", now.date())[0]
    period = f"{first.year}Q{calendar.quarter_of(first)}"
    data = plans.check_plan(replace(DEMO_PLAN, period=period))
    if isinstance(data, dict):
        raise ValueError(f"the demo plan is invalid: {data}")
    return plans.save_plan(session, admin, data, plan_id=None, now=now)
