"""A rep's open pipeline from the CRM (what `record_rows` keeps in `crm_pipeline`) and how much of what
is left of their revenue target it covers: on their Home tab and under their `/pacer status`, and under
their status seen by their manager or an admin (`/pacer status @rep`), worded for them ("their target").

The pipeline shown is the latest snapshot of each currency; the target is the rep's active revenue goal
in that currency whose period holds today, and what is left of it is the target less the results they
checked in. Coverage = pipeline ÷ what is left (a ratio of 3 is "300%")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import calendar
from bot import format as fmt
from bot.checkins.models import CheckIn
from bot.crm.models import PipelineSnapshot
from bot.goals.models import Goal, GoalStatus, Metric
from bot.i18n import Locale, t
from bot.roster.models import Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.sections import HomeContext, Section
from bot.workspaces.models import Workspace

MAX_CURRENCIES = 3


@dataclass(frozen=True)
class Coverage:
    amount: Decimal
    currency: str
    deals: int
    as_of: date
    target: Decimal | None = None  # the revenue goal's, in this currency
    remaining: Decimal | None = None  # the target less the results checked in; None without a goal

    @property
    def ratio(self) -> Decimal | None:
        if self.remaining is None or self.remaining <= 0:
            return None
        return self.amount / self.remaining


def latest(session: Session, team_id: str, rep_id: int) -> list[PipelineSnapshot]:
    """The newest snapshot of each currency (summed over sources of that day)."""
    newest = (
        select(PipelineSnapshot.currency, func.max(PipelineSnapshot.as_of).label("as_of"))
        .where(PipelineSnapshot.team_id == team_id, PipelineSnapshot.rep_id == rep_id)
        .group_by(PipelineSnapshot.currency)
        .subquery()
    )
    query = select(PipelineSnapshot).join(
        newest,
        (PipelineSnapshot.currency == newest.c.currency) & (PipelineSnapshot.as_of == newest.c.as_of),
    )
    query = query.where(PipelineSnapshot.team_id == team_id, PipelineSnapshot.rep_id == rep_id)
    return list(session.scalars(query.order_by(PipelineSnapshot.amount.desc())))


def _remaining(
    session: Session, team_id: str, rep_id: int, currency: str, today: date
) -> tuple[Decimal, Decimal] | None:
    goal = session.scalars(
        select(Goal)
        .where(Goal.team_id == team_id, Goal.rep_id == rep_id, Goal.status == GoalStatus.ACTIVE)
        .where(Goal.metric == Metric.REVENUE, Goal.unit == currency)
        .where(Goal.start_date <= today, Goal.end_date >= today)
        .order_by(Goal.end_date)
    ).first()
    if goal is None:
        return None
    done = session.scalar(
        select(func.coalesce(func.sum(CheckIn.result), 0)).where(
            CheckIn.team_id == team_id, CheckIn.goal_id == goal.id
        )
    )
    return goal.target, max(goal.target - Decimal(done or 0), Decimal(0))


def coverage(session: Session, team_id: str, rep_id: int, today: date) -> list[Coverage]:
    found: list[Coverage] = []
    for snapshot in latest(session, team_id, rep_id)[:MAX_CURRENCIES]:
        goal = _remaining(session, team_id, rep_id, snapshot.currency, today)
        target, remaining = goal if goal is not None else (None, None)
        found.append(
            Coverage(snapshot.amount, snapshot.currency, snapshot.deals, snapshot.as_of, target, remaining)
        )
    return found


def lines(item: Coverage, locale: Locale, *, own: bool = True) -> list[str]:
    """The pipeline and its coverage, said to the rep ("your target"), or about them (`own=False`)."""
    shown: list[str] = [
        t(
            "crm.pipeline.line",
            locale,
            amount=fmt.amount(item.amount, item.currency, locale),
            deals=fmt.count(item.deals, locale),
        )
    ]
    if item.target is not None and item.remaining is not None:
        target = fmt.amount(item.target, item.currency, locale)
        about = "" if own else "_of"  # the "_of" keys speak about the rep, to their manager or an admin
        if item.ratio is None:
            shown.append(t(f"crm.pipeline.reached{about}", locale, target=target))
        else:
            remaining = fmt.amount(item.remaining, item.currency, locale)
            ratio = fmt.percent(item.ratio, locale)
            shown.append(
                t(f"crm.pipeline.coverage{about}", locale, coverage=ratio, remaining=remaining, target=target)
            )
    return shown


def pipeline_blocks(
    session: Session, team_id: str, rep_id: int, today: date, locale: Locale, *, of: str | None = None
) -> list[Block]:
    """The rep's pipeline and its coverage (nothing when the CRM gave none): `/pacer status` and Home.
    `of` is the rep's Slack id when someone else looks (their manager, an admin): the title names them."""
    found = coverage(session, team_id, rep_id, today)
    if not found:
        return []
    day = fmt.day_text(found[0].as_of, locale)
    head = (
        t("crm.pipeline.title", locale, day=day)
        if of is None
        else t("crm.pipeline.title_of", locale, day=day, rep=of)
    )
    body = [line for item in found for line in lines(item, locale, own=of is None)]
    return [blocks.section(head), *blocks.sections_from_lines(body, max_blocks=1)]


def _home(context: HomeContext) -> list[Block]:
    caller = context.caller
    return status_blocks(context.session, caller.team_id, caller.member.id, context.now, caller.locale)


HOME_SECTION: Section[HomeContext] = Section(
    "crm.pipeline", budget=2, build=_home, audience=frozenset({Role.REP})
)


def status_blocks(
    session: Session, team_id: str, rep_id: int, now: datetime, locale: Locale, *, of: str | None = None
) -> list[Block]:
    """Under a rep's `/pacer status` (`bot.digests.extras.STATUS`, connected by `bot.links.crm`) and on
    their Home tab: today is the workspace's. `of`: as in `pipeline_blocks`."""
    workspace = session.get_one(Workspace, team_id)
    today = calendar.local_date(now, calendar.workspace_zone(workspace))
    return pipeline_blocks(session, team_id, rep_id, today, locale, of=of)
