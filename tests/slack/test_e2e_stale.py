"""Buttons on old messages answer truthfully over HTTP: a nudge for a week whose digest is out opens the
current week saying when that one closed (in the rep's language and time zone); a goal already agreed,
feedback already acknowledged, an escalation already resolved say so, and nothing is recorded twice."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.delivery.models import Delivery
from bot.escalations.models import Escalation, EscalationEvent
from bot.feedback.models import ManagerFeedback
from bot.goals.models import Goal, GoalStatus
from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.goal_forms import REVENUE_GOAL as GOAL
from tests.support.people import ADMIN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
VENDOR = "UVENDOR"


def answer_to(emulator: SlackEmulator, response: PeerResponse) -> dict[str, Any]:
    found = wait_for(
        lambda: [p for url, p in emulator.responses if url == response.response_url], what="the answer"
    )
    return found[-1]


def count(app_server: AppServer, model: Any, *where: Any) -> int:
    with app_server.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def elsewhere(message: dict[str, Any]) -> dict[str, Any]:
    """The same buttons in another message (an older copy, another device's stale render)."""
    return dict(message, ts=f"{float(message['ts']) + 0.5:.6f}")


@pytest.fixture
def team(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    emulator.add_user(VENDOR, name="vera", real_name="Vera Vendor", tz="Asia/Shanghai", locale="zh-CN")
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"vendor add Acme <@{VENDOR}|vera>", user_id=MARIA)
    slack.command(f"team add <@{REP_ZH}|li> <@{REP_LA}|sam> <@{REP_EN}|rita> vendor Acme", user_id=MARIA)
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, "T0000001").timezone = "America/New_York"  # digest Monday 16:00 ET
    app_server.clock.set(datetime(2026, 11, 30, tzinfo=UTC))
    return slack


def agreed_goal(slack: SlackPeer, emulator: SlackEmulator, rep: str) -> dict[str, Any]:
    """Maria sets a goal, the rep agrees; returns the agreement message."""
    view = slack.open_modal(f"goal <@{rep}|x>", user_id=MARIA)
    assert slack.view_submission(view, GOAL, user_id=MARIA).json() == {}
    ask = wait_for(lambda: dms(emulator, rep), what="the agreement request")[-1]
    agreed = slack.click(ask, "goal_agree", user_id=rep, channel_id="D" + rep)
    assert answer_to(emulator, agreed)["replace_original"]
    return ask


def test_a_nudge_for_a_closed_week_opens_the_current_week_and_says_when_it_closed(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    for rep in (REP_ZH, REP_LA):
        agreed_goal(team, emulator, rep)
    app_server.run_job("weekly-nudges", at(7, 17, 5))  # 09:05 in Los Angeles, 01:05 Tuesday in Shanghai
    nudges = {
        rep: wait_for(lambda rep=rep: dms(emulator, rep)[1:], what="the nudge")[-1] for rep in (REP_LA,)
    }
    app_server.run_job("weekly-nudges", at(8, 1, 30))
    nudges[REP_ZH] = wait_for(lambda: [m for m in dms(emulator, REP_ZH) if "每周汇报" in m["text"]], what="")[
        -1
    ]

    # While the week is open the button opens it, without a notice.
    app_server.clock.set(at(7, 20))
    view = team.opened_view(
        team.click(nudges[REP_LA], "checkin_open", user_id=REP_LA, channel_id="D" + REP_LA)
    )
    assert json.loads(view["private_metadata"])["week"] == "2026-11-30"
    assert [b for b in view["blocks"] if b.get("block_id") == "week_closed"] == []

    # The digest is out (Monday 16:00 New York = 21:00 UTC): the old nudge says so, and offers this week.
    app_server.clock.set(at(8, 10))
    view = team.opened_view(
        team.click(nudges[REP_LA], "checkin_open", user_id=REP_LA, channel_id="D" + REP_LA)
    )
    assert json.loads(view["private_metadata"])["week"] == "2026-12-07"
    (notice,) = [b["text"]["text"] for b in view["blocks"] if b.get("block_id") == "week_closed"]
    assert notice == (
        "⏳ Check-ins for week 49 (Nov 30 – Dec 6) closed on"
        " <!date^1796677200^{date_short_pretty} at {time}|Mon, Dec 7 at 1:00\u202fPM>, when its digest"
        " was posted. Check in for week 50 (Dec 7 – Dec 13) instead."
    )  # Slack shows each reader their own zone; the fallback: 16:00 in New York is 13:00 for Sam in LA
    view = team.opened_view(
        team.click(nudges[REP_ZH], "checkin_open", user_id=REP_ZH, channel_id="D" + REP_ZH)
    )
    (notice,) = [b["text"]["text"] for b in view["blocks"] if b.get("block_id") == "week_closed"]
    assert "第 49 周" in notice and "|12月8日周二 05:00>" in notice and "第 50 周" in notice  # Shanghai


def test_a_goal_already_agreed_says_so(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.clock.set(at(1, 15))
    ask = agreed_goal(team, emulator, REP_EN)
    discuss = team.click(ask, "goal_discuss", user_id=REP_EN, channel_id="D" + REP_EN)
    answer = answer_to(emulator, discuss)
    assert answer["text"] == (
        "*Grow Q4 revenue in the east region* was already agreed on"
        " <!date^1796137200^{date_short_pretty} at {time}|Tue, Dec 1 at 4:00\u202fPM>. Nothing changed."
    )  # 15:00 UTC in Berlin
    assert answer["replace_original"] is False and answer["response_type"] == "ephemeral"
    again = team.click(elsewhere(ask), "goal_agree", user_id=REP_EN, channel_id="D" + REP_EN)
    assert "already agreed" in answer_to(emulator, again)["text"]
    with app_server.session_factory() as session:
        assert session.scalars(select(Goal.status)).one() is GoalStatus.ACTIVE
    # the manager's batch message was written once (revision 0): the stale clicks told no one
    assert count(app_server, Delivery, Delivery.kind == "goal-batch", Delivery.revision == 0) == 1


def test_feedback_already_acknowledged_says_so(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.clock.set(at(1, 15))
    view = team.open_modal(f"feedback <@{REP_EN}|rita>", user_id=MARIA)
    give = {
        "strengths": "Great follow-up",
        "improve": "Qualify earlier",
        "next_step": "Shadow",
        "rating": "4",
    }
    assert team.view_submission(view, give, user_id=MARIA).json() == {}
    dm = wait_for(lambda: [m for m in dms(emulator, REP_EN) if "Great follow-up" in m["text"]], what="")[-1]
    first = team.click(dm, "feedback_ack", user_id=REP_EN, channel_id="D" + REP_EN)
    assert answer_to(emulator, first)["replace_original"]
    stale = team.click(elsewhere(dm), "feedback_ack", user_id=REP_EN, channel_id="D" + REP_EN)
    assert answer_to(emulator, stale)["text"] == (
        "You already acknowledged this feedback on"
        " <!date^1796137200^{date_short_pretty} at {time}|Tue, Dec 1 at 4:00\u202fPM>. Nothing changed."
    )
    with app_server.session_factory() as session:
        acknowledged = session.scalars(select(ManagerFeedback.acknowledged_at)).one()
        assert acknowledged.replace(second=0, microsecond=0) == at(1, 15)  # the first press only
    assert count(app_server, Delivery, Delivery.kind == "feedback-ack") == 1


def test_an_escalation_already_resolved_says_so(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.clock.set(at(1, 15))
    view = team.open_modal(f"escalate <@{REP_EN}|rita> Visits are not logged", user_id=MARIA)
    assert (
        team.view_submission(view, {"severity": "high", "involve_vendor": ["yes"]}, user_id=MARIA).json()
        == {}
    )
    message = wait_for(lambda: dms(emulator, VENDOR), what="the vendor's DM")[-1]
    resolved = team.click(message, "escalation_resolve", user_id=VENDOR, channel_id="D" + VENDOR)
    assert answer_to(emulator, resolved)["replace_original"]
    late = team.click(message, "escalation_ack", user_id=VENDOR, channel_id="D" + VENDOR)
    with app_server.session_factory() as session:
        number = session.scalars(select(Escalation.id)).one()  # PostgreSQL's sequence runs on between tests
    assert answer_to(emulator, late)["text"] == (
        f"升级 #{number} 已由 <@UVENDOR> 于"
        "<!date^1796137200^{date_short_pretty} {time}|12月1日周二 23:00>"  # 15:00 UTC in Shanghai
        "解决，未作更改。"
    )
    with app_server.session_factory() as session:
        actions = list(session.scalars(select(EscalationEvent.action).order_by(EscalationEvent.id)))
    assert actions == ["opened", "sent", "resolved"]


@pytest.mark.parametrize(
    "metadata", ["not json", "{}", '{"rep": "nobody"}', '{"rep": 1, "goal": [2]}', '["rep"]']
)
def test_a_modal_with_forged_metadata_says_it_is_out_of_date(
    team: SlackPeer, app_server: AppServer, metadata: str
) -> None:
    """Whatever arrives in `private_metadata`, the answer is the usual out-of-date reply, never a crash."""
    view = team.open_modal(f"goal <@{REP_ZH}|li>", user_id=MARIA) | {"private_metadata": metadata}
    answer = team.view_submission(view, GOAL, user_id=MARIA).json()
    assert answer["response_action"] == "push"
    assert "This message is out of date" in answer["view"]["blocks"][0]["text"]["text"]
    assert count(app_server, Goal) == 0


@pytest.mark.parametrize("value", ["", "x", "1:2:3", "1:", ":2"])
def test_a_button_with_a_forged_value_says_it_is_out_of_date(
    team: SlackPeer, emulator: SlackEmulator, value: str
) -> None:
    pressed = team.block_action(user_id=REP_EN, action_id="goal_agree", value=value, channel_id="D" + REP_EN)
    assert pressed.status == 200
    assert "out of date" in answer_to(emulator, pressed)["text"]
