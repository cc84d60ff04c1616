"""`reviews-charts` (bot/reviews/resume.py) after a crash mid-publish, on both databases: publishing
committed (the lock, the scorecards, their DMs) and the process died before the charts, or after only some
of them; the job queues exactly the missing charts, each once, each in its scorecard's thread, and leaves a
fresh publishing (whose own process is still drawing) alone for a grace period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from bot.db import make_session_factory
from bot.delivery.models import Delivery
from bot.features import all_jobs
from bot.reviews import publish_messages as messages
from bot.reviews import publishing
from bot.reviews.models import ReviewCycle, Stage
from bot.reviews.service import advance
from bot.roster.models import Role
from bot.roster.policy import Caller
from bot.scheduler.job import JobContext
from tests.conftest import wipe
from tests.factories import member
from tests.reviews.support import NOW, seeded

PUBLISHED = NOW + timedelta(days=9)
REPS = 26  # more than one batch of charts (25)


@pytest.fixture
def context(engine: Engine) -> Iterator[JobContext]:
    factory = make_session_factory(engine)
    yield JobContext(None, factory, None, None, None)  # type: ignore[arg-type]
    wipe(engine)


def publish_then_crash(context: JobContext, *, charts_done: int) -> publishing.Published:
    """Publish, then queue only the first `charts_done` charts: the process dies there."""
    with context.session_factory.begin() as session:
        boss, _ = seeded(session, REPS)
        cycle = session.scalars(select(ReviewCycle)).one()
        while cycle.stage is not Stage.CALIBRATION:
            advance(session, cycle, by=boss.id, now=NOW)
        admin = member(session, "UADMIN", role=Role.ADMIN)
        done = publishing.publish_cycle(
            session, Caller(member=admin, role=Role.ADMIN, locale="en"), cycle, now=PUBLISHED
        )
    with context.session_factory.begin() as session:
        publishing.queue_charts(session, done.charts[:charts_done], now=PUBLISHED)
    return done


def charts(context: JobContext) -> list[tuple[str, str]]:
    with context.session_factory() as session:
        rows = session.execute(select(Delivery.key, Delivery.payload).where(Delivery.kind == messages.CHART))
        return sorted((key, payload["thread_of"]) for key, payload in rows)


def run(context: JobContext, minutes: int) -> str:
    return all_jobs()["reviews-charts"].run(context, PUBLISHED + timedelta(minutes=minutes))


@pytest.mark.parametrize("charts_done", [0, 7])
def test_the_missing_charts_are_queued_once(context: JobContext, charts_done: int) -> None:
    done = publish_then_crash(context, charts_done=charts_done)
    assert len(charts(context)) == charts_done
    assert run(context, 1).startswith("0 scorecard charts missing")  # the publisher may still be drawing
    said = run(context, 5)
    assert said.startswith(f"{REPS - charts_done} scorecard charts missing, {REPS - charts_done} new")
    queued = charts(context)
    assert len(queued) == REPS == done.reps
    assert {thread for _, thread in queued} == {chart.scorecard for chart in done.charts}
    assert all(key == messages.chart_key(thread) for key, thread in queued)
    assert run(context, 15).startswith("0 scorecard charts missing")  # exactly once
    assert charts(context) == queued
