"""`/pacer crm map` over HTTP: the ack lists the CRM users no member is matched to straight from the
database, with no Slack call before it (a `users.info` per member would outlast Slack's 3 seconds in a
workspace of any size); the Slack emails are tried after the ack, and who they matched is said through
the response URL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from bot.audit.models import AuditEvent
from bot.crm import owners
from bot.crm.integrations.base import Owner
from bot.crm.integrations.models import CrmOwner, Provider
from bot.roster.models import Member
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
LOOKUP_STALL = 1.5  # seconds each users.info is answered after: one before the ack would show in its time


def test_the_map_list_comes_in_the_ack_and_the_email_match_after_it(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    for user_id in (ADMIN, REP_EN, REP_ZH):  # members of Pacer (each one's users.info done here)
        assert slack.command("help", user_id=user_id).status == 200
    emulator.users[REP_EN]["profile"]["email"] = "Rita@crm.example"
    with app_server.session_factory.begin() as session:
        listed = [Owner("z1", "rita@crm.example", "Rita Rep"), Owner("z2", "nobody@crm.example", "No Body")]
        owners.remember(session, "T0000001", Provider.ZOHO, listed)
    looked_up = len(emulator.calls_to("users.info"))
    emulator.stall_next("users.info", LOOKUP_STALL, count=3)

    started = time.monotonic()
    response = slack.command("crm map", user_id=ADMIN)
    took = time.monotonic() - started
    ack = response.json()
    assert response.status == 200 and took < LOOKUP_STALL  # so no users.info call came before the ack
    assert "2 CRM users are not matched" in ack["text"]
    assert "rita@crm.example" in str(ack["blocks"]) and "nobody@crm.example" in str(ack["blocks"])

    later = wait_for(
        lambda: [p for url, p in emulator.responses if url == response.response_url], what="the follow-up"
    )
    assert "1 of them were matched" in later[0]["text"]
    assert "nobody@crm.example" in str(later[0]["blocks"]) and "rita@crm.example" not in str(later[0])
    lookups = [c.params.get("user") for c in emulator.calls_to("users.info")[looked_up:]]
    assert {REP_EN, REP_ZH} <= set(lookups)
    with app_server.session_factory() as session:
        assert session.scalars(select(CrmOwner.external_id).where(CrmOwner.member_id.is_not(None))).all() == [
            "z1"
        ]

    by_hand = slack.command(f"crm map nobody@crm.example <@{REP_ZH}|li>", user_id=ADMIN).json()
    assert REP_ZH in by_hand["text"]
    with app_server.session_factory() as session:
        admin = session.scalars(select(Member.id).where(Member.user_id == ADMIN)).one()
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "crm.map")).all()
    assert sorted((e.subject, e.actor_id, e.details) for e in events) == [
        (REP_ZH, admin, {"provider": "zoho", "owner": "z2"}),
        ("by email", admin, {"matched": 1}),
    ]
