"""A course file shared in a DM, over HTTP on both databases: an admin's clean file gets its dry run and
**Import** (once: a double click loads nothing twice), a re-import of the same file changes nothing, a
changed file becomes version 2, a malformed one gets every problem with its line and loads nothing; a
rep's YAML file is not read; `/pacer course import` says how."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from bot.roster.models import Role
from bot.training.cli import SHIPPED, run_import
from bot.training.models import Course, Lesson, Progress
from tests.factories import TEAM, member
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.people import ADMIN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for
from tests.training.test_e2e_flow import answer_to, buttons, everything

pytestmark = pytest.mark.e2e
SAMPLE = (SHIPPED / "product-basics.en.yaml").read_bytes()


def share(slack: SlackPeer, emulator: SlackEmulator, user_id: str, name: str, data: bytes) -> dict[str, Any]:
    before = len(dms(emulator, user_id))
    file_id = emulator.share_file(user_id, name, data)
    event = {"type": "file_shared", "file_id": file_id, "user_id": user_id, "channel_id": "D" + user_id}
    assert slack.event(event).status == 200
    return wait_for(lambda: dms(emulator, user_id)[before:], what="the answer to a file")[0]


def counts(app_server: AppServer) -> tuple[int, int]:
    with app_server.session_factory() as session:
        return (
            session.scalar(select(func.count()).select_from(Course)) or 0,
            session.scalar(select(func.count()).select_from(Lesson)) or 0,
        )


def test_share_dry_run_import_and_versions(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    with app_server.session_factory.begin() as session:
        member(session, ADMIN)
        member(session, REP_EN, role=Role.REP)
    how = slack.command("course import", user_id=ADMIN).json()
    assert "share its YAML file with me" in how["text"]

    dry = share(slack, emulator, ADMIN, "product-basics.en.yaml", SAMPLE)
    assert "*Product basics* (en), 6 lessons, 5 questions" in everything(dry)
    assert "creates the course `product-basics`" in everything(dry) and counts(app_server) == (0, 0)
    done = answer_to(emulator, slack.click(dry, "training_import", user_id=ADMIN, channel_id="D" + ADMIN))
    assert done["text"] == "Imported: Product basics is new, with 6 lessons. Assign it with `/pacer train`."
    slack.click(dry, "training_import", user_id=ADMIN, channel_id="D" + ADMIN)  # a double click
    assert counts(app_server) == (1, 6)

    same = share(slack, emulator, ADMIN, "product-basics.en.yaml", SAMPLE)
    assert "importing changes nothing" in everything(same)
    changed = SAMPLE.replace(b"Practise it aloud", b"Practise it out loud")
    newer = share(slack, emulator, ADMIN, "product-basics.en.yaml", changed)
    assert "version 2 of `product-basics`" in everything(newer)
    answer_to(emulator, slack.click(newer, "training_import", user_id=ADMIN, channel_id="D" + ADMIN))
    assert counts(app_server) == (1, 12)

    bad = SAMPLE.replace(b"      answer: 2\n", b"", 1).replace(b"category: product", b"category: cooking")
    refused = share(slack, emulator, ADMIN, "product-basics.en.yaml", bad)
    assert "Problems found: 2" in refused["text"] and "training_import" not in buttons(refused)
    assert "Line 3: “cooking” is not a category" in everything(refused)
    assert "Lesson 4: The question has no correct option" in everything(refused)
    assert counts(app_server) == (1, 12)

    before = len(dms(emulator, REP_EN))
    file_id = emulator.share_file(REP_EN, "product-basics.en.yaml", SAMPLE)
    event = {"type": "file_shared", "file_id": file_id, "user_id": REP_EN, "channel_id": "D" + REP_EN}
    assert slack.event(event).status == 200
    assert len(dms(emulator, REP_EN)) == before  # a rep sends Pacer no files: not answered


def test_training_done_elsewhere(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, engine: Engine
) -> None:
    with app_server.session_factory.begin() as session:
        boss = member(session, MARIA, role=Role.MANAGER)
        for user_id in (REP_EN, REP_ZH):
            rep = member(session, user_id)
            rep.on_team, rep.manager_id = True, boss.id
        member(session, REP_LA).on_team = True  # on a team, not Maria's
    assert run_import(engine, SHIPPED, TEAM) == 0
    app_server.clock.set(datetime(2026, 12, 7, 12, tzinfo=UTC))
    bad = (
        "rep,course,completed,score\n"
        f"{REP_EN},product-basics,2026-11-30,85\n"
        f"{REP_LA},product-basics,2026-11-30,85\n"
        f"<@{REP_ZH}>,cooking,2026-11-30,\n"
        f"{REP_ZH},Discovery calls,2027-01-01,\n"
        f"{REP_ZH},Discovery calls,2026-11-30,101\n"
    )
    refused = share(slack, emulator, MARIA, "done.csv", bad.encode())
    assert "Problems found: 4" in refused["text"] and "training_import_completions" not in buttons(refused)
    shown = everything(refused)
    assert "Line 3: “UREPLA” is not a rep you manage" in shown and "Line 4: “cooking”" in shown
    assert "Line 5: “2027-01-01” is not a completed date" in shown and "Line 6: “101”" in shown

    good = (
        f"Rep,Course,Completed,Score\n{REP_EN},product-basics,2026-11-30,85\n"
        f"<@{REP_ZH}|li>,需求探索电话,2026-12-01,\n"
    )
    dry = share(slack, emulator, MARIA, "done.csv", good.encode("utf-8-sig"))
    assert "2 completions, 2 new to record" in dry["text"]
    done = answer_to(
        emulator, slack.click(dry, "training_import_completions", user_id=MARIA, channel_id="D" + MARIA)
    )
    assert done["text"] == "Imported done.csv: 2 completions recorded."
    again = share(slack, emulator, MARIA, "done.csv", good.encode())
    assert "2 completions, 0 new to record" in again["text"]
    with app_server.session_factory() as session:
        scores = sorted((p.score or 0, p.completed_at is not None) for p in session.scalars(select(Progress)))
    assert scores == [(0, True), (85, True)]
