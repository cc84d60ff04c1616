"""Kudos over the emulator: given with `/pacer kudos`, posted once in the recognition channel (or the
receiver's DM when private), the allowance left in the answer, and each rule against gaming answered in
one line or held for an admin's review with Approve / Reject acting once."""

from __future__ import annotations

import pytest

from tests.recognition.support import CHANNEL, kudos, stored, team, texts
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
RITA, SAM, LI = f"<@{REP_EN}|rita>", f"<@{REP_LA}|sam>", f"<@{REP_ZH}|li>"


def test_public_kudos_go_to_the_channel_once_and_the_answer_says_whats_left(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server, kudos_values="teamwork,customer-first", value_required=True)
    answer = kudos(slack, f"{RITA} 20 closed the <Acme> deal together #teamwork", user_id=MARIA)
    assert answer.startswith(f"🎉 Kudos sent: 20 points to <@{REP_EN}>, posted in <#{CHANNEL}>.")
    assert "You have 80 points of 100 points left this month; your allowance resets on Jan 1" in answer
    posted = wait_for(lambda: emulator.messages.get(CHANNEL), what="the kudos in the channel")
    assert texts(posted) == [
        f"🎉 *Kudos!*\n<@{MARIA}> → <@{REP_EN}>, 20 points: “closed the &lt;Acme&gt; deal together” #teamwork"
    ]
    private = kudos(slack, f"{SAM} 5 thanks for covering my calls #customer-first private", user_id=REP_EN)
    assert "privately: 5 points" in private
    got = wait_for(lambda: dms(emulator, REP_LA), what="the private kudos")
    assert "(private: only you see it)" in got[0]["text"]
    assert len(emulator.messages.get(CHANNEL, [])) == 1  # the private one is not in the channel
    assert stored(app_server) == [
        (20, "accepted", "closed the <Acme> deal together"),
        (5, "accepted", "thanks for covering my calls"),
    ]


def test_bad_kudos_get_one_line_answers(
    slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    team(slack, app_server, kudos_values="teamwork,customer-first", value_required=True)
    emulator.add_user("UGUEST", name="gus", is_restricted=True)
    assert (
        kudos(slack, f"<@{REP_EN}|rita> 5 me! #teamwork", user_id=REP_EN)
        == "You can't give kudos to yourself."
    )
    assert kudos(slack, f"{SAM} -5 ha #teamwork", user_id=REP_EN) == (
        "Points can't be negative: give a whole number from 1 up."
    )
    assert kudos(slack, f"{SAM} 101 big #teamwork", user_id=REP_EN) == (
        "You have 100 points left this month, not 101: give 100 or fewer."
    )
    assert kudos(slack, f"{SAM} 41 big #teamwork", user_id=REP_EN) == (
        "At most 40 points a month to one person (40 % of your allowance): you can still give them 40."
    )
    assert kudos(slack, f"{SAM} 5 great call", user_id=REP_EN) == (
        "Name a value with a hashtag. The values here: #teamwork, #customer-first"
    )
    assert "is a bot or a deactivated account" in kudos(
        slack, f"<@{emulator.bot_user_id}|pacer> 5 ok #teamwork", user_id=REP_EN
    )
    assert "is outside this workspace" in kudos(slack, "<@UGUEST|gus> 5 ok #teamwork", user_id=REP_EN)
    assert stored(app_server) == []


def test_a_reciprocal_trade_is_held_and_an_admin_decides_once(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    kudos(slack, f"{SAM} 40 great week", user_id=REP_EN)
    answer = kudos(slack, f"{RITA} 40 you too", user_id=REP_LA)
    assert answer.startswith(
        f"⏸️ Your kudos to <@{REP_EN}> is held for an admin's review: the two of them traded"
    )
    assert "You have 60 points of 100 points left" in answer  # held points are set aside
    ask = wait_for(lambda: dms(emulator, ADMIN), what="the admin's review")[0]
    assert ask["text"].startswith("⏸️ A kudos is held for your review")
    assert len(emulator.messages.get(CHANNEL, [])) == 1  # only the first one is posted
    slack.click(ask, "recognition_approve", user_id=ADMIN, channel_id="D" + ADMIN)
    done = wait_for(lambda: emulator.responses, what="the review's answer")
    assert done[0][1]["text"] == f"✅ Approved by <@{ADMIN}>; it is posted now."
    wait_for(lambda: len(emulator.messages.get(CHANNEL, [])) == 2, what="the approved kudos posted")
    told = wait_for(lambda: dms(emulator, REP_LA), what="the giver told")
    assert told[0]["text"].startswith(f"✅ <@{ADMIN}> approved your kudos to <@{REP_EN}>")
    slack.click(ask, "recognition_reject", user_id=ADMIN, channel_id="D" + ADMIN)  # a second decision
    wait_for(lambda: len(emulator.responses) == 2, what="the second answer")
    assert "already reviewed this kudos" in emulator.responses[1][1]["text"]
    assert [status for _, status, _ in stored(app_server)] == ["accepted", "accepted"]


def test_a_repeated_reason_is_held_and_a_rejection_gives_the_points_back(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    kudos(slack, f"{SAM} 10 Thanks for the help!", user_id=BEN)
    answer = kudos(slack, f"{LI} 10 thanks for the help", user_id=BEN)
    assert "held for an admin's review: the giver already used the same reason this month" in answer
    ask = wait_for(lambda: dms(emulator, ADMIN), what="the admin's review")[0]
    slack.click(ask, "recognition_reject", user_id=ADMIN, channel_id="D" + ADMIN)
    wait_for(lambda: emulator.responses, what="the review's answer")
    told = wait_for(lambda: dms(emulator, BEN), what="the giver told")
    assert "the 10 points are back in your allowance" in told[0]["text"]
    assert "You have 80 points of 100 points left" in kudos(slack, f"{LI} 10 well done", user_id=BEN)


def test_an_admin_boosts_a_managers_allowance(slack: SlackPeer, app_server: AppServer) -> None:
    team(slack, app_server)
    assert "Boosts are for managers" in str(
        slack.command(f"kudos boost {RITA} 50", user_id=ADMIN).json()["text"]
    )
    answer = str(slack.command(f"kudos boost <@{MARIA}|maria> 50", user_id=ADMIN).json()["text"])
    assert answer == f"⚡ <@{MARIA}> gets 50 points more to give in Dec 2026; they have 150 points left."
    assert "Only Pacer admins may run" in str(
        slack.command(f"kudos boost <@{MARIA}|maria> 50", user_id=BEN).json()["text"]
    )
    assert "You have 140 points of 150 points left" in kudos(slack, f"{RITA} 10 great demo", user_id=MARIA)


def test_a_chinese_speaker_is_answered_in_chinese(slack: SlackPeer, app_server: AppServer) -> None:
    team(slack, app_server)
    answer = kudos(slack, f"{RITA} 1 谢谢你的帮助", user_id=REP_ZH)
    assert answer.startswith(f"🎉 已点赞：送给 <@{REP_EN}> 1 分，已发布在 <#{CHANNEL}>。")
    assert "你本月还剩 99 分（共 100 分）" in answer
    assert kudos(slack, f"{RITA} -1 坏", user_id=REP_ZH) == "分数不能为负数：请给出 1 或以上的整数。"


def test_private_kudos_stay_off_the_leaderboard(slack: SlackPeer, app_server: AppServer) -> None:
    team(slack, app_server)
    kudos(slack, f"{RITA} 30 thanks for the quiet help private", user_id=REP_LA)
    kudos(slack, f"{SAM} 10 great call", user_id=MARIA)
    board = slack.command("kudos", user_id=BEN).json()["text"]
    assert f"1. <@{REP_LA}>, 10 points" in board
    assert REP_EN not in board  # only privately thanked: not on the board
