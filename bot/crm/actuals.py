"""Storing actuals: a batch of figures is loaded into a temporary table (`COPY` on PostgreSQL, executemany
on SQLite), compared with what is stored in one joined query, and only new and changed figures are written
(one INSERT … SELECT and one UPDATE … FROM, each skipped when there is nothing to write), so re-importing
the same rows writes nothing. Connectors' typed rows come in through `record_rows`.
No Slack; the caller's unit of work commits."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.selectable import Join

from bot.calendar import iso_week_start
from bot.crm.models import COUNT_UNIT, Actual, PipelineSnapshot, crm_source
from bot.crm.rows import CENT, ClosedDeal, CrmRow, NewAccount, PipelineFigure, column_amount
from bot.goals.models import AMOUNT, Metric

logger = logging.getLogger(__name__)
BATCH = 5_000  # figures an executemany loads at most (SQLite)
TABLE: Table = Actual.__table__  # type: ignore[assignment]
# The figures of one `store`, in the order they came (`seq`: of a repeated key, the last wins). Created
# and dropped by each `store` on its own connection; a temporary table is no one else's to see.
INCOMING = Table(
    "crm_incoming",
    MetaData(),
    Column("seq", Integer, nullable=False),
    Column("rep_id", Integer, nullable=False),
    Column("week_start", Date, nullable=False),
    Column("day", Date, nullable=False),
    Column("metric", String(24), nullable=False),
    Column("amount", AMOUNT, nullable=False),
    Column("currency", String(8), nullable=False),
    Column("external_id", String(128), nullable=False),
    Index("crm_incoming_key", "metric", "external_id", "seq"),  # a key's later figures, found by index
    prefixes=["TEMPORARY"],
)
LOADED = [column.name for column in INCOMING.columns]


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
    """Upsert `figures` as `source`'s actuals (of a key given twice, the last); `dry_run` counts without
    writing. The figures go into a temporary table, and the database compares and writes them in bulk."""
    connection = session.connection()
    connection.execute(text("DROP TABLE IF EXISTS crm_incoming"))  # left by a store that failed
    INCOMING.create(connection)
    total = _load(session, figures)
    counts = _merge(session, team_id, source, total, now=now, dry_run=dry_run)
    INCOMING.drop(connection)
    return counts


def _load(session: Session, figures: Iterable[Figure]) -> int:
    """The figures into `crm_incoming`: COPY on PostgreSQL (psycopg), executemany in batches elsewhere;
    then a key given twice keeps only its last figure. Returns how many keys there are."""
    loaded = 0

    def numbered() -> Iterator[tuple[Any, ...]]:
        nonlocal loaded
        for loaded, figure in enumerate(figures, start=1):
            yield _row(loaded, figure)

    rows = numbered()
    driver: Any = session.connection().connection.driver_connection
    if session.get_bind().dialect.name == "postgresql" and hasattr(driver, "pgconn"):
        columns = ", ".join(LOADED)
        with driver.cursor() as cursor, cursor.copy(f"COPY crm_incoming ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        session.execute(text("ANALYZE crm_incoming"))  # no autovacuum for a temporary table: its size
    else:  # the DB-API's executemany with the columns' own conversions: no dict and no Core work a row
        dialect = session.get_bind().dialect
        compiled = insert(INCOMING).compile(dialect=dialect)
        if list(compiled.positiontup or ()) != LOADED:
            raise RuntimeError("crm_incoming is loaded with a positional paramstyle, in column order")
        convert = [column.type.bind_processor(dialect) for column in INCOMING.columns]
        while chunk := [
            tuple(value if to is None else to(value) for to, value in zip(convert, row, strict=True))
            for row in islice(rows, BATCH)
        ]:
            session.connection().exec_driver_sql(str(compiled), chunk)
    later = INCOMING.alias("later")
    repeated = exists().where(
        later.c.metric == INCOMING.c.metric,
        later.c.external_id == INCOMING.c.external_id,
        later.c.seq > INCOMING.c.seq,
    )
    return loaded - session.connection().execute(delete(INCOMING).where(repeated)).rowcount


def _row(seq: int, figure: Figure) -> tuple[Any, ...]:
    day = figure.day
    return (
        seq,
        figure.rep_id,
        iso_week_start(day),
        day,
        figure.metric.value,
        figure.amount.quantize(CENT),  # the column's scale, so a re-import compares equal
        figure.currency,
        figure.external_id,
    )


def _merge(
    session: Session, team_id: str, source: str, total: int, *, now: datetime, dry_run: bool
) -> Counts:
    """Update the changed figures and insert the new ones, counted by the rows each statement wrote (the
    rest of the `total` are unchanged); `dry_run` counts them in one query instead. Writing first matters on
    SQLite: a transaction that read the table before writing it fails at once when another connection wrote
    in between, where one that starts with the write waits its turn (busy_timeout)."""
    same_key = and_(
        TABLE.c.team_id == team_id,
        TABLE.c.source == source,
        TABLE.c.external_id == INCOMING.c.external_id,
        TABLE.c.metric == INCOMING.c.metric,
    )
    changed = or_(
        TABLE.c.rep_id != INCOMING.c.rep_id,
        TABLE.c.day != INCOMING.c.day,
        TABLE.c.amount != INCOMING.c.amount,
        TABLE.c.currency != INCOMING.c.currency,
    )
    joined = INCOMING.outerjoin(TABLE, same_key)
    if dry_run:
        everything, stored, changes = session.execute(
            select(func.count(), func.count(TABLE.c.id), func.count(case((changed, 1)))).select_from(joined)
        ).one()
        return Counts(everything - stored, changes, stored - changes)
    connection = session.connection()
    values = {name: INCOMING.c[name] for name in ("rep_id", "week_start", "day", "amount", "currency")}
    update_changed = update(TABLE).where(same_key, changed).values(values | {"updated_at": now})
    updated = connection.execute(update_changed).rowcount
    created = connection.execute(_insert_new(joined, team_id, source, now)).rowcount
    return Counts(created, updated, total - created - updated)


def _insert_new(joined: Join, team_id: str, source: str, now: datetime) -> Insert:
    """INSERT … SELECT of the incoming figures no stored row has the key of."""
    created_at = literal(now, TABLE.c.created_at.type)
    new = select(
        literal(team_id, TABLE.c.team_id.type),
        INCOMING.c.rep_id,
        INCOMING.c.week_start,
        INCOMING.c.day,
        INCOMING.c.metric,
        INCOMING.c.amount,
        INCOMING.c.currency,
        literal(source, TABLE.c.source.type),
        INCOMING.c.external_id,
        created_at,
        created_at,
    ).select_from(joined)
    names = ["team_id", "rep_id", "week_start", "day", "metric", "amount", "currency", "source"]
    names += ["external_id", "created_at", "updated_at"]
    insert_new = insert(TABLE).from_select(names, new.where(TABLE.c.id.is_(None)))
    return insert_new.execution_options(preserve_rowcount=True)  # an INSERT's is not kept otherwise


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
