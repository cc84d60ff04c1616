"""What CRM actuals do in a check-in: the week's CRM figure for each goal whose metric the CRM counts, the
result pre-filled with it, a reason required when the rep reports something else, and both values kept
(`CheckinSource`, beside the check-in's own result). `bot.links.crm` connects these few functions to the
check-in's hooks (`bot.checkins.extras`); no Slack here (the field itself: `bot.crm.checkin_views`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn
from bot.crm.models import COUNT_UNIT, IMPORT_SOURCE, Actual, CheckinSource
from bot.errors import FieldErrors
from bot.goals.models import Goal, Metric
from bot.goals.numbers import plain_amount, read_whole

REASON_FIELD = "crm_reason"  # block id prefix: `crm_reason:<goal id>`
REASON_MAX = 500
COUNTED = frozenset(
    {Metric.REVENUE, Metric.DEALS_CLOSED, Metric.NEW_ACCOUNTS, Metric.CUSTOMER_VISITS, Metric.CALLS}
)


@dataclass(frozen=True)
class CrmFigure:
    """The CRM's figure for one goal's week: its sum, how many rows make it (deals, accounts), its unit
    (the goal's currency, or "count") and where it came from."""

    goal_id: int
    metric: Metric
    amount: Decimal
    items: int
    unit: str
    source: str


class Answered(Protocol):
    """A check-in answer as this module needs it (`bot.checkins.service.Answer` is one)."""

    @property
    def goal_id(self) -> int: ...
    @property
    def result(self) -> Decimal: ...


def reason_field(goal_id: int) -> str:
    return f"{REASON_FIELD}:{goal_id}"


def figures(
    session: Session, team_id: str, rep_id: int, week: date, goals: Iterable[Goal]
) -> dict[int, CrmFigure]:
    """{goal id: the CRM's figure for the week} for the goals whose metric actuals exist for. Of several
    sources, a connector's wins over an import; a revenue goal counts actuals in its own currency only."""
    counted = [goal for goal in goals if goal.metric in COUNTED]
    if not counted:
        return {}
    rows = session.execute(
        select(Actual.metric, Actual.currency, Actual.source, func.sum(Actual.amount), func.count())
        .where(
            Actual.team_id == team_id,
            Actual.rep_id == rep_id,
            Actual.week_start == week,
            Actual.metric.in_({goal.metric for goal in counted}),
        )
        .group_by(Actual.metric, Actual.currency, Actual.source)
    ).all()
    found: dict[int, CrmFigure] = {}
    for goal in counted:
        unit = goal.unit if goal.metric is Metric.REVENUE else COUNT_UNIT
        mine = [row for row in rows if row[0] == goal.metric and row[1] == unit]
        if mine:
            metric, _, source, total, items = min(mine, key=lambda row: row[2] == IMPORT_SOURCE)
            found[goal.id] = CrmFigure(
                goal.id, metric, Decimal(total).quantize(Decimal("0.01")), items, unit, source
            )
    return found


def prefill(previous: dict[int, dict[str, str]], found: Mapping[int, CrmFigure]) -> None:
    """A goal not answered yet this week shows the CRM's figure as its result."""
    for goal_id, figure in found.items():
        previous.setdefault(goal_id, {}).setdefault("result", plain_amount(figure.amount))


def reasons_of(values: Mapping[str, str | None]) -> dict[int, str]:
    """{goal id: the reason typed} from a submitted check-in modal."""
    found: dict[int, str] = {}
    for block_id, value in values.items():
        prefix, _, goal_id = block_id.partition(":")
        number = read_whole(goal_id, range(1, 2_147_483_648))
        if prefix == REASON_FIELD and number is not None and value and value.strip():
            found[number] = value.strip()
    return found


def check_reasons(
    session: Session,
    team_id: str,
    rep_id: int,
    week: date,
    answers: Sequence[Answered],
    *,
    reasons: Mapping[int, str],
) -> FieldErrors:
    """A reason under each result that differs from the CRM's figure (and none longer than REASON_MAX)."""
    goals = session.scalars(
        select(Goal).where(Goal.id.in_({a.goal_id for a in answers}), Goal.rep_id == rep_id)
    )
    found = figures(session, team_id, rep_id, week, goals)
    errors = FieldErrors()
    for answer in answers:
        figure, reason = found.get(answer.goal_id), reasons.get(answer.goal_id, "")
        if len(reason) > REASON_MAX:
            errors[reason_field(answer.goal_id)] = "crm.checkin.reason_too_long"
        elif figure is not None and answer.result != figure.amount and not reason:
            errors[reason_field(answer.goal_id)] = "crm.checkin.reason_needed"
    return errors


def keep(
    session: Session, team_id: str, rep_id: int, week: date, reasons: Mapping[int, str], *, now: datetime
) -> int:
    """Beside each of the week's check-ins with a CRM figure, keep that figure and the reason given (a
    check-in answered again replaces them). Returns how many were kept."""
    checkins = session.scalars(
        select(CheckIn).where(
            CheckIn.team_id == team_id, CheckIn.rep_id == rep_id, CheckIn.week_start == week
        )
    ).all()
    goals = session.scalars(select(Goal).where(Goal.id.in_({c.goal_id for c in checkins})))
    found = figures(session, team_id, rep_id, week, goals)
    for checkin in checkins:
        figure = found.get(checkin.goal_id)
        kept = session.get(CheckinSource, checkin.id)
        if figure is None:
            if kept is not None:
                session.delete(kept)
            continue
        if kept is None:
            kept = CheckinSource(checkin_id=checkin.id, team_id=team_id)
            session.add(kept)
        kept.crm_amount, kept.crm_items, kept.source = figure.amount, figure.items, figure.source
        kept.reason = reasons.get(checkin.goal_id, "") if checkin.result != figure.amount else ""
        kept.recorded_at = now
    session.flush()
    return sum(1 for checkin in checkins if checkin.goal_id in found)
