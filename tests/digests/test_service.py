"""Digest figures against hand-computed numbers, Slack's limits for big teams, and a constant number of
SQL statements whatever the team's size."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.digests import service, views
from bot.links import crm as links_crm
from bot.roster.models import Member, Role, Vendor
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member, rep_with_goal

WEEK = date(2026, 11, 30)
LAST = WEEK - timedelta(days=7)


@pytest.fixture
def team(session: Session) -> Member:
    ensure_workspace(session, TEAM)
    boss = member(session, "UBOSS", role=Role.MANAGER)
    acme, globex = (
        Vendor(team_id=TEAM, name="Acme", name_key="acme"),
        Vendor(team_id=TEAM, name="Globex", name_key="globex"),
    )
    session.add_all([acme, globex])
    session.flush()
    weeks = {LAST: 10, WEEK: 10}
    rep_with_goal(
        session,
        "UA",
        boss,
        acme,
        weeks,
        {LAST: (8, Confidence.ON_TRACK, False, ""), WEEK: (12, Confidence.ON_TRACK, False, "")},
    )
    rep_with_goal(
        session,
        "UB",
        boss,
        globex,
        weeks,
        {
            LAST: (10, Confidence.ON_TRACK, False, ""),
            WEEK: (6, Confidence.OFF_TRACK, True, "Pricing approval"),
        },
    )
    rep_with_goal(session, "UC", boss, globex, weeks, {})
    return boss


def test_figures_by_hand(session: Session, team: Member) -> None:
    digest = service.build(session, service.Scope(TEAM, manager_id=team.id), WEEK)
    by_rep = {line.rep.user_id: line for line in digest.lines}
    assert by_rep["UA"].pace == Decimal(1) and service.status_of(by_rep["UA"].pace) == "on"
    assert by_rep["UB"].pace == Decimal("0.8") and service.status_of(by_rep["UB"].pace) == "behind"
    assert by_rep["UC"].pace == Decimal(0) and not by_rep["UC"].checked_in
    team_total = digest.totals["count"]
    assert (team_total.week_result, team_total.week_target) == (Decimal(18), Decimal(30))
    assert (team_total.result_to_date, team_total.target_to_date) == (Decimal(36), Decimal(60))
    assert digest.vendors["Acme"]["count"].week_result == Decimal(12)
    assert digest.vendors["Globex"]["count"].week_result == Decimal(6)
    assert [line.rep.user_id for line in digest.missing] == ["UC"]
    assert [(line.rep.user_id, line.blockers) for line in digest.help_requests] == [
        ("UB", ["Pricing approval"])
    ]
    assert [line.rep.user_id for line in digest.movers()] == ["UA"]  # 80 % → 120 %; UB fell
    assert service.status_of(Decimal("0.85")) == "close" and service.status_of(None) == "none"


def test_message_reads_well_in_both_languages(session: Session, team: Member) -> None:
    digest = service.build(session, service.Scope(TEAM), WEEK)
    (english,) = views.digest_messages(digest, "en")
    assert english["text"].startswith("📊 Weekly digest: week 49 (Nov 30 – Dec 6)")
    assert "*Team:* 18 of 30 this week · 36 of 60 to date · pace to date 60%" in english["text"]
    # One badge per rep, the pace to date (UC has not checked in: said in words), counted, with the legend.
    assert (
        "🟢 on track: 1 · 🟡 at risk: 0 · 🔴 behind: 2 · ⚪ nothing due yet: 0 · no check-in this week: 1"
        in english["text"]
    )
    assert "Status is the pace to date: 🟢 on track" in english["text"]
    assert "🔴 <@UB> · this week 6 of 10 · pace to date 80% · own view: Off track" in english["text"]
    assert "🔴 <@UC> · this week 0 of 10 · pace to date 0% · no check-in this week" in english["text"]
    assert "⏳ *No check-in yet:* <@UC>" in english["text"]
    assert "🆘 <@UB> asked for help: Pricing approval" in english["text"]
    assert "🚀 *Top movers:* <@UA> (+40%)" in english["text"]
    assert "• Acme: 12 of 10 this week · pace to date 100%" in english["text"]
    (chinese,) = views.digest_messages(digest, "zh")
    assert chinese["text"].startswith("📊 每周进度汇总：第 49 周（11月30日–12月6日）")
    assert "⏳ *尚未汇报：* <@UC>" in chinese["text"]
    assert "🟢 正常：1 · 🟡 有风险：0 · 🔴 落后：2 · ⚪ 尚无到期目标：0 · 本周未汇报：1" in chinese["text"]
    assert "状态按累计进度：🟢 正常" in chinese["text"]
    assert "🔴 <@UB> · 本周 6 / 10 · 累计进度 80% · 自评：偏离目标" in chinese["text"]


def test_two_hundred_reps_fit_slacks_limits(session: Session) -> None:
    ensure_workspace(session, TEAM)
    boss = member(session, "UBOSS", role=Role.MANAGER)
    for n in range(200):
        rep_with_goal(
            session, f"U{n:04d}", boss, None, {WEEK: 5}, {WEEK: (n % 7, Confidence.AT_RISK, False, "")}
        )
    parts = views.digest_messages(service.build(session, service.Scope(TEAM), WEEK), "en")
    assert len(parts) >= 2  # the digest, then the full list in the thread
    mentioned = set()
    for part in parts:
        assert len(part["blocks"]) <= 50 and len(part["text"]) <= 3000 and part["text"]
        for block in part["blocks"]:
            text = block.get("text", {}).get("text", "")
            assert len(text) <= 3000
            mentioned |= {f"U{n:04d}" for n in range(200) if f"<@U{n:04d}>" in text}
    assert len(mentioned) == 200


def count_statements(engine: Engine, work) -> int:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize("size", [10, 500])
def test_sql_statements_do_not_grow_with_the_team(session: Session, size: int) -> None:
    ensure_workspace(session, TEAM)
    boss = member(session, "UBOSS", role=Role.MANAGER)
    for n in range(size):
        rep_with_goal(
            session, f"U{n:04d}", boss, None, {LAST: 5, WEEK: 5}, {WEEK: (3, Confidence.AT_RISK, False, "")}
        )
    links_crm.connect()  # the figures' sources: one statement more, whatever the team's size
    engine = session.get_bind().engine
    digest_queries = count_statements(engine, lambda: service.build(session, service.Scope(TEAM), WEEK))
    chart_queries = count_statements(engine, lambda: service.cumulative(session, service.Scope(TEAM), WEEK))
    assert (digest_queries, chart_queries) == (4, 3)  # the same for 10 reps and for 500
