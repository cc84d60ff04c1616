"""The caller's frozen copies (bot/roster/snapshot.py) read what the ORM rows hold, on every backend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import FrozenInstanceError, fields

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.db import make_session_factory
from bot.roster.models import Member, Role
from bot.roster.service import role_of
from bot.roster.snapshot import MemberRow, WorkspaceRow
from bot.slack.directory import Directory
from bot.workspaces.models import Workspace
from tests.conftest import wipe
from tests.factories import TEAM, member


@pytest.fixture
def directory(engine: Engine) -> Iterator[Directory]:
    wipe(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        manager = member(session, "UMGR1", role=Role.MANAGER, slack_locale="zh-CN", timezone="Asia/Shanghai")
        manager.language = "en"
        session.get_one(Workspace, TEAM).language = "zh"
    yield Directory(WebClient(base_url="http://127.0.0.1:9/api/"), sessions)  # no users.info: all known
    wipe(engine)


def test_the_copies_hold_what_the_rows_hold(directory: Directory) -> None:
    member_row, workspace_row = directory.caller(TEAM, "UMGR1")
    with directory.session_factory() as session:
        orm = session.query(Member).filter_by(team_id=TEAM, user_id="UMGR1").one()
        assert member_row == MemberRow.of(orm)
        assert workspace_row == WorkspaceRow.of(session.get_one(Workspace, TEAM))
    assert (member_row.role, member_row.language, member_row.slack_locale) == (Role.MANAGER, "en", "zh-CN")
    assert member_row.refreshed_at is not None and member_row.refreshed_at.tzinfo is not None
    assert (workspace_row.language, workspace_row.timezone) == ("zh", "UTC")
    assert role_of(member_row, frozenset()) is role_of(orm, frozenset()) is Role.MANAGER


def test_the_copies_are_frozen_and_only_columns(directory: Directory) -> None:
    member_row, workspace_row = directory.caller(TEAM, "UMGR1")
    with pytest.raises(FrozenInstanceError):
        member_row.role = Role.REP  # type: ignore[misc]
    assert {f.name for f in fields(MemberRow)} <= set(Member.__table__.c.keys())
    assert {f.name for f in fields(WorkspaceRow)} <= set(Workspace.__table__.c.keys())
    assert workspace_row.team_id == member_row.team_id == TEAM
