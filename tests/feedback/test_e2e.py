"""Monthly feedback over HTTP: prompts at 10:00 on the feedback day in each person's zone, manager → rep →
acknowledge, bad input, anonymity from every screen and column managers or admins can read, the voice
of the field, and both languages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.delivery.models import Delivery
from bot.feedback.models import FieldFeedback, ManagerFeedback
from bot.roster.models import Member
from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
SHARE = {
    "market": "Budgets are frozen until January",
    "competitor": "Globex",
    "competitor_moves": "Cut prices by 15% in Bavaria",
    "problems": "Quotes take two weeks to approve",
    "identity": "anonymous",
}
GIVE = {
    "strengths": "Great follow-up",
    "improve": "Qualify earlier",
    "next_step": "Shadow one demo",
    "rating": "4",
}


@pytest.fixture
def team(slack: SlackPeer, app_server: AppServer) -> SlackPeer:
    app_server.clock.set(at(10, 12, month=11))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"manager add <@{BEN}|ben>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita> <@{REP_ZH}|li> <@{REP_LA}|sam>", user_id=MARIA)
    return slack


def test_prompts_go_out_once_at_ten_in_each_zone(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    # 1 December 2026 is a Tuesday: the first working day. 02:30 UTC is 10:30 in Shanghai only.
    assert "0 feedback prompts due" in app_server.run_job("monthly-feedback", at(30, 23, month=11))[0]
    assert "1 feedback prompts due, 1 new" in app_server.run_job("monthly-feedback", at(1, 2, 30))[0]
    prompt = wait_for(lambda: dms(emulator, REP_ZH), what="Li's prompt")[-1]
    assert "反馈时间" in prompt["text"]
    assert dms(emulator, REP_EN) == [] and dms(emulator, MARIA) == []
    assert "0 new" in app_server.run_job("monthly-feedback", at(1, 2, 45))[0]
    # 09:05 in Berlin is not yet 10:00; 10:05 in Berlin (09:05 UTC) is.
    app_server.run_job("monthly-feedback", at(1, 8, 5))
    assert dms(emulator, REP_EN) == []
    app_server.run_job("monthly-feedback", at(1, 9, 5))
    wait_for(lambda: dms(emulator, REP_EN), what="Rita's prompt")
    # New York 10:05: Maria gets her reps with a button each; Ben has no reps, so nothing.
    app_server.run_job("monthly-feedback", at(1, 15, 5))
    manager = wait_for(lambda: dms(emulator, MARIA), what="Maria's prompt")[-1]
    buttons = [e for b in manager["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) == 3 and all(b["action_id"] == "feedback_give" for b in buttons)
    assert dms(emulator, BEN) == []
    app_server.run_job("monthly-feedback", at(1, 18, 5))  # 10:05 in Los Angeles
    wait_for(lambda: dms(emulator, REP_LA), what="Sam's prompt")
    # The next day is not a feedback day for anyone.
    assert "0 feedback prompts due" in app_server.run_job("monthly-feedback", at(2, 18, 5))[0]
    assert len(dms(emulator, REP_ZH)) == 1 and len(dms(emulator, REP_LA)) == 1

    # Three days later, one reminder to those who haven't answered (Li has).
    view = team.opened_view(team.click(prompt, "feedback_share", user_id=REP_ZH, channel_id="D" + REP_ZH))
    assert team.view_submission(view, SHARE, user_id=REP_ZH).status == 200
    app_server.run_job("feedback-reminders", at(4, 19))
    wait_for(lambda: len(dms(emulator, REP_LA)) == 2, what="Sam's reminder")
    assert len(dms(emulator, REP_ZH)) == 1
    assert "提醒" not in dms(emulator, REP_ZH)[-1]["text"]
    assert "0 new" in app_server.run_job("feedback-reminders", at(5, 19))[0]


def test_manager_feedback_is_acknowledged_once(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.run_job("monthly-feedback", at(1, 15, 5))
    prompt = wait_for(lambda: dms(emulator, MARIA), what="Maria's prompt")[-1]
    rita = next(
        e
        for b in prompt["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if "rita" in e["text"]["text"]
    )
    opened = team.block_action(
        user_id=MARIA, action_id="feedback_give", value=rita["value"], channel_id="D" + MARIA
    )
    view = team.opened_view(opened)
    # The feedback is December's (as the prompt and Rita's DM say); the figures are November's weeks.
    assert "Your feedback for <@UREPEN> for *December 2026*" in str(view["blocks"][0])
    assert "*Their check-ins last month, November 2026* (weeks 45 to 48)" in str(view["blocks"][1])
    bad = {
        "strengths": None,
        "improve": "x" * 3001,
        "rating": {"text": {"type": "plain_text", "text": "7"}, "value": "7"},
    }
    answer = team.view_submission(view, GIVE | bad, user_id=MARIA).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"strengths", "improve", "rating"}
    assert "3000" in answer["errors"]["improve"]
    assert team.view_submission(view, GIVE, user_id=MARIA).json() == {}
    dm = wait_for(
        lambda: [m for m in dms(emulator, REP_EN) if "Great follow-up" in m["text"]], what="Rita's feedback"
    )[-1]
    assert "Great follow-up" in dm["text"] and "<@UMARIA> has feedback for you" in dm["text"]
    team.click(dm, "feedback_ack", user_id=REP_ZH, channel_id="D" + REP_EN)  # someone else's click
    with app_server.session_factory() as session:
        assert session.scalars(select(ManagerFeedback)).one().acknowledged_at is None
    for _ in range(2):
        assert team.click(dm, "feedback_ack", user_id=REP_EN, channel_id="D" + REP_EN).status == 200
    wait_for(
        lambda: [m for m in dms(emulator, MARIA) if "acknowledged your feedback" in m["text"]], what="notice"
    )
    with app_server.session_factory() as session:
        (item,) = session.scalars(select(ManagerFeedback)).all()
        assert item.acknowledged_at is not None and item.rating == 4
        assert len(session.scalars(select(Delivery).where(Delivery.kind == "feedback-ack")).all()) == 1
    # A reply reaches the manager.
    reply = team.opened_view(team.click(dm, "feedback_reply", user_id=REP_EN, channel_id="D" + REP_EN))
    assert team.view_submission(reply, {"reply": "Thanks, will do"}, user_id=REP_EN).json() == {}
    wait_for(lambda: [m for m in dms(emulator, MARIA) if "Thanks, will do" in m["text"]], what="the reply")
    # Maria sees when it was acknowledged; Li sees nothing addressed to Rita.
    listing = team.command("feedback list", user_id=MARIA).json()["text"]
    # When, in Maria's own zone through Slack's date formatting; the fallback names no zone.
    assert re.search(r"acknowledged <!date\^\d+\^\{date_short_pretty\} at \{time\}\|Tue, Dec 1>", listing)
    assert "UTC" not in listing
    assert "Great follow-up" not in team.command("feedback list", user_id=REP_ZH).json()["text"]
    assert "Great follow-up" in team.command("feedback list", user_id=REP_EN).json()["text"]


def test_feedback_outside_the_team_is_refused(team: SlackPeer) -> None:
    team.command(f"team add <@{REP_EN}|rita>", user_id=MARIA)
    reply = team.command(f"feedback <@{REP_EN}|rita>", user_id=BEN).json()
    assert "not on your team" in reply["text"]
    assert "Only managers" in team.command(f"feedback <@{REP_ZH}|li>", user_id=REP_EN).json()["text"]


def test_anonymous_feedback_cannot_be_traced(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view = team.open_modal("feedback", user_id=REP_EN)
    before = len(emulator.calls_to("chat.postMessage"))
    assert team.view_submission(view, SHARE, user_id=REP_EN).json()["response_action"] == "update"
    again = team.open_modal("feedback", user_id=REP_EN)  # the month's answers come back to edit
    assert again["blocks"][1]["element"]["initial_value"] == SHARE["market"]
    team.view_submission(again, SHARE | {"suggestions": "Bundle training"}, user_id=REP_EN)
    with app_server.session_factory() as session:
        rita = session.scalars(select(Member).where(Member.user_id == REP_EN)).one()
        (item,) = session.scalars(select(FieldFeedback)).all()  # edited, not duplicated
        assert item.suggestions == "Bundle training" and item.author_id is None
        row = {c.name: getattr(item, c.name) for c in FieldFeedback.__table__.columns}
        assert rita.id not in {row["author_id"]} and all(REP_EN not in str(v) for v in row.values())
        assert not [
            d for d in session.scalars(select(Delivery)) if d.member_id == rita.id or REP_EN in d.channel
        ]
    assert len(emulator.calls_to("chat.postMessage")) == before  # nothing was sent about it
    for user in (MARIA, ADMIN):  # one anonymous item alone is never shown, not even as a count
        text = team.command("feedback list", user_id=user).json()["text"]
        assert "Anonymous feedback, by theme" not in text and "Problems: 1" not in text
        assert "Quotes take two weeks" not in text and REP_EN not in text
        assert "at least 3 people of the group wrote anonymously" in text  # the rule, always
    assert "Quotes take two weeks" in team.command("feedback list", user_id=REP_EN).json()["text"]
    assert "Quotes take two weeks" not in team.command("feedback list", user_id=REP_ZH).json()["text"]


def test_bad_upward_feedback_gets_field_errors(team: SlackPeer) -> None:
    view = team.open_modal("feedback", user_id=REP_ZH)
    answer = team.view_submission(view, {"identity": None}, user_id=REP_ZH).json()
    assert set(answer["errors"]) == {"market", "identity"}
    assert "请至少告诉我们一件事" in answer["errors"]["market"]
    answer = team.view_submission(
        view, {"competitor_moves": "x", "identity": "named", "problems": "y" * 3001}, user_id=REP_ZH
    ).json()
    assert set(answer["errors"]) == {"competitor", "problems"}


def test_voice_of_the_field(team: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, "T0000001").digest_channel_id = "C0DIGEST"
    for rep, identity, competitor in (
        (REP_EN, "anonymous", "Globex"),
        (REP_ZH, "named", "globex "),
        (REP_LA, "named", "Initech"),
    ):
        view = team.open_modal("feedback", user_id=rep)
        team.view_submission(view, SHARE | {"identity": identity, "competitor": competitor}, user_id=rep)
    assert "0 voice" in app_server.run_job("field-summary", at(20, 12, month=11))[0]  # November isn't over
    assert "1 voice-of-the-field summaries due, 1 new" in app_server.run_job("field-summary", at(1, 15))[0]
    (post,) = wait_for(lambda: emulator.messages.get("C0DIGEST"), what="the summary")
    text = post["text"]
    # One anonymous item in the workspace is held back: not counted, not quoted.
    assert "Voice of the field — November 2026 (2 responses)" in text
    assert "Competitors: 2" in text and "globex (1), Initech (1)" in text
    assert "<@UREPZH>" in text and "<@UREPLA>" in text and REP_EN not in text
    assert text.count("Quotes take two weeks") == 2 and "anonymous" not in text
    assert "0 new" in app_server.run_job("field-summary", at(15, 15))[0]
