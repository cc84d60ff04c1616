"""The demo's training (`pacer demo`, bot/demo/seed.py calls `seed_training`): the sample courses loaded,
"Product basics" assigned to every rep, the first rep part way through with a lesson and its question
waiting in their DM (and so is the first rep who reads Pacer in Chinese, in the Chinese course), the second
finished with a score, the rest not started; `/pacer training` and the Home tab show it at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import enqueue
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.training import messages, progress, service
from bot.training.cli import SHIPPED, files_at
from bot.training.courses import import_files
from bot.training.models import Progress
from bot.training.service import TargetKind, TrainRequest
from bot.workspaces.models import Workspace

DUE_IN_DAYS = 21


def seed_training(
    session: Session, admin: Member, teams: Sequence[Sequence[Member]], *, now: datetime
) -> None:
    """Courses, an assignment for everyone, a rep (and a Chinese reader) with a lesson waiting, one done."""
    import_files(session, admin.team_id, [(p.name, p.read_bytes()) for p in files_at(SHIPPED)], now=now)
    workspace = session.get_one(Workspace, admin.team_id)
    due = calendar.days_after(calendar.zone_today(admin.timezone, workspace, now), DUE_IN_DAYS)
    caller = Caller(member=admin, role=Role.ADMIN, locale="en")
    service.assign(session, caller, TrainRequest(TargetKind.EVERYONE, "", "product-basics", due), now=now)
    reps = [rep for team in teams for rep in team]
    if reps:
        _part_way(session, reps[0], now=now, lessons=3)
    if len(reps) > 1:
        done = _part_way(session, reps[1], now=now, lessons=6)
        progress.finish(session, reps[1], done.id, done.next_position - 1, now=now)
    reader = next((rep for rep in reps[2:] if rep.language == "zh"), None)
    if reader is not None:
        _part_way(session, reader, now=now, lessons=3)


def _part_way(session: Session, rep: Member, *, now: datetime, lessons: int) -> Progress:
    """The rep's intro answered (confidence 3) and `lessons` lessons sent, each question answered right;
    the last lesson sent is in their DM (through the outbox), waiting."""
    assignment, _, course = next(
        row for row in progress.open_assignments(session, rep.team_id) if row[1].id == rep.id
    )
    today = calendar.member_today(rep, session.get_one(Workspace, rep.team_id), now)
    step = progress.next_step(session, assignment, rep, course, None, today=today, now=now)
    if step is None:
        raise ValueError("the demo's course has no lessons")
    progress.rate_confidence(session, rep, step.progress.id, "before", 3)
    for _ in range(lessons):
        step = progress.advance(session, rep, course, step.progress, today) or step
        lesson = step.lesson
        if lesson is not None and lesson.answer is not None and lesson.position < lessons - 1:
            progress.answer(session, rep, step.progress.id, lesson.id, lesson.answer, now=now)
    enqueue(session, [messages.step_message(session, step)], now=now)
    return step.progress
