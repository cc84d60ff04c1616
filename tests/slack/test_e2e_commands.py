"""`/pacer help`, roles and request verification, over HTTP against the real app and the emulator."""

from __future__ import annotations

import json
import time
import urllib.request
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, text

from bot.roster.models import Member
from tests.conftest import SIGNING_SECRET
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, GONE, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer, sign

pytestmark = pytest.mark.e2e


def members_count(app_server: AppServer) -> int:
    with app_server.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Member)) or 0)


def test_help_lists_what_a_rep_may_run_in_english(slack: SlackPeer, emulator: SlackEmulator) -> None:
    reply = slack.command("help", user_id=REP_EN).json()
    assert reply["response_type"] == "ephemeral"
    assert "you are a rep" in reply["text"]
    assert "/pacer language en|zh" in reply["text"]
    assert "/pacer setup" not in reply["text"] and "/pacer team add" not in reply["text"]
    assert 0 < len(reply["blocks"]) <= 50
    assert emulator.calls_to("users.info")[0].params["include_locale"] in (True, "true", "1")


def test_help_in_chinese_for_a_chinese_slack_user(slack: SlackPeer) -> None:
    reply = slack.command("help", user_id=REP_ZH).json()
    assert "你可以用 Pacer 做什么" in reply["text"]
    assert "选择 Pacer 与你交流的语言" in reply["text"]


def test_admin_help_lists_admin_commands(slack: SlackPeer) -> None:
    text = slack.command("", user_id=ADMIN).json()["text"]
    for usage in ("/pacer setup", "/pacer manager add @user", "/pacer team add @rep", "/pacer vendor list"):
        assert usage in text


def test_unknown_subcommand_gets_the_help(slack: SlackPeer) -> None:
    reply = slack.command("fly me to the moon", user_id=REP_EN).json()
    assert reply["text"].startswith("What you can do with Pacer")


def test_a_rep_is_refused_politely_naming_who_may(slack: SlackPeer) -> None:
    assert slack.command("setup", user_id=REP_EN).json()["text"] == (
        "Only Pacer admins may run `/pacer setup`. Ask one of them if you need this done."
    )
    assert (
        "Only Pacer admins or managers may run `/pacer team add`"
        in slack.command("team add <@UREPZH|li>", user_id=REP_EN).json()["text"]
    )
    assert "只有Pacer 管理员可以运行 `/pacer setup`" in slack.command("setup", user_id=REP_ZH).json()["text"]


def test_language_override(slack: SlackPeer) -> None:
    assert slack.command("language zh", user_id=REP_EN).json()["text"].startswith("好的")
    assert "你可以用 Pacer 做什么" in slack.command("help", user_id=REP_EN).json()["text"]
    assert slack.command("language en", user_id=REP_EN).json()["text"].startswith("Done")
    assert "Try `/pacer language en`" in slack.command("language fr", user_id=REP_EN).json()["text"]


def test_a_deleted_slack_user_is_told_and_kept_inactive(slack: SlackPeer, app_server: AppServer) -> None:
    reply = slack.command("help", user_id=GONE).json()
    assert reply["text"].startswith("What you can do")  # help is harmless; their row is inactive
    with app_server.session_factory() as session:
        member = session.scalar(select(Member).where(Member.user_id == GONE))
        assert member is not None and not member.active


@pytest.mark.parametrize(
    "tamper",
    ["no-signature", "wrong-secret", "stale", "body-changed"],
)
def test_unverified_requests_are_rejected_and_touch_nothing(
    slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator, tamper: str
) -> None:
    body = urlencode({"team_id": "T0000001", "user_id": REP_EN, "command": "/pacer", "text": "help"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if tamper == "wrong-secret":
        headers |= sign("not-the-secret", body)
    elif tamper == "stale":
        headers |= sign(SIGNING_SECRET, body, timestamp=int(time.time()) - 6 * 60)
    elif tamper == "body-changed":
        headers |= sign(SIGNING_SECRET, body)
        body = body.replace(b"help", b"setup")
    response = slack.post_raw(body, headers)
    assert response.status == 401
    assert members_count(app_server) == 0
    assert emulator.calls == []


def test_healthz_answers_when_the_database_does(app_server: AppServer) -> None:
    with urllib.request.urlopen(f"{app_server.base_url}/healthz", timeout=5) as response:
        assert response.status == 200 and response.read() == b"ok\n"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_slack_failing_tells_the_person_at_once(
    slack: SlackPeer, emulator: SlackEmulator, status: int
) -> None:
    emulator.fail_next("users.info", status=status, retry_after=30, count=10)
    reply = slack.command("help", user_id=REP_EN)
    assert reply.status == 200
    text = reply.json()["text"]
    assert text.startswith("Slack is busy or didn't answer Pacer in time, so nothing was changed.")
    assert "(Reference: `" in text  # to find the log line
    # A listener never waits out Retry-After or backs off: Slack wants the ack within 3 seconds.
    assert [call.status for call in emulator.calls_to("users.info")] == [status]


def test_a_database_failure_is_explained_with_a_reference(
    slack: SlackPeer, app_server: AppServer, caplog: pytest.LogCaptureFixture
) -> None:
    engine = app_server.session_factory.kw["bind"]
    slack.command("help", user_id=ADMIN)
    with engine.begin() as connection:  # a real failure: the table the command reads is gone
        connection.execute(text("ALTER TABLE vendors RENAME TO vendors_away"))
    try:
        reply = slack.command("vendor list", user_id=ADMIN).json()
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE vendors_away RENAME TO vendors"))
    assert reply["text"].startswith("Sorry, something went wrong on Pacer's side and nothing was changed.")
    reference = reply["text"].rsplit("`", 2)[1]
    assert any(reference in record.getMessage() and record.exc_info for record in caplog.records)


def test_events_update_a_known_members_profile(slack: SlackPeer, app_server: AppServer) -> None:
    slack.command("help", user_id=REP_EN)
    user = {
        "id": REP_EN,
        "team_id": "T0000001",
        "name": "rita",
        "tz": "Asia/Tokyo",
        "locale": "zh-CN",
        "profile": {"display_name": "Rita R."},
    }
    assert slack.event({"type": "user_change", "user": user}).status == 200

    def refreshed() -> bool:
        with app_server.session_factory() as session:
            member = session.scalar(select(Member).where(Member.user_id == REP_EN))
            return member is not None and member.timezone == "Asia/Tokyo"

    from tests.support.waiting import wait_for

    wait_for(refreshed, what="the user_change event to be applied")
    assert "你可以用 Pacer 做什么" in slack.command("help", user_id=REP_EN).json()["text"]


def test_ephemeral_replies_have_a_text_fallback(slack: SlackPeer, emulator: SlackEmulator) -> None:
    for command in ("help", "team", "vendor list"):
        reply = slack.command(command, user_id=ADMIN).json()
        assert reply.get("text"), json.dumps(reply)
    assert emulator.warnings == []


def test_many_first_commands_at_once_from_a_new_user(slack: SlackPeer, app_server: AppServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: slack.command("help", user_id=REP_EN).json(), range(20)))
    assert all(reply["text"].startswith("What you can do with Pacer") for reply in replies)
    assert members_count(app_server) == 1
