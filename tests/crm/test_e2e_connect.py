"""Zoho connected from Slack over the real OAuth flow, then synced and seen in the check-in, over HTTP:
the admin's `/pacer crm connect zoho` answer links to the fake CRM's consent page, which redirects the
browser to Pacer's `/crm/zoho/callback` with a code; Pacer exchanges it at the data centre the callback
names, keeps the refresh token sealed and tells the admin in Slack. The `crm-sync` job then reads the
fake CRM, matches its users to members by Slack email, and the rep's check-in modal shows the CRM's
figure pre-filled. A replayed callback, and a rep, are refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot import format as fmt
from bot.audit.models import AuditEvent
from bot.crm.integrations.models import CrmConnection, CrmOwner
from bot.db import utcnow
from bot.secrets import Vault
from tests.crm.integrations.fake_crm import FakeBook, FakeCrmServer
from tests.crm.test_e2e_checkin import agreed_goal, at, crm_field
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.people import ADMIN, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
WEEK = date(2026, 11, 30)
BOOK = FakeBook.generate(deals=40, accounts=6, owners=2, start=WEEK)


@pytest.fixture
def crm() -> Iterator[FakeCrmServer]:
    with FakeCrmServer(BOOK) as server:
        yield server


@pytest.fixture
def zoho(crm: FakeCrmServer, app_server: AppServer, monkeypatch: pytest.MonkeyPatch) -> FakeCrmServer:
    """Pacer's Zoho client registered at the fake CRM, which stands in for the "us" data centre."""
    monkeypatch.setenv("ZOHO_CLIENT_ID", crm.state.client_id)
    monkeypatch.setenv("ZOHO_CLIENT_SECRET", crm.state.client_secret)
    monkeypatch.setenv("ZOHO_REDIRECT_URI", f"{app_server.base_url}/crm/zoho/callback")
    monkeypatch.setenv("PACER_CRM_ZOHO_SERVERS", f'{{"us": "{crm.url}"}}')
    app_server.settings.pacer_secret_keys = SecretStr(Vault.new_key())
    return crm


def link_of(reply: dict[str, Any]) -> str:
    actions = next(block for block in reply["blocks"] if block["type"] == "actions")
    return str(actions["elements"][0]["url"])


def expected_week(owner: int) -> tuple[Decimal, int]:
    won = [d for d in BOOK.won(WEEK, WEEK + timedelta(days=6)) if d.owner.n == owner]
    return sum((d.amount for d in won), Decimal(0)), len(won)


def test_zoho_connected_from_slack_is_synced_into_the_check_in(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, zoho: FakeCrmServer
) -> None:
    goal_id = agreed_goal(slack, emulator, app_server)
    emulator.users[REP_EN]["profile"]["email"] = "Rep1@example.com"  # the fake CRM's first user
    refused = slack.command("crm connect zoho", user_id=REP_EN).json()
    assert "admin" in refused["text"] and "/oauth/v2/auth" not in str(refused)

    link = link_of(slack.command("crm connect zoho", user_id=ADMIN).json())
    assert link.startswith(f"{zoho.url}/oauth/v2/auth?")
    page = httpx.get(link, follow_redirects=True, timeout=10)
    assert page.status_code == 200 and "Zoho CRM is connected" in page.text
    replayed = httpx.get(str(page.url), timeout=10)
    assert replayed.status_code == 400 and "expired" in replayed.text
    note = wait_for(lambda: dms(emulator, ADMIN), what="the admin told")[-1]
    assert "Zoho CRM is connected" in note["text"]
    with app_server.session_factory() as session:
        connection = session.scalars(select(CrmConnection)).one()
        assert connection.connected_by == ADMIN
        assert not any(token in connection.credentials for token in zoho.state.refresh_tokens)
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "crm.connect")).all()
        assert event.subject == "zoho" and event.actor_id is not None
        assert set(event.details) == {"api_domain", "data_centre"}  # where the CRM lives, no credential
        recorded = str(event.details)
        assert not any(token in recorded for token in zoho.state.refresh_tokens)
        assert zoho.state.client_secret not in recorded

    now = max(utcnow() + timedelta(seconds=1), at(4, 15))
    summary = app_server.run_job("crm-sync", now)
    assert "1 CRM connections synced" in summary[0] and "0 failed" in summary[0]
    with app_server.session_factory() as session:
        matched = session.scalars(select(CrmOwner.email).where(CrmOwner.member_id.is_not(None))).all()
        assert matched == ["rep1@example.com"]

    amount, deals = expected_week(owner=1)
    app_server.clock.set(at(4, 15))
    view = slack.open_modal("checkin", user_id=REP_EN)
    label = f"CRM: {fmt.amount(amount, 'USD', 'en')} closed this week ({deals} deals)"
    assert crm_field(view, goal_id)["label"]["text"] == label
    result = next(block for block in view["blocks"] if block.get("block_id") == f"result:{goal_id}")
    assert Decimal(result["element"]["initial_value"]) == amount

    status = slack.command("crm status", user_id=ADMIN).json()
    assert "Zoho CRM" in status["text"] or "Zoho CRM" in str(status["blocks"])
    assert zoho.state.client_secret not in str(status)


def test_a_callback_naming_another_accounts_server_is_refused(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, zoho: FakeCrmServer
) -> None:
    """A forged callback must not make Pacer send its client secret to a server of the forger's choice."""
    link = link_of(slack.command("crm connect zoho", user_id=ADMIN).json())
    redirect = httpx.get(link, timeout=10)
    assert redirect.status_code == 302
    forged = redirect.headers["Location"].replace(
        "accounts-server=", "accounts-server=https%3A%2F%2Fevil.example&x="
    )
    page = httpx.get(forged, timeout=10)
    assert page.status_code == 502 and "did not connect" in page.text
    assert zoho.state.token_calls == 0
    with app_server.session_factory() as session:
        assert session.scalars(select(CrmConnection)).all() == []


def test_fxiaoke_credentials_are_checked_before_saving_and_never_shown(
    slack: SlackPeer,
    emulator: SlackEmulator,
    app_server: AppServer,
    crm: FakeCrmServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PACER_CRM_FXIAOKE_CLOUDS", f'["{crm.url}"]')
    app_server.settings.pacer_secret_keys = SecretStr(Vault.new_key())
    view = slack.open_modal("crm connect fxiaoke", user_id=ADMIN)
    answers = {
        "cloud": crm.url,
        "app_id": crm.state.app_id,
        "app_secret": "not-the-secret",
        "permanent_code": crm.state.permanent_code,
        "open_user_id": "FSUID_00000001",
    }
    refused = slack.view_submission(view, answers, user_id=ADMIN).json()
    assert refused["response_action"] == "errors" and list(refused["errors"]) == ["app_secret"]
    spaced = slack.view_submission(view, answers | {"app_id": "FSAID PACER"}, user_id=ADMIN).json()
    assert "app_id" in spaced["errors"]
    answers["app_secret"] = crm.state.app_secret
    assert slack.view_submission(view, answers, user_id=ADMIN).status == 200
    note = wait_for(lambda: dms(emulator, ADMIN), what="the admin told")[-1]
    assert "Fxiaoke" in note["text"]
    with app_server.session_factory() as session:
        connection = session.scalars(select(CrmConnection)).one()
        assert connection.api_domain == crm.url and crm.state.app_secret not in connection.credentials
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "crm.connect")).all()
        assert event.subject == "fxiaoke" and event.details == {"api_domain": crm.url, "data_centre": ""}
    shown = str([call.params for call in emulator.calls_to("views.open")]) + str(dms(emulator, ADMIN))
    assert crm.state.app_secret not in shown and crm.state.permanent_code not in shown


def test_the_zoho_state_lives_on_the_database_clock_not_a_process_clock(
    slack: SlackPeer,
    emulator: SlackEmulator,
    app_server: AppServer,
    zoho: FakeCrmServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The process that answers the command may run an hour behind the one the browser comes back to:
    the state's ten minutes are counted on the database's clock, which both share."""
    behind = utcnow() - timedelta(hours=1)
    monkeypatch.setattr("bot.crm.connect_handlers.utcnow", lambda: behind, raising=False)
    link = link_of(slack.command("crm connect zoho", user_id=ADMIN).json())
    page = httpx.get(link, follow_redirects=True, timeout=10)
    assert page.status_code == 200 and "Zoho CRM is connected" in page.text
