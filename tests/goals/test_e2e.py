"""Goals over HTTP: a rep's proposal and the manager's approval, "Let's discuss", the stretch warning,
listings per role, and time away."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.goals.models import Goal, GoalStatus
from bot.roster.models import Member
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.goal_forms import ACCOUNTS_GOAL as GOAL
from tests.support.home import actions, buttons_of, opened, row_of, texts
from tests.support.people import ADMIN, MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


def goals_of(app_server: AppServer) -> list[Goal]:
    with app_server.session_factory() as session:
        return list(session.scalars(select(Goal).order_by(Goal.id)))


@pytest.fixture
def team(slack: SlackPeer, app_server: AppServer) -> SlackPeer:
    app_server.clock.set(datetime(2026, 10, 5, 9, tzinfo=UTC))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita> <@{REP_ZH}|li>", user_id=MARIA)
    return slack


def submit_goal(
    slack: SlackPeer, emulator: SlackEmulator, text: str, user_id: str, **changes: str
) -> dict[str, Any]:
    view = slack.open_modal(text, user_id=user_id)
    emulator.reset()
    return slack.view_submission(view, GOAL | changes, user_id=user_id).json()


def test_a_rep_proposes_and_the_manager_approves(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    assert submit_goal(team, emulator, "goal", REP_EN) == {}
    (goal,) = goals_of(app_server)
    assert goal.status is GoalStatus.PROPOSED
    request = wait_for(lambda: dms(emulator, MARIA), what="the approval request")[-1]
    assert "proposes a goal for themself" in request["text"]
    assert team.click(request, "goal_approve", user_id=REP_EN, channel_id="D" + MARIA).status == 200
    assert goals_of(app_server)[0].status is GoalStatus.PROPOSED  # only the manager may approve
    team.click(request, "goal_approve", user_id=MARIA, channel_id="D" + MARIA)
    wait_for(lambda: goals_of(app_server)[0].status is GoalStatus.ACTIVE, what="the approval")
    told = wait_for(lambda: dms(emulator, REP_EN), what="the rep's notice")
    assert "was approved" in told[-1]["text"]
    replaced = wait_for(
        lambda: [p for _, p in emulator.responses if p.get("replace_original")], what="the update"
    )
    assert replaced[-1]["text"].startswith("✅ You approved")


def test_lets_discuss_tells_the_manager(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    assert submit_goal(team, emulator, f"goal <@{REP_ZH}|li>", MARIA) == {}
    ask = wait_for(lambda: dms(emulator, REP_ZH), what="the agreement request")[-1]
    assert "你认为它可以实现吗" in ask["text"]  # Li's Slack is in Chinese
    team.click(ask, "goal_discuss", user_id=REP_ZH, channel_id="D" + REP_ZH)
    wait_for(lambda: goals_of(app_server)[0].status is GoalStatus.DISCUSSING, what="discussing")
    note = wait_for(lambda: dms(emulator, MARIA), what="the manager's notice")[-1]
    assert "would like to discuss" in note["text"]
    # Maria edits it from the notice; the new version must be agreed again.
    view = team.opened_view(team.click(note, "goal_edit", user_id=MARIA, channel_id="D" + MARIA))
    assert team.view_submission(view, {"target": "16"}, user_id=MARIA).json() == {}
    goal = goals_of(app_server)[0]
    assert (goal.target, goal.version, goal.status) == (16, 2, GoalStatus.AWAITING_AGREEMENT)
    asks = wait_for(lambda: [m for m in dms(emulator, REP_ZH) if "你认为" in m["text"]][1:], what="a new ask")
    team.click(ask, "goal_agree", user_id=REP_ZH, channel_id="D" + REP_ZH)  # the old message is stale
    stale = wait_for(
        lambda: [
            p
            for _, p in emulator.responses
            if "修改：关于它的最新消息里有当前的目标和按钮" in p.get("text", "")  # Li reads Chinese
        ],
        what="the stale answer",
    )
    assert stale
    team.click(asks[-1], "goal_agree", user_id=REP_ZH, channel_id="D" + REP_ZH)
    wait_for(lambda: goals_of(app_server)[0].status is GoalStatus.ACTIVE, what="agreement")


def test_stretch_targets_are_warned_about_once(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    submit_goal(
        team,
        emulator,
        f"goal <@{REP_EN}|rita>",
        MARIA,
        start_date="2026-07-01",
        title="Open new accounts in Bavaria, Q3",
    )
    with app_server.session_factory.begin() as session:
        from bot.checkins.models import CheckIn, Confidence

        goal = session.scalars(select(Goal)).one()
        goal.status = GoalStatus.CLOSED
        session.add(
            CheckIn(
                team_id=goal.team_id,
                goal_id=goal.id,
                rep_id=goal.rep_id,
                week_start=date(2026, 7, 6),
                result=10,
                confidence=Confidence.ON_TRACK,
            )
        )
    view = team.open_modal(f"goal <@{REP_EN}|rita>", user_id=MARIA)
    warned = team.view_submission(view, GOAL | {"target": "25"}, user_id=MARIA).json()
    assert warned["response_action"] == "update"
    warning = [b for b in warned["view"]["blocks"] if b.get("block_id") == "stretch_warning"]
    assert "2.5× <@UREPEN>'s best comparable period (10)" in warning[0]["text"]["text"]
    kept = {b["block_id"]: b["element"] for b in warned["view"]["blocks"] if b["type"] == "input"}
    assert kept["title"]["initial_value"] == GOAL["title"] and kept["target"]["initial_value"] == "25"
    assert len(goals_of(app_server)) == 1  # nothing saved yet
    confirmed = dict(warned["view"], id=view["id"], hash=view["hash"], state={"values": {}})
    assert team.view_submission(confirmed, {}, user_id=MARIA).json() == {}
    assert len(goals_of(app_server)) == 2


def test_listings_follow_roles(team: SlackPeer, emulator: SlackEmulator) -> None:
    submit_goal(team, emulator, f"goal <@{REP_EN}|rita>", MARIA)
    submit_goal(team, emulator, f"goal <@{REP_ZH}|li>", MARIA, title="Open ten new accounts in Jiangsu")
    manager_view = team.command("goals", user_id=MARIA).json()["text"]
    assert "Goals (2)" in manager_view and "Bavaria" in manager_view and "Jiangsu" in manager_view
    rita = team.command("goals", user_id=REP_EN).json()["text"]
    assert "Bavaria" in rita and "Jiangsu" not in rita
    assert "Jiangsu" not in team.command(f"goals <@{REP_ZH}|li>", user_id=REP_EN).json()["text"]
    assert "Bavaria" not in team.command(f"goals <@{REP_EN}|rita>", user_id="UBEN").json()["text"]


def test_away_and_back(team: SlackPeer, app_server: AppServer) -> None:
    reply = team.command("away 2026-12-20 to 2027-01-03", user_id=REP_EN).json()["text"]
    # Each day through Slack's date formatting (noon in Rita's zone, Berlin), with a Babel fallback.
    assert re.match(
        r"Got it: no check-in nudges from <!date\^\d+\^\{date_short\}\|Dec 20, 2026> to "
        r"<!date\^\d+\^\{date_short\}\|Jan 3, 2027>",
        reply,
    )
    with app_server.session_factory() as session:
        rep = session.scalars(select(Member).where(Member.user_id == REP_EN)).one()
        assert (rep.away_from, rep.away_until) == (date(2026, 12, 20), date(2027, 1, 3))
    assert "Give two dates" in team.command("away next week", user_id=REP_EN).json()["text"]
    assert team.command("back", user_id=REP_EN).json()["text"].startswith("Welcome back")


def test_pending_goals_are_pending_on_both_homes_and_agreed_from_the_reps(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """Maria sets Li (Chinese) and Rita a goal: each rep's Home shows theirs as pending with Agree and
    Discuss, Maria's shows both as pending, no New goal for them, and nothing is counted until agreed."""
    submit_goal(team, emulator, f"goal <@{REP_ZH}|li>", MARIA, title="Open ten new accounts in Jiangsu")
    submit_goal(team, emulator, f"goal <@{REP_EN}|rita>", MARIA)
    li = opened(team, emulator, REP_ZH)
    assert "✍️ *Open ten new accounts in Jiangsu* · 待定：请确认，或提出讨论" in texts(li)
    assert "*目标值*\n20" in texts(li) and "▰" not in texts(li) and "▱" not in texts(li)  # no pace: pending
    assert [
        (b["action_id"], b["text"]["text"]) for b in actions(li) if b["action_id"].startswith("goal_")
    ] == [
        ("goal_agree", "我同意"),
        ("goal_discuss", "需要讨论"),
    ]
    maria = opened(team, emulator, MARIA)
    for rep in (REP_EN, REP_ZH):
        row = row_of(maria, rep)
        assert "*Pending*\n" in texts({"blocks": row}) and "awaiting the rep's agreement" in texts(
            {"blocks": row}
        )
        assert "home_new_goal" not in buttons_of(row)  # it has a goal, pending or not
    assert all("▱" not in texts({"blocks": row_of(maria, rep)}) for rep in (REP_EN, REP_ZH))  # no pace
    assert "No rep with an active goal that week." in team.command("status", user_id=MARIA).json()["text"]
    # Li agrees on her Home: the goal is active, and both Homes are published again.
    (agree,) = [b for b in actions(li) if b["action_id"] == "goal_agree"]
    before = len(emulator.calls_to("views.publish"))
    assert (
        team.block_action(user_id=REP_ZH, action_id="goal_agree", value=agree["value"], view=li).status == 200
    )
    wait_for(
        lambda: (
            {c.params["user_id"] for c in emulator.calls_to("views.publish")[before:]} >= {REP_ZH, MARIA}
            or None
        ),
        what="both homes to refresh",
    )
    assert [g.status for g in goals_of(app_server)] == [GoalStatus.ACTIVE, GoalStatus.AWAITING_AGREEMENT]
    # By what they show: a publish asked for before the click (a Home opened, the goal saved for Rita)
    # may land after `before` on a loaded machine, showing the goal still pending.
    wait_for(
        lambda: (
            "awaiting" not in texts({"blocks": row_of(emulator.home_tabs[MARIA], REP_ZH)})
            and "待定" not in texts(emulator.home_tabs[REP_ZH])
        ),
        what="both Homes with Li's goal agreed",
    )
    li = emulator.home_tabs[REP_ZH]
    assert "待定" not in texts(
        li
    ) and "*Open ten new accounts in Jiangsu*\n`▱▱▱▱▱▱▱▱▱▱` 截至目前 0%" in texts(li)


def test_a_goal_under_discussion_can_still_be_agreed_from_the_home(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    submit_goal(team, emulator, f"goal <@{REP_EN}|rita>", MARIA)
    rita = opened(team, emulator, REP_EN)
    (discuss,) = [b for b in actions(rita) if b["action_id"] == "goal_discuss"]
    assert (
        team.block_action(user_id=REP_EN, action_id="goal_discuss", value=discuss["value"], view=rita).status
        == 200
    )
    wait_for(lambda: goals_of(app_server)[0].status is GoalStatus.DISCUSSING or None, what="the discussion")
    rita = opened(team, emulator, REP_EN)
    assert "💬 *Open twenty new accounts in Bavaria* · pending: under discussion with your manager" in texts(
        rita
    )
    assert [b["action_id"] for b in actions(rita) if b["action_id"].startswith("goal_")] == ["goal_agree"]
    # A rep's own proposal waits for the manager: pending, and nothing for the rep to press.
    submit_goal(team, emulator, "goal", REP_ZH, title="Open ten new accounts in Jiangsu")
    li = opened(team, emulator, REP_ZH)
    assert "📝 *Open ten new accounts in Jiangsu* · 待定：等待经理批准" in texts(li)
    assert not [b for b in actions(li) if b["action_id"].startswith("goal_")]
    # What waits for Maria has its button on her Home: Approve Li's proposal, Edit the goal Rita discusses.
    maria = opened(team, emulator, MARIA)
    assert buttons_of(row_of(maria, REP_EN)) == ["feedback_give", "goal_edit"]  # in the feedback window
    (edit,) = [b for b in actions({"blocks": row_of(maria, REP_EN)}) if b["action_id"] == "goal_edit"]
    view = team.opened_view(
        team.block_action(user_id=MARIA, action_id="goal_edit", value=edit["value"], view=maria)
    )
    assert view["callback_id"] == "goal" and "<@UREPEN>" in str(view["blocks"][0])
    (approve,) = [b for b in actions({"blocks": row_of(maria, REP_ZH)}) if b["action_id"] == "goal_approve"]
    assert (
        team.block_action(user_id=MARIA, action_id="goal_approve", value=approve["value"], view=maria).status
        == 200
    )
    wait_for(lambda: goals_of(app_server)[1].status is GoalStatus.ACTIVE or None, what="the approval")
