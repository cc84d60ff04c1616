"""Loading courses, on both databases: created, then unchanged on the same content (nothing written), a
new version when the text changes (completed progress keeps its version, reps part way through move to the
new one at the same position), and all or nothing across files."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.training.courses import Outcome, import_files, lessons_of
from bot.training.models import Course, Lesson, Progress
from tests.factories import TEAM, member
from tests.training.test_authoring import GOOD


def test_reimport_is_idempotent_and_a_change_is_a_new_version(session: Session) -> None:
    now = utcnow()
    first = import_files(session, TEAM, [("objections.en.yaml", GOOD.encode())], now=now)
    assert first[0].loaded is not None and first[0].loaded.outcome is Outcome.CREATED
    course = first[0].loaded.course
    done_rep, busy_rep = member(session, "UDONE"), member(session, "UBUSY")
    session.add_all(
        [
            Progress(
                team_id=TEAM,
                rep_id=done_rep.id,
                course_id=course.id,
                version=1,
                next_position=2,
                completed_at=now,
                score=100,
            ),
            Progress(team_id=TEAM, rep_id=busy_rep.id, course_id=course.id, version=1, next_position=1),
        ]
    )
    session.flush()
    lessons = session.scalar(select(func.count()).select_from(Lesson))
    again = import_files(session, TEAM, [("objections.en.yaml", GOOD.encode())], now=now)
    assert again[0].loaded is not None and again[0].loaded.outcome is Outcome.UNCHANGED
    assert session.scalar(select(func.count()).select_from(Lesson)) == lessons

    changed = GOOD.replace("Then answer.", "Then answer, briefly.")
    updated = import_files(session, TEAM, [("objections.en.yaml", changed.encode())], now=now)
    assert updated[0].loaded is not None and updated[0].loaded.outcome is Outcome.UPDATED
    session.expire_all()
    course = session.get_one(Course, course.id)
    assert (
        course.version == 2
        and [lesson.text for lesson in lessons_of(session, course)][1] == "Then answer, briefly."
    )
    assert [lesson.text for lesson in lessons_of(session, course, 1)][
        1
    ] == "Then answer."  # the old version is kept
    kept = {p.rep_id: (p.version, p.next_position) for p in session.scalars(select(Progress))}
    assert kept == {done_rep.id: (1, 2), busy_rep.id: (2, 1)}


def test_one_bad_file_loads_nothing(session: Session) -> None:
    results = import_files(
        session, TEAM, [("a.en.yaml", GOOD.encode()), ("b.en.yaml", b"title: B\n")], now=utcnow()
    )
    assert [r.loaded for r in results] == [None, None]
    assert [e.key for e in results[1].errors] == ["training.file.missing"] * 3
    assert session.scalar(select(func.count()).select_from(Course)) == 0
