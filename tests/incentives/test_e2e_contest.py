"""A contest over HTTP, on both databases: an admin sets it up in its modal (a leaderboard too long, a prize
for a rank outside it and a window ending before it starts refused on their fields); the job keeps one
leaderboard message in the channel with the top N only — never the bottom — and, after the window, makes it
final once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.incentives.models import Contest
from bot.roster.models import Member
from tests.incentives.test_e2e_plan import MID_QUARTER, seed
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA, REP_LA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
GOOD = {
    "name": "Q4 accounts sprint",
    "metric": "new_accounts",
    "starts_on": "2026-09-28",
    "ends_on": "2026-12-31",
    "channel": "C0DIGEST",
    "top_n": "2",
    "prizes": "1: 500 USD\n2: a day off",
}


def board(emulator: SlackEmulator) -> str:
    posted = emulator.messages.get("C0DIGEST", [])
    return str(posted[-1]["text"]) + str(posted[-1].get("blocks")) if posted else ""


def test_a_contest_leaderboard_shows_the_top_only(
    slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    seed(app_server)
    app_server.clock.set(MID_QUARTER)
    assert "Only Pacer admins may run" in slack.command("incentives contest", user_id=MARIA).json()["text"]
    view = slack.open_modal("incentives contest", user_id=ADMIN)
    bad = GOOD | {"top_n": "20", "ends_on": "2026-09-01", "prizes": "1: 500 USD\n1: a mug"}
    errors = slack.view_submission(view, bad, user_id=ADMIN).json()["errors"]
    assert set(errors) == {"top_n", "ends_on", "prizes"}
    assert errors["prizes"].startswith("Row 2 does not read")
    assert slack.view_submission(view, GOOD, user_id=ADMIN).body == b""
    wait_for(
        lambda: [p for _, p in emulator.responses if "Contest *Q4 accounts sprint*" in p.get("text", "")]
    )

    app_server.run_job("incentives-leaderboard", MID_QUARTER)
    shown = wait_for(lambda: board(emulator), what="the leaderboard")
    assert "Q4 accounts sprint: top 2" in shown
    assert "1. <@UREPZH>: 120% — 500 USD" in shown and "2. <@UREPEN>: 90% — a day off" in shown
    assert REP_LA not in shown  # the bottom is never shown
    app_server.run_job("incentives-leaderboard", datetime(2027, 1, 2, 12, tzinfo=UTC))
    final = wait_for(lambda: "final top 2" in board(emulator) and board(emulator), what="the final board")
    assert "1. <@UREPZH>: 120%" in final and len(emulator.messages["C0DIGEST"]) == 1  # edited in place
    later = app_server.run_job("incentives-leaderboard", datetime(2027, 1, 3, 12, tzinfo=UTC))
    assert "incentives-leaderboard: 0 contest leaderboards updated, 0 final" in later  # final once
    with app_server.session_factory() as session:
        assert session.scalars(select(Contest)).one().ended_at is not None


def test_a_contest_ending_today_in_the_admins_zone_is_accepted(
    slack: SlackPeer, app_server: AppServer
) -> None:
    """At 03:00 UTC on 2 December it is still 1 December in Los Angeles: a contest ending that day is not
    in the past for an admin there (their own day, not the UTC date)."""
    seed(app_server)
    with app_server.session_factory.begin() as session:
        session.scalars(select(Member).where(Member.user_id == ADMIN)).one().timezone = "America/Los_Angeles"
    app_server.clock.set(datetime(2026, 12, 2, 3, tzinfo=UTC))
    view = slack.open_modal("incentives contest", user_id=ADMIN)
    ending_today = GOOD | {"starts_on": "2026-11-02", "ends_on": "2026-12-01"}
    assert slack.view_submission(view, ending_today, user_id=ADMIN).body == b""
    view = slack.open_modal("incentives contest", user_id=ADMIN)
    ended = GOOD | {"name": "Too late", "starts_on": "2026-11-02", "ends_on": "2026-11-30"}
    assert set(slack.view_submission(view, ended, user_id=ADMIN).json()["errors"]) == {"ends_on"}
