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


def test_no_migration_loses_an_existing_workspaces_members(tmp_path) -> None:
    """Each migration after 0003, applied to a database with a workspace and a member, keeps them: on SQLite
    a batch-mode rebuild of `workspaces` with foreign keys on would cascade-delete every member."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from bot.db import make_engine
    from bot.db.migrate import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'kept.db'}")
    upgrade(engine, "0003")
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO workspaces (team_id, timezone, nudge_weekday, nudge_time, reminder_delay_hours,"
                " feedback_day, language, created_at, updated_at) VALUES ('T1', 'UTC', 0, '09:00:00', 24, 0,"
                " 'en', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        db.execute(
            text(
                "INSERT INTO members (id, team_id, user_id, display_name, role, is_slack_admin, on_team,"
                " manager_id, active, refreshed_at, created_at) VALUES (1, 'T1', 'U1', '', 'manager', 0, 0,"
                " NULL, 1, '2026-11-30 00:00:00', '2026-02-01 00:00:00')"
            )
        )
    kept = ("workspaces", "members")
    script = ScriptDirectory.from_config(alembic_config(engine))
    later = [s.revision for s in reversed(list(script.walk_revisions())) if s.revision > "0003"]
    for revision in later:
        upgrade(engine, revision)
        with engine.connect() as db:
            counts = [db.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in kept]
        assert counts == [1, 1], revision
    engine.dispose()
