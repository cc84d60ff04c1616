"""The demo's training (bot/training/demo.py through bot/demo/seed.py): the sample courses, everyone
assigned "Product basics", a rep and a Chinese reader each with a lesson waiting in the outbox, and one
finished with a score."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.models import Delivery
from bot.demo.people import TEAM_ID
from bot.demo.seed import seed
from bot.training import tracking
from bot.training.messages import LESSON
from tests.conftest import wipe


def test_the_demo_seeds_a_course_in_progress(engine: Engine) -> None:
    wipe(engine)
    seed(engine, now=datetime(2026, 12, 1, 9, tzinfo=UTC), anonymity_key=b"k" * 32)
    with Session(engine) as session:
        rows = tracking.rows(session, tracking.Scope(TEAM_ID))
        assert len(rows) == 8 and sum(row.done for row in rows) == 1
        assert sorted(row.sent for row in rows if not row.done) == [0] * 5 + [3, 3]
        finished = next(row for row in rows if row.done)
        assert finished.progress is not None and finished.progress.score == 80
        waiting = list(session.scalars(select(Delivery).where(Delivery.kind == LESSON)))
        assert len(waiting) == 3
        assert any("lesson 3 of 6" in str(d.payload) for d in waiting)
        assert any("第 3 / 6 课" in str(d.payload) for d in waiting)  # Wang Wei's, in Chinese
    wipe(engine)
