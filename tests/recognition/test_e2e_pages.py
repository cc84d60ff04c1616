"""Where kudos show, over the emulator: the rep's Home tab (what is left to give, the kudos received this
month, badges) and the weekly digest's shout-outs (public kudos only)."""

from __future__ import annotations

import pytest

from tests.recognition.support import goals, kudos, stored, team
from tests.support.app_server import AppServer
from tests.support.e2e import at
from tests.support.home import opened, texts
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
RITA, SAM = f"<@{REP_EN}|rita>", f"<@{REP_LA}|sam>"


def test_the_home_tab_shows_kudos_received_and_whats_left(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    kudos(slack, f"{RITA} 30 the <b>best</b> demo", user_id=MARIA)
    kudos(slack, f"{RITA} 5 thanks private", user_id=REP_LA)
    kudos(slack, f"{SAM} 10 great call", user_id=REP_EN)
    shown = texts(opened(slack, emulator, REP_EN))
    assert "🎉 *Recognition*" in shown
    assert "You have 90 points of 100 points left this month" in shown
    assert "This month you received 2 kudos, 35 points in all:" in shown
    assert f"<@{MARIA}> → <@{REP_EN}>, 30 points: “the &lt;b&gt;best&lt;/b&gt; demo”" in shown
    assert f"<@{REP_LA}> → <@{REP_EN}>, 5 points: “thanks”" in shown  # their own private kudos: shown to them


def test_the_new_month_resets_the_allowance_in_the_givers_zone(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    app_server.clock.set(at(31, hour=20))  # Dec 31, 21:00 in Berlin (Rita), 15:00 in New York (Maria)
    kudos(slack, f"{SAM} 40 good year", user_id=REP_EN)
    kudos(slack, f"{SAM} 40 good year too", user_id=MARIA)
    app_server.clock.set(at(31, hour=23, minute=30))  # Jan 1 in Berlin, still Dec 31 in New York
    rita = kudos(slack, f"{SAM} 40 new year, new deals", user_id=REP_EN)
    assert "You have 60 points of 100 points left this month; your allowance resets on Feb 1" in rita
    maria = kudos(slack, f"{RITA} 10 last one this year", user_id=MARIA)
    assert "You have 50 points of 100 points left this month; your allowance resets on Jan 1" in maria


def test_the_digest_shows_the_weeks_public_kudos_as_shout_outs(
    slack: SlackPeer, app_server: AppServer
) -> None:
    team(slack, app_server)
    goals(app_server, {REP_EN: [10, 10, 10, 10, 10], REP_LA: [5, 5, 5, 5, 5]})
    app_server.clock.set(at(3))
    kudos(slack, f"{RITA} 25 closed <Acme>", user_id=BEN)
    kudos(slack, f"{SAM} 7 secret thanks private", user_id=REP_EN)
    app_server.clock.set(at(10))
    kudos(slack, f"{SAM} 9 not last week", user_id=BEN)
    preview = slack.command("digest preview", user_id=MARIA).json()
    shown = "\n".join(b["text"]["text"] for b in preview["blocks"] if b["type"] == "section")
    assert f"🎉 *Shout-outs this week*\n<@{BEN}> → <@{REP_EN}>, 25 points: “closed &lt;Acme&gt;”" in shown
    assert "secret" not in shown and "not last week" not in shown


def test_kudos_alone_shows_whats_left_and_the_top_five(slack: SlackPeer, app_server: AppServer) -> None:
    team(slack, app_server)
    assert "No kudos yet this month." in slack.command("kudos", user_id=REP_EN).json()["text"]
    kudos(slack, f"{SAM} 30 great call", user_id=MARIA)
    kudos(slack, f"{RITA} 10 nice", user_id=MARIA)
    kudos(slack, f"{SAM} 1 thanks", user_id=REP_EN)
    shown = slack.command("kudos", user_id=REP_EN).json()["text"]
    assert shown.startswith("You have 99 points of 100 points left this month")
    assert (
        f"🏆 *Most recognised in Dec 2026* (top five)\n1. <@{REP_LA}>, 31 points\n2. <@{REP_EN}>, 10 points"
        in shown
    )


def test_an_admin_reviews_held_kudos_on_the_home_tab(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    kudos(slack, f"{SAM} 5 thanks for the help", user_id=REP_EN)
    kudos(slack, f"{RITA} 5 thanks for the help", user_id=REP_LA)  # not the same giver: accepted
    held = kudos(slack, f"<@{BEN}|ben> 5 Thanks for the help!", user_id=REP_EN)
    assert "held for an admin's review" in held
    home = opened(slack, emulator, ADMIN)
    assert "⏸️ Held for your review: the giver already used the same reason this month." in texts(home)
    approve = next(
        element
        for block in home["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "recognition_approve"
    )
    slack.block_action(user_id=ADMIN, action_id="recognition_approve", value=approve["value"], view=home)
    wait_for(
        lambda: "Held for your review" not in texts(emulator.home_tabs[ADMIN]), what="the Home refreshed"
    )
    assert [status for _, status, _ in stored(app_server)] == ["accepted", "accepted", "accepted"]
    assert "Held for your review" not in texts(opened(slack, emulator, REP_EN))  # only admins see holds
