"""What the review tests share: a Q4 team with goals, check-ins and peer ratings, and a statement counter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.reviews import peers, service
from bot.roster.models import Member, Role
from tests.factories import TEAM, member, rep_with_goal

NOW = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)
Q4_FIRST_WEEK = date(2026, 9, 28)  # its Thursday is 1 October: the first week of Q4
Q4_WEEKS = [Q4_FIRST_WEEK + timedelta(weeks=n) for n in range(13)]


def seeded(session: Session, size: int) -> tuple[Member, list[Member]]:
    """`size` (at least 4) reps with a Q4 goal of 10 a week and check-ins, each rated by three teammates."""
    boss = member(session, "UBOSS", role=Role.MANAGER)
    reps = [
        rep_with_goal(
            session,
            f"UREP{n:03d}",
            boss,
            None,
            dict.fromkeys(Q4_WEEKS, 10),
            {week: (8 + n % 5, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS},
        )
        for n in range(size)
    ]
    cycle = service.open_cycle(session, TEAM, "2026Q4", by=boss.id, now=NOW)
    for n, rep in enumerate(reps):
        for offset in (1, 2, 3):
            rater = reps[(n + offset) % size]
            peers.ask_peer(session, cycle, rep, rater, by=boss.id, now=NOW)
            peers.rate(session, cycle, rep, rater, rating=offset + 2, comment="", now=NOW)
    return boss, reps


def count_statements(engine: Engine, work: Callable[[], object]) -> int:
    """How many SQL statements `work` sends (an executemany counts once)."""
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)
