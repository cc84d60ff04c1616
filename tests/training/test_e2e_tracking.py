"""Training where people look, over HTTP on both databases: the rep's Home (their course, where they are,
the due date, when the next lesson comes), the manager's (their team's completion), the admin's
(completion per vendor), the weekly digest's training line, and `/pacer training vendor …` and
`course …`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from bot.checkins.models import Confidence
from bot.roster.models import Role, Vendor
from bot.roster.policy import Caller
from bot.roster.service import add_vendor
from bot.training import service
from bot.training.cli import SHIPPED, run_import
from bot.training.models import Assignment, Progress
from bot.training.service import TargetKind, TrainRequest
from bot.workspaces.models import Workspace
from tests.factories import TEAM, member, rep_with_goal
from tests.support.app_server import AppServer
from tests.support.e2e import at
from tests.support.home import opened, texts
from tests.support.people import ADMIN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.training.test_e2e_flow import answer_to, latest, seed

pytestmark = pytest.mark.e2e
WEEK = date(2026, 11, 30)
DIGEST_TIME = datetime(2026, 12, 7, 16, 5, tzinfo=UTC)  # Monday 16:05, the workspace is on UTC


@pytest.fixture
def tracked(slack: SlackPeer, app_server: AppServer, engine: Engine) -> SlackPeer:
    """Maria's two reps of Acme with a goal each; Product basics assigned to both, due on 3 December (now
    past), Rita done with 80 %."""
    app_server.clock.set(DIGEST_TIME)
    with app_server.session_factory.begin() as session:
        session.add(Workspace(team_id=TEAM, digest_channel_id="C0DIGEST"))
        session.flush()
        boss, admin = member(session, MARIA, role=Role.MANAGER), member(session, ADMIN)
        acme = add_vendor(session, team_id=TEAM, name="Acme", contact_user_id=None)
        targets = {WEEK - timedelta(days=7): 10, WEEK: 10}
        for user_id in (REP_EN, REP_ZH):
            rep_with_goal(session, user_id, boss, acme, targets, {WEEK: (4, Confidence.ON_TRACK, False, "")})
    assert run_import(engine, SHIPPED, TEAM) == 0
    with app_server.session_factory.begin() as session:
        caller = Caller(member=admin, role=Role.ADMIN, locale="en")
        asked = TrainRequest(TargetKind.EVERYONE, "", "product-basics", date(2026, 12, 3))
        service.assign(session, caller, asked, now=DIGEST_TIME)
        rita = member(session, REP_EN)
        given = session.scalar(select(Assignment).where(Assignment.rep_id == rita.id))
        assert given is not None
        session.add(
            Progress(
                team_id=TEAM,
                rep_id=rita.id,
                course_id=given.course_id,
                version=1,
                next_position=6,
                completed_at=DIGEST_TIME,
                score=80,
            )
        )
    return slack


def test_home_tabs_digest_and_reports(
    tracked: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    slack = tracked
    rep = texts(opened(slack, emulator, REP_EN))
    assert "*Your training*" in rep and "*Product basics* · completed, score 80%" in rep
    manager = texts(opened(slack, emulator, MARIA))
    assert "*Your team's training*" in manager and "1 of 2 assignments completed (50%); 1 overdue." in manager
    admin = texts(opened(slack, emulator, ADMIN))
    assert "*Acme*: 50% completed (1 of 2), 1 overdue" in admin

    app_server.run_job("weekly-digest", DIGEST_TIME)
    digest = str(emulator.messages["C0DIGEST"][0]["blocks"])
    assert "Training completed: Acme 50%; 1 overdue." in digest

    by_vendor = str(slack.command("training vendor acme", user_id=MARIA).json())
    assert "1 of 2 assignments completed" in by_vendor and "*overdue* since" in by_vendor
    by_course = str(slack.command("training course 产品基础", user_id=ADMIN).json())
    assert "1 of 2 assignments completed" in by_course
    refused = slack.command("training vendor acme", user_id=REP_EN).json()
    assert "Reps see their own training" in refused["text"]


def test_a_vendor_digest_shows_only_that_vendors_training(
    tracked: SlackPeer, emulator: SlackEmulator, app_server: AppServer, engine: Engine
) -> None:
    """Digests go to each vendor's channel: Acme's must not show another vendor's completion."""
    emulator.add_channel("C0ACME", "acme")
    with app_server.session_factory.begin() as session:
        beta = add_vendor(session, team_id=TEAM, name="Beta", contact_user_id=None)
        boss = member(session, MARIA, role=Role.MANAGER)
        rep_with_goal(session, REP_LA, boss, beta, {WEEK: 10}, {WEEK: (4, Confidence.ON_TRACK, False, "")})
        admin = member(session, ADMIN)
        caller = Caller(member=admin, role=Role.ADMIN, locale="en")
        asked = TrainRequest(TargetKind.EVERYONE, "", "product-basics", date(2026, 12, 3))
        service.assign(session, caller, asked, now=DIGEST_TIME)
        first = session.scalars(select(Vendor).where(Vendor.team_id == TEAM, Vendor.name == "Acme")).one()
        first.channel_id = "C0ACME"
    app_server.run_job("weekly-digest", DIGEST_TIME)
    acme_digest = str(emulator.messages["C0ACME"][0]["blocks"])
    assert "Training completed: Acme 50%; 1 overdue." in acme_digest
    assert "Beta" not in acme_digest
    everyone = str(emulator.messages["C0DIGEST"][0]["blocks"])
    assert "Acme 50%, Beta 0%; 2 overdue." in everyone


def test_the_reps_home_says_when_the_next_lesson_comes(
    slack: SlackPeer, app_server: AppServer, engine: Engine, emulator: SlackEmulator
) -> None:
    """Beside where the rep is and the due date, when the next lesson comes: 11:00 on their next training
    day, in their own zone, shown as Pacer shows moments (Slack's date formatting, the rep's language)."""
    seed(app_server)
    assert run_import(engine, SHIPPED, TEAM) == 0
    app_server.clock.set(at(7, 15))  # Monday
    answer_to(emulator, slack.command("train vendor Acme product-basics due 2026-12-31", user_id=MARIA))
    rita = texts(opened(slack, emulator, REP_EN))
    assert "*Product basics* · not started · due" in rita
    tuesday = "<!date^1796724000^{date_short_pretty} at {time}|Tue, Dec 8 at 11:00\u202fAM>"
    assert f"*Product basics* starts {tuesday}" in rita

    app_server.run_job("training-lessons", at(8, 10, 5))  # the intro, 11:05 in Berlin (18:05 in Shanghai)
    intro = latest(emulator, REP_EN, 1)
    answer_to(emulator, slack.click(intro, "training_confidence_3", user_id=REP_EN, channel_id="D" + REP_EN))
    assert "lesson 1 of 6" in str(latest(emulator, REP_EN, 2)["blocks"])  # Tuesday's lesson, at once
    app_server.clock.set(at(8, 12))
    rita = texts(opened(slack, emulator, REP_EN))
    thursday = "<!date^1796896800^{date_short_pretty} at {time}|Thu, Dec 10 at 11:00\u202fAM>"
    assert "*Product basics* · lesson 1 of 6 · due" in rita
    assert f"Next lesson: lesson 2 of 6 of *Product basics*, {thursday}." in rita
    li = texts(opened(slack, emulator, REP_ZH))
    assert "*产品基础* · 未开始 · 截止" in li and "下一课：*产品基础* 第 1 / 6 课，" in li
    assert "<!date^1796871600^{date_short_pretty} {time}|12月10日周四 11:00>" in li  # 11:00 in Shanghai
