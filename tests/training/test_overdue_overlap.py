"""Two runs of `training-overdue` at once (a slow run and the next, on two connections): the assignment's
row is locked while one acts on it, so the other leaves it (PostgreSQL's SKIP LOCKED) instead of opening a
second escalation or starting a second recertification round. SQLite writes one transaction at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text

from bot.db import make_session_factory
from bot.roster.models import Role
from bot.training import overdue
from bot.training.courses import import_files
from bot.training.models import Assignment, Progress
from tests.conftest import wipe
from tests.factories import TEAM, member
from tests.training.test_authoring import GOOD

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def test_overlapping_runs_act_on_an_assignment_once(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: nothing to overlap")
    wipe(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        course = import_files(session, TEAM, [("objections.en.yaml", GOOD.encode())], now=NOW)[0].loaded
        assert course is not None
        boss = member(session, "UBOSS", role=Role.MANAGER)
        late, done = member(session, "ULATE"), member(session, "UDONE")
        late.on_team, late.manager_id = True, boss.id
        overdue_one = Assignment(
            team_id=TEAM, course_id=course.course.id, rep_id=late.id, due=date(2026, 11, 2)
        )
        again = Assignment(
            team_id=TEAM, course_id=course.course.id, rep_id=done.id, due=date(2026, 10, 5), recertify_days=30
        )
        session.add_all([overdue_one, again])
        session.add(
            Progress(
                team_id=TEAM,
                rep_id=done.id,
                course_id=course.course.id,
                version=1,
                next_position=2,
                completed_at=datetime(2026, 10, 1, 12, tzinfo=UTC),
            )
        )
        session.flush()
        overdue_id = overdue_one.id
    try:
        with factory.begin() as first:
            item = overdue.item_for(first, overdue_id, now=NOW)
            assert item is not None and item.escalate
            assert overdue.recertify(first, now=NOW) == 1
            with factory.begin() as second:  # the next run, while the first is still at work
                second.execute(text("SET LOCAL lock_timeout = '2s'"))
                assert overdue.item_for(second, overdue_id, now=NOW) is None
                assert overdue.recertify(second, now=NOW) == 0
    finally:
        wipe(engine)
