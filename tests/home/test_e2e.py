"""The Home tab per role, published on app_home_opened and again when the data behind it changes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.checkins.models import Confidence
from bot.roster.models import Role
from bot.workspaces.models import Workspace
from tests.factories import member, rep_with_goal
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
WEEK = date(2026, 11, 30)


def seed(app_server: AppServer, emulator: SlackEmulator) -> None:
    app_server.clock.set(datetime(2026, 12, 7, 10, tzinfo=UTC))  # Monday: last week's check-ins are open
    with app_server.session_factory.begin() as session:
        session.add(Workspace(team_id="T0000001", digest_channel_id="C0DIGEST"))
        session.flush()
        boss = member(session, MARIA, role=Role.MANAGER)
        for n, result in enumerate((12, 4)):
            rep_with_goal(
                session,
                f"UH{n}",
                boss,
                None,
                {WEEK - timedelta(days=7): 10, WEEK: 10},
                {WEEK - timedelta(days=7): (result, Confidence.ON_TRACK, False, "")},
            )
            emulator.add_user(f"UH{n}", name=f"rep{n}")


def opened(slack: SlackPeer, emulator: SlackEmulator, user_id: str) -> dict[str, Any]:
    before = len(emulator.calls_to("views.publish"))
    assert (
        slack.event(
            {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home"}
        ).status
        == 200
    )
    calls = wait_for(lambda: emulator.calls_to("views.publish")[before:], what="views.publish")
    assert calls[-1].response["ok"], calls[-1].response
    return dict(emulator.home_tabs[user_id])


def texts(view: dict[str, Any]) -> str:
    return "\n".join(str(b.get("text", {}).get("text", "")) for b in view["blocks"])


def test_each_role_gets_its_home(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    seed(app_server, emulator)
    rep = opened(slack, emulator, "UH0")
    assert "Your check-in for week 49" in texts(rep) and "Accounts opened this quarter" in texts(rep)
    # Slack's date formatting (each reader's own zone); the fallback in the rep's zone, no zone's name.
    nudge = (
        "Next check-in nudge: <!date^1797238800^{date_short_pretty} at {time}|Mon, Dec 14 at 9:00\u202fAM>"
    )
    shown = json.dumps(rep["blocks"], ensure_ascii=False)
    assert nudge in shown and "UTC" not in shown
    assert any(b.get("accessory", {}).get("action_id") == "checkin_open" for b in rep["blocks"])
    manager = opened(slack, emulator, MARIA)
    assert (
        "📋 Your team, week 49" in texts(manager)
        and "<@UH0>" in texts(manager)
        and "<@UH1>" in texts(manager)
    )
    actions = [
        e.get("action_id")
        for b in manager["blocks"]
        for e in [*b.get("elements", []), b.get("accessory", {})]
    ]
    assert "home_post_digest" in actions and actions.count("home_new_goal") == 2
    admin = opened(slack, emulator, ADMIN)
    assert "Digest: <#C0DIGEST>" in texts(admin)
    assert any(b.get("accessory", {}).get("action_id") == "home_setup" for b in admin["blocks"])
    assert "UH1" not in texts(rep)  # a rep's home shows only their own goals


def test_new_goal_from_the_home_tab(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    seed(app_server, emulator)
    manager = opened(slack, emulator, MARIA)
    (row,) = [b for b in manager["blocks"] if "accessory" in b and "<@UH1>" in b["text"]["text"]]
    click = slack.block_action(
        user_id=MARIA, action_id="home_new_goal", value=row["accessory"]["value"], view=manager
    )
    view = slack.opened_view(click)
    assert view["callback_id"] == "goal" and "<@UH1>" in view["blocks"][0]["text"]["text"]
    refused = slack.block_action(
        user_id="UH0", action_id="home_new_goal", value=row["accessory"]["value"], view=manager
    )
    assert refused.status == 200
    told = wait_for(lambda: emulator.messages.get("DUH0"), what="the refusal")
    assert "Reps can only propose goals for themselves" in told[-1]["text"]


def test_a_check_in_refreshes_the_homes(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, emulator)
    home = opened(slack, emulator, "UH0")
    before = len(emulator.calls_to("views.publish"))
    (button,) = [
        b["accessory"] for b in home["blocks"] if b.get("accessory", {}).get("action_id") == "checkin_open"
    ]
    view = slack.opened_view(
        slack.block_action(user_id="UH0", action_id="checkin_open", value=button["value"], view=home)
    )
    goal_block = next(b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("result:"))
    goal_id = goal_block.split(":")[1]
    assert (
        slack.view_submission(
            view, {goal_block: "11", f"confidence:{goal_id}": "on_track"}, user_id="UH0"
        ).status
        == 200
    )
    published = wait_for(
        lambda: (
            {c.params["user_id"] for c in emulator.calls_to("views.publish")[before:]} >= {"UH0", MARIA}
            or None
        ),
        what="both homes to refresh",
    )
    assert published
    assert "You've checked in for week 49" in texts(emulator.home_tabs["UH0"])
