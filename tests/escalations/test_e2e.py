"""Escalations over HTTP: a manager escalates to the vendor's contact, who acknowledges (once) and
resolves; who sees which; the re-send after two working days and its flag in the next digest."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.escalations.models import Escalation, EscalationEvent, EscalationStatus
from bot.roster.models import Vendor
from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
VENDOR = "UVENDOR"
ANSWERS = {"severity": "high", "involve_vendor": ["yes"]}


@pytest.fixture
def team(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    emulator.add_user(VENDOR, name="vera", real_name="Vera Vendor", tz="Asia/Shanghai", locale="zh-CN")
    emulator.add_channel("C0VENDOR", "acme-shared")
    app_server.clock.set(at(7, 10))  # a Monday
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"manager add <@{BEN}|ben>", user_id=ADMIN)
    slack.command(f"vendor add Acme <@{VENDOR}|vera>", user_id=MARIA)
    slack.command(f"team add <@{REP_ZH}|li> <@{REP_LA}|sam> vendor Acme", user_id=MARIA)
    slack.command(f"team add <@{REP_EN}|rita>", user_id=BEN)
    return slack


def escalate(slack: SlackPeer, rep: str, text: str, **answers: Any) -> dict[str, Any]:
    view = slack.open_modal(f"escalate <@{rep}|x> {text}", user_id=MARIA)
    return slack.view_submission(view, ANSWERS | answers, user_id=MARIA).json()


def events(app_server: AppServer) -> list[str]:
    with app_server.session_factory() as session:
        return list(session.scalars(select(EscalationEvent.action).order_by(EscalationEvent.id)))


def test_escalation_to_the_vendor_contact(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view = team.open_modal(f"escalate <@{REP_ZH}|li> Customer complaints about late visits", user_id=MARIA)
    description = next(b for b in view["blocks"] if b["block_id"] == "description")
    assert description["element"]["initial_value"] == "Customer complaints about late visits"
    bad = team.view_submission(view, ANSWERS | {"description": None}, user_id=MARIA).json()
    assert set(bad["errors"]) == {"description"}
    assert team.view_submission(view, ANSWERS, user_id=MARIA).json() == {}
    message = wait_for(lambda: dms(emulator, VENDOR), what="the vendor's DM")[-1]
    assert "升级" in message["text"] and "Customer complaints" in message["text"]  # Vera reads Chinese

    # Who sees what. (The id is the database's: other tests may have used #1 on PostgreSQL.)
    with app_server.session_factory() as session:
        number = f"#{session.scalars(select(Escalation.id)).one()}"
    assert number in team.command("escalations", user_id=VENDOR).json()["text"]
    assert number in team.command("escalations", user_id=ADMIN).json()["text"]
    assert number in team.command("escalations", user_id=MARIA).json()["text"]
    assert "No open escalations" in team.command("escalations", user_id=BEN).json()["text"]
    assert "Only managers" in team.command("escalations", user_id=REP_EN).json()["text"]
    assert "not on your team" in team.command(f"escalate <@{REP_EN}|rita> late", user_id=MARIA).json()["text"]

    # Acknowledge twice: recorded once, Maria told once; then resolved. A stranger can't click.
    stranger = team.click(message, "escalation_ack", user_id=REP_EN, channel_id="D" + VENDOR)
    wait_for(lambda: [p for url, p in emulator.responses if url == stranger.response_url], what="the refusal")
    assert events(app_server) == ["opened", "sent"]  # a stranger's click changed nothing
    for _ in range(2):
        assert team.click(message, "escalation_ack", user_id=VENDOR, channel_id="D" + VENDOR).status == 200
    wait_for(lambda: "acknowledged" in events(app_server), what="the acknowledgement")
    notices = wait_for(
        lambda: [m for m in dms(emulator, MARIA) if f"acknowledged escalation {number}" in m["text"]],
        what="notice",
    )
    team.click(message, "escalation_resolve", user_id=VENDOR, channel_id="D" + VENDOR)
    wait_for(lambda: "resolved" in events(app_server), what="the resolution")
    assert events(app_server) == ["opened", "sent", "acknowledged", "resolved"] and len(notices) == 1
    assert "没有未关闭的升级" in team.command("escalations", user_id=VENDOR).json()["text"]


def test_a_vendor_without_contact_is_a_field_error(team: SlackPeer, app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        session.scalars(select(Vendor)).one().contact_user_id = None
    answer = escalate(team, REP_ZH, "late")
    assert list(answer["errors"]) == ["involve_vendor"]
    assert escalate(team, REP_ZH, "late", involve_vendor=[]) == {}  # without the vendor it is fine


def test_unanswered_escalations_are_resent_once_and_flagged_in_the_digest(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    with app_server.session_factory.begin() as session:
        session.scalars(select(Vendor)).one().channel_id = "C0VENDOR"  # the shared channel wins
        session.get_one(Workspace, "T0000001").digest_channel_id = "C0DIGEST"
    assert escalate(team, REP_LA, "Sam's visits are not logged") == {}
    wait_for(lambda: emulator.messages.get("C0VENDOR"), what="the post in the shared channel")
    assert dms(emulator, VENDOR) == []
    assert app_server.run_job("escalation-resends", at(8, 12))[0].startswith(
        "escalation-resends: 0 escalations"
    )
    assert "1 escalations re-sent" in app_server.run_job("escalation-resends", at(9, 10, 5))[0]
    assert len(wait_for(lambda: emulator.messages.get("C0VENDOR", [])[1:], what="the re-send")) == 1
    assert "0 escalations re-sent" in app_server.run_job("escalation-resends", at(10, 10))[0]
    assert "re-sent" in team.command("escalations", user_id=MARIA).json()["text"]
    # The next digest (Monday 16:00) gets a reply listing it.
    app_server.run_job("weekly-digest", at(14, 16, 1))
    assert "1 flagged" in app_server.run_job("escalation-resends", at(14, 16, 5))[0]
    flagged = wait_for(
        lambda: [m for m in emulator.messages.get("C0DIGEST", []) if "unanswered by the vendor" in m["text"]],
        what="the digest flag",
    )
    assert flagged[0].get("thread_ts")
    assert "0 flagged" in app_server.run_job("escalation-resends", at(14, 16, 10))[0]
    with app_server.session_factory() as session:
        assert session.scalars(select(Escalation)).one().status is EscalationStatus.OPEN


def test_a_vendor_contact_sees_only_their_own_reps(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    emulator.add_user("UGLOBEX", name="gina", real_name="Gina Globex")
    team.command("vendor add Globex <@UGLOBEX|gina>", user_id=BEN)
    team.command(f"team add <@{REP_EN}|rita> vendor Globex", user_id=BEN)
    assert escalate(team, REP_ZH, "Acme's rep missed three visits") == {}
    view = team.open_modal(f"escalate <@{REP_EN}|rita> Globex invoices are wrong", user_id=BEN)
    assert team.view_submission(view, ANSWERS, user_id=BEN).json() == {}
    acme_message = wait_for(lambda: dms(emulator, VENDOR), what="Acme's DM")[-1]
    wait_for(lambda: dms(emulator, "UGLOBEX"), what="Globex's DM")
    acme_list = team.command("escalations", user_id=VENDOR).json()["text"]
    globex_list = team.command("escalations", user_id="UGLOBEX").json()["text"]
    assert "missed three visits" in acme_list and "invoices" not in acme_list
    assert "invoices" in globex_list and "missed three visits" not in globex_list
    # Globex's contact cannot acknowledge Acme's escalation.
    click = team.click(acme_message, "escalation_ack", user_id="UGLOBEX", channel_id="D" + VENDOR)
    wait_for(lambda: [p for url, p in emulator.responses if url == click.response_url], what="the refusal")
    with app_server.session_factory() as session:
        statuses = {d: s for d, s in session.execute(select(Escalation.description, Escalation.status))}
    assert statuses["Acme's rep missed three visits"] is EscalationStatus.OPEN


def test_an_escalation_answered_after_it_was_found_due_is_not_resent(
    team: SlackPeer, app_server: AppServer
) -> None:
    """The job finds what is due, then re-sends each in a unit of its own: an escalation the vendor
    acknowledged in between is left alone."""
    from bot.escalations import jobs, service

    assert escalate(team, REP_LA, "Sam's visits are not logged") == {}
    with app_server.session_factory.begin() as session:
        (escalation,) = [e for e, _, _ in service.due_resends(session, now=at(9, 10, 5))]
        escalation.status = EscalationStatus.ACKNOWLEDGED  # the vendor answers meanwhile
    with app_server.session_factory.begin() as session:
        assert jobs._resend(session, escalation.id, at(9, 10, 5)) == 0
        assert session.get_one(Escalation, escalation.id).resent_at is None
        assert "resent" not in session.scalars(select(EscalationEvent.action)).all()
