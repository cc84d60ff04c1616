"""The connection table on SQLite and PostgreSQL: credentials stored sealed, one per workspace and CRM."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.crm.integrations.models import CrmConnection, Provider
from bot.secrets import Secret, Vault
from bot.workspaces.service import ensure_workspace

TEAM = "T0000001"
REFRESH = "1000.18e983526f0ca8575ea9c53b0cd5bb58.1bd83a6f2e22c3a7e1309d96ae439cc1"


def test_credentials_are_stored_sealed_and_open_with_the_vault(session: Session) -> None:
    ensure_workspace(session, TEAM)
    vault = Vault([Vault.new_key()])
    session.add(
        CrmConnection(
            team_id=TEAM,
            provider=Provider.ZOHO,
            data_centre="eu",
            api_domain="https://www.zohoapis.eu",
            credentials=vault.seal({"refresh_token": Secret(REFRESH)}),
        )
    )
    session.flush()
    raw = session.execute(text("SELECT credentials FROM crm_connections")).scalar_one()
    assert REFRESH not in raw and raw.startswith("enc:")
    saved = session.scalars(select(CrmConnection).where(CrmConnection.team_id == TEAM)).one()
    assert vault.open(saved.credentials)["refresh_token"].reveal() == REFRESH
    assert (saved.rows_read, saved.failures, saved.cursor, saved.last_error) == (0, 0, "", "")


def test_one_connection_per_workspace_and_crm(session: Session) -> None:
    ensure_workspace(session, TEAM)
    for _ in range(2):
        session.add(
            CrmConnection(
                team_id=TEAM,
                provider=Provider.FXIAOKE,
                api_domain="https://open.fxiaoke.com",
                credentials=b"x",
            )
        )
    with pytest.raises(IntegrityError):
        session.flush()
