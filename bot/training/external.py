"""Training done elsewhere: a CSV (or XLSX) of `rep, course, completed, score`, shared in a DM. Every line
is checked (the rep by Slack id, mention or name; the course by slug or title; a completed date from 2000
to today; a score from 0 to 100 or empty), each bad line is reported by its number and nothing is recorded
until the file is clean; the dry run says what would be recorded. A manager's lines may only name their
own reps. A completion is recorded as the rep's progress through the course's current round, on the course
in the language the rep takes it (that of their assignment of it, else the language Pacer speaks to them);
a rep without an assignment of it gets an optional one, due the day they completed it. No Slack."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar, spreadsheets
from bot.errors import NotFound
from bot.goals.dates import read_date
from bot.goals.numbers import read_whole
from bot.roster.models import Member
from bot.roster.policy import Caller, can_manage
from bot.spreadsheets import LineError
from bot.training.courses import course_named
from bot.training.models import Assignment, Course, Progress
from bot.training.service import assignment_of, course_for
from bot.workspaces.models import Workspace

COLUMNS = ("rep", "course", "completed", "score")
MAX_LINES = 5000
EARLIEST = date(2000, 1, 1)  # as the CRM's days: an older date is a typo (0226-11-01), not a completion
NOON = time(12)  # a completion known by its day is recorded at noon of it, in the workspace's zone
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass(frozen=True)
class Completion:
    line: int
    rep: Member
    course: Course
    completed: date
    score: int | None
    known: bool  # already recorded: importing leaves it
    assignment: Assignment | None  # the rep's assignment of the course, if any


@dataclass(frozen=True)
class Checked:
    completions: list[Completion]
    errors: list[LineError]

    @property
    def clean(self) -> bool:
        return bool(self.completions) and not self.errors


def recognizes(kind: str, data: bytes) -> bool:
    row = spreadsheets.first_row(kind, data) if kind in ("csv", "xlsx") else []
    return tuple(row[:4]) == COLUMNS


def _text(data: bytes, kind: str) -> str | None:
    return spreadsheets.as_csv(data, max_rows=MAX_LINES) if kind == "xlsx" else spreadsheets.decode(data)


def check(session: Session, caller: Caller, data: bytes, kind: str, *, today: date) -> Checked:
    """Every line read and checked; the completions of a clean file (none written)."""
    text = _text(data, kind)
    if text is None:
        return Checked([], [LineError(1, "training.external.unreadable")])
    try:
        rows = list(csv.reader(io.StringIO(text)))[1 : MAX_LINES + 2]
    except csv.Error:  # e.g. an unclosed quote that swallows the rest past the field limit
        return Checked([], [LineError(1, "training.external.unreadable")])
    if len(rows) > MAX_LINES:
        return Checked([], [LineError(1, "training.external.too_many", {"max": MAX_LINES})])
    found: list[Completion] = []
    errors: list[LineError] = []
    workspace = session.get_one(Workspace, caller.team_id)
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        result = _line(session, caller, workspace, number, row, today=today)
        if isinstance(result, Completion):
            found.append(result)
        else:
            errors.append(result)
    if not found and not errors:
        errors.append(LineError(1, "training.external.empty"))
    return Checked(found, errors)


def _line(
    session: Session, caller: Caller, workspace: Workspace, number: int, row: list[str], *, today: date
) -> Completion | LineError:
    """One line checked; its course (named in any language) is the one the rep takes (`course_for`)."""
    cells = [cell.strip() for cell in row] + [""] * 4
    rep = _rep(session, caller.team_id, cells[0])
    if rep is None or not can_manage(caller, rep):
        return LineError(number, "training.external.bad_rep", {"rep": cells[0][:60]})
    try:
        named = course_named(session, caller.team_id, cells[1])
    except NotFound:
        return LineError(number, "training.external.bad_course", {"course": cells[1][:60]})
    course = course_for(session, rep, named.slug, workspace) or named
    assignment = assignment_of(session, rep, named.slug)  # of `course`, when there is one
    completed = read_date(cells[2])
    if completed is None or not EARLIEST <= completed <= today:
        return LineError(number, "training.external.bad_date", {"value": cells[2][:20]})
    score = read_whole(cells[3], range(101)) if cells[3] else None
    if cells[3] and score is None:
        return LineError(number, "training.external.bad_score", {"value": cells[3][:20]})
    known = _progress(session, rep, course, assignment) is not None
    return Completion(number, rep, course, completed, score, known, assignment)


def _rep(session: Session, team_id: str, word: str) -> Member | None:
    mention = MENTION.fullmatch(word)
    user_id = mention.group(1) if mention else word
    found = session.scalar(select(Member).where(Member.team_id == team_id, Member.user_id == user_id))
    if found is not None or not word:
        return found
    named = session.scalars(select(Member).where(Member.team_id == team_id)).all()
    matches = [m for m in named if m.display_name.casefold() == word.casefold()]
    return matches[0] if len(matches) == 1 else None


def _progress(
    session: Session, rep: Member, course: Course, assignment: Assignment | None
) -> Progress | None:
    """The rep's completed progress in the current round, if any."""
    return session.scalar(
        select(Progress).where(
            Progress.team_id == rep.team_id,
            Progress.rep_id == rep.id,
            Progress.course_id == course.id,
            Progress.round == (assignment.round if assignment else 0),
            Progress.completed_at.is_not(None),
        )
    )


def run(session: Session, caller: Caller, data: bytes, kind: str, *, today: date) -> Checked:
    """Record a clean file's new completions (noon of the day, in the workspace's zone); else nothing."""
    checked = check(session, caller, data, kind, today=today)
    if not checked.clean:
        return checked
    workspace = session.get_one(Workspace, caller.team_id)
    for done in checked.completions:
        if not done.known:
            _record(session, done, workspace, by_id=caller.member.id)
    session.flush()
    return checked


def _record(session: Session, done: Completion, workspace: Workspace, *, by_id: int) -> None:
    """The completion as the rep's progress in the current round of their assignment; a rep without one
    gets an optional assignment due the day they completed it, so that the report, the Home tab and the
    digest, which start from assignments, show the training done elsewhere."""
    rep, course = done.rep, done.course
    at = datetime.combine(done.completed, NOON, tzinfo=calendar.workspace_zone(workspace))
    assignment = done.assignment
    if assignment is None:
        assignment = Assignment(
            team_id=rep.team_id,
            course_id=course.id,
            rep_id=rep.id,
            due=done.completed,
            required=False,
            round=0,
            assigned_by_id=by_id,
            assigned_at=at,
        )
        session.add(assignment)
    progress = session.scalar(
        select(Progress).where(
            Progress.team_id == rep.team_id,
            Progress.rep_id == rep.id,
            Progress.course_id == course.id,
            Progress.round == assignment.round,
        )
    )
    if progress is None:
        progress = Progress(
            team_id=rep.team_id,
            rep_id=rep.id,
            course_id=course.id,
            round=assignment.round,
            version=course.version,
            started_at=at,
        )
        session.add(progress)
    progress.next_position, progress.completed_at, progress.score = course.lesson_count, at, done.score
