"""Pacer removed from a workspace stops reading its CRM: `app_uninstalled` (or the bot token revoked)
deletes the sealed CRM credentials and no `crm-sync` tick picks the connection again; the figures, the
owners and the connection's history stay, and connecting again starts it anew."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.crm import connecting, owners, syncing
from bot.crm.integrations.base import Owner
from bot.crm.integrations.models import CrmConnection, CrmOwner, Provider
from bot.db import utcnow
from bot.secrets import Secret, Vault
from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.people import ADMIN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
TEAM = "T0000001"


@pytest.mark.parametrize(
    "event", [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"bot": ["UBOT0001"]}}]
)
def test_leaving_a_workspace_deletes_its_crm_credentials_and_stops_its_syncs(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, event: dict[str, object]
) -> None:
    assert slack.command("help", user_id=ADMIN).status == 200  # the workspace and its admin
    vault = Vault([Vault.new_key()])
    now = utcnow()
    with app_server.session_factory.begin() as session:
        for provider in Provider:
            pending = connecting.Pending(TEAM, ADMIN, provider)
            fields = {"refresh_token": Secret("1000.refresh.secret")}
            connecting.save(
                session, vault, pending, fields, connecting.Where("https://crm.example"), now=now, actor=None
            )
        owners.remember(session, TEAM, Provider.ZOHO, [Owner("z1", "rita@crm.example", "Rita Rep")])
        assert len(syncing.due(session, now)) == 2

    assert slack.event(event).status == 200
    wait_for(lambda: not _active(app_server), what="the workspace left")
    with app_server.session_factory() as session:
        kept = session.scalars(select(CrmConnection)).all()
        assert len(kept) == 2 and {c.credentials for c in kept} == {""}
        assert syncing.due(session, now + timedelta(days=1)) == []
        assert session.scalar(select(func.count()).select_from(CrmOwner)) == 1
    # an inactive workspace is not even visited by the job
    synced = app_server.run_job("crm-sync", now + timedelta(hours=1))
    assert synced[0] == "crm-sync: nothing to do (in 0 workspaces)"


def _active(server: AppServer) -> bool:
    with server.session_factory() as session:
        return bool(session.get_one(Workspace, TEAM).active)
