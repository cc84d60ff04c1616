"""Connecting a CRM: the Zoho state works once, for its workspace and admin, before it expires, and only
its hash is stored; saving seals the credentials (no plain secret in the row) and makes the sync due."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm import connecting
from bot.crm.integrations.models import CrmConnection, CrmConnectState, Provider
from bot.secrets import Vault
from tests.crm.support import NOW, OTHER_TEAM
from tests.factories import TEAM, member

VAULT = Vault([Vault.new_key()])


def test_a_state_is_taken_once_and_only_its_hash_is_kept(session: Session) -> None:
    member(session, "UADMIN")
    state = connecting.start_zoho(session, TEAM, "UADMIN", now=NOW)
    stored = session.scalars(select(CrmConnectState.digest)).all()
    assert state not in stored and len(stored[0]) == 64
    assert connecting.take_state(session, state, now=NOW) == connecting.Pending(TEAM, "UADMIN", Provider.ZOHO)
    assert connecting.take_state(session, state, now=NOW) is None


def test_an_expired_forged_or_empty_state_proves_nothing(session: Session) -> None:
    member(session, "UADMIN")
    state = connecting.start_zoho(session, TEAM, "UADMIN", now=NOW)
    assert connecting.take_state(session, state + "x", now=NOW) is None
    assert connecting.take_state(session, "", now=NOW) is None
    assert connecting.take_state(session, "x" * 500, now=NOW) is None
    late = NOW + connecting.STATE_LIFETIME + timedelta(seconds=1)
    assert connecting.take_state(session, state, now=late) is None


def test_expired_states_are_dropped_when_a_new_one_starts(session: Session) -> None:
    member(session, "UADMIN")
    member(session, "UOTHERADMIN", team_id=OTHER_TEAM)
    connecting.start_zoho(session, OTHER_TEAM, "UOTHERADMIN", now=NOW)
    connecting.start_zoho(session, TEAM, "UADMIN", now=NOW + timedelta(hours=1))
    assert session.scalars(select(CrmConnectState.team_id)).all() == [TEAM]


def test_saving_seals_the_credentials_and_makes_the_sync_due(session: Session) -> None:
    member(session, "UADMIN")
    pending = connecting.Pending(TEAM, "UADMIN", Provider.FXIAOKE)
    fields = connecting.fxiaoke_fields("FSAID_1", "the-app-secret", "the-permanent-code", "FSUID_1")
    where = connecting.Where("https://open.fxiaoke.com")
    first = connecting.save(session, VAULT, pending, fields, where, now=NOW, actor=None)
    first.cursor, first.failures, first.last_error = "2026-11-01T00:00:00+00:00", 3, "AuthExpired: refused"
    again = connecting.save(
        session, VAULT, pending, fields, where, now=NOW + timedelta(minutes=1), actor=None
    )
    assert again.id == first.id
    row = session.scalars(select(CrmConnection)).one()
    assert "the-app-secret" not in row.credentials and "the-permanent-code" not in row.credentials
    assert VAULT.open(row.credentials)["app_secret"].reveal() == "the-app-secret"
    assert (row.cursor, row.failures, row.last_error, row.connected_by) == ("", 0, "", "UADMIN")
    assert row.next_try_at == NOW + timedelta(minutes=1)
