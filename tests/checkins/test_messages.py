"""Help requests from check-ins: the reps who ask in the same week are one message to their manager,
updated in place as each asks, each with their blockers and an Escalate button; the next week gets a
message of its own."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.checkins import test_e2e
from tests.checkins.test_e2e import MONDAY, _goal_id, at
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.people import MARIA, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
team = test_e2e.team  # the fixture: Maria's team of Li and Sam, each with an agreed goal


def ask_for_help(slack: SlackPeer, app_server: AppServer, rep: str, blockers: str) -> None:
    view = slack.open_modal("checkin", user_id=rep)
    goal_id = _goal_id(app_server, rep)
    answers = {
        f"result:{goal_id}": "3",
        f"confidence:{goal_id}": "off_track",
        f"blockers:{goal_id}": blockers,
        "help": ["yes"],
    }
    assert slack.view_submission(view, answers, user_id=rep).status == 200


def to_maria(emulator: SlackEmulator, method: str) -> int:
    """Maria's help messages by `method` (the goals' batch summary from the setup may still come in)."""
    return len(
        [
            c
            for c in emulator.calls_to(method)
            if c.params.get("channel") in {MARIA, "D" + MARIA} and "asked for your help" in str(c.params)
        ]
    )


def help_dms(emulator: SlackEmulator) -> list[dict[str, Any]]:
    return [m for m in dms(emulator, MARIA) if "asked for your help" in m["text"]]


def test_help_requests_of_a_week_are_one_message(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.clock.set(at(10))
    ask_for_help(team, app_server, REP_ZH, "The customer's legal review is stuck")
    wait_for(lambda: [m for m in dms(emulator, MARIA) if "1 asked for your help" in m["text"]], what="one")
    ask_for_help(team, app_server, REP_LA, "No <demo> units left")
    (both,) = wait_for(
        lambda: [m for m in dms(emulator, MARIA) if "2 asked for your help" in m["text"]], what="both"
    )
    assert f"<@{REP_ZH}>, <@{REP_LA}>" in both["text"]
    assert (
        "The customer's legal review is stuck" in both["text"]
        and "No &lt;demo&gt; units left" in both["text"]
    )
    assert (to_maria(emulator, "chat.postMessage"), len(help_dms(emulator))) == (1, 1)
    assert to_maria(emulator, "chat.update") >= 1
    escalate = [b for b in both["blocks"] if b["type"] == "actions"]
    assert [b["elements"][0]["action_id"] for b in escalate] == ["escalate", "escalate"]
    modal = team.opened_view(team.click(both, "escalate", user_id=MARIA, channel_id="D" + MARIA))
    assert modal["callback_id"] == "escalation"

    app_server.clock.set(at(10, day=date.fromordinal(MONDAY.toordinal() + 7)))  # a week later
    ask_for_help(team, app_server, REP_ZH, "Still stuck")
    wait_for(lambda: len(help_dms(emulator)) == 2, what="the next week's message")
    assert "1 asked for your help" in help_dms(emulator)[1]["text"]
    assert "2 asked for your help" in help_dms(emulator)[0]["text"]  # last week's is left as it was
