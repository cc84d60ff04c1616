"""Loading course files into the database, and finding courses by name. A re-import of the same content
writes nothing; changed content is a new version: its lessons are added beside the old ones, completed
progress keeps its version, and reps part way through continue on the new version at the same position.
An answer counts for the new version where its lesson asks the same question (`same_question`: prompt,
options and right answer); the lesson a rep is on is sent again, as it is now, when they could not go on
with the one they have (the course got shorter, or that lesson asks a new question). No Slack."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, insert, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.errors import NotFound
from bot.spreadsheets import LineError
from bot.training.authoring import CourseSpec, read
from bot.training.models import Course, Lesson, Progress, QuizAnswer
from bot.workspaces.service import ensure_workspace


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Loaded:
    course: Course
    outcome: Outcome


@dataclass(frozen=True)
class FileResult:
    """One file's import: its name, what happened (None: refused) and its problems."""

    name: str
    loaded: Loaded | None
    errors: tuple[LineError, ...]


def load(session: Session, team_id: str, spec: CourseSpec, *, now: datetime) -> Loaded:
    """Store `spec` as the course (slug, language) of the workspace: created, a new version, or unchanged."""
    ensure_workspace(session, team_id)
    digest = spec.content_hash()
    course = session.scalar(
        select(Course).where(
            Course.team_id == team_id, Course.slug == spec.slug, Course.language == spec.language
        )
    )
    if course is not None and course.content_hash == digest:
        return Loaded(course, Outcome.UNCHANGED)
    outcome = Outcome.UPDATED if course is not None else Outcome.CREATED
    if course is None:
        course = Course(team_id=team_id, slug=spec.slug, language=spec.language, version=1, created_at=now)
        session.add(course)
    else:
        course.version += 1
    course.title, course.category, course.pass_mark = spec.title, spec.category, spec.pass_mark
    course.content_hash, course.lesson_count, course.updated_at = digest, len(spec.lessons), now
    session.flush()
    session.add_all(_lessons(course, spec))
    if outcome is Outcome.UPDATED:
        session.flush()
        _move_in_progress(session, course)
    return Loaded(course, outcome)


def plan(session: Session, team_id: str, spec: CourseSpec) -> tuple[Outcome, int]:
    """The dry run of `load`: what it would do, and the version the course would then be at."""
    course = session.scalar(
        select(Course).where(
            Course.team_id == team_id, Course.slug == spec.slug, Course.language == spec.language
        )
    )
    if course is None:
        return Outcome.CREATED, 1
    if course.content_hash == spec.content_hash():
        return Outcome.UNCHANGED, course.version
    return Outcome.UPDATED, course.version + 1


def _lessons(course: Course, spec: CourseSpec) -> list[Lesson]:
    return [
        Lesson(
            team_id=course.team_id,
            course_id=course.id,
            version=course.version,
            position=position,
            text=lesson.text,
            links=list(lesson.links),
            image_url=lesson.image,
            prompt=lesson.question.prompt if lesson.question else None,
            options=list(lesson.question.options) if lesson.question else [],
            answer=lesson.question.answer if lesson.question else None,
            explanation=lesson.question.explain if lesson.question else None,
        )
        for position, lesson in enumerate(spec.lessons)
    ]


def same_question(old: Lesson, new: Lesson) -> bool:
    """Whether `new` asks what `old` asked: the same prompt, options and right answer. Only then is an answer
    to one an answer to the other (a reworded prompt, new options or another right answer is a new
    question)."""
    return old.prompt is not None and (old.prompt, list(old.options), old.answer) == (
        new.prompt,
        list(new.options),
        new.answer,
    )


def _move_in_progress(session: Session, course: Course) -> None:
    """Reps part way through go on with the new version at the same position: their answers count where
    the question is the same, and the lesson they are on is sent again when they could not go on with the
    one they have (see `_moved`)."""
    current = {lesson.position: lesson for lesson in lessons_of(session, course)}
    versions = session.scalars(
        select(Progress.version)
        .distinct()
        .where(Progress.team_id == course.team_id, Progress.course_id == course.id)
        .where(Progress.completed_at.is_(None), Progress.version != course.version)
    ).all()
    for version in versions:
        before = {lesson.position: lesson for lesson in lessons_of(session, course, version)}
        same = {
            old.id: current[position].id
            for position, old in before.items()
            if position in current and same_question(old, current[position])
        }
        _carry_answers(session, course, version, same)
        kept = set(same.values())
        asks_anew = [
            position
            for position, lesson in current.items()
            if lesson.prompt is not None and lesson.id not in kept
        ]
        session.execute(
            update(Progress)
            .where(Progress.team_id == course.team_id, Progress.course_id == course.id)
            .where(Progress.completed_at.is_(None), Progress.version == version)
            .values(version=course.version, next_position=_moved(len(before), course.lesson_count, asks_anew))
        )


def _carry_answers(session: Session, course: Course, version: int, same: dict[int, int]) -> None:
    """The answers of reps part way through `version` are copied to the new version's lessons that ask the
    same question (`same`: old lesson id → new; one statement), so their score counts them."""
    if not same:
        return
    carried = (
        select(
            QuizAnswer.team_id,
            QuizAnswer.rep_id,
            case(same, value=QuizAnswer.lesson_id),
            QuizAnswer.round,
            QuizAnswer.chosen,
            QuizAnswer.correct,
            QuizAnswer.answered_at,
        )
        .join(
            Progress,
            and_(
                Progress.team_id == QuizAnswer.team_id,
                Progress.rep_id == QuizAnswer.rep_id,
                Progress.course_id == course.id,
                Progress.version == version,
                Progress.round == QuizAnswer.round,
                Progress.completed_at.is_(None),
            ),
        )
        .where(QuizAnswer.team_id == course.team_id, QuizAnswer.lesson_id.in_(same))
    )
    columns = ["team_id", "rep_id", "lesson_id", "round", "chosen", "correct", "answered_at"]
    session.execute(insert(QuizAnswer).from_select(columns, carried))


def _moved(before: int, count: int, asks_anew: list[int]) -> ColumnElement[int] | InstrumentedAttribute[int]:
    """A rep's next position in the new version (of `count` lessons; their old one had `before`). The
    lesson they are on (the one before `next_position`) is sent again, as it is now, when they could not go
    on with the one they have: the course got shorter and it is past the new last lesson or was the new
    last one with "Next lesson" instead of "Finish" (they get the new last lesson), or it now asks a
    question other than the one it asked (`asks_anew`: so that they can answer it). Its key names the
    version, so the lesson job sends it again on the next training day."""
    position = Progress.next_position
    moves: list[tuple[ColumnElement[bool], Any]] = []
    if before > count:
        moves.append((position >= count, count - 1))
    if asks_anew:
        moves.append(((position - 1).in_(asks_anew), position - 1))
    return case(*moves, else_=position) if moves else position


def import_files(
    session: Session, team_id: str, files: Iterable[tuple[str, bytes]], *, now: datetime
) -> list[FileResult]:
    """Each file checked; only when every file is clean is any loaded (all or nothing)."""
    parsed = [(name, read(name, data)) for name, data in files]
    if any(result.errors for _, result in parsed):
        return [FileResult(name, None, result.errors) for name, result in parsed]
    return [
        FileResult(name, load(session, team_id, result.course, now=now), ())
        for name, result in parsed
        if result.course is not None
    ]


def lessons_of(session: Session, course: Course, version: int | None = None) -> list[Lesson]:
    return list(
        session.scalars(
            select(Lesson)
            .where(Lesson.team_id == course.team_id, Lesson.course_id == course.id)
            .where(Lesson.version == (course.version if version is None else version))
            .order_by(Lesson.position)
        )
    )


def lesson_at(session: Session, course: Course, version: int, position: int) -> Lesson | None:
    return session.scalar(
        select(Lesson).where(
            Lesson.team_id == course.team_id,
            Lesson.course_id == course.id,
            Lesson.version == version,
            Lesson.position == position,
        )
    )


def all_courses(session: Session, team_id: str) -> list[Course]:
    return list(
        session.scalars(
            select(Course).where(Course.team_id == team_id).order_by(Course.slug, Course.language)
        )
    )


def course_named(session: Session, team_id: str, name: str, language: str | None = None) -> Course:
    """A course by its slug or title (any language's, case-insensitive); the one in `language` if it
    exists. Unknown: refused with the courses there are."""
    wanted = " ".join(name.split()).casefold()
    found = [c for c in all_courses(session, team_id) if wanted in {c.slug, c.title.casefold()}]
    slugs = {c.slug for c in found}
    if not found:
        known = ", ".join(sorted({c.slug for c in all_courses(session, team_id)})) or "—"
        raise NotFound("training.errors.unknown_course", name=name, known=known)
    return in_language(session, team_id, sorted(slugs)[0], language) or found[0]


def in_language(session: Session, team_id: str, slug: str, language: str | None) -> Course | None:
    """The course `slug` in `language`, else in English, else any."""
    found = {
        c.language: c
        for c in session.scalars(select(Course).where(Course.team_id == team_id, Course.slug == slug))
    }
    return found.get(language or "en") or found.get("en") or next(iter(found.values()), None)
