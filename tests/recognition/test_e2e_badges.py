"""Rep of the month over the emulator: a manager's suggestions (attainment, check-in streak, kudos), the
choice made once, the announcement in the recognition channel with the vendor named (escaped), and the
badge on the rep's Home."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.recognition.models import Badge
from bot.roster.models import Member
from bot.roster.service import add_vendor
from tests.recognition.support import CHANNEL, TEAM, goals, kudos, team
from tests.support.app_server import AppServer
from tests.support.e2e import at
from tests.support.home import opened, texts
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


def choose(slack: SlackPeer, message: dict[str, Any], *, user_id: str, rank: int = 1) -> None:
    """Press **Choose** beside the `rank`-th suggestion (a section's accessory)."""
    button = message["blocks"][rank]["accessory"]
    response = slack.block_action(
        user_id=user_id,
        action_id=button["action_id"],
        value=button["value"],
        message=message,
        channel_id="C0GENERAL",
    )
    assert response.status == 200


def vendor_of(app_server: AppServer, user_id: str, name: str) -> None:
    with app_server.session_factory.begin() as session:
        vendor = add_vendor(session, team_id=TEAM, name=name, contact_user_id=None)
        session.scalars(select(Member).where(Member.user_id == user_id)).one().vendor_id = vendor.id


def test_a_manager_chooses_the_rep_of_the_month_once_and_it_is_announced(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    goals(app_server, {REP_EN: [10] * 5, REP_LA: [12, 12, 12]})
    vendor_of(app_server, REP_EN, "Acme & <Sons>")
    app_server.clock.set(at(20, month=11))
    kudos(slack, f"<@{REP_EN}|rita> 30 saved the <Big> account", user_id=BEN)
    app_server.clock.set(at(10))
    answer = slack.command("kudos badge", user_id=MARIA).json()
    assert answer["text"].startswith("🏅 *Rep of the month, Nov 2026*: the suggestions")
    lines = [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"][1:]
    assert lines[0] == (
        f"1. <@{REP_EN}> (Acme &amp; &lt;Sons&gt;): attainment 100%, a 5-week check-in streak, "
        "30 points of kudos"
    )
    assert lines[1].startswith(f"2. <@{REP_LA}> (—): attainment ")
    assert "a 0-week check-in streak, 0 points of kudos" in lines[1]
    assert "Only Pacer admins or managers" in slack.command("kudos badge", user_id=REP_EN).json()["text"]
    choose(slack, answer, user_id=MARIA)
    done = wait_for(lambda: emulator.responses, what="the choice's answer")
    assert (
        done[0][1]["text"]
        == f"🏅 <@{REP_EN}> is your rep of the month for Nov 2026: announced in <#{CHANNEL}>."
    )
    posted = wait_for(
        lambda: emulator.messages.get(CHANNEL, [])[1:] and emulator.messages[CHANNEL], what="the announcement"
    )
    assert posted[-1]["text"] == (
        f"🏅 *Rep of the month, Nov 2026*: <@{REP_EN}> (Acme &amp; &lt;Sons&gt;), chosen by <@{MARIA}>. "
        "Congratulations!"
    )
    choose(slack, answer, user_id=MARIA)  # a double tap: the same answer, nothing more
    wait_for(lambda: len(emulator.responses) == 2, what="the answer again")
    assert emulator.responses[1][1]["text"] == done[0][1]["text"]
    choose(slack, answer, user_id=MARIA, rank=2)  # another rep for the same month: refused
    wait_for(lambda: len(emulator.responses) == 3, what="the refusal")
    assert emulator.responses[2][1]["text"] == f"The rep of the month is already chosen: <@{REP_EN}>."
    assert len(emulator.messages[CHANNEL]) == 2
    with app_server.session_factory() as session:
        assert len(session.scalars(select(Badge)).all()) == 1
    assert "🏅 Rep of the month, Nov 2026" in texts(opened(slack, emulator, REP_EN))


def test_another_managers_team_is_not_theirs_to_choose(slack: SlackPeer, app_server: AppServer) -> None:
    team(slack, app_server)
    goals(app_server, {REP_EN: [10] * 5})
    answer = slack.command("kudos badge", user_id=MARIA).json()
    choose(slack, answer, user_id=BEN)  # Ben presses Maria's button
    assert (
        "Only the team's manager or an admin"
        in wait_for(lambda: slack.emulator.responses, what="the refusal")[0][1]["text"]
    )


def test_an_admin_chooses_for_a_vendors_reps(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    goals(app_server, {REP_EN: [10] * 5, REP_LA: [10] * 5})
    vendor_of(app_server, REP_LA, "Northwind")
    assert (
        "Northwind" in slack.command("kudos badge vendor Nowhere", user_id=ADMIN).json()["text"]
    )  # known ones
    answer = slack.command("kudos badge vendor northwind", user_id=ADMIN).json()
    lines = [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"][1:]
    assert len(lines) == 1 and lines[0].startswith(f"1. <@{REP_LA}> (Northwind)")
    choose(slack, answer, user_id=ADMIN)
    posted = wait_for(lambda: emulator.messages.get(CHANNEL), what="the announcement")
    assert posted[0]["text"].startswith(
        f"🏅 *Rep of the month, Nov 2026*: <@{REP_LA}> (Northwind), chosen by"
    )
    with app_server.session_factory() as session:
        assert session.scalars(select(Badge.scope)).one().startswith("vendor:")


def test_a_manager_chooses_for_their_reps_of_a_vendor(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    goals(app_server, {REP_EN: [10] * 5, REP_LA: [10] * 5})
    vendor_of(app_server, REP_LA, "Northwind")
    answer = slack.command("kudos badge vendor northwind", user_id=MARIA).json()
    lines = [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"][1:]
    assert len(lines) == 1 and lines[0].startswith(f"1. <@{REP_LA}> (Northwind)")
    choose(slack, answer, user_id=MARIA)
    posted = wait_for(lambda: emulator.messages.get(CHANNEL), what="the announcement")
    assert posted[0]["text"].startswith(f"🏅 *Rep of the month, Nov 2026*: <@{REP_LA}> (Northwind)")
    with app_server.session_factory() as session:
        maria = session.scalars(select(Member).where(Member.user_id == MARIA)).one()
        badge = session.scalars(select(Badge)).one()
        assert badge.scope == f"vendor:{badge.vendor_id}:{maria.id}"
    choose(slack, answer, user_id=BEN)  # another manager: not theirs
    wait_for(
        lambda: [p for _, p in emulator.responses if "Only the team's manager or an admin" in p["text"]],
        what="the refusal",
    )


def test_private_kudos_do_not_count_in_the_suggestions(slack: SlackPeer, app_server: AppServer) -> None:
    """As on the leaderboard: the manager reading the suggestions must not learn who was thanked privately."""
    team(slack, app_server)
    goals(app_server, {REP_EN: [10] * 5, REP_LA: [10] * 5})
    app_server.clock.set(at(20, month=11))
    kudos(slack, f"<@{REP_EN}|rita> 30 thanks for the quiet help private", user_id=BEN)
    kudos(slack, f"<@{REP_LA}|sam> 10 great demo", user_id=BEN)
    app_server.clock.set(at(10))
    answer = slack.command("kudos badge", user_id=MARIA).json()
    lines = [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"][1:]
    rita = next(line for line in lines if f"<@{REP_EN}>" in line)
    assert rita.endswith(", 0 points of kudos"), rita
    assert lines[0].startswith(f"1. <@{REP_LA}>") and lines[0].endswith(", 10 points of kudos")
