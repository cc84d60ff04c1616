"""A rep's open pipeline (the CRM's latest snapshot per currency) and its coverage of what is left of
their revenue target (target less the results checked in): figures formatted per language, shown to the
rep alone on Home, nothing without a snapshot."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn, Confidence
from bot.crm import pipeline
from bot.crm.actuals import record_rows
from bot.crm.rows import PipelineFigure
from bot.goals.models import Goal, GoalStatus, Metric, PeriodKind
from bot.roster.models import Member, Role
from bot.roster.service import Caller
from bot.slack.sections import HomeContext
from tests.crm.support import NOW
from tests.factories import TEAM, member

TODAY = NOW.date()


def revenue_goal(session: Session, rep: Member, target: int, done: int) -> None:
    goal = Goal(
        team_id=TEAM,
        rep_id=rep.id,
        title="Q4 revenue",
        metric=Metric.REVENUE,
        unit="USD",
        target=Decimal(target),
        period_kind=PeriodKind.QUARTER,
        start_date=date(2026, 10, 1),
        end_date=date(2026, 12, 31),
        status=GoalStatus.ACTIVE,
    )
    session.add(goal)
    session.flush()
    week = date(2026, 11, 23)
    session.add(
        CheckIn(
            team_id=TEAM,
            goal_id=goal.id,
            rep_id=rep.id,
            week_start=week,
            result=Decimal(done),
            confidence=Confidence.ON_TRACK,
        )
    )
    session.flush()


def snapshot(session: Session, rep: Member, amount: int, as_of: date, currency: str = "USD") -> None:
    row = PipelineFigure("z1", Decimal(amount), currency, as_of, deals=4)
    record_rows(session, TEAM, "zoho", {"z1": rep.id}, [row], now=NOW)


def test_coverage_is_the_latest_pipeline_over_what_is_left(session: Session) -> None:
    rep = member(session, "UREP")
    revenue_goal(session, rep, target=100_000, done=70_000)
    snapshot(session, rep, 45_000, TODAY - timedelta(days=1))
    snapshot(session, rep, 60_000, TODAY)
    [found] = pipeline.coverage(session, TEAM, rep.id, TODAY)
    assert (found.amount, found.remaining, found.ratio) == (Decimal(60_000), Decimal(30_000), Decimal(2))
    shown = "\n".join(pipeline.lines(found, "en"))
    assert "$60,000 in 4 open deals" in shown and "200% of the $30,000 left" in shown
    assert "60,000" in "\n".join(pipeline.lines(found, "zh"))


def test_a_reached_target_and_no_goal_say_so(session: Session) -> None:
    rep = member(session, "UREP")
    snapshot(session, rep, 5_000, TODAY, currency="EUR")
    [no_goal] = pipeline.coverage(session, TEAM, rep.id, TODAY)
    assert no_goal.ratio is None and len(pipeline.lines(no_goal, "en")) == 1
    revenue_goal(session, rep, target=10_000, done=12_000)
    snapshot(session, rep, 1_000, TODAY)
    reached = next(c for c in pipeline.coverage(session, TEAM, rep.id, TODAY) if c.currency == "USD")
    assert "reached" in pipeline.lines(reached, "en")[1]


def test_said_about_the_rep_to_whoever_else_looks(session: Session) -> None:
    rep = member(session, "UREP")
    revenue_goal(session, rep, target=100_000, done=70_000)
    snapshot(session, rep, 60_000, TODAY)
    own = pipeline.pipeline_blocks(session, TEAM, rep.id, TODAY, "en")
    seen = pipeline.pipeline_blocks(session, TEAM, rep.id, TODAY, "en", of=rep.user_id)
    assert own[1] != seen[1] and "your target" in own[1]["text"]["text"]
    assert seen[0]["text"]["text"].startswith("*Open pipeline* of <@UREP> (CRM, ")
    assert "200% of the $30,000 left to reach their target of $100,000" in seen[1]["text"]["text"]
    zh = pipeline.pipeline_blocks(session, TEAM, rep.id, TODAY, "zh", of=rep.user_id)
    assert (
        zh[0]["text"]["text"].startswith("*未结商机*：<@UREP>（CRM，") and "其目标" in zh[1]["text"]["text"]
    )
    [item] = pipeline.coverage(session, TEAM, rep.id, TODAY)
    item = pipeline.Coverage(item.amount, item.currency, item.deals, item.as_of, item.target, Decimal(0))
    assert pipeline.lines(item, "en", own=False)[1] == "• Their target of $100,000 is reached"
    assert pipeline.lines(item, "zh", own=False)[1] == "• 其目标 US$100,000 已达成"


def test_home_shows_it_to_the_rep_only_and_nothing_without_a_snapshot(session: Session) -> None:
    rep, other = member(session, "UREP"), member(session, "UOTHERREP")
    snapshot(session, rep, 60_000, TODAY)
    home = pipeline.HOME_SECTION.build(
        HomeContext(session, Caller(member=rep, role=Role.REP, locale="en"), NOW)
    )
    assert "*Open pipeline*" in home[0]["text"]["text"]
    empty = HomeContext(session, Caller(member=other, role=Role.REP, locale="en"), NOW)
    assert pipeline.HOME_SECTION.build(empty) == []
    assert pipeline.HOME_SECTION.audience == {Role.REP}
