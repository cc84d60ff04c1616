"""A course's language and training done elsewhere, over HTTP on both databases. In a Chinese workspace, a
rep whose Slack is Chinese and one without a Slack language both get the Chinese course (the language Pacer
speaks to them); a CSV line naming the course records the completion on the course they were assigned, so
their lessons stop. Training done elsewhere by a rep without an assignment shows in the report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from bot.roster.models import Role
from bot.training.cli import SHIPPED, run_import
from bot.workspaces.models import Workspace
from tests.factories import TEAM, member
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.people import MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.training.test_e2e_flow import answer_to, buttons, everything, latest, said
from tests.training.test_e2e_upload import share

pytestmark = pytest.mark.e2e


@pytest.fixture
def ready(slack: SlackPeer, app_server: AppServer, engine: Engine) -> SlackPeer:
    """A Chinese workspace: Maria (Slack in English) manages Rita (English), Li (Slack in Chinese, no
    language chosen in Pacer) and Sam (no Slack language), all in Shanghai."""
    with app_server.session_factory.begin() as session:
        boss = member(session, MARIA, role=Role.MANAGER, timezone="America/New_York")
        session.get_one(Workspace, TEAM).language = "zh"
        for user_id, locale in ((REP_EN, "en-US"), (REP_ZH, "zh-CN"), (REP_LA, None)):
            rep = member(session, user_id, timezone="Asia/Shanghai", slack_locale=locale)
            rep.on_team, rep.manager_id = True, boss.id
    assert run_import(engine, SHIPPED, TEAM) == 0
    app_server.clock.set(datetime(2026, 12, 7, 12, tzinfo=UTC))  # Monday
    return slack


def test_a_rep_gets_the_course_in_the_language_pacer_speaks_to_them(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    slack = ready
    for user in (REP_ZH, REP_LA):
        assigned = said(
            emulator, slack.command(f"train <@{user}> product-basics due 2026-12-31", user_id=MARIA)
        )
        assert "1 new" in assigned
    app_server.run_job("training-lessons", at(8, 3, 5))  # Tuesday, 11:05 in Shanghai
    for user in (REP_ZH, REP_LA):
        assert latest(emulator, user, 1)["text"].startswith("*新课程：产品基础*")

    completed = "rep,course,completed,score\nUREPZH,product-basics,2026-12-01,90\n"
    dry = share(slack, emulator, MARIA, "done.csv", completed.encode())
    assert "1 completions, 1 new to record" in dry["text"] and "training_import_completions" in buttons(dry)
    done = answer_to(
        emulator, slack.click(dry, "training_import_completions", user_id=MARIA, channel_id="D" + MARIA)
    )
    assert done["text"] == "Imported done.csv: 1 completions recorded."
    app_server.run_job("training-lessons", at(10, 3, 5))  # Thursday: Sam's first lesson, nothing for Li
    assert len(dms(emulator, REP_LA)) == 2 and len(dms(emulator, REP_ZH)) == 1
    own = everything(slack.command("training", user_id=REP_ZH).json())
    assert "*产品基础* · 已完成，得分 90%" in own and "1 项分配中已完成 1 项" in own


def test_training_done_elsewhere_without_an_assignment_shows(
    ready: SlackPeer, emulator: SlackEmulator
) -> None:
    slack = ready
    completed = "rep,course,completed,score\nUREPEN,discovery-calls,2026-11-20,80\n"
    dry = share(slack, emulator, MARIA, "done.csv", completed.encode())
    done = answer_to(
        emulator, slack.click(dry, "training_import_completions", user_id=MARIA, channel_id="D" + MARIA)
    )
    assert done["text"] == "Imported done.csv: 1 completions recorded."
    report = everything(slack.command("training", user_id=MARIA).json())
    assert "1 of 1 assignments completed (100%); 0 overdue" in report
    assert f"<@{REP_EN}> · *Discovery calls* · completed, score 80%" in report
    own = everything(slack.command("training", user_id=REP_EN).json())
    assert "*Discovery calls* · completed, score 80%" in own
