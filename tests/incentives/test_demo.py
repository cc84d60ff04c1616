"""The demo's running plan (bot/incentives/demo.py through bot/demo/seed.py): every demo rep is in it, and
`/pacer incentives` shows a rep their attainment, the payout now and what it takes to reach the next tier;
and the demo's contests: one per rank with its top 3, one per threshold telling a rep the next threshold."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.demo.people import TEAM_ID, reps
from bot.demo.seed import seed
from bot.incentives import contest_views, contests, showing, views
from bot.incentives.models import Contest, IncentivePlan, PlanStatus, PrizeKind
from bot.roster.models import Member
from bot.roster.policy import Caller
from tests.conftest import wipe

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_the_demo_rep_sees_what_it_takes_to_reach_the_next_tier(engine: Engine) -> None:
    wipe(engine)
    seed(engine, now=NOW, anonymity_key=b"k" * 32)
    with Session(engine) as session:
        plan = session.scalars(select(IncentivePlan).where(IncentivePlan.team_id == TEAM_ID)).one()
        assert plan.status is PlanStatus.ACTIVE and plan.period == "2026Q4"
        shown, standing = [], []
        for person in reps():
            rep = session.scalars(select(Member).where(Member.user_id == person.user_id)).one()
            found = showing.rep_plans(
                session, Caller(member=rep, role=rep.role, locale="en"), today=NOW.date()
            )
            assert len(found) == 1 and found[0].figure is not None
            shown.append("\n".join(views.rep_plan(found[0].plan, found[0].figure, found[0].now, "en")))
            (mine,) = contests.standings(session, TEAM_ID, rep.id, today=NOW.date())
            standing.append("\n".join(contest_views.rep_standing(mine, "en")))
        assert any("more to reach $" in text for text in standing), standing
        assert any("more in 2026Q4 to reach" in text for text in shown), shown
        assert all("It pays *$" in text for text in shown)
        by_rank, by_threshold = session.scalars(
            select(Contest).where(Contest.team_id == TEAM_ID).order_by(Contest.id)
        ).all()
        assert (
            by_threshold.prize_kind is PrizeKind.THRESHOLD and len(contests.thresholds_of(by_threshold)) == 3
        )
        contest = by_rank
        places = contests.leaderboard(session, contest, through=NOW.date())
        assert [p.rank for p in places] == [1, 2, 3] and contest.channel_id
    wipe(engine)
