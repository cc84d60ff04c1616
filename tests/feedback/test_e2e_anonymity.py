"""Anonymity that survives elimination, over signed HTTP: what a manager, an admin and the digest channel
see of anonymous feedback in a small team, across the workspace, and in a team padded mid-month."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.feedback.models import FieldFeedback
from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.e2e import at
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
COUNTS = "Anonymous feedback, by theme"
PROBLEMS = {
    REP_EN: "Quotes take two weeks to approve",
    REP_ZH: "Samples arrive late in Jiangsu",
    REP_LA: "The price list is out of date",
}


def close_december(slack: SlackPeer, app_server: AppServer, *users: str) -> None:
    """December's anonymous figures are shown to nobody while December lasts (each new item would show
    its own themes to whoever looked before and after it), then once it has ended."""
    for user in users:
        assert COUNTS not in listing(slack, user)
    app_server.clock.set(datetime(2027, 1, 2, 12, tzinfo=UTC))


def share(slack: SlackPeer, rep: str, identity: str) -> None:
    view = slack.open_modal("feedback", user_id=rep)
    answers = {"market": "Budgets are frozen", "problems": PROBLEMS[rep], "identity": identity}
    assert slack.view_submission(view, answers, user_id=rep).status == 200


def listing(slack: SlackPeer, user_id: str) -> str:
    return str(slack.command("feedback list", user_id=user_id).json()["text"])


def voice_of_the_field(app_server: AppServer, emulator: SlackEmulator) -> str:
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, "T0000001").digest_channel_id = "C0DIGEST"
    app_server.run_job("field-summary", datetime(2027, 1, 1, 15, tzinfo=UTC))
    (post,) = wait_for(lambda: emulator.messages.get("C0DIGEST"), what="the voice of the field")
    return str(post["text"])


@pytest.fixture
def slack_in_november(slack: SlackPeer, app_server: AppServer) -> SlackPeer:
    app_server.clock.set(at(10, month=11))
    slack.command("manager add <@UMARIA|maria>", user_id=ADMIN)
    slack.command("manager add <@UBEN|ben>", user_id=ADMIN)
    return slack


def test_two_named_and_one_anonymous_in_a_team_of_three_show_no_anonymous_count(
    slack_in_november: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    slack = slack_in_november
    slack.command(f"team add <@{REP_EN}|r> <@{REP_ZH}|l> <@{REP_LA}|s>", user_id=MARIA)
    app_server.clock.set(at(3))  # the team had its three reps when December began
    share(slack, REP_EN, "anonymous")
    share(slack, REP_ZH, "named")
    share(slack, REP_LA, "named")
    for user in (MARIA, ADMIN):
        seen = listing(slack, user)
        assert f"<@{REP_ZH}>" in seen and f"<@{REP_LA}>" in seen  # the named ones, with their names
        assert COUNTS not in seen and "Problems: 1" not in seen and PROBLEMS[REP_EN] not in seen
    summary = voice_of_the_field(app_server, emulator)
    assert "(2 responses)" in summary and PROBLEMS[REP_EN] not in summary and "anonymous" not in summary


def test_three_anonymous_across_the_workspace_are_shown_workspace_wide_only(
    slack_in_november: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    slack = slack_in_november
    slack.command(f"team add <@{REP_EN}|r> <@{REP_ZH}|l>", user_id=MARIA)
    slack.command(f"team add <@{REP_LA}|s>", user_id=BEN)
    app_server.clock.set(at(3))
    for rep in (REP_EN, REP_ZH, REP_LA):
        share(slack, rep, "anonymous")
    close_december(slack, app_server, ADMIN)
    assert COUNTS not in listing(slack, MARIA)  # two of them are from her team: not hers to see
    assert COUNTS not in listing(slack, BEN)
    admin = listing(slack, ADMIN)
    assert f"{COUNTS} (never shown one by one): Market: 3 · Problems: 3" in admin
    assert not any(problem in admin for problem in PROBLEMS.values())

    summary = voice_of_the_field(app_server, emulator)
    assert "(3 responses)" in summary and "Problems: 3" in summary
    named, anonymous = summary.split("*Open problems raised anonymously* (in random order):")
    assert not any(problem in named for problem in PROBLEMS.values())
    quoted = [line for line in anonymous.splitlines() if line.startswith("• ")]
    assert sorted(quoted) == sorted(f"• {problem}" for problem in PROBLEMS.values())  # nothing beside them
    assert "<@" not in anonymous


def test_a_team_of_three_from_the_start_of_the_month_sees_its_own_counts(
    slack_in_november: SlackPeer, app_server: AppServer
) -> None:
    slack = slack_in_november
    slack.command(f"team add <@{REP_EN}|r> <@{REP_ZH}|l> <@{REP_LA}|s>", user_id=MARIA)
    app_server.clock.set(at(3))
    for rep in (REP_EN, REP_ZH, REP_LA):
        share(slack, rep, "anonymous")
    close_december(slack, app_server, MARIA, ADMIN)
    assert f"{COUNTS} (never shown one by one): Market: 3 · Problems: 3" in listing(slack, MARIA)
    assert COUNTS not in listing(slack, BEN)


def test_padding_a_team_mid_month_does_not_lower_the_floor(
    slack_in_november: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    slack = slack_in_november
    slack.command(f"team add <@{REP_EN}|r> <@{REP_ZH}|l>", user_id=MARIA)  # two reps on 1 December
    app_server.clock.set(at(5))
    for idle in ("UIDLE1", "UIDLE2"):
        emulator.add_user(idle, name=idle.lower())
    slack.command(f"team add <@{REP_LA}|s> <@UIDLE1|a> <@UIDLE2|b>", user_id=MARIA)  # five now
    for rep in (REP_EN, REP_ZH, REP_LA):
        share(slack, rep, "anonymous")
    with app_server.session_factory() as session:
        items = session.scalars(select(FieldFeedback)).all()
        assert len(items) == 3 and all(item.manager_id is None for item in items)  # no team kept
    close_december(slack, app_server, ADMIN)
    assert COUNTS not in listing(slack, MARIA)
    assert "Problems: 3" in listing(slack, ADMIN)  # counted workspace-wide, as three from anyone
    # The same team in January had all five on the 1st: its anonymous items are its own again.
    app_server.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    for rep in (REP_EN, REP_ZH, REP_LA):
        share(slack, rep, "anonymous")
    with app_server.session_factory() as session:
        january = session.scalars(
            select(FieldFeedback).where(FieldFeedback.month == datetime(2027, 1, 1).date())
        )
        assert {item.manager_id for item in january} != {None}
