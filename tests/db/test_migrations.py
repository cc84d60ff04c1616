"""The models and the alembic migrations describe the same schema, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot.db.migrate import downgrade, upgrade
from bot.features import metadata


def test_models_match_migrations(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []


def test_every_table_carries_team_id(engine: Engine) -> None:
    inspector = inspect(engine)
    tables = [name for name in inspector.get_table_names() if name != "alembic_version"]
    assert sorted(tables) == sorted(metadata().tables)
    no_team = [t for t in tables if "team_id" not in {c["name"] for c in inspector.get_columns(t)}]
    assert no_team == ["slack_oauth_states"]  # an install's state: no workspace yet (bot/installs/models.py)


def test_downgrade_and_upgrade_again(tmp_path) -> None:
    from bot.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    upgrade(engine)
    downgrade(engine, "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    upgrade(engine)
    assert "members" in inspect(engine).get_table_names()
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    from bot.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'pacer.db'}")  # the data folder is created
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
