"""The demo's recognition (bot/recognition/demo.py through bot/demo/seed.py): kudos this month and last
week, a badge for each team last month, as the Home tab and the scorecard evidence read them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.demo.people import TEAM_ID
from bot.demo.seed import seed
from bot.recognition.models import Badge
from bot.recognition.service import kudos_received
from bot.roster.models import Member, Role
from tests.conftest import wipe


def test_the_demo_seeds_kudos_and_a_badge_per_team(engine: Engine) -> None:
    wipe(engine)
    now = datetime(2026, 12, 10, 9, tzinfo=UTC)
    seed(engine, now=now, anonymity_key=b"k" * 32)
    with Session(engine) as session:
        reps = session.scalars(
            select(Member.id).where(
                Member.team_id == TEAM_ID, Member.role == Role.REP, Member.on_team.is_(True)
            )
        ).all()
        this_month = kudos_received(session, TEAM_ID, reps, datetime(2026, 12, 1, tzinfo=UTC), now)
        assert len(this_month) == len(reps) == 8
        assert all(received.count == 2 for received in this_month.values())
        badges = session.scalars(select(Badge)).all()
        assert len(badges) == 2 and {b.month.isoformat() for b in badges} == {"2026-11-01"}
    wipe(engine)
