"""The demo's CRM actuals (`pacer demo`, bot/demo/seed.py calls `seed_actuals`): last week's closed deals
from "Zoho" for every rep, through `record_rows` as a connector writes them. A rep who has not checked in
yet sees the CRM's figure pre-filled in the check-in; a rep who reported more than the CRM says, with a
reason, shows up on their manager's Home tab (Reported vs CRM). Each rep also has an open pipeline as of
the seed's day (three times the week's deals), shown with its coverage on their Home and `/pacer status`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn
from bot.crm import checkin
from bot.crm.actuals import record_rows
from bot.crm.rows import ClosedDeal, CrmRow, PipelineFigure
from bot.goals.models import Goal, Metric
from bot.roster.models import Member

SHARES = (Decimal("0.5"), Decimal("0.3"), Decimal("0.2"))  # three deals a week
REASON = "Two deals were signed on paper this week; they are not in Zoho yet."


def seed_actuals(session: Session, reps: Sequence[Member], week: date, *, now: datetime) -> None:
    """Three closed deals in `week` for each rep's revenue goal: the rep's reported result where they
    checked in (the first such rep: 20 % less, so their report differs), else the week's target."""
    owners = {f"zoho-{rep.user_id}": rep.id for rep in reps}
    deals: list[CrmRow] = []
    differing: tuple[Member, int] | None = None
    for rep in reps:
        goal = session.scalars(
            select(Goal).where(Goal.rep_id == rep.id, Goal.metric == Metric.REVENUE).order_by(Goal.id)
        ).first()
        if goal is None:
            continue
        reported = session.scalar(
            select(CheckIn.result).where(CheckIn.goal_id == goal.id, CheckIn.week_start == week)
        )
        total = Decimal(reported) if reported is not None else Decimal(5000 + 500 * (rep.id % 5))
        if reported is not None and differing is None:
            differing, total = (rep, goal.id), (total * Decimal("0.8")).quantize(Decimal(1))
        for n, share in enumerate(SHARES):
            amount = (total * share).quantize(Decimal("0.01"))
            day = week + timedelta(days=n * 2)
            deals.append(
                ClosedDeal(f"zoho-{rep.user_id}", f"{rep.user_id}-{week}-{n}", amount, goal.unit, day)
            )
        deals.append(PipelineFigure(f"zoho-{rep.user_id}", total * 3, goal.unit, now.date(), deals=7))
    record_rows(session, reps[0].team_id, "zoho", owners, deals, now=now)
    if differing is not None:
        rep, goal_id = differing
        checkin.keep(session, rep.team_id, rep.id, week, {goal_id: REASON}, now=now)
