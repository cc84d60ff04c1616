"""Where the scorecard's sales attainment, its market expansion (new accounts) and incentive attainment take
their figures from: what reps reported in check-ins, or the CRM's actuals (imports and connectors), per
workspace (`CrmSettings.figures`, migration 0019; `/pacer crm figures reported|crm`). The queries the
scorecards and incentives run when the CRM is chosen, in the shape theirs have. No Slack."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.crm.models import Actual, CrmSettings
from bot.errors import Invalid
from bot.goals.models import Metric
from bot.goals.numbers import stored


class Source(StrEnum):
    REPORTED = "reported"  # the reps' check-ins (the default)
    CRM = "crm"  # the CRM's actuals


def source_of(session: Session, team_id: str) -> Source:
    """The workspace's choice (one statement); reported until an admin chooses the CRM."""
    found = session.scalar(select(CrmSettings.figures).where(CrmSettings.team_id == team_id))
    try:
        return Source(found or Source.REPORTED.value)
    except ValueError:
        return Source.REPORTED


def set_source(session: Session, team_id: str, typed: str, *, now: datetime) -> Source:
    """`reported` or `crm` (case-insensitive), else `Invalid`."""
    try:
        chosen = Source(typed.strip().lower())
    except ValueError:
        raise Invalid("crm.figures.usage") from None
    found = session.get(CrmSettings, team_id) or CrmSettings(team_id=team_id)
    found.figures, found.updated_at = chosen.value, now
    session.add(found)
    session.flush()
    return chosen


def results(team_id: str, goals: Any, span: tuple[date, date]) -> Select[Any]:
    """Per rep and unit, the CRM's actuals of each goal's metric over the ISO weeks of `span` (first and
    last Monday): the same rows the check-ins' sums give. `goals` has `rep_id`, `unit` and `metric`; a
    metric counted once per rep and unit however many goals share it."""
    pairs = select(goals.c.rep_id, goals.c.unit, goals.c.metric).distinct().subquery()
    return (
        select(pairs.c.rep_id, pairs.c.unit, func.sum(Actual.amount))
        .join(Actual, (Actual.rep_id == pairs.c.rep_id) & (Actual.metric == pairs.c.metric))
        .where(Actual.team_id == team_id, Actual.week_start >= span[0], Actual.week_start <= span[1])
        .group_by(pairs.c.rep_id, pairs.c.unit)
    )


def new_accounts(
    session: Session, team_id: str, rep_ids: Select[Any], span: tuple[date, date]
) -> dict[int, Decimal]:
    """New accounts the CRM recorded per rep in the ISO weeks of `span`: one statement."""
    rows = session.execute(
        select(Actual.rep_id, func.sum(Actual.amount))
        .where(Actual.team_id == team_id, Actual.metric == Metric.NEW_ACCOUNTS, Actual.rep_id.in_(rep_ids))
        .where(Actual.week_start >= span[0], Actual.week_start <= span[1])
        .group_by(Actual.rep_id)
    )
    return {rep_id: stored(total).to_integral_value() for rep_id, total in rows}  # a count
