"""Reported vs CRM (bot/crm/checkin.py keep, bot/crm/differences.py, the Home section): a check-in whose
result differs from the CRM's figure by more than the workspace's threshold is listed, with the rep's
reason, for the rep's manager and admins only; the threshold is checked and kept per workspace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.crm import checkin, differences, notices, sections
from bot.crm.actuals import record_rows
from bot.crm.rows import NewAccount
from bot.delivery.models import Delivery
from bot.digests import service, views
from bot.digests.sources import FigureSource
from bot.errors import Invalid
from bot.goals.models import Goal
from bot.links import crm as links_crm
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.slack.sections import HomeContext
from tests.factories import TEAM, member, rep_with_goal

WEEK = date(2026, 11, 23)
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def caller(who: Member, role: Role) -> Caller:
    return Caller(member=who, role=role, locale="en")


def seeded(session: Session) -> tuple[Member, Member, Member]:
    boss, other = member(session, "UBOSS", role=Role.MANAGER), member(session, "UOTHER", role=Role.MANAGER)
    rep = rep_with_goal(session, "UREP1", boss, None, {WEEK: 5}, {WEEK: (6, Confidence.ON_TRACK, False, "")})
    rep.display_name = "Rita <b>"
    accounts = [NewAccount("c1", f"A{n}", WEEK + timedelta(days=n)) for n in range(5)]
    record_rows(session, TEAM, "fxiaoke", {"c1": rep.id}, accounts, now=NOW)
    goal_id = session.scalars(select(Goal.id).where(Goal.rep_id == rep.id)).one()
    assert checkin.keep(session, TEAM, rep.id, WEEK, {goal_id: "one signed on paper"}, now=NOW) == 1
    return boss, other, member(session, "UADMIN", role=Role.ADMIN)


def test_a_material_difference_is_listed_for_the_manager_and_admins_only(session: Session) -> None:
    boss, other, admin = seeded(session)
    found = differences.material(session, caller(boss, Role.MANAGER), [WEEK])
    assert [(d.rep, d.reported, d.crm, d.ratio, d.reason) for d in found] == [
        ("Rita <b>", Decimal(6), Decimal(5), Decimal("0.2"), "one signed on paper")
    ]
    assert differences.material(session, caller(other, Role.MANAGER), [WEEK]) == []
    assert len(differences.material(session, caller(admin, Role.ADMIN), [WEEK])) == 1
    assert differences.material(session, caller(boss, Role.MANAGER), [WEEK + timedelta(weeks=1)]) == []

    home = sections.HOME_SECTIONS[0].build(HomeContext(session, caller(boss, Role.MANAGER), NOW))
    text = "\n".join(block["text"]["text"] for block in home)
    assert "*Reported vs CRM* — 1 differing by more than 10% (only you see this)" in text
    assert "Rita &lt;b&gt;" in text and "reported 6, CRM 5 (20%)" in text and "one signed on paper" in text
    assert sections.HOME_SECTIONS[0].audience == {Role.MANAGER, Role.ADMIN}


def test_under_the_threshold_nothing_is_listed(session: Session) -> None:
    boss, _, _ = seeded(session)
    assert differences.set_threshold(session, TEAM, "25%", now=NOW) == Decimal(25)
    assert differences.material(session, caller(boss, Role.MANAGER), [WEEK]) == []
    assert sections.HOME_SECTIONS[0].build(HomeContext(session, caller(boss, Role.MANAGER), NOW)) == []


@pytest.mark.parametrize("typed", ["-1", "1001", "ten", "1e3", "nan", "1000.01"])
def test_a_bad_threshold_is_refused(session: Session, typed: str) -> None:
    member(session, "UADMIN", role=Role.ADMIN)
    with pytest.raises(Invalid):
        differences.set_threshold(session, TEAM, typed, now=NOW)
    assert differences.threshold(session, TEAM) == Decimal(10)


def test_the_digest_and_status_mark_the_figures_confirmed_from_the_crm(session: Session) -> None:
    links_crm.connect()
    boss, _, _ = seeded(session)  # Rita corrected the CRM's 5 to 6, with a reason
    sam = rep_with_goal(session, "UREP2", boss, None, {WEEK: 5}, {WEEK: (3, Confidence.ON_TRACK, False, "")})
    accounts = [NewAccount("c2", f"B{n}", WEEK) for n in range(3)]
    record_rows(session, TEAM, "fxiaoke", {"c2": sam.id}, accounts, now=NOW)
    assert checkin.keep(session, TEAM, sam.id, WEEK, {}, now=NOW) == 1  # kept the CRM's 3
    rep_with_goal(session, "UREP3", boss, None, {WEEK: 5}, {WEEK: (4, Confidence.ON_TRACK, False, "")})

    digest = service.build(session, service.Scope(TEAM, manager_id=boss.id), WEEK)
    assert {line.rep.user_id: line.sources for line in digest.lines} == {
        "UREP1": {"count": FigureSource.REPORTED},
        "UREP2": {"count": FigureSource.CRM},
        "UREP3": {},
    }
    text = views.digest_messages(digest, "en")[0]["text"]
    assert "<@UREP2> · this week 3 of 5 (✓ CRM) ·" in text
    assert "<@UREP1> · this week 6 of 5 ·" in text and "<@UREP3> · this week 4 of 5 ·" in text
    assert "(✓ CRM): the rep confirmed the CRM's figure in their check-in;" in text
    assert "one signed on paper" not in text and "CRM 5" not in text  # the difference: managers only
    zh = views.digest_messages(digest, "zh")[0]["text"]
    assert "🔴 <@UREP2> · 本周 3 / 5（✓ CRM 已核） · 累计进度 60%" in zh
    assert "（✓ CRM 已核）：销售在每周汇报中确认了 CRM 的数字" in zh
    later = service.build(session, service.Scope(TEAM), WEEK + timedelta(weeks=1))
    assert not later.sourced and "✓ CRM" not in views.digest_messages(later, "en")[0]["text"]


def test_each_manager_gets_their_reps_differences_once(session: Session) -> None:
    boss, _, _ = seeded(session)
    found = differences.by_manager(session, TEAM, WEEK)
    assert list(found) == [boss.id] and [d.reason for d in found[boss.id]] == ["one signed on paper"]
    assert differences.by_manager(session, TEAM, WEEK + timedelta(weeks=1)) == {}
    assert notices.queue(session, TEAM, WEEK, now=NOW) == 1
    assert notices.queue(session, TEAM, WEEK, now=NOW) == 0  # once per manager and week
    [sent] = session.scalars(select(Delivery).where(Delivery.kind == "crm-differences")).all()
    assert (sent.member_id, sent.channel, sent.key) == (boss.id, "UBOSS", f"crm-differences:{boss.id}:{WEEK}")
    text = sent.payload["text"]
    assert "*Reported vs CRM, week 48" in text and "more than 10%:" in text
    assert "Rita &lt;b&gt;" in text and "reported 6, CRM 5 (20%) — “one signed on paper”" in text
    assert len(sent.payload["blocks"]) <= 50
