"""The demo's incentive plan (`pacer demo`, bot/demo/seed.py calls `seed_incentives`): this quarter's
revenue accelerator for every rep, running, set up through the plan's own check and service, so a demo
rep's `/pacer incentives` shows their attainment to date, the payout it implies now and what it takes to
reach the next tier; a manager sees their team's table. Two contests on revenue run too, their top-3
leaderboards kept in the digest channel: one with a prize per rank, one with a prize per threshold (a rep
sees what the next threshold takes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot import calendar
from bot.incentives import contests, plans
from bot.incentives.models import IncentivePlan
from bot.roster.policy import Caller
from bot.workspaces.models import Workspace

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


DEMO_CONTEST = contests.ContestAnswers(
    name="Revenue sprint", metric="revenue", top_n="3", prizes="1: 300 USD\n2: 200 USD\n3: a team lunch"
)

DEMO_THRESHOLDS = contests.ContestAnswers(
    name="Revenue milestones",
    metric="revenue",
    top_n="3",
    prize_kind="threshold",
    thresholds="50,000: a team lunch\n75,000: 250 USD\n100,000: 500 USD",
)


def seed_incentives(session: Session, admin: Caller, *, now: datetime) -> IncentivePlan:
    """This quarter's plan, active, created by the demo's admin; and this quarter's contests, whose
    leaderboards `incentives-leaderboard` keeps in the digest channel."""
    first, last = calendar.period_bounds("quarter", now.date())
    period = f"{first.year}Q{calendar.quarter_of(first)}"
    data = plans.check_plan(replace(DEMO_PLAN, period=period))
    if isinstance(data, dict):
        raise ValueError(f"the demo plan is invalid: {data}")
    plan = plans.save_plan(session, admin, data, plan_id=None, now=now)
    channel = session.get_one(Workspace, admin.team_id).digest_channel_id
    for answers in (DEMO_CONTEST, DEMO_THRESHOLDS):
        contest = contests.check_contest(
            replace(answers, starts_on=first.isoformat(), ends_on=last.isoformat(), channel=channel),
            today=now.date(),
        )
        if isinstance(contest, dict):
            raise ValueError(f"the demo contest is invalid: {contest}")
        contests.save_contest(session, admin, contest, now=now)
    return plan
