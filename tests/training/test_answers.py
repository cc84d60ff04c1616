"""Two answers to one question tapped at the same moment (two buttons: two interactions, each in its own unit
of work), on both databases: the one stored first counts and the other is told so, instead of failing on
the unique answer per rep, lesson and round."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event, func, select

from bot.db import make_session_factory
from bot.roster.models import Member
from bot.training import progress
from bot.training.courses import import_files, lessons_of
from bot.training.models import Progress, QuizAnswer
from tests.conftest import wipe
from tests.factories import TEAM, member
from tests.training.test_authoring import GOOD

NOW = datetime(2026, 12, 8, 12, tzinfo=UTC)


def test_two_answers_at_the_same_moment_the_first_counts(engine: Engine) -> None:
    wipe(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        loaded = import_files(session, TEAM, [("objections.en.yaml", GOOD.encode())], now=NOW)[0].loaded
        assert loaded is not None
        question = lessons_of(session, loaded.course)[1]
        rep = member(session, "UREP")
        row = Progress(team_id=TEAM, rep_id=rep.id, course_id=loaded.course.id, version=1, next_position=2)
        session.add(row)
        session.flush()
        rep_id, progress_id, lesson_id = rep.id, row.id, question.id

    def other_tap_first(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        """Just before this tap stores its answer, the other tap stores and commits its own."""
        if statement.startswith("INSERT INTO training_quiz_answers") and not stored:
            with factory.begin() as other:
                stored.append(
                    progress.answer(other, other.get_one(Member, rep_id), progress_id, lesson_id, 1, now=NOW)
                )

    stored: list[progress.Answered] = []
    try:
        with factory.begin() as session:
            connection = session.connection()
            event.listen(connection, "before_cursor_execute", other_tap_first)
            try:
                late = progress.answer(
                    session, session.get_one(Member, rep_id), progress_id, lesson_id, 0, now=NOW
                )
            finally:
                event.remove(connection, "before_cursor_execute", other_tap_first)
        assert [(a.chosen, a.correct, a.first) for a in stored] == [(1, False, True)]
        assert (late.chosen, late.correct, late.first) == (1, False, False)  # the first answer is shown
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(QuizAnswer)) == 1
    finally:
        wipe(engine)
