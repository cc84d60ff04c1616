"""Stale buttons say exactly what happened, over HTTP (the rest of the rules: tests/slack/test_e2e_stale.py):
a goal changed since its message, a proposal already approved, a check-in submitted after its week closed,
a goal that is gone — each in the person's language, and nothing is recorded."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.checkins.models import CheckIn
from bot.goals.models import Goal, GoalStatus
from bot.workspaces.models import Workspace
from tests.slack.test_e2e_stale import answer_to, count, elsewhere
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.goal_forms import REVENUE_GOAL as GOAL
from tests.support.people import ADMIN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
TITLE = "*Grow Q4 revenue in the east region*"


@pytest.fixture
def team(slack: SlackPeer, app_server: AppServer) -> SlackPeer:
    """As in test_e2e_stale.py: Maria's team of three; the workspace on New York time (digest Mon 16:00)."""
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_ZH}|li> <@{REP_LA}|sam> <@{REP_EN}|rita>", user_id=MARIA)
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, "T0000001").timezone = "America/New_York"
    app_server.clock.set(at(30, 0, month=11))
    return slack


def goal_of(app_server: AppServer) -> Goal:
    with app_server.session_factory() as session:
        return session.scalars(select(Goal).order_by(Goal.id.desc())).first()  # type: ignore[return-value]


def ask(slack: SlackPeer, emulator: SlackEmulator, rep: str) -> dict[str, Any]:
    """Maria sets the rep a goal; the rep's request to agree."""
    view = slack.open_modal(f"goal <@{rep}|x>", user_id=MARIA)
    assert slack.view_submission(view, GOAL, user_id=MARIA).json() == {}
    return wait_for(lambda: [m for m in dms(emulator, rep) if "goal_agree" in str(m)], what="the ask")[-1]


def test_a_goal_changed_since_its_message_says_when(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.clock.set(at(1, 15))
    old = ask(team, emulator, REP_EN)
    app_server.clock.set(at(2, 9))
    view = team.open_modal(f"goal edit {goal_of(app_server).id}", user_id=MARIA)
    assert team.view_submission(view, {"target": "140,000"}, user_id=MARIA).json() == {}
    with app_server.session_factory.begin() as session:  # the database stamps the change: as if now
        session.get_one(Goal, goal_of(app_server).id).updated_at = at(2, 9)
    pressed = team.click(old, "goal_agree", user_id=REP_EN, channel_id="D" + REP_EN)
    assert answer_to(emulator, pressed)["text"] == (
        f"{TITLE} was changed on"
        " <!date^1796202000^{date_short_pretty} at {time}|Wed, Dec 2 at 10:00\u202fAM>,"
        " after this message was sent: the newest message about it has the current target and buttons."
        " Nothing changed."
    )  # Slack shows the moment in the reader's zone; the fallback is 09:00 UTC in Berlin
    goal = goal_of(app_server)
    assert (goal.status, goal.version) == (GoalStatus.AWAITING_AGREEMENT, 2)


def test_a_proposal_already_approved_says_so_in_chinese(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.clock.set(at(1, 15))
    view = team.open_modal("goal", user_id=REP_ZH)
    assert team.view_submission(view, GOAL, user_id=REP_ZH).json() == {}
    request = wait_for(lambda: [m for m in dms(emulator, MARIA) if "goal_approve" in str(m)], what="it")[-1]
    team.click(request, "goal_approve", user_id=MARIA, channel_id="D" + MARIA)
    wait_for(lambda: goal_of(app_server).status is GoalStatus.ACTIVE, what="the approval")
    team.command("language zh", user_id=MARIA)
    again = team.click(elsewhere(request), "goal_approve", user_id=MARIA, channel_id="D" + MARIA)
    assert answer_to(emulator, again)["text"] == (
        f"{TITLE} 已于<!date^1796137200^{{date_short_pretty}} {{time}}|12月1日周二 10:00>批准，未作更改。"
    )
    # Maria is in New York


def test_a_check_in_submitted_after_its_week_closed_says_when_and_saves_nothing(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    asked = ask(team, emulator, REP_LA)
    team.click(asked, "goal_agree", user_id=REP_LA, channel_id="D" + REP_LA)
    wait_for(lambda: goal_of(app_server).status is GoalStatus.ACTIVE, what="the agreement")
    app_server.clock.set(at(7, 20))  # Monday 15:00 in New York: week 49's check-in is still open
    view = team.open_modal("checkin", user_id=REP_LA)
    app_server.clock.set(at(8, 10))  # its digest went out at 16:00 New York time
    goal_id = goal_of(app_server).id
    answers = {f"result:{goal_id}": "12000", f"confidence:{goal_id}": "on_track"}
    answer = team.view_submission(view, answers, user_id=REP_LA).json()
    assert answer["response_action"] == "push"
    assert answer["view"]["blocks"][0]["text"]["text"] == (
        "This week's check-in is closed: check-ins for week 49 (Nov 30 – Dec 6) closed on"
        " <!date^1796677200^{date_short_pretty} at {time}|Mon, Dec 7 at 1:00\u202fPM>,"
        " when its digest was posted."
        " Nothing was saved; run `/pacer checkin` for the current week."
    )  # 16:00 in New York is 13:00 for Sam in Los Angeles
    assert count(app_server, CheckIn) == 0


def test_a_goal_that_is_gone_says_so(team: SlackPeer, emulator: SlackEmulator) -> None:
    pressed = team.block_action(
        user_id=REP_EN, action_id="goal_agree", value="999999:1", channel_id="D" + REP_EN
    )
    assert answer_to(emulator, pressed)["text"] == (
        "This goal is no longer in Pacer, so there is nothing to answer. Nothing changed."
    )
