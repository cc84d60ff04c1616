"""Loading courses, on both databases: created, then unchanged on the same content (nothing written), a
new version when the text changes (completed progress keeps its version, reps part way through move to the
new one at the same position), and all or nothing across files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.training.cli import SHIPPED
from bot.training.courses import Outcome, import_files, lessons_of
from bot.training.models import Course, Lesson, Progress, QuizAnswer
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


def _product_basics(change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> bytes:
    data = yaml.safe_load((SHIPPED / "product-basics.en.yaml").read_bytes())
    data["lessons"] = change(data["lessons"])
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_reps_part_way_through_go_on_where_they_can(session: Session) -> None:
    """A shorter version sets a rep past its new last lesson, or on it with "Next lesson", back to it (it is
    sent again with Finish); a question asked anew sets back a rep who is on it (even one who answered it
    as it was); elsewhere the position is kept. Answers are carried only to a lesson that asks the same
    question."""
    now = utcnow()
    (first,) = import_files(session, TEAM, [("product-basics.en.yaml", _product_basics(list))], now=now)
    assert first.loaded is not None
    course = first.loaded.course
    v1 = {lesson.position: lesson for lesson in lessons_of(session, course)}
    reps = {at: member(session, f"UREP{at}") for at in (2, 3, 4, 5, 6)}
    progress = {
        at: Progress(team_id=TEAM, rep_id=rep.id, course_id=course.id, version=1, next_position=at)
        for at, rep in reps.items()
    }
    done = member(session, "UDONE")
    session.add_all(
        [
            *progress.values(),
            Progress(
                team_id=TEAM,
                rep_id=done.id,
                course_id=course.id,
                version=1,
                next_position=6,
                completed_at=now,
            ),
        ]
    )
    for at, position in ((2, 1), (3, 2), (4, 3), (6, 5)):  # each answered the lesson they are on, right
        lesson = v1[position]
        session.add(
            QuizAnswer(
                team_id=TEAM, rep_id=reps[at].id, lesson_id=lesson.id, chosen=lesson.answer, correct=True
            )
        )
    session.flush()

    import_files(session, TEAM, [("product-basics.en.yaml", _product_basics(lambda ls: ls[:4]))], now=now)
    session.expire_all()
    where = {p.rep_id: (p.version, p.next_position) for p in session.scalars(select(Progress))}
    assert where == {
        reps[2].id: (2, 2),
        reps[3].id: (2, 3),
        reps[4].id: (2, 3),  # had lesson 4 with "Next lesson": it comes again with Finish
        reps[5].id: (2, 3),
        reps[6].id: (2, 3),
        done.id: (1, 6),
    }

    def reword(lessons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        lessons[1]["question"]["prompt"] = "Which sentence is a value proposition?"
        return lessons[:4]

    import_files(session, TEAM, [("product-basics.en.yaml", _product_basics(reword))], now=now)
    session.expire_all()
    where = {
        p.rep_id: p.next_position for p in session.scalars(select(Progress).where(Progress.version == 3))
    }
    assert where == {reps[2].id: 1, reps[3].id: 3, reps[4].id: 3, reps[5].id: 3, reps[6].id: 3}
    carried = session.execute(
        select(QuizAnswer.rep_id, Lesson.version, Lesson.position).join(
            Lesson, Lesson.id == QuizAnswer.lesson_id
        )
    ).all()
    assert sorted(tuple(row) for row in carried) == sorted(
        [
            (reps[2].id, 1, 1),
            (reps[2].id, 2, 1),  # the same question in version 2; not in 3, which asks it otherwise
            (reps[3].id, 1, 2),
            (reps[3].id, 2, 2),
            (reps[3].id, 3, 2),
            (reps[4].id, 1, 3),
            (reps[4].id, 2, 3),
            (reps[4].id, 3, 3),
            (reps[6].id, 1, 5),  # lesson 6 is gone from version 2
        ]
    )


def test_a_change_elsewhere_keeps_a_rep_on_their_last_lesson(session: Session) -> None:
    """A rep who has had every lesson (the last with Finish) stays there when a version of the same length
    changes another lesson: their Finish still works, nothing is sent again."""
    now = utcnow()
    (first,) = import_files(session, TEAM, [("objections.en.yaml", GOOD.encode())], now=now)
    assert first.loaded is not None
    rep = member(session, "UREP")
    session.add(
        Progress(team_id=TEAM, rep_id=rep.id, course_id=first.loaded.course.id, version=1, next_position=2)
    )
    session.flush()
    import_files(
        session, TEAM, [("objections.en.yaml", GOOD.replace("Listen first.", "Listen.").encode())], now=now
    )
    session.expire_all()
    assert [(p.version, p.next_position) for p in session.scalars(select(Progress))] == [(2, 2)]
