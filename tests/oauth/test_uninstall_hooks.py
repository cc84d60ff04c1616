"""Leaving a workspace runs every feature's `on_leave` hooks once, in the transaction that marks it
inactive (Slack sends `app_uninstalled` and `tokens_revoked` for one uninstall), and installing again runs
the `on_return` hooks; the features list hands the hooks over, so `bot.slack.uninstall` imports no
feature (an import-linter contract in pyproject.toml)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.crm.connecting import forget
from bot.db import SessionFactory, make_session_factory
from bot.exports import uninstalled
from bot.exports.models import RetentionSetting
from bot.features import leave_hooks, return_hooks
from bot.slack.uninstall import leave, set_active
from bot.workspaces.models import Workspace
from tests.conftest import wipe
from tests.factories import TEAM


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[SessionFactory]:
    yield make_session_factory(engine)
    wipe(engine)


def test_the_features_list_hands_over_each_features_hooks() -> None:
    assert forget in leave_hooks() and uninstalled.schedule in leave_hooks()
    assert return_hooks() == (uninstalled.cancel,)


def test_leaving_runs_the_hooks_once_and_coming_back_runs_the_return_hooks(
    session_factory: SessionFactory,
) -> None:
    seen: list[tuple[str, str, bool]] = []

    def noting(what: str) -> object:
        def hook(session: Session, team_id: str) -> None:
            active = session.scalar(select(Workspace.active).where(Workspace.team_id == team_id))
            seen.append((what, team_id, bool(active)))

        return hook

    set_active(session_factory, TEAM, active=True)
    leave(TEAM, session_factory, None, None, (noting("left"), uninstalled.schedule))
    leave(TEAM, session_factory, None, None, (noting("left"), uninstalled.schedule))  # tokens_revoked
    assert seen == [("left", TEAM, False)]  # once, seeing the workspace already inactive
    with session_factory() as session:
        assert session.get_one(RetentionSetting, TEAM).purge_due_at is not None

    set_active(session_factory, TEAM, active=True, hooks=(noting("back"), uninstalled.cancel))
    assert seen[1:] == [("back", TEAM, True)]
    with session_factory() as session:
        assert session.get_one(RetentionSetting, TEAM).purge_due_at is None


def test_a_failing_hook_leaves_the_workspace_as_it_was(session_factory: SessionFactory) -> None:
    """Nothing half-done: the hooks share the transaction that marks the workspace inactive, so the next
    `tokens_revoked` (or a retry of the event) tries the whole leaving again."""
    set_active(session_factory, TEAM, active=True)

    def broken(session: Session, team_id: str) -> None:
        raise RuntimeError("the CRM's table is locked")

    with pytest.raises(RuntimeError):
        leave(TEAM, session_factory, None, None, (broken,))
    with session_factory() as session:
        assert session.get_one(Workspace, TEAM).active
    leave(TEAM, session_factory, None, None, (uninstalled.schedule,))
    with session_factory() as session:
        assert not session.get_one(Workspace, TEAM).active
