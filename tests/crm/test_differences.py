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
from bot.crm import checkin, differences, sections
from bot.crm.actuals import record_rows
from bot.crm.rows import NewAccount
from bot.digests.service import Digest, RepLine
from bot.errors import Invalid
from bot.goals.models import Goal
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.slack.sections import DigestContext, HomeContext
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


@pytest.mark.parametrize("typed", ["-1", "1001", "ten", "1e3"])
def test_a_bad_threshold_is_refused(session: Session, typed: str) -> None:
    member(session, "UADMIN", role=Role.ADMIN)
    with pytest.raises(Invalid):
        differences.set_threshold(session, TEAM, typed, now=NOW)
    assert differences.threshold(session, TEAM) == Decimal(10)


def test_the_digest_marks_whose_results_were_checked_against_the_crm(session: Session) -> None:
    seeded(session)
    rep = session.scalars(select(Member).where(Member.user_id == "UREP1")).one()
    other = member(session, "UREP2", display_name="Sam")
    lines = [RepLine(rep, None, checked_in=True), RepLine(other, None, checked_in=True)]
    digest = Digest(TEAM, WEEK, lines, {}, {})
    built = sections.DIGEST_SECTIONS[0].build(DigestContext(digest, "en", session))
    assert [block["elements"][0]["text"] for block in built] == [
        "📇 Checked against the CRM: 1 of 2 reps' results (Rita &lt;b&gt;); the others are as reported."
    ]
    later = Digest(TEAM, WEEK + timedelta(weeks=1), lines, {}, {})
    assert sections.DIGEST_SECTIONS[0].build(DigestContext(later, "en", session)) == []
    assert sections.DIGEST_SECTIONS[0].build(DigestContext(digest, "en", None)) == []
