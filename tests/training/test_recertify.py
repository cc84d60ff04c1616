"""Recertification, on both databases: a completed course with `recertify N days` comes round again N
days after completion (a new round, due two weeks on), and only then."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from bot.training import overdue, progress
from bot.training.courses import import_files
from bot.training.models import Assignment, Progress
from tests.factories import TEAM, member
from tests.training.test_authoring import GOOD

DONE = datetime(2026, 11, 2, 12, tzinfo=UTC)


def test_a_completed_course_comes_round_again(session: Session) -> None:
    course = import_files(session, TEAM, [("objections.en.yaml", GOOD.encode())], now=DONE)[0]
    assert course.loaded is not None
    rep = member(session, "UREP")
    given = Assignment(
        team_id=TEAM,
        course_id=course.loaded.course.id,
        rep_id=rep.id,
        due=date(2026, 11, 5),
        recertify_days=30,
    )
    session.add(given)
    session.add(
        Progress(
            team_id=TEAM,
            rep_id=rep.id,
            course_id=given.course_id,
            version=1,
            next_position=2,
            completed_at=DONE,
            score=100,
        )
    )
    session.flush()
    assert progress.open_rows(session, TEAM) == []
    assert overdue.recertify(session, now=datetime(2026, 12, 1, 12, tzinfo=UTC)) == 0  # 29 days on
    assert overdue.recertify(session, now=datetime(2026, 12, 2, 12, tzinfo=UTC)) == 1
    assert (given.round, given.due) == (1, date(2026, 12, 16))
    assert [a.id for a, *_ in progress.open_rows(session, TEAM)] == [given.id]
    assert overdue.recertify(session, now=datetime(2026, 12, 3, 12, tzinfo=UTC)) == 0  # once
