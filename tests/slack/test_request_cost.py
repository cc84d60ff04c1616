"""What one request costs the database, counted (never timed) over the real app: the caller is resolved
with one query and reused for the rest of the request, so `/pacer help` runs a single statement."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, event

from bot.config import Settings
from bot.db import make_session_factory
from bot.roster.service import find_member
from bot.slack.deps import Deps
from bot.slack.directory import Directory
from tests.conftest import wipe
from tests.factories import TEAM, member
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, REP_EN, REP_ZH
from tests.support.slack_peer import SlackPeer

HELP_STATEMENTS = 1  # the caller's member and workspace, in one SELECT


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends meanwhile, from any thread."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(" ".join(str(args[2]).split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.e2e
@pytest.mark.parametrize("user_id", [REP_EN, REP_ZH, ADMIN])
def test_help_runs_one_statement(slack: SlackPeer, app_server: AppServer, user_id: str) -> None:
    engine = app_server.session_factory.kw["bind"]
    first = slack.command("help", user_id=user_id).json()  # first sight: users.info, then the member saved
    with statements(engine) as seen:
        again = slack.command("help", user_id=user_id).json()
    assert again == first
    assert len(seen) == HELP_STATEMENTS, seen
    assert seen[0].startswith("SELECT") and "JOIN members" in seen[0]


@pytest.fixture
def deps(engine: Engine) -> Iterator[Deps]:
    wipe(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        member(session, "UREP1", slack_locale="zh-CN", timezone="Asia/Shanghai")
    nowhere = WebClient(base_url="http://127.0.0.1:9/api/")  # a fresh member needs no users.info
    settings = Settings(_env_file=None, slack_bot_token="xoxb-test", slack_signing_secret="test")  # type: ignore[call-arg]
    yield Deps(settings, sessions, nowhere, Directory(nowhere, sessions))
    wipe(engine)


def test_the_caller_is_resolved_once_per_request(deps: Deps, engine: Engine) -> None:
    """The listener, a helper it calls and the error handler share one resolution, kept in the request's
    Bolt context; another request (another context) resolves again."""
    command = {"command": "/pacer", "team_id": TEAM, "user_id": "UREP1"}
    button = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "UREP1"}}
    context: dict[str, Any] = {}
    with statements(engine) as seen:
        caller = deps.caller_of(command, context)
        assert deps.caller_of(command, context) is caller
        assert deps.caller_of(button, context) is caller  # the same person, however the payload names them
        assert deps.locale_of(TEAM, "UREP1", context) == caller.locale == "zh"
        assert str(deps.zone_of(TEAM, "UREP1", context)) == "Asia/Shanghai"
    assert len(seen) == 1
    assert context["pacer_locale"] == "zh"
    with statements(engine) as seen:
        assert deps.caller_of(command, {}).member.id == caller.member.id
    assert len(seen) == 1


def test_a_cached_caller_is_never_anothers(deps: Deps, engine: Engine) -> None:
    """What the context holds is for the person it was resolved for: asking about someone else looks
    them up."""
    context: dict[str, Any] = {}
    deps.caller_of({"command": "/pacer", "team_id": TEAM, "user_id": "UREP1"}, context)
    with statements(engine) as seen:
        assert deps.locale_of(TEAM, "USOMEONE", context) == "en"
        assert str(deps.zone_of(TEAM, "USOMEONE", context)) == "UTC"
    assert len(seen) == 4  # workspace and member, twice: nothing was taken from the context


def test_the_callers_read_leaves_its_connection_transactional(deps: Deps, engine: Engine) -> None:
    """On PostgreSQL the caller is read in autocommit (no BEGIN, no ROLLBACK round trip); the pooled
    connection it used must be back in transactions for the next request, whose rollback undoes."""
    engine.dispose()  # one pooled connection from here: the read's is the next session's
    deps.caller_of({"command": "/pacer", "team_id": TEAM, "user_id": "UREP1"}, {})
    with deps.session_factory() as session:
        member(session, "UNEW1")
        session.rollback()
    with deps.session_factory() as session:
        assert find_member(session, team_id=TEAM, user_id="UNEW1") is None
