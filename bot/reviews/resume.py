"""Finish a publishing the process did not live to finish. Publishing commits the lock, the scorecards
and their DMs in one transaction, then draws the charts batch by batch (`calibrate.draw_charts`); a process
that dies in between leaves scorecard DMs without their chart. `missing_charts` finds them — a scorecard DM
in the outbox whose chart is not — and `reviews-charts` draws and queues exactly those; the chart's
once-only key (`publish_messages.chart_key`) makes a chart queued twice go out once. No Slack."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.models import Delivery
from bot.digests.service import Scope
from bot.reviews import calibration
from bot.reviews import publish_messages as messages
from bot.reviews.models import ReviewCycle, Stage
from bot.reviews.publishing import ChartToDraw, charts_of
from bot.workspaces.models import Workspace

GRACE = timedelta(minutes=2)  # the publisher's own drawing is left alone this long after publishing


def _published(session: Session, now: datetime) -> list[ReviewCycle]:
    return list(
        session.scalars(
            select(ReviewCycle).where(
                ReviewCycle.stage == Stage.PUBLISHED,
                ReviewCycle.published_at.is_not(None),
                ReviewCycle.published_at <= now - GRACE,
            )
        )
    )


def _keys(session: Session, cycle: ReviewCycle, kind: str) -> set[str]:
    return set(
        session.scalars(
            select(Delivery.key).where(
                Delivery.team_id == cycle.team_id, Delivery.kind == kind, Delivery.period == cycle.quarter
            )
        )
    )


def missing_charts(session: Session, now: datetime) -> list[ChartToDraw]:
    """The charts of published scorecards (this publishing's: the keys carry the times reopened) that are
    not in the outbox; two statements a published cycle, and the scorecards' figures when one is missing."""
    found: list[ChartToDraw] = []
    for cycle in _published(session, now):
        prefix, suffix = f"{messages.SCORECARD}:{cycle.id}:", f":{cycle.reopened_count}"
        sent = {
            k
            for k in _keys(session, cycle, messages.SCORECARD)
            if k.startswith(prefix) and k.endswith(suffix)
        }
        charted = _keys(session, cycle, messages.CHART)
        missing = {key for key in sent if messages.chart_key(key) not in charted}
        if not missing or cycle.published_at is None:
            continue
        rows = calibration.rows(session, Scope(cycle.team_id), cycle, through=cycle.published_at.date())
        workspace = session.get_one(Workspace, cycle.team_id)
        found += [chart for chart in charts_of(cycle, rows, workspace) if chart.scorecard in missing]
    return found
