"""Adding a feature touches only its own package and one entry in the list: the example feature
(tests/support/example_feature) is handed to the real app as `(*FEATURES, EXAMPLE)` and shows up on the
Home tab, in the weekly digest, in `/pacer setup` and among the jobs, with nothing else edited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.checkins.models import Confidence
from bot.features import FEATURES, Feature, all_jobs
from bot.roster.models import Role
from bot.workspaces.models import Workspace
from tests.factories import member, rep_with_goal
from tests.support import example_feature
from tests.support.app_server import AppServer
from tests.support.example_feature import EXAMPLE
from tests.support.people import ADMIN, MARIA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
WITH_EXAMPLE = (*FEATURES, EXAMPLE)
WEEK = date(2026, 11, 30)
DIGEST_TIME = datetime(2026, 12, 7, 16, 5, tzinfo=UTC)  # Monday 16:05, the workspace is on UTC


@pytest.fixture
def features() -> tuple[Feature, ...]:
    """conftest's app, with the example feature appended to the list."""
    return WITH_EXAMPLE


def seed(app_server: AppServer, emulator: SlackEmulator) -> None:
    app_server.clock.set(DIGEST_TIME)
    with app_server.session_factory.begin() as session:
        session.add(Workspace(team_id="T0000001", digest_channel_id="C0DIGEST"))
        session.flush()
        boss = member(session, MARIA, role=Role.MANAGER)
        for n in range(2):
            rep_with_goal(
                session,
                f"UX{n}",
                boss,
                None,
                {WEEK - timedelta(days=7): 10, WEEK: 10},
                {WEEK: (n + 3, Confidence.ON_TRACK, False, "")},
            )
            emulator.add_user(f"UX{n}", name=f"rep{n}")


def home_of(slack: SlackPeer, emulator: SlackEmulator, user_id: str) -> str:
    before = len(emulator.calls_to("views.publish"))
    event = {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home"}
    assert slack.event(event).status == 200
    wait_for(lambda: emulator.calls_to("views.publish")[before:], what="views.publish")
    return str(emulator.home_tabs[user_id]["blocks"])


def test_its_section_is_on_every_home_tab(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, emulator)
    for user_id in ("UX0", MARIA, ADMIN):
        home = home_of(slack, emulator, user_id)
        assert "The example feature's Home section." in home, user_id
    assert "📋 Your team, week 49" in home_of(slack, emulator, MARIA)  # the manager's own stays first


def test_its_section_is_in_the_weekly_digest(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, emulator)
    app_server.run_job("weekly-digest", DIGEST_TIME)
    digest = emulator.messages["C0DIGEST"][0]
    assert digest["text"].startswith("📊 Weekly digest: week 49")
    assert "counted 2 reps in this digest" in digest["text"]
    assert digest["blocks"][-1]["text"]["text"].endswith("counted 2 reps in this digest.")


def test_its_field_is_in_setup_checked_and_saved_by_it(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    slack.command("setup", user_id=ADMIN)
    wait_for(lambda: emulator.calls_to("views.open"), what="views.open")
    view = emulator.last_view()
    assert view is not None
    ids = [block.get("block_id") for block in view["blocks"]]
    assert ids.index("reminder_delay_hours") < ids.index("example_day") < ids.index("feedback_day")
    good = {
        "timezone": "UTC",
        "nudge_weekday": "0",
        "nudge_time": "09:00",
        "reminder_delay_hours": "24",
        "feedback_day": "0",
        "language": "en",
    }
    refused = slack.view_submission(view, {**good, "example_day": "soon"}, user_id=ADMIN)
    assert refused.json()["errors"] == {"example_day": "Enter a whole number of days."}
    assert slack.view_submission(view, {**good, "example_day": "3"}, user_id=ADMIN).status == 200
    assert ("T0000001", "3") in example_feature.SAVED


def test_its_job_is_listed_and_runs(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    seed(app_server, emulator)
    assert "example-count" in all_jobs(WITH_EXAMPLE) and "example-count" not in all_jobs()
    assert app_server.run_job("example-count", DIGEST_TIME)[0] == "example-count: 1 workspaces counted"
