""" "Post digest" asks first, over HTTP: the Home tab's button carries Slack's confirmation dialog naming the
channel, `/pacer digest post` answers with a message to confirm; the digest is queued only once the person
confirmed, and they are told where it goes (or, if the channel changed since, that nothing was posted)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.delivery.models import Delivery
from bot.workspaces.models import Workspace
from tests.digests.test_e2e import DIGEST_TIME, channel, seed
from tests.support.app_server import AppServer
from tests.support.people import MARIA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


def digests_queued(app_server: AppServer) -> int:
    with app_server.session_factory() as session:
        return int(session.scalar(select(func.count()).where(Delivery.kind == "digest")) or 0)


def answer_to(emulator: SlackEmulator, response: PeerResponse) -> dict[str, Any]:
    found = wait_for(
        lambda: [p for url, p in emulator.responses if url == response.response_url], what="the answer"
    )
    return found[-1]


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["action_id"]: e for b in message.get("blocks", []) for e in b.get("elements", [])}


@pytest.fixture
def ready(slack: SlackPeer, app_server: AppServer) -> SlackPeer:
    seed(app_server, reps=2)
    app_server.clock.set(DIGEST_TIME)
    return slack


def test_the_command_asks_first_and_posts_only_when_confirmed(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    asked = ready.command("digest post", user_id=MARIA).json()
    assert asked["response_type"] == "ephemeral"
    assert asked["text"].startswith("Post last week's digest in <#C0DIGEST> now? Everyone in that channel")
    assert set(buttons(asked)) == {"digest_post_confirm", "digest_post_cancel"}
    assert buttons(asked)["digest_post_confirm"]["value"] == "C0DIGEST"
    time.sleep(0.3)  # nothing is queued by asking
    assert digests_queued(app_server) == 0 and not channel(emulator)

    cancelled = ready.click(asked, "digest_post_cancel", user_id=MARIA, channel_id="D" + MARIA)
    answer = answer_to(emulator, cancelled)
    assert answer["replace_original"] is True
    assert answer["text"] == "Not posted; nothing changed. The digest still posts at its usual time."
    assert digests_queued(app_server) == 0

    asked = ready.command("digest post", user_id=MARIA).json()
    confirmed = ready.click(asked, "digest_post_confirm", user_id=MARIA, channel_id="D" + MARIA)
    answer = answer_to(emulator, confirmed)
    assert answer["replace_original"] is True
    assert answer["text"] == "Posting last week's digest in <#C0DIGEST> now; its chart follows in the thread."
    wait_for(lambda: channel(emulator), what="the posted digest")
    assert digests_queued(app_server) == 1
    again = ready.click(asked, "digest_post_confirm", user_id=MARIA, channel_id="D" + MARIA)  # a double click
    assert again.status == 200 and digests_queued(app_server) == 1
    assert "already in <#C0DIGEST>" in ready.command("digest post", user_id=MARIA).json()["text"]


def test_a_channel_changed_since_asking_posts_nothing_and_says_so(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    asked = ready.command("digest post", user_id=MARIA).json()
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, "T0000001").digest_channel_id = "C0GENERAL"
    answer = answer_to(
        emulator, ready.click(asked, "digest_post_confirm", user_id=MARIA, channel_id="D" + MARIA)
    )
    assert answer["text"].startswith("Nothing was posted: the digest channel is no longer <#C0DIGEST>")
    assert digests_queued(app_server) == 0


def home_of(slack: SlackPeer, emulator: SlackEmulator, user_id: str) -> dict[str, Any]:
    slack.event({"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home"})
    wait_for(lambda: user_id in emulator.home_tabs, what="the home tab")
    return dict(emulator.home_tabs[user_id])


CASES = [("en", "Post the digest?", "in <#C0DIGEST> now?"), ("zh", "发布周报？", "发布到 <#C0DIGEST> 吗")]


@pytest.mark.parametrize(("locale", "title", "named"), CASES)
def test_the_home_button_asks_in_a_dialog_naming_the_channel(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer, locale: str, title: str, named: str
) -> None:
    ready.command(f"language {locale}", user_id=MARIA)
    home = home_of(ready, emulator, MARIA)
    button = buttons(home)["home_post_digest"]
    dialog = button["confirm"]
    assert dialog["title"] == {"type": "plain_text", "text": title, "emoji": True}
    assert dialog["text"]["type"] == "mrkdwn" and named in dialog["text"]["text"]
    assert {dialog["confirm"]["text"], dialog["deny"]["text"]} == (
        {"Post it", "Cancel"} if locale == "en" else {"发布", "取消"}
    )
    assert button["value"] == "C0DIGEST" and digests_queued(app_server) == 0  # showing it posts nothing

    # Slack sends the press only after the person confirmed the dialog
    ready.block_action(user_id=MARIA, action_id="home_post_digest", value=button["value"], view=home)
    told = wait_for(lambda: [e for e in emulator.ephemerals if e["recipient"] == MARIA], what="the answer")
    assert told[-1]["channel"] == "D" + MARIA
    expected = (
        "Posting last week's digest in <#C0DIGEST> now"
        if locale == "en"
        else "正在把上周的周报发布到 <#C0DIGEST>"
    )
    assert told[-1]["text"].startswith(expected)
    wait_for(lambda: channel(emulator), what="the posted digest")
    assert digests_queued(app_server) == 1


def test_a_home_button_shown_before_there_was_a_channel_posts_nothing(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, "T0000001").digest_channel_id = None
    home = home_of(ready, emulator, MARIA)
    button = buttons(home)["home_post_digest"]
    assert "confirm" not in button and button["value"] == ""  # no channel to name: pressing says so
    ready.block_action(user_id=MARIA, action_id="home_post_digest", value="", view=home)
    told = wait_for(lambda: emulator.messages.get("D" + MARIA), what="the answer")
    assert told[-1]["text"].startswith("There is no channel to post to yet")
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, "T0000001").digest_channel_id = "C0DIGEST"
    ready.block_action(user_id=MARIA, action_id="home_post_digest", value="", view=home)
    told = wait_for(lambda: emulator.messages.get("D" + MARIA)[1:], what="the second answer")
    assert told[-1]["text"] == (
        "Nothing was posted: a digest channel, <#C0DIGEST>, was chosen after this button was shown."
        " Open the Home tab again, or run `/pacer digest post`, to post there."
    )
    assert digests_queued(app_server) == 0
