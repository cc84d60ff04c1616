"""Storing actuals: a batch of figures is compared with what is stored under the same keys, and only new
and changed figures are written (bulk INSERT and bulk UPDATE by primary key, a few thousand a statement),
so re-importing the same rows writes nothing. Connectors' typed rows come in through `record_rows`.
No Slack; the caller's unit of work commits."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from bot.calendar import iso_week_start
from bot.crm.models import COUNT_UNIT, Actual, PipelineSnapshot, crm_source
from bot.crm.rows import CENT, ClosedDeal, CrmRow, NewAccount, PipelineFigure, column_amount
from bot.goals import numbers
from bot.goals.models import Metric

logger = logging.getLogger(__name__)
BATCH = 2_000
TABLE: Table = Actual.__table__  # type: ignore[assignment]
UPDATE = (
    update(TABLE)
    .where(TABLE.c.id == bindparam("row_id"))
    .values(
        {
            name: bindparam(name)
            for name in ("rep_id", "week_start", "day", "amount", "currency", "updated_at")
        }
    )
)


@dataclass(frozen=True, slots=True)
class Figure:
    """One actual to store: `amount` of `metric` for a rep on `day`, keyed by `external_id` in its source."""

    rep_id: int
    day: date
    metric: Metric
    amount: Decimal
    currency: str
    external_id: str

    @property
    def key(self) -> tuple[str, str]:
        return self.metric, self.external_id  # a StrEnum: equal to, and hashed as, its value


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged

    @property
    def written(self) -> int:
        return self.created + self.updated


def natural_key(rep_id: int, day: date) -> str:
    """The key of a figure its source gave no id: a rep, a day and (beside it) a metric and a source."""
    return f"~{rep_id}|{day.isoformat()}"


def store(
    session: Session,
    team_id: str,
    source: str,
    figures: Iterable[Figure],
    *,
    now: datetime,
    dry_run: bool = False,
) -> Counts:
    """Upsert `figures` as `source`'s actuals in batches; `dry_run` counts without writing."""
    counts = Counts()
    if session.get_bind().dialect.name == "postgresql":
        # Each batch's lookup has the same shape; a cached generic plan of it cannot hash or index its
        # IN list (thousands of keys) and scans the table key by key. Plan each with its keys instead.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    for batch in _batches(figures):
        counts.add(_store_batch(session, team_id, source, batch, now=now, dry_run=dry_run))
    return counts


def _batches(figures: Iterable[Figure]) -> Iterator[dict[tuple[str, str], Figure]]:
    it = iter(figures)
    while chunk := list(islice(it, BATCH)):
        yield {figure.key: figure for figure in chunk}  # the last of a repeated key wins


def _store_batch(
    session: Session,
    team_id: str,
    source: str,
    batch: dict[tuple[str, str], Figure],
    *,
    now: datetime,
    dry_run: bool,
) -> Counts:
    stored = _stored(session, team_id, source, batch)
    new: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    for key, figure in batch.items():
        row = stored.get(key)
        if row is None:
            new.append(_values(team_id, source, figure) | {"created_at": now, "updated_at": now})
        elif row[1:] != (figure.rep_id, figure.day, _cents(figure.amount), figure.currency):
            changed.append(_values(team_id, source, figure) | {"row_id": row[0], "updated_at": now})
    if not dry_run:  # Core executemany: one statement a batch, no ORM bookkeeping per row
        if new:
            session.execute(insert(TABLE), new)
        if changed:
            session.execute(UPDATE, changed)
    return Counts(len(new), len(changed), len(batch) - len(new) - len(changed))


def _stored(
    session: Session, team_id: str, source: str, batch: Mapping[tuple[str, str], Figure]
) -> dict[tuple[str, str], tuple[int, int, date, Decimal, str]]:
    """{(metric, external id): (id, rep, day, amount, currency)} of the batch's keys already stored."""
    ids = {external_id for _, external_id in batch}
    rows = session.execute(
        select(
            Actual.metric,
            Actual.external_id,
            Actual.id,
            Actual.rep_id,
            Actual.day,
            Actual.amount,
            Actual.currency,
        ).where(Actual.team_id == team_id, Actual.source == source, Actual.external_id.in_(ids))
    )
    return {
        (metric, external_id): (row_id, rep_id, day, _cents(amount), currency)
        for metric, external_id, row_id, rep_id, day, amount, currency in rows
    }


def _cents(amount: Decimal | float) -> Decimal:
    # SQLite hands back a float: compare at the column's scale; an infinity stored before reads as 0
    return numbers.stored(amount).quantize(CENT)


def _values(team_id: str, source: str, figure: Figure) -> dict[str, object]:
    return {
        "team_id": team_id,
        "rep_id": figure.rep_id,
        "week_start": iso_week_start(figure.day),
        "day": figure.day,
        "metric": figure.metric,
        "amount": figure.amount,
        "currency": figure.currency,
        "source": source,
        "external_id": figure.external_id,
    }


@dataclass
class Recorded:
    """What `record_rows` did: the actuals' counts, pipeline figures kept, owners no member is mapped to,
    and records skipped because their amount was not one a column holds (NaN, an infinity, too large)."""

    counts: Counts = field(default_factory=Counts)
    pipeline: int = 0
    unmapped: set[str] = field(default_factory=set)
    skipped: int = 0


def record_rows(
    session: Session,
    team_id: str,
    provider: str,
    owner_map: Mapping[str, int],
    rows: Iterable[CrmRow],
    *,
    now: datetime,
) -> Recorded:
    """A connector's rows as actuals of source "crm:<provider>": a closed deal counts its amount towards
    `revenue` and once towards `deals_closed`, a new account once towards `new_accounts`; an open pipeline
    figure is kept as the rep's pipeline. `owner_map` maps CRM owner ids to member ids; rows of an unmapped
    owner are skipped and their owner ids returned. An amount is stored rounded to the cent; a row whose
    amount no column holds is skipped and counted (one typo in the CRM must not stop every sync after)."""
    recorded = Recorded()
    pipeline: list[tuple[int, PipelineFigure]] = []

    def figures() -> Iterator[Figure]:
        for row in rows:
            rep_id = owner_map.get(row.owner_id)
            if isinstance(row, PipelineFigure):
                recorded.skipped += row.skipped
            if rep_id is None:
                recorded.unmapped.add(row.owner_id)
            elif isinstance(row, NewAccount):
                yield from figures_of(rep_id, row)
            elif (amount := column_amount(row.amount)) is None:
                recorded.skipped += 1
            elif isinstance(row, PipelineFigure):
                pipeline.append((rep_id, replace(row, amount=amount)))
            else:
                yield from figures_of(rep_id, replace(row, amount=amount))

    recorded.counts = store(session, team_id, crm_source(provider), figures(), now=now)
    recorded.pipeline = _keep_pipeline(session, team_id, crm_source(provider), pipeline, now=now)
    if recorded.skipped:
        logger.warning(
            "%s: %d CRM records skipped, their amount not a number a column holds", team_id, recorded.skipped
        )
    return recorded


def figures_of(rep_id: int, row: ClosedDeal | NewAccount) -> Iterator[Figure]:
    if isinstance(row, ClosedDeal):
        yield Figure(rep_id, row.closed_on, Metric.REVENUE, row.amount, row.currency.upper(), row.external_id)
        yield Figure(rep_id, row.closed_on, Metric.DEALS_CLOSED, Decimal(1), COUNT_UNIT, row.external_id)
    else:
        yield Figure(rep_id, row.created_on, Metric.NEW_ACCOUNTS, Decimal(1), COUNT_UNIT, row.external_id)


def _keep_pipeline(
    session: Session, team_id: str, source: str, figures: list[tuple[int, PipelineFigure]], *, now: datetime
) -> int:
    """Each figure replaces the rep's pipeline of that day and currency; an unchanged one writes nothing."""
    for rep_id, figure in figures:
        currency = figure.currency.upper()
        snapshot = session.scalars(
            select(PipelineSnapshot).where(
                PipelineSnapshot.team_id == team_id,
                PipelineSnapshot.rep_id == rep_id,
                PipelineSnapshot.source == source,
                PipelineSnapshot.as_of == figure.as_of,
                PipelineSnapshot.currency == currency,
            )
        ).one_or_none()
        if snapshot is None:
            snapshot = PipelineSnapshot(
                team_id=team_id, rep_id=rep_id, source=source, as_of=figure.as_of, currency=currency
            )
            session.add(snapshot)
        if snapshot.id is None or (snapshot.amount, snapshot.deals) != (figure.amount, figure.deals):
            snapshot.amount, snapshot.deals, snapshot.updated_at = figure.amount, figure.deals, now
    session.flush()
    return len(figures)
