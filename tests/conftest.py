"""Shared fixtures: real databases (SQLite and, with TEST_DATABASE_URL, PostgreSQL) migrated by alembic,
the Slack Web API emulator, and the real app served over HTTP on a free port."""

from __future__ import annotations

import os
import secrets
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.db import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.features import FEATURES, Feature, metadata
from tests.support.app_server import AppServer
from tests.support.people import add_people
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ANONYMITY_KEY = secrets.token_urlsafe(32)  # a key of its own per test run, as `pacer run` requires
BOT_TOKEN = "xoxb-test-token"
TEAM_ID = "T0000001"

BACKENDS = ["sqlite", "postgresql"]


def _postgres_engine(schema: str) -> Engine:
    url = os.environ["TEST_DATABASE_URL"]
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return make_engine(url, connect_args={"options": f"-csearch_path={schema}"})


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated database per backend for the whole run; PostgreSQL gets a schema of its own."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "pacer.db"
        engine = make_engine(f"sqlite:///{path}")
    else:
        if not os.environ.get("TEST_DATABASE_URL"):
            pytest.skip("PostgreSQL: set TEST_DATABASE_URL (the CI does) to run the database tests on it too")
        schema = f"pacer_test_{uuid.uuid4().hex[:10]}"
        engine = _postgres_engine(schema)
    upgrade(engine)
    yield engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (the code under test may commit savepoints)."""
    with engine.connect() as connection:
        transaction = connection.begin()
        db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield db
        finally:
            db.close()
            transaction.rollback()


def wipe(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(metadata().sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator(team_id=TEAM_ID, bot_token=BOT_TOKEN) as slack:
        yield slack


def make_settings(emulator: SlackEmulator, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": emulator.api_url,
        "database_url": database_url,
        "pacer_admins": "UADMIN",
        "http_threads": 8,
        "anonymity_key": ANONYMITY_KEY,
    }
    values.update(overrides)
    return Settings(_env_file=None, **cast(dict[str, Any], values))  # type: ignore[call-arg, unused-ignore]


@pytest.fixture
def features() -> tuple[Feature, ...]:
    """The list of features the test app runs; a test module overrides it to plug in one of its own."""
    return FEATURES


@pytest.fixture
def app_server(engine: Engine, emulator: SlackEmulator, features: tuple[Feature, ...]) -> Iterator[AppServer]:
    """The real app (create_app, WSGI, waitress) on a free port, with the emulator and a clean database."""
    wipe(engine)
    settings = make_settings(emulator, engine.url.render_as_string(hide_password=False))
    server = AppServer(settings, make_session_factory(engine), features=features)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    server.wait_ready()
    yield server
    server.close()
    thread.join(timeout=5)
    wipe(engine)


@pytest.fixture
def slack(app_server: AppServer, emulator: SlackEmulator) -> SlackPeer:
    """Slack itself, as the app meets it: signed requests in, the emulator's Web API out."""
    add_people(emulator)
    return SlackPeer(app_server.events_url, SIGNING_SECRET, emulator)


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
