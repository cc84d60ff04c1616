"""`read_only`: the session a long read (an export) uses, on both databases: one snapshot however long it
reads, another session's write commits meanwhile without waiting, and nothing is written through it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from bot.db import ReadOnly, make_session_factory, read_only
from bot.workspaces.models import Workspace

TEAM = "TREADONLY"


@pytest.fixture
def clean(engine: Engine) -> Iterator[Engine]:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM workspaces WHERE team_id = :t"), {"t": TEAM})
    yield engine
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM workspaces WHERE team_id = :t"), {"t": TEAM})


def _languages(session: object) -> list[str]:
    query = select(Workspace.language).where(Workspace.team_id == TEAM)
    return list(session.scalars(query))  # type: ignore[attr-defined]


def test_a_read_only_session_reads_one_snapshot_while_another_writes(clean: Engine) -> None:
    factory = make_session_factory(clean)
    with factory.begin() as session:
        session.add(Workspace(team_id=TEAM, language="en"))
    with read_only(factory) as reading:
        assert _languages(reading) == ["en"]
        with factory.begin() as writing:  # would wait on SQLite's write lock if the read held it
            writing.get_one(Workspace, TEAM).language = "zh"
        assert _languages(reading) == ["en"]  # still the snapshot it began with
    with factory() as session:
        assert _languages(session) == ["zh"]


def test_a_read_only_session_writes_nothing(clean: Engine) -> None:
    factory = make_session_factory(clean)
    with read_only(factory) as session:
        session.add(Workspace(team_id=TEAM))
        with pytest.raises(ReadOnly):
            session.flush()
    if clean.dialect.name == "postgresql":  # the server refuses a statement that bypasses the session too
        with read_only(factory) as session, pytest.raises(DBAPIError, match="read-only transaction"):
            insert = "INSERT INTO workspaces (team_id, timezone) VALUES (:t, 'UTC')"
            session.execute(text(insert), {"t": TEAM})
    with factory() as session:
        assert _languages(session) == []
