"""Hostile input to recognition over signed HTTP: numbers that are not plain points, text that tries to
ping, link or break out of the kudos line, oversized words: a one-line answer, nothing stored, and what is
posted is inert."""

from __future__ import annotations

import pytest

from tests.recognition.support import CHANNEL, kudos, stored, team
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, REP_EN, REP_LA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
SAM = f"<@{REP_LA}|sam>"


@pytest.mark.parametrize(
    ("points", "answer"),
    [
        ("٢٠ thanks", "“٢٠” is not a number of points"),  # digits of another script
        ("9" * 40, "is not a number of points"),
        ("+0", "Give at least 1 point."),
        ("-0", "Give at least 1 point."),
        ("-99999999", "is not a number of points"),
    ],
)
def test_numbers_that_are_not_points(
    slack: SlackPeer, app_server: AppServer, points: str, answer: str
) -> None:
    team(slack, app_server)
    text = kudos(slack, f"{SAM} {points}", user_id=REP_EN)
    assert answer in text and "\n" not in text
    assert stored(app_server) == []


def test_boost_and_setup_numbers(slack: SlackPeer, app_server: AppServer) -> None:
    team(slack, app_server)
    for words in ("²", "1e3", "0x10", "9" * 3000, "-5", "10 20"):
        answer = str(slack.command(f"kudos boost <@UMARIA|maria> {words}", user_id=ADMIN).json()["text"])
        assert answer.startswith("Write a whole number of points from 1 to 10000"), words
    view = slack.open_modal("setup recognition", user_id=ADMIN)
    for allowance in ("²", "٣", "1e3", "9" * 40, "\x00"):
        errors = slack.view_submission(view, {"recognition_allowance": allowance}, user_id=ADMIN).json()
        assert list(errors["errors"]) == ["recognition_allowance"], allowance


def test_text_that_tries_to_ping_or_link_is_inert(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    reason = "<!channel> <!here|here> <https://evil.example|click> &amp; ``` *bold* \u202e"
    answer = kudos(slack, f'{SAM} 5 "{reason}"', user_id=REP_EN)
    assert answer.startswith("🎉 Kudos sent")
    posted = wait_for(lambda: emulator.messages.get(CHANNEL), what="the kudos")[0]["text"]
    assert "<!" not in posted and "<http" not in posted and "&lt;!channel&gt;" in posted
    assert "\u202e" not in posted
    long = kudos(slack, f"{SAM} 5 {'x' * 600}", user_id=REP_EN)
    assert long == "The reason is too long: at most 500 characters."
