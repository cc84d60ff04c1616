"""All scorecards of a quarter, built in a constant number of SQL statements whatever the number of reps
(aggregated in SQL as the digest does, never a query per rep or goal). No Slack.

- Sales: results ÷ targets of the rep's *active* goals (never proposed or awaiting agreement) over the
  quarter's ISO weeks (`calendar.month_weeks` of its months: those whose Thursday falls in it), up to
  `through`; per unit, averaged over units; banded with the workspace's bands. No target or no check-in in
  those weeks: no data (None), never 0 %.
- Customer satisfaction, market expansion: the quarter's figure (`review_inputs`; a manager's entry wins
  over an upload, an upload over the CRM) as a level when it has a scale; otherwise no data.
- Teamwork: the median of at least 3 peer ratings; fewer is "not enough input" (None).
- A manager's final level replaces the computed one (source `manager`).
- Overall: the weighted sum of the levels there are; a dimension without one is left out and the others
  re-weighted to 100 %, which the overall's evidence says (`scoring.overall`).
- Figures from the CRM: a workspace that chose them (`CRM`, the CRM feature's queries connected by
  `bot.links`) has its sales results summed from the CRM's actuals instead of the check-ins, and its new
  accounts as the market expansion figure (source `crm`, after a manager's entry and an upload); the
  evidence names the source.
- More evidence from other features (training completed, quiz scores and self-study for the development
  section, kudos received for teamwork): `EVIDENCE`, a fixed list of sources each of one statement for the
  whole scope, connected by `bot.links`; this package never imports those features."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins.models import CheckIn
from bot.digests.service import Scope
from bot.goals.models import Goal, GoalStatus, WeeklyTarget
from bot.goals.numbers import stored
from bot.reviews import scoring
from bot.reviews.models import (
    Dimension,
    InputKind,
    InputSource,
    ManagerReview,
    PeerRating,
    ReviewCycle,
    ReviewInput,
    Source,
)
from bot.reviews.service import check_quarter
from bot.reviews.settings import ReviewConfig, load_config
from bot.roster.models import Member

INPUT_PRECEDENCE = {InputSource.MANAGER: 0, InputSource.UPLOAD: 1, InputSource.CHECKIN: 2, InputSource.CRM: 3}
NoteSource = Callable[[Session, str, Select[Any], date, date], dict[int, list["Note"]]]
EVIDENCE: list[NoteSource] = []  # (session, team_id, rep ids, first day, last day) → notes per rep
CRM_OVERRIDES = (InputSource.CHECKIN, InputSource.CRM)  # what the CRM's new accounts replace, when chosen
INPUT_DIMENSION = {InputKind.SATISFACTION: Dimension.SATISFACTION, InputKind.EXPANSION: Dimension.EXPANSION}


@dataclass(frozen=True)
class Evidence:
    """What a level stands on, as an i18n key and its values (plain strings: kept as JSON, shown in each
    reader's language by the views)."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


class Section(StrEnum):
    """Where a note from another feature is shown on the scorecard."""

    DEVELOPMENT = "development"  # training completed, quiz scores, self-study
    TEAMWORK = "teamwork"  # kudos received


@dataclass(frozen=True)
class Note:
    section: Section
    evidence: Evidence


@dataclass(frozen=True)
class CrmFigures:
    """The CRM feature's side (connected by `bot.links`): whether a workspace takes its figures from the
    CRM (one statement), its results query in the shape of `_summed`'s, and new accounts per rep."""

    chosen: Callable[[Session, str], bool]
    results: Callable[[str, Any, tuple[date, date]], Select[Any]]
    new_accounts: Callable[[Session, str, Select[Any], tuple[date, date]], dict[int, Decimal]]


CRM: list[CrmFigures] = []


def connected_statements() -> int:
    """The statements the connected hooks add to a scorecard's read (the CRM's choice read, each evidence
    source); one more when a workspace chose the CRM (its new accounts). Fixed, whatever the team size."""
    return len(EVIDENCE) + len(CRM)


def crm_for(session: Session, team_id: str) -> CrmFigures | None:
    """The CRM's figures when the workspace chose them (and the CRM feature is connected), else None."""
    return next((crm for crm in CRM if crm.chosen(session, team_id)), None)


def results_query(crm: CrmFigures | None, team_id: str, goals: Any, span: tuple[date, date]) -> Select[Any]:
    """Per rep and unit, the results over `span`: the CRM's actuals when chosen, else the check-ins'. `goals`
    has `id`, `rep_id`, `unit` and `metric`."""
    if crm is not None:
        return crm.results(team_id, goals, span)
    return _summed(CheckIn.result, CheckIn.goal_id, CheckIn.week_start, goals, span)


@dataclass(frozen=True)
class Level:
    dimension: Dimension
    level: int | None  # None: no data / not enough input
    source: Source
    evidence: Evidence


@dataclass
class Card:
    """A rep's scorecard as computed now (`store_scorecards` keeps it)."""

    rep_id: int
    manager_id: int | None
    vendor_id: int | None
    levels: dict[Dimension, Level] = field(default_factory=dict)
    overall: scoring.Overall | None = None
    attainment: Decimal | None = None  # sales results ÷ targets (1.0 = 100 %), None: no data
    ratings: list[int] = field(default_factory=list)  # the peer ratings given
    notes: list[Note] = field(default_factory=list)  # from other features (`EVIDENCE`)

    def overall_evidence(self) -> Evidence | None:
        """When the overall score left dimensions out for having no data, which ones it stands on:
        `dimensions` holds their codes, comma-separated, each shown as `reviews.dimension_<code>`."""
        if self.overall is None or not self.overall.reweighted:
            return None
        counted = ",".join(dimension.value for dimension in self.overall.counted)
        return Evidence("reviews.evidence.reweighted", {"dimensions": counted})


@dataclass(frozen=True)
class Figures:
    """Everything read for a quarter, by rep id."""

    targets: dict[int, dict[str, Decimal]]
    results: dict[int, dict[str, Decimal]]
    ratings: dict[int, list[int]]
    inputs: dict[int, dict[Dimension, tuple[Decimal, Decimal | None, InputSource]]]
    final: dict[int, dict[Dimension, int]]
    weeks: int
    notes: dict[int, list[Note]] = field(default_factory=dict)
    crm: bool = False  # the results are the CRM's


def build_scorecards(
    session: Session, team_id: str, quarter: str, *, through: date | None = None
) -> list[Card]:
    """Every rep's scorecard of `quarter` ("2026Q4") in the workspace, counting the weeks up to `through`
    (default: the whole quarter), in the order the digest lists reps. Seven statements and one per
    connected `EVIDENCE` source, for any team size."""
    key = check_quarter(quarter)
    config = load_config(session, team_id)
    scope = Scope(team_id)
    reps = session.execute(
        select(Member.id, Member.manager_id, Member.vendor_id)
        .where(Member.team_id == team_id, Member.id.in_(scope.rep_ids()))
        .order_by(Member.display_name, Member.id)
    )
    cards = [Card(rep_id, manager_id, vendor_id) for rep_id, manager_id, vendor_id in reps]
    figures = read_figures(session, scope, key, through)
    for card in cards:
        score(card, figures, config)
    return cards


def quarter_span(quarter: str, through: date | None) -> tuple[date, date]:
    """The first and last Monday of the quarter's ISO weeks that count, up to the week of `through`."""
    first, last = calendar.quarter_bounds(quarter)
    start, end = calendar.month_weeks(first)[0], calendar.month_weeks(last)[1] - calendar.WEEK
    if through is not None:
        end = min(end, calendar.iso_week_start(through))
    return start, end


def read_figures(session: Session, scope: Scope, quarter: str, through: date | None) -> Figures:
    """The quarter's sums, ratings, inputs, final levels and notes of the scope's reps (five statements and
    one per `EVIDENCE` source)."""
    start, end = quarter_span(quarter, through)
    goals = (
        select(Goal.id, Goal.rep_id, Goal.unit, Goal.metric)
        .where(
            Goal.team_id == scope.team_id, Goal.status == GoalStatus.ACTIVE, Goal.rep_id.in_(scope.rep_ids())
        )
        .where(Goal.start_date <= calendar.week_end(end), Goal.end_date >= start)
        .subquery()
    )
    targets = _sums(
        session,
        _summed(WeeklyTarget.target, WeeklyTarget.goal_id, WeeklyTarget.week_start, goals, (start, end)),
    )
    crm = crm_for(session, scope.team_id)
    results = _sums(session, results_query(crm, scope.team_id, goals, (start, end)))
    cycle = _cycle_of(scope.team_id, quarter)
    weeks = max(0, (end - start).days // 7 + 1)
    inputs = _inputs(session, scope.team_id, quarter)
    if crm is not None:
        _crm_accounts(inputs, crm.new_accounts(session, scope.team_id, scope.rep_ids(), (start, end)))
    return Figures(
        targets,
        results,
        _ratings(session, scope.team_id, cycle),
        inputs,
        _final(session, scope.team_id, cycle),
        weeks,
        _notes(session, scope, calendar.quarter_bounds(quarter)),
        crm=crm is not None,
    )


def _crm_accounts(inputs: dict[int, dict[Dimension, Any]], accounts: dict[int, Decimal]) -> None:
    """The CRM's new accounts as the expansion figure, unless a manager or an upload gave one."""
    for rep_id, count in accounts.items():
        found = inputs[rep_id].get(Dimension.EXPANSION)
        if found is None or found[2] in CRM_OVERRIDES:
            inputs[rep_id][Dimension.EXPANSION] = (count, None, InputSource.CRM)


def _notes(session: Session, scope: Scope, span: tuple[date, date]) -> dict[int, list[Note]]:
    found: dict[int, list[Note]] = defaultdict(list)
    for source in EVIDENCE:
        for rep_id, notes in source(session, scope.team_id, scope.rep_ids(), *span).items():
            found[rep_id] += notes
    return found


def _summed(value: Any, goal: Any, week: Any, goals: Any, span: tuple[date, date]) -> Select[Any]:
    """Per rep and unit, the sum of `value` over the goals' weeks in `span` (first and last Monday). Scoped
    to the workspace through `goals` (as the digest's sums are: a second team_id filter plans worse)."""
    return (
        select(goals.c.rep_id, goals.c.unit, func.sum(value))
        .join(goals, goals.c.id == goal)
        .where(week >= span[0], week <= span[1])
        .group_by(goals.c.rep_id, goals.c.unit)
    )


def _sums(session: Session, query: Select[Any]) -> dict[int, dict[str, Decimal]]:
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for rep_id, unit, amount in session.execute(query):
        found[rep_id][unit] = stored(amount)
    return found


def _cycle_of(team_id: str, quarter: str) -> Any:
    return (
        select(ReviewCycle.id)
        .where(ReviewCycle.team_id == team_id, ReviewCycle.quarter == quarter)
        .scalar_subquery()
    )


def _ratings(session: Session, team_id: str, cycle: Any) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    rows = session.execute(
        select(PeerRating.rep_id, PeerRating.rating).where(
            PeerRating.team_id == team_id, PeerRating.cycle_id == cycle, PeerRating.rating.is_not(None)
        )
    )
    for rep_id, rating in rows:
        found[rep_id].append(rating or 0)
    return found


def _inputs(
    session: Session, team_id: str, quarter: str
) -> dict[int, dict[Dimension, tuple[Decimal, Decimal | None, InputSource]]]:
    """Each rep's figure per dimension, from the most trusted source there is."""
    found: dict[int, dict[Dimension, tuple[Decimal, Decimal | None, InputSource]]] = defaultdict(dict)
    rows = session.execute(
        select(
            ReviewInput.rep_id, ReviewInput.kind, ReviewInput.value, ReviewInput.scale, ReviewInput.source
        ).where(ReviewInput.team_id == team_id, ReviewInput.quarter == quarter)
    )
    for rep_id, kind, value, scale, source in sorted(
        rows, key=lambda row: INPUT_PRECEDENCE[row[4]], reverse=True
    ):
        found[rep_id][INPUT_DIMENSION[kind]] = (
            stored(value),
            None if scale is None else stored(scale),
            source,
        )
    return found


def _final(session: Session, team_id: str, cycle: Any) -> dict[int, dict[Dimension, int]]:
    """The manager's final levels, where set."""
    found: dict[int, dict[Dimension, int]] = defaultdict(dict)
    columns = [getattr(ManagerReview, f"{d.value}_level") for d in Dimension]
    for rep_id, *levels in session.execute(
        select(ManagerReview.rep_id, *columns).where(
            ManagerReview.team_id == team_id, ManagerReview.cycle_id == cycle
        )
    ):
        found[rep_id] = {d: level for d, level in zip(Dimension, levels, strict=True) if level is not None}
    return found


def score(card: Card, figures: Figures, config: ReviewConfig) -> None:
    """Fill `card`'s levels and overall from the quarter's figures."""
    card.attainment = _attainment(figures, card.rep_id)
    card.ratings = figures.ratings.get(card.rep_id, [])
    card.notes = figures.notes.get(card.rep_id, [])
    computed = (
        _sales(card.attainment, figures.weeks, config, crm=figures.crm),
        *(
            _from_input(d, figures.inputs.get(card.rep_id, {}).get(d))
            for d in (Dimension.SATISFACTION, Dimension.EXPANSION)
        ),
        _teamwork(card.ratings),
    )
    final = figures.final.get(card.rep_id, {})
    for level in computed:
        chosen = final.get(level.dimension)
        card.levels[level.dimension] = (
            level if chosen is None else Level(level.dimension, chosen, Source.MANAGER, level.evidence)
        )
    card.overall = scoring.overall(
        {d: lv.level for d, lv in card.levels.items()}, scoring.weights_of(config.weights)
    )


def _attainment(figures: Figures, rep_id: int) -> Decimal | None:
    """No check-in at all in the quarter's weeks is no data, not 0 %."""
    results = figures.results.get(rep_id)
    return scoring.attainment(figures.targets.get(rep_id, {}), results) if results else None


def _sales(attainment: Decimal | None, weeks: int, config: ReviewConfig, *, crm: bool = False) -> Level:
    if attainment is None:
        return Level(Dimension.SALES, None, Source.AUTO, Evidence("reviews.evidence.sales_no_data"))
    shown = attainment.quantize(Decimal("0.0001")).normalize()  # 0.8, not 0.8000 nor 28 digits
    values = {"attainment": f"{shown:f}", "weeks": str(weeks)}
    return Level(
        Dimension.SALES,
        scoring.sales_level(attainment, config.bands),
        Source.AUTO,
        Evidence("reviews.evidence.sales_crm" if crm else "reviews.evidence.sales", values),
    )


def _from_input(dimension: Dimension, figure: tuple[Decimal, Decimal | None, InputSource] | None) -> Level:
    if figure is None:
        return Level(dimension, None, Source.AUTO, Evidence("reviews.evidence.no_input"))
    value, scale, source = figure
    values = {"value": str(value), "source": source.value}
    if scale is None:
        return Level(dimension, None, Source.AUTO, Evidence("reviews.evidence.input", values))
    evidence = Evidence("reviews.evidence.input_of_scale", {**values, "scale": str(scale)})
    return Level(dimension, scoring.scaled_level(value, scale), Source.AUTO, evidence)


def _teamwork(ratings: Iterable[int]) -> Level:
    given = list(ratings)
    level = scoring.teamwork_level(given)
    key = "reviews.evidence.teamwork" if level is not None else "reviews.evidence.teamwork_too_few"
    return Level(Dimension.TEAMWORK, level, Source.PEER, Evidence(key, {"count": str(len(given))}))
