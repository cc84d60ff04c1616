"""The resource library and self-study over HTTP on both databases: a manager adds a resource (a bad link
or category refused), everyone browses it (a title's mrkdwn shown as text), a rep logs what they studied
(minutes bounded) and their manager sees it under the rep's courses."""

from __future__ import annotations

import pytest

from bot.roster.models import Role
from tests.factories import member
from tests.support.app_server import AppServer
from tests.support.people import MARIA, REP_EN
from tests.support.slack_peer import SlackPeer

pytestmark = pytest.mark.e2e


def test_library_and_self_study(slack: SlackPeer, app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        boss = member(session, MARIA, role=Role.MANAGER)
        rita = member(session, REP_EN)
        rita.on_team, rita.manager_id = True, boss.id
    assert "is empty" in slack.command("learn", user_id=REP_EN).json()["text"]
    bad = slack.command("learn add cooking https://example.com x", user_id=MARIA).json()["text"]
    assert "“cooking” is not a category" in bad
    assert (
        "web address" in slack.command("learn add market javascript:alert(1) x", user_id=MARIA).json()["text"]
    )
    added = slack.command("learn add sales https://example.com/spin SPIN <!channel> *Selling*", user_id=MARIA)
    assert added.json()["text"].startswith("Added to the library: SPIN")
    shown = str(slack.command("learn sales_skills", user_id=REP_EN).json())
    assert "<https://example.com/spin|SPIN &lt;!channel&gt; *Selling*>" in shown and "sales skills" in shown
    assert "not a category" in slack.command("learn nope", user_id=REP_EN).json()["text"]

    assert "from 1 to 1440" in slack.command('learn log 5000 "Book"', user_id=REP_EN).json()["text"]
    logged = slack.command('learn log 30 "SPIN Selling, chapter 3" Ask implication questions', user_id=REP_EN)
    assert (
        logged.json()["text"]
        == "Logged: SPIN Selling, chapter 3, 30 minutes. Your manager sees it beside your courses."
    )
    seen = str(slack.command(f"training <@{REP_EN}|rita>", user_id=MARIA).json())
    assert "*Self-study*" in seen and "SPIN Selling, chapter 3, 30 min — Ask implication questions" in seen
    refused = slack.command('learn log 30 "Book"', user_id=MARIA).json()["text"]
    assert "Logged" not in refused
