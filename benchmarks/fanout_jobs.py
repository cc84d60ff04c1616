"""What the fan-out benchmark fans out (`--job`): a job of the app that DMs every rep at once, with the
setting that makes every rep due when it runs. The harness (benchmarks/fanout.py, fanout_run.py) is the
same for each: `run_once(job, now)` enqueues, the real sender drains the outbox into the emulator.

- `weekly-nudges`: each rep's Monday nudge (one agreed goal each; Monday 12:30 UTC, inside every zone's
  nudge window).
- `training-lessons`: the day's lesson of a course assigned to every rep (the shipped "Product basics",
  in each rep's language, assigned to everyone by `/pacer train`'s service). Each rep had the course's
  intro and first lesson on the last training day, so today's message is lesson 2 with its quiz buttons.
  Tuesday 14:30 UTC: after 11:00, the default lesson time, in every zone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from benchmarks import fanout_setup as setup
from bot.db import SessionFactory
from bot.roster.models import Role
from bot.roster.policy import Caller
from bot.training import progress, service
from bot.training.cli import SHIPPED, files_at
from bot.training.courses import import_files
from bot.training.models import Assignment, Course, Progress

COURSE = "product-basics"
LESSON_NOW = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)  # a Tuesday: 11:30 in São Paulo, 17:30 in Istanbul
LAST_LESSON_DAY = date(2026, 11, 26)  # the Thursday before: the intro and lesson 1 went then
DUE = date(2026, 12, 31)


@dataclass(frozen=True)
class Fanout:
    """One job to fan out: its name in `bot.features.all_jobs()`, when it runs, what it sends (for the
    report), how to set up N reps so that all are due then, and the check that the job's own query finds
    every one of them due (how many, or a SetupError)."""

    job: str
    now: datetime
    sends: str
    populate: Callable[[SessionFactory, Sequence[str], datetime], None]
    check_due: Callable[[SessionFactory, int, datetime], int]


def _nudges(factory: SessionFactory, reps: Sequence[str], now: datetime) -> None:
    setup.populate(factory, reps, now=now)


def _nudges_due(factory: SessionFactory, expected: int, now: datetime) -> int:
    return setup.check_due(factory, expected, now=now)


def _lessons(factory: SessionFactory, reps: Sequence[str], now: datetime) -> None:
    """`people`, the shipped courses imported, "Product basics" assigned to everyone by an admin (each rep
    gets it in their language), and each rep's progress after the last training day (bulk-inserted)."""
    with factory.begin() as session:
        manager = setup.people(session, reps, now=now).member
        shipped = [(path.name, path.read_bytes()) for path in files_at(SHIPPED)]
        if any(result.errors for result in import_files(session, setup.TEAM_ID, shipped, now=now)):
            raise setup.SetupError(f"the shipped courses in {SHIPPED} do not import")
        admin = Caller(member=manager, role=Role.ADMIN, locale="en")
        request = service.TrainRequest(service.TargetKind.EVERYONE, "", COURSE, DUE)
        service.assign(session, admin, request, now=now)
        rows = session.execute(
            select(Assignment.rep_id, Assignment.course_id, Assignment.round, Course.version).join(
                Course, Course.id == Assignment.course_id
            )
        )
        started = [
            {
                "team_id": setup.TEAM_ID,
                "rep_id": rep_id,
                "course_id": course_id,
                "round": round_,
                "version": version,
                "next_position": 1,
                "last_sent_on": LAST_LESSON_DAY,
                "started_at": now,
            }
            for rep_id, course_id, round_, version in rows
        ]
        for start in range(0, len(started), 1000):
            session.execute(insert(Progress), started[start : start + 1000])


def _lessons_due(factory: SessionFactory, expected: int, now: datetime) -> int:
    """How many reps `progress.due_lessons` finds at `now`; a SetupError unless it is every rep."""
    with factory() as session:
        due = len(progress.due_lessons(session, now=now))
    if due != expected:
        raise setup.SetupError(f"{expected} reps set up, but {due} due a lesson at {now}")
    return due


FANOUTS = {
    fanout.job: fanout
    for fanout in (
        Fanout("weekly-nudges", setup.NOW, "each rep's weekly nudge", _nudges, _nudges_due),
        Fanout(
            "training-lessons",
            LESSON_NOW,
            f'the day\'s lesson of "{COURSE}" (with its quiz) to each rep it is assigned to',
            _lessons,
            _lessons_due,
        ),
    )
}
DEFAULT = "weekly-nudges"
