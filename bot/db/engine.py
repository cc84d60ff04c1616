"""Engines and sessions: SQLite in WAL mode with foreign keys on, or PostgreSQL through psycopg."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = sessionmaker[Session]


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs (the driver Pacer installs)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://") :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    # An error's message never carries the statement's values (feedback text, user ids) into a log.
    kwargs.setdefault("hide_parameters", True)
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping (a round trip per checkout); connections are recycled instead, and one that died
    # with the server fails a single request, whose person is told, and is replaced.
    kwargs.setdefault("pool_recycle", 1800)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


class ReadOnly(RuntimeError):
    """Something tried to write in a `read_only` session."""


@contextmanager
def read_only(factory: SessionFactory) -> Iterator[Session]:
    """A session for a long read (an export): one snapshot of the database, and no write lock held, so
    other writers go on meanwhile. PostgreSQL: a REPEATABLE READ, READ ONLY transaction (the server
    refuses any write). SQLite: a deferred BEGIN, a read transaction, which in WAL mode never blocks a
    writer (a write in it would take SQLite's write lock: the session refuses to flush one). Always
    rolled back."""
    with factory() as session:
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        else:
            connection.exec_driver_sql("BEGIN")  # pysqlite begins only before a write: begin the read now
        event.listen(session, "before_flush", _refuse_flush)
        try:
            yield session
        finally:
            session.rollback()


def _refuse_flush(session: Session, *_args: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnly("a read-only session must not write")


def upsert_statement(session: Session, model: type[Any]) -> Any:
    """An INSERT for `model` with ON CONFLICT support, in the dialect of the session's database."""
    from sqlalchemy.dialects import postgresql, sqlite

    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
