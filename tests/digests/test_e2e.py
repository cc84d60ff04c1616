"""Digests and status over HTTP: the weekly job posts once per channel and week with its chart in the
thread, a big team's list goes into replies, preview and status respect roles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.checkins.models import Confidence
from bot.delivery.models import Delivery, DeliveryStatus
from bot.goals.models import Goal
from bot.roster.models import Member, Role
from bot.workspaces.models import Workspace
from tests.factories import member, rep_with_goal
from tests.support.app_server import AppServer
from tests.support.home import opened, row_of, texts
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
WEEK = date(2026, 11, 30)
DIGEST_TIME = datetime(2026, 12, 7, 16, 5, tzinfo=UTC)  # Monday 16:05, the workspace is on UTC


def seed(app_server: AppServer, reps: int) -> None:
    with app_server.session_factory.begin() as session:
        workspace = session.get(Workspace, "T0000001") or Workspace(team_id="T0000001")
        session.add(workspace)
        workspace.digest_channel_id = "C0DIGEST"
        session.flush()
        boss = member(session, MARIA, role=Role.MANAGER)
        for n in range(reps):
            rep = rep_with_goal(
                session,
                f"UR{n:04d}",
                boss,
                None,
                {WEEK - timedelta(days=7): 10, WEEK: 10},
                {WEEK: (n % 12, Confidence.ON_TRACK, n == 0, "Legal review" if n == 0 else "")},
            )
            rep.display_name = f"rep {n:04d}"


def channel(emulator: SlackEmulator) -> list[dict]:
    return emulator.messages.get("C0DIGEST", [])


def test_weekly_digest_posts_once_with_its_chart(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, reps=3)
    assert "0 digests due" in app_server.run_job("weekly-digest", DIGEST_TIME - timedelta(minutes=10))[0]
    lines = app_server.run_job("weekly-digest", DIGEST_TIME)
    assert lines[0] == "weekly-digest: 1 digests due, 2 new messages in the outbox"
    posted = channel(emulator)
    digest = posted[0]
    assert digest["text"].startswith("📊 Weekly digest: week 49 (Nov 30 – Dec 6)")
    assert "🆘 <@UR0000> asked for help: Legal review" in digest["text"]
    (chart,) = [m for m in posted if m.get("files")]
    assert chart["thread_ts"] == digest["ts"]
    (png,) = [f for f in emulator.files.values() if f["shared"]]
    assert png["content"].startswith(b"\x89PNG") and png["shared"]["channel"] == "C0DIGEST"
    assert app_server.run_job("weekly-digest", DIGEST_TIME + timedelta(hours=1))[0].endswith(
        "0 new messages in the outbox"
    )
    assert len(channel(emulator)) == 2 and emulator.warnings == []


def test_a_failing_chart_upload_never_holds_back_the_digest(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, reps=2)
    emulator.fail_next("files.getUploadURLExternal", status=500, count=20)
    from bot.digests.jobs import weekly_digest

    app_server.clock.set(DIGEST_TIME)
    weekly_digest(app_server.job_context(), DIGEST_TIME)
    app_server.worker.kick()

    def chart_row() -> Delivery | None:
        with app_server.session_factory() as session:
            row = session.scalars(select(Delivery).where(Delivery.kind == "digest-chart")).one()
            return row if "500" in (row.last_error or "") else None

    chart = wait_for(chart_row, what="the chart upload to fail")
    assert chart.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)  # it will be tried again
    assert channel(emulator)[0]["text"].startswith("📊 Weekly digest")
    assert not [f for f in emulator.files.values() if f["shared"]]


def test_two_hundred_reps_go_into_the_thread(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, reps=200)
    app_server.run_job("weekly-digest", DIGEST_TIME)
    posted = channel(emulator)
    parent = posted[0]
    replies = [m for m in posted if m.get("thread_ts") == parent["ts"] and not m.get("files")]
    assert replies, "the full list belongs in the thread"
    text = "".join(block["text"]["text"] for m in replies for block in m["blocks"] if "text" in block)
    assert all(f"<@UR{n:04d}>" in text for n in range(200))
    # Each reply shows badges, so each ends with their legend.
    assert all(
        m["blocks"][-1]["elements"][0]["text"].startswith("Status is the pace to date") for m in replies
    )
    assert all(len(m["blocks"]) <= 50 for m in posted)
    assert not [c for c in emulator.calls_to("chat.postMessage") if not c.response.get("ok")]


def test_preview_post_and_status_follow_roles(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, reps=3)
    app_server.clock.set(DIGEST_TIME)
    with app_server.session_factory.begin() as session:
        rep = session.scalars(select(Member).where(Member.user_id == "UR0001")).one()
        emulator.add_user("UR0001", name="rep1")
        rep.refreshed_at = None
    assert (
        "Only Pacer admins or managers may run `/pacer digest preview`"
        in slack.command("digest preview", user_id=REP_EN).json()["text"]
    )
    preview = slack.command("digest preview", user_id=MARIA).json()
    assert preview["response_type"] == "ephemeral" and preview["text"].startswith(
        "👀 Preview of the weekly digest"
    )
    asked = slack.command(
        "digest post", user_id=MARIA
    ).json()  # asks first (tests/digests/test_e2e_posting.py)
    assert asked["text"].startswith("Post last week's digest in <#C0DIGEST> now?")
    slack.click(asked, "digest_post_confirm", user_id=MARIA, channel_id="D" + MARIA)
    wait_for(lambda: channel(emulator), what="the posted digest")
    assert "already in <#C0DIGEST>" in slack.command("digest post", user_id=MARIA).json()["text"]
    status = slack.command("status", user_id=MARIA).json()["text"]
    assert status.startswith("📍 Status to date, through week 49 (") and "<@UR0002>" in status
    own = slack.command("status", user_id="UR0001").json()["text"]  # a rep sees only their own goals
    assert "UR0002" not in own and "Goals (1)" in own
    assert "<@UR0002>" in slack.command("status <@UR0002|x>", user_id=ADMIN).json()["text"]
    assert "UR0002" not in slack.command("status <@UR0002|x>", user_id="UR0001").json()["text"]


@pytest.mark.parametrize(
    ("locale", "status_title", "home_title", "first_week"),
    [
        (
            "en-US",
            "📍 Status so far: week 50 (Dec 7 – Dec 13), in progress",
            "📋 Your team, week 50 (Dec 7 – Dec 13) (in progress)",
            "first week in progress (since Dec 9)",
        ),
        ("zh-CN", "📍 目前进展：第 50 周", "（进行中）", "第一周进行中（自 12月9日 起）"),
    ],
)
def test_status_and_home_on_the_first_day_of_a_goal_show_this_week_in_progress(
    slack: SlackPeer,
    emulator: SlackEmulator,
    app_server: AppServer,
    locale: str,
    status_title: str,
    home_title: str,
    first_week: str,
) -> None:
    """A goal that starts today (Wednesday of week 50) has no week that has ended: status and the Home
    tabs show week 50 in progress, the rep not yet behind, rather than "no rep with an active goal"."""
    today = date(2026, 12, 9)
    app_server.clock.set(datetime(2026, 12, 9, 10, tzinfo=UTC))
    with app_server.session_factory.begin() as session:
        session.add(Workspace(team_id="T0000001", digest_channel_id="C0DIGEST"))
        session.flush()
        boss = member(session, MARIA, role=Role.MANAGER, slack_locale=locale)
        rep = rep_with_goal(
            session, "UR0000", boss, None, {date(2026, 12, 7): 10, date(2026, 12, 14): 10}, {}
        )
        rep.slack_locale = locale
        (goal,) = session.scalars(select(Goal).where(Goal.rep_id == rep.id))
        goal.start_date = today  # it starts today
    emulator.add_user("UR0000", name="rep0", locale=locale)
    status = slack.command("status", user_id=MARIA).json()["text"]
    assert status.startswith(status_title) and "<@UR0000>" in status
    assert ("0 of 10" if locale == "en-US" else "0 / 10") in status  # this week's figures so far
    assert "No rep with an active goal" not in status and "该周没有" not in status
    own = slack.command("status", user_id="UR0000").json()["text"]
    assert "Accounts opened this quarter" in own
    manager = opened(slack, emulator, MARIA)
    assert home_title in manager["blocks"][0]["text"]["text"]
    (row,) = row_of(manager, "UR0000")
    assert row["text"]["text"].startswith("⚪")  # nothing was due yet: not behind on day one
    rep_home = opened(slack, emulator, "UR0000")
    assert first_week in texts(rep_home) and "\n10" in texts(rep_home)  # this week's target
    # A week later, week 50 has ended: status is to date through it again.
    app_server.clock.set(datetime(2026, 12, 14, 10, tzinfo=UTC))
    later = slack.command("status", user_id=MARIA).json()["text"]
    assert (
        "第 50 周" in later if locale == "zh-CN" else later.startswith("📍 Status to date, through week 50")
    )
