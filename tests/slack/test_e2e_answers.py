"""Every action answers the person who acted, only them, over HTTP: saving a goal, giving feedback and
replying to it, escalating, each says what was done and what happens next — where the command was run
(its response URL, ephemeral) or, for a modal opened from a button, ephemerally in their DM with Pacer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.escalations.models import Escalation
from bot.goals.models import Goal
from bot.roster.models import Vendor
from tests.feedback.test_e2e import SHARE
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.goal_forms import ACCOUNTS_GOAL as GOAL
from tests.support.people import ADMIN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer
from tests.support.waiting import wait_for
from tests.workspaces.test_e2e import GOOD as SETUP

pytestmark = pytest.mark.e2e
VENDOR = "UVENDOR"
TITLE = "*Open twenty new accounts in Bavaria*"
GIVE = {"strengths": "Great follow-up", "improve": "Qualify earlier", "next_step": "Shadow one demo"}


@pytest.fixture
def team(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    emulator.add_user(VENDOR, name="vera", real_name="Vera Vendor")
    app_server.clock.set(datetime(2026, 10, 5, 9, tzinfo=UTC))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"vendor add Acme <@{VENDOR}|vera>", user_id=MARIA)
    slack.command(f"team add <@{REP_EN}|rita> <@{REP_ZH}|li> vendor Acme", user_id=MARIA)
    slack.command(f"team add <@{REP_LA}|sam>", user_id=MARIA)
    return slack


def submitted(slack: SlackPeer, text: str, answers: dict[str, Any], *, user_id: str) -> PeerResponse:
    """Run `/pacer text`, submit the modal it opened; the command's response (for its response URL)."""
    command = slack.command(text, user_id=user_id)
    assert slack.view_submission(slack.opened_view(command), answers, user_id=user_id).json() == {}
    return command


def answer_at(emulator: SlackEmulator, response: PeerResponse) -> dict[str, Any]:
    """What the app said through the response URL of `response`'s request (one answer, ephemeral)."""
    found = wait_for(
        lambda: [p for url, p in emulator.responses if url == response.response_url], what="the answer"
    )
    assert len(found) == 1 and found[0]["response_type"] == "ephemeral"
    return found[0]


def ephemeral_to(emulator: SlackEmulator, user_id: str) -> dict[str, Any]:
    """The newest message only `user_id` sees, in their DM with Pacer."""
    found = wait_for(lambda: [e for e in emulator.ephemerals if e["recipient"] == user_id], what="an answer")
    assert found[-1]["channel"] == "D" + user_id
    return found[-1]


def test_saving_a_goal_says_who_is_asked_next(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    set_by_manager = submitted(team, f"goal <@{REP_EN}|rita>", GOAL, user_id=MARIA)
    assert answer_at(emulator, set_by_manager)["text"] == (
        f"Saved {TITLE}. Sent to <@{REP_EN}>; they'll be asked to agree to it."
    )
    wait_for(lambda: dms(emulator, REP_EN), what="the rep's request to agree")  # what it said happened

    proposed = submitted(team, "goal", GOAL, user_id=REP_LA)
    assert answer_at(emulator, proposed)["text"] == (
        f"Sent {TITLE} to <@{MARIA}>; they'll be asked to approve it."
    )
    # Maria edits the proposal from its message (no response URL there): told in her DM, only to her.
    request = wait_for(lambda: [m for m in dms(emulator, MARIA) if "proposes" in m["text"]], what="it")[-1]
    view = team.opened_view(team.click(request, "goal_edit", user_id=MARIA, channel_id="D" + MARIA))
    assert team.view_submission(view, {"target": "25"}, user_id=MARIA).json() == {}
    assert ephemeral_to(emulator, MARIA)["text"] == (
        f"Saved {TITLE}. It is still <@{REP_LA}>'s proposal, waiting for your Approve on its message."
    )
    with app_server.session_factory() as session:
        assert [goal.target for goal in session.scalars(select(Goal).order_by(Goal.id))] == [20, 25]


def test_a_goal_saved_in_chinese_is_confirmed_in_chinese(team: SlackPeer, emulator: SlackEmulator) -> None:
    proposed = submitted(team, "goal", GOAL, user_id=REP_ZH)  # Li's Slack is in Chinese
    assert answer_at(emulator, proposed)["text"] == (f"已把 {TITLE} 发给 <@{MARIA}>，请对方批准。")


def test_feedback_and_its_reply_are_confirmed(team: SlackPeer, emulator: SlackEmulator) -> None:
    given = submitted(team, f"feedback <@{REP_EN}|rita>", GIVE, user_id=MARIA)
    assert answer_at(emulator, given)["text"] == (
        f"Sent your feedback to <@{REP_EN}>; they'll be asked to acknowledge it,"
        " and you'll be told when they do or reply."
    )
    dm = wait_for(lambda: [m for m in dms(emulator, REP_EN) if "Great follow-up" in m["text"]], what="it")[-1]
    reply = team.opened_view(team.click(dm, "feedback_reply", user_id=REP_EN, channel_id="D" + REP_EN))
    assert team.view_submission(reply, {"reply": "Thanks, will do"}, user_id=REP_EN).json() == {}
    assert ephemeral_to(emulator, REP_EN)["text"] == f"Sent your reply to <@{MARIA}>."
    wait_for(lambda: [m for m in dms(emulator, MARIA) if "Thanks, will do" in m["text"]], what="the reply")


def number(app_server: AppServer) -> int:
    with app_server.session_factory() as session:
        return int(session.scalars(select(Escalation.id).order_by(Escalation.id.desc())).first() or 0)


def test_an_escalation_says_whether_the_vendor_was_told(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    kept = submitted(team, f"escalate <@{REP_EN}|rita> Late visits", {"severity": "high"}, user_id=MARIA)
    assert answer_at(emulator, kept)["text"] == (
        f"Escalation #{number(app_server)} about <@{REP_EN}> is recorded; it's listed in"
        " `/pacer escalations`. The vendor was not told."
    )
    to_contact = submitted(
        team, f"escalate <@{REP_EN}|rita> Late visits", {"involve_vendor": ["yes"]}, user_id=MARIA
    )
    assert answer_at(emulator, to_contact)["text"].startswith(
        f"Escalation #{number(app_server)} about <@{REP_EN}> is recorded and sent to <@{VENDOR}> at *Acme*;"
        " you'll be told when they acknowledge or resolve it."
    )
    wait_for(lambda: dms(emulator, VENDOR), what="the vendor's DM")
    with app_server.session_factory.begin() as session:
        session.scalars(select(Vendor)).one().channel_id = "C0GENERAL"
    to_channel = submitted(
        team, f"escalate <@{REP_EN}|rita> Late visits", {"involve_vendor": ["yes"]}, user_id=MARIA
    )
    assert answer_at(emulator, to_channel)["text"].startswith(
        f"Escalation #{number(app_server)} about <@{REP_EN}> is recorded and sent to *Acme* in <#C0GENERAL>;"
    )


def test_a_check_in_says_until_when_it_can_be_changed_and_who_sees_a_help_request(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    submitted(team, f"goal <@{REP_EN}|rita>", GOAL, user_id=MARIA)
    ask = wait_for(lambda: dms(emulator, REP_EN), what="the request to agree")[-1]
    team.click(ask, "goal_agree", user_id=REP_EN, channel_id="D" + REP_EN)
    wait_for(lambda: [p for _, p in emulator.responses if "agreed" in p.get("text", "")], what="agreed")
    with app_server.session_factory() as session:
        goal_id = session.scalars(select(Goal.id)).one()
    answers = {f"result:{goal_id}": "3", f"confidence:{goal_id}": "on_track"}
    checked_in = submitted(team, "checkin", answers, user_id=REP_EN)
    assert answer_at(emulator, checked_in)["text"] == (
        "Checked in for week 40 (Sep 28 – Oct 4). You can change it until"
        " <!date^1791216000^{date_short_pretty} at {time}|Mon, Oct 5 at 6:00\u202fPM>,"
        " when its digest is posted."
    )  # 16:00 UTC in Berlin
    again = submitted(team, "checkin", answers | {"help": ["yes"]}, user_id=REP_EN)
    assert answer_at(emulator, again)["text"].startswith(
        f"Checked in for week 40 (Sep 28 – Oct 4); <@{MARIA}> will see that you asked for help."
    )


def test_settings_saved_from_the_home_tab_are_confirmed_in_the_admins_dm(
    team: SlackPeer, emulator: SlackEmulator
) -> None:
    team.event({"type": "app_home_opened", "user": ADMIN, "channel": "D" + ADMIN, "tab": "home"})
    home = wait_for(lambda: emulator.home_tabs.get(ADMIN), what="the admin's home tab")
    view = team.opened_view(team.block_action(user_id=ADMIN, action_id="home_setup", view=home))
    assert team.view_submission(view, SETUP | {"digest_channel_id": None}, user_id=ADMIN).status == 200
    assert ephemeral_to(emulator, ADMIN)["text"] == (
        "Saved: reps are nudged to check in every Friday at 4:30\u202fPM in their own time zone."
        " No digest is posted until you choose a digest channel in `/pacer setup`."
    )


@pytest.mark.parametrize(
    ("rep", "expected"),
    [
        (REP_EN, "It goes into the company's voice of the field, posted on the 1st of next month"),
        (REP_ZH, "它会计入下月 1 日发布的“一线之声”汇总"),
    ],
)
def test_feedback_to_the_company_says_where_it_goes(
    team: SlackPeer, emulator: SlackEmulator, rep: str, expected: str
) -> None:
    view = team.open_modal("feedback", user_id=rep)
    answer = team.view_submission(view, SHARE, user_id=rep).json()
    assert answer["response_action"] == "update"  # the modal itself answers: no DM ties them to it
    assert expected in answer["view"]["blocks"][0]["text"]["text"]
    assert not [e for e in emulator.ephemerals if e["recipient"] == rep]
    assert not [m for m in dms(emulator, rep) if "feedback" in m["text"].lower() or "反馈" in m["text"]]
