"""A rep's way through a course: which lesson is due today (the workspace's training days, the rep's own
zone, away and holidays as for nudges, one a day), "Next lesson" on demand, quiz answers (recorded once per
rep, lesson and round), the confidence question at the start and end, and completion with its score.
Buttons on an old lesson are refused with where the rep is now. After a new version, an answer on a lesson
of the old one counts for the lesson as it is now if it asks the same question (`as_now`). No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from bot import calendar
from bot.db.engine import upsert_statement
from bot.errors import Invalid, NotFound
from bot.roster.models import Member
from bot.training.courses import lesson_at, same_question
from bot.training.models import Assignment, Course, Lesson, Progress, QuizAnswer
from bot.training.service import Settings, settings_of
from bot.workspaces.models import Workspace


@dataclass(frozen=True)
class Step:
    """A message to send: the course's intro (`lesson` None) or one lesson, for `progress`."""

    rep: Member
    course: Course
    progress: Progress
    lesson: Lesson | None
    due: date | None = None


@dataclass(frozen=True)
class Answered:
    lesson: Lesson
    chosen: int
    correct: bool
    first: bool  # False: answered before (the first answer stands)
    last: bool  # the course's last lesson


def open_rows(
    session: Session, team_id: str | None = None
) -> list[tuple[Assignment, Member, Course, Progress | None]]:
    """Every assignment whose current round is not completed, with its active rep, its course and the
    rep's progress in that round (None: not started), in one statement."""
    query = (
        select(Assignment, Member, Course, Progress)
        .join(Member, Member.id == Assignment.rep_id)
        .join(Course, Course.id == Assignment.course_id)
        .outerjoin(
            Progress,
            (Progress.rep_id == Assignment.rep_id)
            & (Progress.course_id == Assignment.course_id)
            & (Progress.round == Assignment.round),
        )
        .where(Member.active.is_(True), Progress.completed_at.is_(None))
        .order_by(Assignment.rep_id, Assignment.due, Assignment.id)
    )
    if team_id is not None:
        query = query.where(Assignment.team_id == team_id)
    return [(a, m, c, p) for a, m, c, p in session.execute(query)]


def open_assignments(session: Session, team_id: str | None = None) -> list[tuple[Assignment, Member, Course]]:
    """`open_rows` without the progress."""
    return [(a, m, c) for a, m, c, _ in open_rows(session, team_id)]


class Lookups:
    """Each workspace's row and training settings, read once per job run."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.workspaces: dict[str, Workspace] = {}
        self.settings: dict[str, Settings] = {}

    def workspace(self, team_id: str) -> Workspace:
        if team_id not in self.workspaces:
            self.workspaces[team_id] = self.session.get_one(Workspace, team_id)
        return self.workspaces[team_id]

    def settings_of(self, team_id: str) -> Settings:
        if team_id not in self.settings:
            self.settings[team_id] = settings_of(self.session, team_id)
        return self.settings[team_id]


def progress_of(session: Session, assignment: Assignment) -> Progress | None:
    return session.scalar(
        select(Progress).where(
            Progress.team_id == assignment.team_id,
            Progress.rep_id == assignment.rep_id,
            Progress.course_id == assignment.course_id,
            Progress.round == assignment.round,
        )
    )


@dataclass(frozen=True)
class DueLesson:
    """A rep whose lesson day it is: their first open assignment, and their local day."""

    assignment_id: int
    user_id: str
    today: date


@dataclass(frozen=True)
class RepTime:
    """What the calendar reads of a rep (`calendar.Person`), without loading the member."""

    timezone: str | None
    country: str | None
    away_from: date | None
    away_until: date | None


def _lesson_candidates() -> Select[*tuple[Any, ...]]:
    """The open assignments as plain columns (no objects: the tick reads tens of thousands of rows)."""
    return (
        select(
            Assignment.id,
            Member.id,
            Member.user_id,
            Member.team_id,
            Member.timezone,
            Member.country,
            Member.away_from,
            Member.away_until,
            Course.lesson_count,
            Progress.next_position,
            Progress.last_sent_on,
        )
        .join(Member, Member.id == Assignment.rep_id)
        .join(Course, Course.id == Assignment.course_id)
        .outerjoin(
            Progress,
            (Progress.rep_id == Assignment.rep_id)
            & (Progress.course_id == Assignment.course_id)
            & (Progress.round == Assignment.round),
        )
        .where(Member.active.is_(True), Progress.completed_at.is_(None))
        .order_by(Assignment.rep_id, Assignment.due, Assignment.id)
    )


def due_lessons(session: Session, *, now: datetime) -> list[DueLesson]:
    """Each rep whose lesson day it is now and who has had nothing today: their first open assignment
    (the earliest due) that still has something to send. Reads only (a few statements whatever the
    numbers); `send_due` acts on each."""
    due: list[DueLesson] = []
    seen: set[int] = set()
    lookups = Lookups(session)
    for row in session.execute(_lesson_candidates()):
        assignment_id, rep_id, user_id, team_id, *when, lessons, position, last_sent = row
        if rep_id in seen:
            continue
        settings, workspace = lookups.settings_of(team_id), lookups.workspace(team_id)
        today = calendar.lesson_day(RepTime(*when), workspace, settings.weekdays, settings.lesson_time, now)
        if today is None or last_sent == today:
            seen.add(rep_id)
        elif position is None or position < lessons:
            seen.add(rep_id)
            due.append(DueLesson(assignment_id, user_id, today))
    return due


def send_due(session: Session, due: DueLesson, *, now: datetime) -> Step | None:
    """The intro or next lesson of a `DueLesson`, unless something went to the rep today already."""
    assignment = session.get(Assignment, due.assignment_id)
    if assignment is None:
        return None
    rep, course = session.get_one(Member, assignment.rep_id), session.get_one(Course, assignment.course_id)
    progress = progress_of(session, assignment)
    if progress is not None and progress.last_sent_on == due.today:
        return None
    return next_step(session, assignment, rep, course, progress, today=due.today, now=now)


def next_step(
    session: Session,
    assignment: Assignment,
    rep: Member,
    course: Course,
    progress: Progress | None,
    *,
    today: date,
    now: datetime,
) -> Step | None:
    """The intro when the course is not started, else the next lesson; None when all were sent."""
    if progress is None:
        progress = Progress(
            team_id=rep.team_id,
            rep_id=rep.id,
            course_id=course.id,
            round=assignment.round,
            version=course.version,
            next_position=0,
            last_sent_on=today,
            started_at=now,
        )
        session.add(progress)
        session.flush()
        return Step(rep, course, progress, None, assignment.due)
    return advance(session, rep, course, progress, today)


def advance(session: Session, rep: Member, course: Course, progress: Progress, today: date) -> Step | None:
    """Send the lesson at `next_position` (once: a conditional update, so two callers never both move it)."""
    position = progress.next_position
    lesson = lesson_at(session, course, progress.version, position)
    if lesson is None or progress.completed_at is not None:
        return None
    moved = session.execute(
        update(Progress)
        .where(Progress.id == progress.id, Progress.next_position == position)
        .values(next_position=position + 1, last_sent_on=today)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(progress)
    return Step(rep, course, progress, lesson)


def own_progress(session: Session, rep: Member, progress_id: int) -> tuple[Progress, Course]:
    """The rep's own progress (never another's: a forged id is not found)."""
    progress = session.get(Progress, progress_id)
    if progress is None or progress.rep_id != rep.id or progress.team_id != rep.team_id:
        raise NotFound("training.errors.no_progress")
    return progress, session.get_one(Course, progress.course_id)


def where_now(progress: Progress, course: Course) -> Invalid:
    """The refusal of an old lesson's button: where the rep is now."""
    if progress.completed_at is not None:
        return Invalid("training.where.done", course=course.title)
    if progress.next_position == 0:
        return Invalid("training.where.not_started", course=course.title)
    return Invalid(
        "training.where.at", course=course.title, lesson=progress.next_position, count=course.lesson_count
    )


def refused(progress: Progress, course: Course, position: int) -> Invalid:
    """The refusal of a button on the lesson at `position`: where the rep is now; a lesson at or past it
    is one the course changed under (an import set the rep back to send it again as it is now)."""
    if progress.completed_at is None and position >= progress.next_position:
        return Invalid("training.where.again", course=course.title, lesson=progress.next_position + 1)
    return where_now(progress, course)


def request_next(session: Session, rep: Member, progress_id: int, position: int, *, now: datetime) -> Step:
    """ "Next lesson" pressed on the lesson at `position`: the following one, if that is where the rep is."""
    progress, course = own_progress(session, rep, progress_id)
    if progress.completed_at is not None or progress.next_position != position + 1:
        raise refused(progress, course, position)
    workspace = session.get_one(Workspace, rep.team_id)
    step = advance(session, rep, course, progress, calendar.member_today(rep, workspace, now))
    if step is None:
        raise where_now(progress, course)
    return step


def answer(
    session: Session, rep: Member, progress_id: int, lesson_id: int, chosen: int, *, now: datetime
) -> Answered:
    """Record the rep's answer once; a second answer is not recorded and the first one is shown again (also
    when two answers are tapped at the same moment: the one stored first counts). An answer on a lesson of
    an earlier version counts for the lesson as it is now (`as_now`)."""
    progress, course = own_progress(session, rep, progress_id)
    lesson = session.get(Lesson, lesson_id)
    if (
        lesson is None
        or lesson.team_id != rep.team_id
        or lesson.course_id != course.id
        or lesson.prompt is None
        or not 0 <= chosen < len(lesson.options)
    ):
        raise where_now(progress, course)
    if lesson.version != progress.version:
        lesson = as_now(session, progress, course, lesson)
    given = QuizAnswer(
        team_id=rep.team_id,
        rep_id=rep.id,
        lesson_id=lesson.id,
        round=progress.round,
        chosen=chosen,
        correct=chosen == lesson.answer,
        answered_at=now,
    )
    first = _first(session, given)
    last = lesson.position == course.lesson_count - 1
    return Answered(lesson, first.chosen, first.correct, first is given, last)


def _first(session: Session, given: QuizAnswer) -> QuizAnswer:
    """`given` stored, unless an answer to its question was stored before (also by a tap at the same moment:
    the unique answer per rep, lesson and round decides, without an error): then that one."""
    columns = ("team_id", "rep_id", "lesson_id", "round", "chosen", "correct", "answered_at")
    stored = session.execute(
        upsert_statement(session, QuizAnswer)
        .values({name: getattr(given, name) for name in columns})
        .on_conflict_do_nothing(index_elements=["rep_id", "lesson_id", "round"])
        .returning(QuizAnswer.id)
    ).first()
    if stored is not None:
        return given
    key = {name: getattr(given, name) for name in ("team_id", "rep_id", "lesson_id", "round")}
    return session.scalars(select(QuizAnswer).filter_by(**key)).one()


def as_now(session: Session, progress: Progress, course: Course, held: Lesson) -> Lesson:
    """The lesson a rep holds from an earlier version, as it is now: the current version's lesson at the
    same position, when it asks the same question (its answer counts there). Otherwise the answer is
    refused: the lesson comes again when the rep is on it (an import set them back to send it), else the
    question has changed and where they are is said."""
    if progress.completed_at is not None or held.version > progress.version:
        raise where_now(progress, course)
    current = lesson_at(session, course, progress.version, held.position)
    if current is not None and same_question(held, current):
        return current
    if held.position >= progress.next_position:
        raise refused(progress, course, held.position)
    count = course.lesson_count
    raise Invalid("training.where.changed", course=course.title, lesson=progress.next_position, count=count)


def score_of(session: Session, progress: Progress) -> int | None:
    """% of the version's questions answered right (unanswered counts wrong); None without questions."""
    questions = session.scalar(
        select(func.count())
        .select_from(Lesson)
        .where(
            Lesson.team_id == progress.team_id,
            Lesson.course_id == progress.course_id,
            Lesson.version == progress.version,
            Lesson.prompt.is_not(None),
        )
    )
    if not questions:
        return None
    right = session.scalar(
        select(func.count())
        .select_from(QuizAnswer)
        .join(Lesson, Lesson.id == QuizAnswer.lesson_id)
        .where(QuizAnswer.team_id == progress.team_id, QuizAnswer.rep_id == progress.rep_id)
        .where(QuizAnswer.round == progress.round)
        .where(Lesson.course_id == progress.course_id, Lesson.version == progress.version)
        .where(QuizAnswer.correct.is_(True))
    )
    return round(100 * (right or 0) / questions)


def finish(
    session: Session, rep: Member, progress_id: int, position: int, *, now: datetime
) -> tuple[Progress, Course]:
    """ "Finish" pressed on the last lesson: completed, with the score (once; again: where the rep is)."""
    progress, course = own_progress(session, rep, progress_id)
    if (
        progress.completed_at is not None
        or position != course.lesson_count - 1
        or progress.next_position != course.lesson_count
    ):
        raise refused(progress, course, position)
    progress.completed_at, progress.score = now, score_of(session, progress)
    session.flush()
    return progress, course


def passed(progress: Progress, course: Course) -> bool:
    return (
        course.pass_mark is None
        or (progress.score if progress.score is not None else 100) >= course.pass_mark
    )


def rate_confidence(
    session: Session, rep: Member, progress_id: int, when: str, level: int
) -> tuple[Progress, Course]:
    """The confidence question, 1–5: before (while not answered) or after the course (once it is done)."""
    progress, course = own_progress(session, rep, progress_id)
    if not 1 <= level <= 5 or when not in {"before", "after"}:
        raise where_now(progress, course)
    if when == "before" and progress.confidence_before is None:
        progress.confidence_before = level
    elif when == "after" and progress.completed_at is not None and progress.confidence_after is None:
        progress.confidence_after = level
    else:
        raise where_now(progress, course)
    session.flush()
    return progress, course
