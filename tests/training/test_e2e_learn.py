"""The resource library and self-study over HTTP on both databases: a manager adds a resource (a bad link
or category refused), everyone browses it (a title's mrkdwn shown as text), a rep logs what they studied
(minutes bounded) and their manager sees it under the rep's courses, on the rep's own day."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.roster.models import Role
from bot.training import service
from tests.factories import member
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_peer import SlackPeer

pytestmark = pytest.mark.e2e


def test_library_and_self_study(slack: SlackPeer, app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        boss = member(session, MARIA, role=Role.MANAGER)
        rita = member(session, REP_EN, timezone="Asia/Shanghai")
        rita.on_team, rita.manager_id = True, boss.id
    app_server.clock.set(datetime(2026, 12, 7, 20, tzinfo=UTC))  # Tuesday 8 December, 04:00 in Shanghai
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
    assert (
        "*Self-study*" in seen
        and "Dec 8: SPIN Selling, chapter 3, 30 min — Ask implication questions" in seen
    )
    refused = slack.command('learn log 30 "Book"', user_id=MARIA).json()["text"]
    assert "Logged" not in refused


def test_training_settings(slack: SlackPeer, app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        member(session, MARIA, role=Role.MANAGER)
    current = slack.command("setup training", user_id=ADMIN).json()["text"]
    assert current.startswith("Training: lessons on Tuesday, Thursday at 11:00") and "after 7 days" in current
    saved = slack.command("setup training days mon,wed,fri time 9:30 escalate 3", user_id=ADMIN).json()[
        "text"
    ]
    assert saved.startswith("Saved. Training: lessons on Monday, Wednesday, Friday at 09:30")
    assert "after 3 days" in saved
    for bad, says in (
        ("days someday", "Name the training days"),
        ("time 25:00", "24-hour clock"),
        ("escalate 0", "1 to 90 days"),
        ("days", "Write it like"),
    ):
        assert says in slack.command(f"setup training {bad}", user_id=ADMIN).json()["text"], bad
    assert "Saved" not in slack.command("setup training escalate 5", user_id=MARIA).json()["text"]
    with app_server.session_factory() as session:
        kept = service.settings_of(session, "T0000001")
        assert (sorted(kept.weekdays), kept.lesson_time, kept.escalate_after_days) == (
            [0, 2, 4],
            time(9, 30),
            3,
        )
