"""The lesson job over HTTP on both databases, without "Next lesson": after the intro and the first lesson on
a Tuesday, the second lesson comes on Thursday at 11:00 in the rep's zone and the third on the next
Tuesday; one a day, nothing before the lesson time or on other days."""

from __future__ import annotations

import pytest

from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.people import MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.training.test_e2e_flow import answer_to, everything, latest, press, ready

pytestmark = pytest.mark.e2e
__all__ = ["ready"]  # the fixture of the course flow: Maria's team, the sample courses, Monday 7 December


def test_the_next_lesson_comes_on_the_next_training_day(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    slack = ready
    answer_to(emulator, slack.command(f"train <@{REP_EN}|rita> product-basics due 2026-12-31", user_id=MARIA))
    app_server.run_job("training-lessons", at(8, 10, 5))  # Tuesday, 11:05 in Berlin
    press(slack, emulator, latest(emulator, REP_EN, 1), "training_confidence_3")
    assert "lesson 1 of 6" in everything(latest(emulator, REP_EN, 2))

    for moment in (at(8, 16), at(9, 10, 5), at(10, 9, 55)):  # later on Tuesday; Wednesday; Thursday 10:55
        app_server.run_job("training-lessons", moment)
        assert len(dms(emulator, REP_EN)) == 2, moment
    app_server.run_job("training-lessons", at(10, 10, 5))  # Thursday, 11:05 in Berlin
    assert "lesson 2 of 6" in everything(latest(emulator, REP_EN, 3))
    for moment in (at(10, 16), at(11, 10, 5), at(14, 10, 5)):  # later on Thursday; Friday; Monday
        app_server.run_job("training-lessons", moment)
        assert len(dms(emulator, REP_EN)) == 3, moment
    app_server.run_job("training-lessons", at(15, 10, 5))  # the next Tuesday
    assert "lesson 3 of 6" in everything(latest(emulator, REP_EN, 4))
