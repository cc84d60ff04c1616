"""`reviews-open` (bot/reviews/jobs.py): each workspace's review opens on its day, in its own zone, once;
and the day itself (`service.due_quarter`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select

from bot.db import make_session_factory
from bot.features import all_jobs
from bot.reviews import service, settings
from bot.reviews.models import ReviewCycle, Stage
from bot.scheduler.job import JobContext
from bot.workspaces.service import ensure_workspace
from tests.conftest import wipe


@pytest.mark.parametrize(
    ("today", "days_before", "due"),
    [
        (date(2026, 12, 20), 10, None),
        (date(2026, 12, 21), 10, "2026Q4"),
        (date(2026, 12, 31), 10, "2026Q4"),
        (date(2027, 1, 1), 10, None),  # a new quarter: its review opens in March
        (date(2027, 3, 11), 20, "2027Q1"),
        (date(2027, 3, 10), 20, None),
    ],
)
def test_the_day_a_review_opens(today: date, days_before: int, due: str | None) -> None:
    assert service.due_quarter(today, days_before) == due
    assert service.quarter_of(today) in {"2026Q4", "2027Q1"}


@pytest.fixture
def context(engine: Engine) -> Iterator[JobContext]:
    yield JobContext(None, make_session_factory(engine), None, None, None)  # type: ignore[arg-type]
    wipe(engine)


def test_each_workspace_opens_on_its_own_day_once(engine: Engine, context: JobContext) -> None:
    with context.session_factory.begin() as session:
        ensure_workspace(session, "TUTC").timezone = "UTC"
        ensure_workspace(session, "TSHANGHAI").timezone = "Asia/Shanghai"
        ensure_workspace(session, "TLATER").timezone = "UTC"
        settings.save_config(session, "TLATER", settings.ReviewConfig(days_before=5))
    job = all_jobs()["reviews-open"]
    before = datetime(2026, 12, 20, 15, 0, tzinfo=UTC)  # 23:00 on the 20th in Shanghai
    assert job.run(context, before) == "0 quarterly reviews opened (in 3 workspaces)"
    at = datetime(2026, 12, 20, 16, 30, tzinfo=UTC)  # 00:30 on the 21st in Shanghai
    assert job.run(context, at) == "1 quarterly reviews opened (in 3 workspaces)"
    day = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)
    assert job.run(context, day) == "1 quarterly reviews opened (in 3 workspaces)"
    assert job.run(context, day) == "0 quarterly reviews opened (in 3 workspaces)"
    with context.session_factory() as session:
        opened = session.execute(select(ReviewCycle.team_id, ReviewCycle.quarter, ReviewCycle.stage)).all()
    assert sorted(opened) == [("TSHANGHAI", "2026Q4", Stage.OPEN), ("TUTC", "2026Q4", Stage.OPEN)]
