"""Alembic environment: the schema comes from the list of features (`bot.features.metadata`); the URL
from Pacer's settings, or a connection from `bot.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from bot.features import metadata

target_metadata = metadata()


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    from bot.config import load_settings
    from bot.db.engine import make_engine

    engine = make_engine(load_settings().database_url)
    with engine.begin() as own_connection:
        run_with(own_connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run `pacer migrate`.")
run_online()
