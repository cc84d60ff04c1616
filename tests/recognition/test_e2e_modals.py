"""The "Give kudos" message shortcut (its modal filled in with the message's author and a quote; refusals
under their fields; a double submission gives once) and `/pacer setup recognition` (field errors, admins
only), over the emulator."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from bot.recognition.models import RecognitionSettings
from tests.recognition.support import CHANNEL, TEAM, stored, team
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA, REP_EN, REP_LA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


def shortcut(slack: SlackPeer, message: dict[str, Any], *, user_id: str) -> dict[str, Any]:
    """`user_id` picks "Give kudos" on `message`; the modal Pacer opened."""
    response = slack._interaction(
        "message_action",
        user_id,
        callback_id="give_kudos",
        message=message,
        message_ts=message["ts"],
        channel={"id": "C0GENERAL", "name": "general"},
        response_url=slack.emulator.new_response_url(),
    )
    assert response.status == 200
    return slack.opened_view(response)


MESSAGE = {"type": "message", "user": REP_EN, "ts": "1765000000.000100", "text": "Fixed the *demo* <!here>"}


def test_the_shortcut_opens_a_filled_modal_and_gives_once(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server, kudos_values="teamwork,grit", value_required=True)
    view = shortcut(slack, MESSAGE, user_id=MARIA)
    receiver = next(b for b in view["blocks"] if b.get("block_id") == "kudos_receiver")
    assert receiver["element"]["initial_user"] == REP_EN
    quote = view["blocks"][0]["text"]["text"]
    assert quote == f"For <@{REP_EN}>'s message:\n> Fixed the *demo* &lt;!here&gt;"
    reason = next(b for b in view["blocks"] if b.get("block_id") == "kudos_reason")
    assert reason["element"]["initial_value"] == "Fixed the *demo* <!here>"
    refused = slack.view_submission(view, {"kudos_points": "-3", "kudos_value": "grit"}, user_id=MARIA).json()
    assert refused == {
        "response_action": "errors",
        "errors": {"kudos_points": "Points can't be negative: give a whole number from 1 up."},
    }
    no_value = slack.view_submission(view, {"kudos_points": "15"}, user_id=MARIA).json()
    assert no_value["errors"] == {
        "kudos_value": "Name a value with a hashtag. The values here: #teamwork, #grit"
    }
    answers = {"kudos_points": "15", "kudos_value": "grit"}
    assert slack.view_submission(view, answers, user_id=MARIA).status == 200
    assert slack.view_submission(view, answers, user_id=MARIA).status == 200  # a double submission
    posted = wait_for(lambda: emulator.messages.get(CHANNEL), what="the kudos posted")
    assert (
        posted[0]["text"]
        == f"🎉 *Kudos!*\n<@{MARIA}> → <@{REP_EN}>, 15 points: “Fixed the *demo* &lt;!here&gt;” #grit"
    )
    assert stored(app_server) == [(15, "accepted", "Fixed the *demo* <!here>")]
    told = wait_for(lambda: emulator.responses, what="the giver's answer")
    assert told[0][1]["text"].startswith(f"🎉 Kudos sent: 15 points to <@{REP_EN}>")


def test_the_shortcut_on_your_own_message_leaves_the_receiver_to_choose(
    slack: SlackPeer, app_server: AppServer
) -> None:
    team(slack, app_server)
    view = shortcut(slack, {**MESSAGE, "user": MARIA}, user_id=MARIA)
    receiver = next(b for b in view["blocks"] if b.get("block_id") == "kudos_receiver")
    assert "initial_user" not in receiver["element"]
    refused = slack.view_submission(view, {"kudos_receiver": MARIA}, user_id=MARIA).json()
    assert refused["errors"] == {"kudos_receiver": "You can't give kudos to yourself."}
    assert slack.view_submission(view, {"kudos_receiver": REP_LA}, user_id=MARIA).status == 200
    given = wait_for(lambda: stored(app_server), what="the kudos given after the ack")
    assert given[0][:2] == (10, "accepted")


def settings(app_server: AppServer) -> tuple[int, str, bool, str | None]:
    with app_server.session_factory() as session:
        row = session.scalars(select(RecognitionSettings).where(RecognitionSettings.team_id == TEAM)).one()
        return row.allowance, row.kudos_values, row.value_required, row.channel_id


def test_setup_recognition_shows_field_errors_then_saves(slack: SlackPeer, app_server: AppServer) -> None:
    team(slack, app_server)
    assert "Only Pacer admins may run" in slack.command("setup recognition", user_id=MARIA).json()["text"]
    view = slack.open_modal("setup recognition", user_id=ADMIN)
    bad = {
        "recognition_allowance": "-4",
        "recognition_values": "great*work, ok",
        "recognition_value_required": "yes",
    }
    errors = slack.view_submission(view, bad, user_id=ADMIN).json()["errors"]
    assert errors == {
        "recognition_allowance": "Write a whole number of points from 1 to 10000.",
        "recognition_values": "Write at most 12 values, each one word (no spaces), separated by commas.",
    }
    good = {
        "recognition_allowance": "250",
        "recognition_values": "#Teamwork, grit",
        "recognition_value_required": "yes",
    }
    assert slack.view_submission(view, good, user_id=ADMIN).status == 200
    assert settings(app_server) == (250, "teamwork,grit", True, CHANNEL)
    view = slack.open_modal("setup recognition", user_id=ADMIN)
    shown = {b.get("block_id"): b.get("element", {}) for b in view["blocks"]}
    assert shown["recognition_allowance"]["initial_value"] == "250"
    assert shown["recognition_channel"]["initial_conversation"] == CHANNEL


def test_kudos_answer_slack_before_asking_slack_about_a_new_receiver(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """A receiver Pacer has not seen is looked up with users.info, which can be slow: the modal and
    the command are acknowledged first (Slack allows 3 s), and the kudos given after."""
    team(slack, app_server)
    emulator.add_user("UNEWREP", name="nina", real_name="Nina New")
    view = shortcut(slack, {**MESSAGE, "user": "UNEWREP"}, user_id=MARIA)
    emulator.stall_next("users.info", 1.6)
    started = time.monotonic()
    response = slack.view_submission(view, {"kudos_points": "15"}, user_id=MARIA)
    assert response.status == 200 and time.monotonic() - started < 1.2
    wait_for(lambda: len(stored(app_server)) == 1, what="the kudos given after the ack", timeout=10)

    emulator.add_user("UNEWTOO", name="nora", real_name="Nora New")
    emulator.stall_next("users.info", 1.6)
    started = time.monotonic()
    command = slack.command("kudos <@UNEWTOO|nora> 5 great call", user_id=MARIA)
    assert command.status == 200 and time.monotonic() - started < 1.2
    told = wait_for(
        lambda: [p for url, p in emulator.responses if url == command.response_url], what="answer", timeout=10
    )
    assert told[0]["text"].startswith("🎉 Kudos sent: 5 points to <@UNEWTOO>")
    refused = slack.command("kudos <@UNEWTOO|nora> -5 nope", user_id=MARIA).json()
    assert refused["text"].startswith("Points can't be negative")  # cheap checks still answer in the ack
