"""The core loop over HTTP: a manager's goal, the rep's agreement, nudges at each rep's own 09:00,
the "Check in" button, the modal, an edit, and a reminder for the silent rep only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.checkins.models import CheckIn
from bot.goals.models import Goal, GoalStatus
from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.goal_forms import REVENUE_GOAL as GOAL
from tests.support.people import ADMIN, MARIA, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
MONDAY = date(2026, 12, 7)  # nudges ask about the week of 2026-11-30


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def set_goal(slack: SlackPeer, emulator: SlackEmulator, rep: str, **changes: str) -> dict[str, Any]:
    view = slack.open_modal(f"goal <@{rep}|x>", user_id=MARIA)
    return slack.view_submission(view, GOAL | changes, user_id=MARIA).json()


@pytest.fixture
def team(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_ZH}|li> <@{REP_LA}|sam>", user_id=MARIA)
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, "T0000001").timezone = "America/New_York"  # digest Monday 16:00 ET
    app_server.clock.set(at(0, 0, date(2026, 11, 30)))
    for rep in (REP_ZH, REP_LA):
        assert set_goal(slack, emulator, rep) == {}
        message = wait_for(lambda rep=rep: dms(emulator, rep), what=f"the agreement DM to {rep}")[-1]
        assert "set a goal for you" in message["text"] or "为你设定了一个目标" in message["text"]
        assert slack.click(message, "goal_agree", user_id=rep, channel_id="D" + rep).status == 200
    wait_for(
        lambda: _statuses(app_server) == [GoalStatus.ACTIVE] * 2, what="both goals agreed"
    )  # after the ack
    emulator.reset()
    return slack


def _statuses(app_server: AppServer) -> list[GoalStatus]:
    with app_server.session_factory() as session:
        return list(session.scalars(select(Goal.status)))


def test_goal_modal_refuses_bad_fields_and_keeps_the_rest(slack: SlackPeer, emulator: SlackEmulator) -> None:
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_ZH}|li>", user_id=MARIA)
    view = slack.open_modal(f"goal <@{REP_ZH}|li>", user_id=MARIA)
    bad = GOAL | {"title": "Too short", "target": "-5", "period_kind": "custom", "end_date": "2026-09-01"}
    answer = slack.view_submission(view, bad, user_id=MARIA).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"title", "target", "end_date"}
    assert "10 to 150 characters" in answer["errors"]["title"]
    weights = slack.view_submission(view, GOAL | {"quarter_weights": "20/25/25/20"}, user_id=MARIA).json()
    assert weights["errors"] == {"quarter_weights": "Quarter weights only apply to a yearly goal."}


def test_a_manager_cannot_set_goals_outside_the_team(slack: SlackPeer) -> None:
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    reply = slack.command(f"goal <@{REP_ZH}|li>", user_id=MARIA).json()
    assert "isn't a rep on a team yet" in reply["text"]


def test_weekly_loop(team: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    slack = team
    # 01:30 UTC is 09:30 in Shanghai and the previous evening in Los Angeles: only Li is due.
    assert app_server.run_job("weekly-nudges", at(1, 30))[0].startswith("weekly-nudges: 1 reps due")
    nudge = wait_for(lambda: dms(emulator, REP_ZH), what="Li's nudge")[-1]
    assert "每周汇报" in nudge["text"] and dms(emulator, REP_LA) == []
    assert app_server.run_job("weekly-nudges", at(1, 45))[0].endswith("0 new in the outbox")  # never twice
    # 17:05 UTC is 09:05 in Los Angeles (PST): now Sam.
    app_server.run_job("weekly-nudges", at(17, 5))
    assert len(wait_for(lambda: dms(emulator, REP_LA), what="Sam's nudge")) == 1
    assert len(dms(emulator, REP_ZH)) == 1

    # Li clicks "Check in", gets the modal for the week of 30 November, and answers it.
    app_server.clock.set(at(17, 10))
    view = slack.opened_view(slack.click(nudge, "checkin_open", user_id=REP_ZH, channel_id="D" + REP_ZH))
    assert view["callback_id"] == "checkin" and "第 49 周" in view["blocks"][0]["text"]["text"]
    goal_id = _goal_id(app_server, REP_ZH)
    bad = slack.view_submission(
        view, {f"result:{goal_id}": "lots", f"confidence:{goal_id}": "on_track"}, user_id=REP_ZH
    ).json()
    assert bad["response_action"] == "errors" and list(bad["errors"]) == [f"result:{goal_id}"]
    answers = {
        f"result:{goal_id}": "1.2万",
        f"confidence:{goal_id}": "at_risk",
        f"blockers:{goal_id}": "报价审批慢",
    }
    assert slack.view_submission(view, answers, user_id=REP_ZH).status == 200
    updated = wait_for(
        lambda: [c for c in emulator.calls_to("chat.update") if c.response.get("ok")],
        what="the nudge to be marked done",
    )
    assert "✅" in updated[0].params["text"]
    # An edit replaces the answer; a double submit never makes a second row.
    slack.view_submission(view, answers | {f"result:{goal_id}": "15,000"}, user_id=REP_ZH)
    slack.view_submission(view, answers | {f"result:{goal_id}": "15,000"}, user_id=REP_ZH)
    with app_server.session_factory() as session:
        rows = session.scalars(select(CheckIn)).all()
        assert [(r.week_start, r.result, r.blockers) for r in rows] == [
            (date(2026, 11, 30), Decimal(15000), "报价审批慢")
        ]

    # Reminders: two hours before the digest (16:00 New York = 21:00 UTC), to Sam only, and once.
    assert "0 reps still silent" in app_server.run_job("checkin-reminders", at(18, 30))[0]
    assert "1 reps still silent" in app_server.run_job("checkin-reminders", at(19, 5))[0]
    assert len(wait_for(lambda: dms(emulator, REP_LA)[1:], what="Sam's reminder")) == 1
    assert "0 new reminders" in app_server.run_job("checkin-reminders", at(19, 30))[0]
    assert len(dms(emulator, REP_ZH)) == 1
    assert emulator.warnings == []


def _goal_id(app_server: AppServer, rep_user_id: str) -> int:
    from bot.roster.models import Member

    with app_server.session_factory() as session:
        rep_id = session.scalar(select(Member.id).where(Member.user_id == rep_user_id))
        return int(session.scalar(select(func.min(Goal.id)).where(Goal.rep_id == rep_id)) or 0)


def test_checkin_belongs_to_its_rep(team: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    app_server.clock.set(at(10))
    view = team.open_modal("checkin", user_id=REP_ZH)
    goal_id = _goal_id(app_server, REP_ZH)
    forged = team.view_submission(
        view, {f"result:{goal_id}": "5", f"confidence:{goal_id}": "on_track"}, user_id=REP_LA
    ).json()
    assert forged["response_action"] == "push"
    assert "belongs to someone else" in forged["view"]["blocks"][0]["text"]["text"]
    with app_server.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CheckIn)) == 0
    refused = team.command("checkin", user_id=MARIA).json()["text"]  # a manager has no goals of their own
    assert refused.startswith("Only Pacer admins or reps may run `/pacer checkin`.")
    no_goals = team.command("checkin", user_id=ADMIN).json()["text"]
    assert no_goals.startswith("You have no active goal to check in on this week.")


def test_i_need_help_reaches_the_manager_who_can_escalate(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.clock.set(at(10))
    view = team.open_modal("checkin", user_id=REP_ZH)
    goal_id = _goal_id(app_server, REP_ZH)
    answers = {
        f"result:{goal_id}": "3",
        f"confidence:{goal_id}": "off_track",
        f"blockers:{goal_id}": "The customer's legal review is stuck",
        "help": ["yes"],
    }
    assert team.view_submission(view, answers, user_id=REP_ZH).status == 200
    ask = wait_for(
        lambda: [m for m in dms(emulator, MARIA) if "asked for your help" in m["text"]], what="help DM"
    )
    assert "The customer's legal review is stuck" in ask[0]["text"]
    modal = team.opened_view(team.click(ask[0], "escalate", user_id=MARIA, channel_id="D" + MARIA))
    assert modal["callback_id"] == "escalation"
    description = [b for b in modal["blocks"] if b.get("block_id") == "description"]
    assert description[0]["element"]["initial_value"] == "The customer's legal review is stuck"
