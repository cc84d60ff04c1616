"""The demo's CRM actuals (bot/crm/demo.py through bot/demo/seed.py): a rep who has not checked in for
last week finds the CRM's figure for it, and one rep's report differs from the CRM on their manager's
Home tab, with the reason."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.crm import checkin, differences
from bot.crm.demo import REASON
from bot.demo.people import TEAM_ID
from bot.demo.seed import seed
from bot.goals.models import Goal
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from tests.conftest import wipe

LAST_WEEK = date(2026, 11, 23)


def test_the_demo_seeds_crm_actuals(engine: Engine) -> None:
    wipe(engine)
    seed(engine, now=datetime(2026, 12, 1, 9, tzinfo=UTC), anonymity_key=b"k" * 32)
    with Session(engine) as session:
        silent = session.scalars(select(Member).where(Member.user_id == "U0REP3")).one()
        goals = session.scalars(select(Goal).where(Goal.rep_id == silent.id)).all()
        found = checkin.figures(session, TEAM_ID, silent.id, LAST_WEEK, goals)
        assert [(f.items, f.source) for f in found.values()] == [(3, "crm:zoho")]
        managers = session.scalars(select(Member).where(Member.role == Role.MANAGER)).all()
        listed = [
            d
            for boss in managers
            for d in differences.material(
                session, Caller(member=boss, role=Role.MANAGER, locale="en"), [LAST_WEEK]
            )
        ]
        assert [d.reason for d in listed] == [REASON]
    wipe(engine)
