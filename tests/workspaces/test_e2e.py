"""`/pacer setup`: the modal opens, bad values come back as field errors, good ones are saved."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, OWNER, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

GOOD = {
    "digest_channel_id": "C0DIGEST",
    "timezone": "Asia/Shanghai",
    "nudge_weekday": "4",
    "nudge_time": "16:30",
    "reminder_delay_hours": "8",
    "feedback_day": "0",
    "language": "zh",
}


def open_setup(slack: SlackPeer, emulator: SlackEmulator, user_id: str = ADMIN) -> tuple[dict[str, Any], str]:
    reply = slack.command("setup", user_id=user_id)
    assert reply.status == 200 and reply.body == b""  # acknowledged at once, the modal comes by views.open
    opened = wait_for(lambda: emulator.calls_to("views.open"), what="views.open")
    assert opened[0].params["trigger_id"] == reply.trigger_id
    assert opened[0].response["ok"], opened[0].response
    view = emulator.last_view()
    assert view is not None and view["callback_id"] == "setup"
    return view, str(reply.response_url)


def test_admin_saves_settings(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    view, response_url = open_setup(slack, emulator)
    assert len(view["blocks"]) <= 100
    response = slack.view_submission(view, GOOD, user_id=ADMIN)
    assert response.status == 200 and response.body == b""  # closes the modal
    with app_server.session_factory() as session:
        workspace = session.get_one(Workspace, "T0000001")
        assert (workspace.digest_channel_id, workspace.timezone, workspace.nudge_weekday) == (
            "C0DIGEST",
            "Asia/Shanghai",
            4,
        )
        assert (workspace.nudge_time, workspace.reminder_delay_hours, workspace.language) == (
            time(16, 30),
            8,
            "zh",
        )
    confirmed = wait_for(
        lambda: [p for url, p in emulator.responses if url == response_url], what="confirmation"
    )
    assert confirmed[0]["response_type"] == "ephemeral"
    assert confirmed[0]["text"] == (  # saved, and what happens when
        "Saved: the digest will post in <#C0DIGEST> every Monday at 4:00\u202fPM (Asia/Shanghai),"
        " and reps are nudged to check in every Friday at 4:30\u202fPM in their own time zone."
    )


def test_the_modal_reopens_with_saved_values(slack: SlackPeer, emulator: SlackEmulator) -> None:
    view, _ = open_setup(slack, emulator)
    slack.view_submission(view, GOOD, user_id=ADMIN)
    emulator.reset()
    view, _ = open_setup(slack, emulator)
    by_block = {block.get("block_id"): block for block in view["blocks"]}
    assert by_block["timezone"]["element"]["initial_value"] == "Asia/Shanghai"
    assert by_block["nudge_time"]["element"]["initial_option"]["value"] == "16:30"
    assert by_block["digest_channel_id"]["element"]["initial_conversation"] == "C0DIGEST"


def test_bad_values_get_field_errors_and_nothing_is_saved(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view, _ = open_setup(slack, emulator)
    response = slack.view_submission(view, {**GOOD, "timezone": "Mars/Olympus"}, user_id=ADMIN)
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["timezone"]
    assert "isn't a time zone name I know" in answer["errors"]["timezone"]
    with app_server.session_factory() as session:
        assert session.get_one(Workspace, "T0000001").timezone == "UTC"


def test_field_errors_in_the_admins_language(slack: SlackPeer, emulator: SlackEmulator) -> None:
    emulator.add_user("UADMINZH", name="zhang", is_admin=True, locale="zh-CN")
    view, _ = open_setup(slack, emulator, user_id="UADMINZH")
    assert view["title"]["text"] == "Pacer 设置"
    answer = slack.view_submission(view, {**GOOD, "timezone": "nowhere"}, user_id="UADMINZH").json()
    assert answer["errors"]["timezone"] == "我不认识这个时区名。试试 Asia/Shanghai 这样的写法。"


def test_slack_owner_is_an_admin(slack: SlackPeer, emulator: SlackEmulator) -> None:
    open_setup(slack, emulator, user_id=OWNER)


def test_a_rep_cannot_submit_the_setup_modal(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view, _ = open_setup(slack, emulator)
    answer = slack.view_submission(view, GOOD, user_id=REP_EN).json()  # a forged submission by a rep
    assert answer["response_action"] == "push"
    assert "Only Pacer admins may run `/pacer setup`" in answer["view"]["blocks"][0]["text"]["text"]
    with app_server.session_factory() as session:
        assert session.get_one(Workspace, "T0000001").timezone == "UTC"


def test_an_expired_trigger_is_reported_to_the_admin(slack: SlackPeer, emulator: SlackEmulator) -> None:
    emulator.trigger_ttl = 0.0  # every trigger is already stale when the app uses it
    reply = slack.command("setup", user_id=ADMIN)
    assert reply.status == 200
    told = wait_for(
        lambda: [p for url, p in emulator.responses if url == reply.response_url], what="the apology"
    )
    assert told[0]["text"].startswith("Sorry, something went wrong")


def test_digest_schedule_week_and_country_are_saved(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view, _ = open_setup(slack, emulator)
    answers = GOOD | {
        "digest_weekday": "4",
        "digest_time": "17:30",
        "report_week": "current",
        "country": "us",
    }
    assert slack.view_submission(view, answers, user_id=ADMIN).status == 200
    with app_server.session_factory() as session:
        workspace = session.get_one(Workspace, "T0000001")
        assert (
            workspace.digest_weekday,
            workspace.digest_time,
            workspace.report_current_week,
            workspace.country,
        ) == (4, time(17, 30), True, "US")
    bad = slack.view_submission(view, GOOD | {"country": "Narnia"}, user_id=ADMIN).json()
    assert bad["errors"] == {
        "country": "That isn't a country code I know. Use two letters, such as CN or US."
    }


def test_each_person_sets_their_own_country(slack: SlackPeer, app_server: AppServer) -> None:
    assert (
        slack.command("country cn", user_id=REP_EN).json()["text"]
        == "Done: no nudges on public holidays in CN."
    )
    assert "isn't a country code I know" in slack.command("country XX", user_id=REP_EN).json()["text"]
    assert (
        slack.command("country none", user_id=REP_EN)
        .json()["text"]
        .startswith("Done: your workspace's country")
    )


def test_every_select_shows_its_current_value_as_its_placeholder_too(
    slack: SlackPeer, emulator: SlackEmulator
) -> None:
    """local-slack shows no `initial_option`, only the placeholder: both are the current value."""
    view, _ = open_setup(slack, emulator)
    selects = [b["element"] for b in view["blocks"] if b.get("element", {}).get("type") == "static_select"]
    assert len(selects) == 8  # days, times, reminder, feedback day, language and the reported week
    for element in selects:
        assert element["placeholder"] == element["initial_option"]["text"]
    by_block = {block.get("block_id"): block for block in view["blocks"]}
    assert by_block["report_week"]["element"]["initial_option"]["value"] == "last"
    assert "placeholder" not in by_block["digest_channel_id"]["element"]  # no channel yet: Slack's own
    slack.view_submission(view, GOOD, user_id=ADMIN)
    emulator.reset()
    view, _ = open_setup(slack, emulator)
    channel = next(b for b in view["blocks"] if b.get("block_id") == "digest_channel_id")["element"]
    assert channel["initial_conversation"] == "C0DIGEST"
    assert channel["placeholder"]["text"] == "The channel chosen before (unchanged)"


def test_fields_submitted_untouched_without_a_value_keep_what_the_modal_showed(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """local-slack submits only the fields that were touched; Slack never submits these empty."""
    view, _ = open_setup(slack, emulator)
    slack.view_submission(view, {**GOOD, "country": "DE"}, user_id=ADMIN)
    emulator.reset()
    view, _ = open_setup(slack, emulator)
    untouched = {block["block_id"]: None for block in view["blocks"] if block["type"] == "input"}
    response = slack.view_submission(view, {**untouched, "nudge_time": "10:00"}, user_id=ADMIN)
    assert response.status == 200 and response.body == b"", response.body
    with app_server.session_factory() as session:
        workspace = session.get_one(Workspace, "T0000001")
        assert (workspace.timezone, workspace.nudge_weekday, workspace.nudge_time) == (
            "Asia/Shanghai",
            4,
            time(10, 0),
        )
        assert (workspace.digest_channel_id, workspace.language, workspace.reminder_delay_hours) == (
            "C0DIGEST",
            "zh",
            8,
        )
        assert workspace.country is None  # an optional text left empty is emptied, as in Slack
