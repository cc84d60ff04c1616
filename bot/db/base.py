"""The declarative base every model shares, with a naming convention and UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import DateTime, Enum, MetaData, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """This process's idea of the time: what listeners and jobs believe it is (tests and `--now` move it)."""
    return datetime.now(UTC)


def database_now(session: Session) -> datetime:
    """The database's own clock: PostgreSQL's `clock_timestamp()`, or SQLite's `'now'` (real time).

    Every process reads the same clock here, whatever its own says, so whatever several processes must
    agree on — when an outbox message may go, whose lease has run out — is judged on this one."""
    if session.get_bind().dialect.name == "postgresql":
        now: datetime = session.execute(text("SELECT clock_timestamp()")).scalar_one()
        return now.astimezone(UTC)
    stamp = session.execute(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).scalar_one()
    return datetime.fromisoformat(str(stamp)).replace(tzinfo=UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; SQLite (which keeps no zone) hands it back as UTC too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


def string_enum(kind: type[StrEnum], name: str, *, length: int = 24) -> Enum:
    """A StrEnum stored as its value in a VARCHAR with a CHECK constraint (the same on every backend)."""
    return Enum(
        kind,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        create_constraint=True,
        name=name,
    )
