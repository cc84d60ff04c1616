"""After an uninstall, on SQLite and PostgreSQL, driven the way Slack does: two workspaces installed by
OAuth, one uninstalled by a signed `app_uninstalled` (and `tokens_revoked`, as Slack sends both). Its data
is kept for its `after_uninstall_days` (30 unless an admin set another with `/pacer retention uninstall`),
then the `uninstalled-purge` job purges it, and only it, once, judged on the database's clock (moved
forward here by wrapping `database_now`). Installing again calls the purge off."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit.models import AuditEvent
from bot.db import database_now
from bot.exports import lifecycle, uninstalled
from bot.exports.models import RetentionSetting
from bot.features import metadata
from bot.roster.models import Role
from bot.roster.service import add_vendor
from bot.workspaces.models import Workspace
from tests.conftest import SIGNING_SECRET
from tests.exports.support import seed
from tests.factories import TEAM, member
from tests.oauth.test_e2e_oauth import ACME, BETA, install, oauth_server  # noqa: F401  (the fixture)
from tests.support.app_server import AppServer
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
BETA_ADMIN, BETA_REP = "UB000", "UB001"
KEPT = {  # the tables an uninstall itself changes
    "slack_installations",
    "slack_bots",
    "audit_events",
    "retention_settings",
    "deliveries",
    "workspaces",
    "interactions",  # each event received
}


@pytest.fixture
def two(oauth_server: AppServer, emulator: SlackEmulator) -> AppServer:  # noqa: F811
    """Acme and Beta installed by OAuth, Acme with the export tests' data, Beta with an admin and a rep."""
    assert ACME == TEAM
    install(oauth_server, emulator, ACME)
    install(oauth_server, emulator, BETA)
    with oauth_server.session_factory.begin() as session:
        seed(session)
        member(session, BETA_ADMIN, role=Role.ADMIN, team_id=BETA)
        member(session, BETA_REP, team_id=BETA)
        add_vendor(session, team_id=BETA, name="Gamma", contact_user_id=None)
    return oauth_server


def rows(server: AppServer, team_id: str, *, data_only: bool = False) -> dict[str, int]:
    """The workspace's rows per table; `data_only`: without the tables an uninstall itself changes."""
    with server.session_factory() as session:
        found = lifecycle.counts(session, metadata(), team_id)
    return {name: n for name, n in found.items() if n and not (data_only and name in KEPT)}


def later(monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    """The database's clock as the purge reads it, `days` ahead (still read from the database)."""

    def ahead(session: Session) -> datetime:
        return database_now(session) + timedelta(days=days)

    monkeypatch.setattr(uninstalled, "database_now", ahead)


def purge_job(server: AppServer) -> list[str]:
    return server.run_job("uninstalled-purge", datetime.now(UTC))


def uninstall(
    server: AppServer, emulator: SlackEmulator, team_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack's two events, both handled before the test goes on (each logs that Pacer left)."""
    caplog.set_level(logging.INFO, logger="bot.slack.uninstall")
    peer = SlackPeer(server.events_url, SIGNING_SECRET, emulator, team_id=team_id)
    assert peer.event({"type": "app_uninstalled"}).status == 200
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT0002"]}}
    assert peer.event(revoked).status == 200
    left = f"left workspace {team_id}"
    wait_for(lambda: caplog.text.count(left) == 2, what="both events handled")
    assert not _active(server, team_id)


def _active(server: AppServer, team_id: str) -> bool:
    with server.session_factory() as session:
        return session.get_one(Workspace, team_id).active


def due_at(server: AppServer, team_id: str) -> datetime | None:
    with server.session_factory() as session:
        setting = session.get(RetentionSetting, team_id)
        return None if setting is None else setting.purge_due_at


def db_now(server: AppServer) -> datetime:
    with server.session_factory() as session:
        return database_now(session)


def actions(server: AppServer, team_id: str) -> list[str]:
    with server.session_factory() as session:
        found = select(AuditEvent.action).where(AuditEvent.team_id == team_id).order_by(AuditEvent.id)
        return list(session.scalars(found))


def test_an_uninstalled_workspace_is_kept_30_days_then_purged_once_and_alone(
    two: AppServer,
    emulator: SlackEmulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    acme, beta = rows(two, ACME), rows(two, BETA, data_only=True)
    assert beta == {"members": 2, "vendors": 1} and acme["checkins"] == 12
    uninstall(two, emulator, BETA, caplog)
    due = due_at(two, BETA)
    assert due is not None and abs(due - (db_now(two) + timedelta(days=30))) < timedelta(minutes=1)
    assert actions(two, BETA).count("uninstall") == 1  # both events, one purge scheduled
    assert purge_job(two)[0] == "uninstalled-purge: 0 uninstalled workspaces purged (0 rows)"
    assert rows(two, BETA, data_only=True) == beta  # kept

    later(monkeypatch, 29)
    assert purge_job(two)[0].startswith("uninstalled-purge: 0 ")
    assert rows(two, BETA, data_only=True) == beta

    later(monkeypatch, 31)
    said = purge_job(two)[0]
    assert said.startswith("uninstalled-purge: 1 uninstalled workspaces purged")
    assert rows(two, BETA) == {"audit_events": 1}  # the purge's own record, nothing else
    assert rows(two, ACME) == acme  # the other workspace untouched
    assert _active(two, ACME)
    assert purge_job(two)[0].startswith("uninstalled-purge: 0 ")  # exactly once
    with two.session_factory() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.team_id == BETA)).one()
    assert (event.action, event.details["cause"]) == ("purge", "uninstalled")
    assert event.details["rows"] > sum(beta.values())


def test_installing_again_within_the_window_calls_the_purge_off(
    two: AppServer,
    emulator: SlackEmulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    beta = rows(two, BETA, data_only=True)
    uninstall(two, emulator, BETA, caplog)
    assert due_at(two, BETA) is not None
    install(two, emulator, BETA)  # an OAuth install of the same team
    assert _active(two, BETA) and due_at(two, BETA) is None
    assert actions(two, BETA)[-2:] == ["uninstall", "reinstall"]
    later(monkeypatch, 400)
    assert purge_job(two)[0].startswith("uninstalled-purge: 0 ")
    assert rows(two, BETA, data_only=True) == beta


def say(peer: SlackPeer, text: str, user_id: str) -> str:
    """The command's answer, in its acknowledgement (ephemeral)."""
    response = peer.command(text, user_id=user_id)
    assert response.status == 200, response.body
    return str(response.json()["text"])


def test_an_admin_sets_how_long_the_data_is_kept_after_an_uninstall(
    two: AppServer,
    emulator: SlackEmulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    peer = SlackPeer(two.events_url, SIGNING_SECRET, emulator, team_id=BETA)
    shown = say(peer, "retention", BETA_ADMIN)
    assert "kept for good" in shown and "kept 30 days and then purged" in shown
    assert "`/pacer retention uninstall 30`" in say(peer, "retention uninstall 0", BETA_ADMIN)  # refused
    assert "will be kept 10 days" in say(peer, "retention uninstall 10", BETA_ADMIN)
    assert "will be kept" not in say(peer, "retention uninstall off", BETA_REP)  # a rep may not
    with two.session_factory() as session:
        assert uninstalled.load_days(session, BETA) == 10 and uninstalled.load_days(session, ACME) == 30
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.retention")).one()
    assert (event.team_id, event.subject, event.details) == (BETA, "after_uninstall", {"days": 10})
    uninstall(two, emulator, BETA, caplog)
    due = due_at(two, BETA)
    assert due is not None and abs(due - (db_now(two) + timedelta(days=10))) < timedelta(minutes=1)
    later(monkeypatch, 11)
    assert purge_job(two)[0].startswith("uninstalled-purge: 1 ")
    assert rows(two, BETA) == {"audit_events": 1} and rows(two, ACME)["checkins"] == 12


def test_off_keeps_an_uninstalled_workspaces_data_for_good(
    two: AppServer,
    emulator: SlackEmulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with two.session_factory.begin() as session:
        uninstalled.save_days(session, BETA, None, actor=None)
    beta = rows(two, BETA, data_only=True)
    uninstall(two, emulator, BETA, caplog)
    assert due_at(two, BETA) is None
    assert actions(two, BETA).count("uninstall") == 1  # both events, recorded once
    later(monkeypatch, 4000)
    assert purge_job(two)[0].startswith("uninstalled-purge: 0 ")
    assert rows(two, BETA, data_only=True) == beta
