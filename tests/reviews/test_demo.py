"""The demo's review (bot/reviews/demo.py through bot/demo/seed.py): this quarter in calibration, with a
scorecard per rep and an outlier to look at, as `/pacer scorecards` shows it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.demo.people import TEAM_ID
from bot.demo.seed import seed
from bot.digests.service import Scope
from bot.reviews import calibration, service
from bot.reviews.models import Dimension, Stage
from tests.conftest import wipe


def test_the_demo_seeds_a_quarter_in_calibration(engine: Engine) -> None:
    wipe(engine)
    seed(engine, now=datetime(2026, 12, 1, 9, tzinfo=UTC), anonymity_key=b"k" * 32)
    with Session(engine) as session:
        cycle = service.get_cycle(session, TEAM_ID, "2026Q4")
        assert cycle.stage is Stage.CALIBRATION and not cycle.locked
        rows = calibration.rows(session, Scope(TEAM_ID), cycle)
        assert len(rows) == 8
        assert all(row.level(Dimension.TEAMWORK) is not None for row in rows)
        assert all(row.level(Dimension.SATISFACTION) is not None for row in rows)
        assert any(o.key.endswith("outlier_level") for o in calibration.outliers(rows))
    wipe(engine)
