"""A course changing under reps part way through it, over HTTP on both databases: a rep past the end of a
shorter version gets its new last lesson (with Finish) and completes; an answer tapped on a lesson of the
old version counts for the lesson as it is now when it asks the same question; a lesson whose question
changed comes again as it is now, and a changed question already behind the rep is not recorded. Each
refusal is said in the rep's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select

from bot.roster.models import Member
from bot.training import courses
from bot.training.cli import SHIPPED, run_import
from bot.training.models import Lesson, QuizAnswer
from tests.factories import TEAM
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.people import MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.training.test_e2e_flow import CONTACT, answer_to, buttons, everything, latest, seed

pytestmark = pytest.mark.e2e
RIGHT = {1: 1, 2: 1, 3: 2, 4: 2, 5: 1}  # the right option of each question of "Product basics", by position


@pytest.fixture
def ready(slack: SlackPeer, app_server: AppServer, engine: Engine, emulator: SlackEmulator) -> SlackPeer:
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    seed(app_server)
    assert run_import(engine, SHIPPED, TEAM) == 0
    app_server.clock.set(at(7, 15))  # Monday 7 December 2026
    return slack


def tap(slack: SlackPeer, emulator: SlackEmulator, message: dict[str, Any], action: str, user: str) -> Any:
    response = slack.click(message, action, user_id=user, channel_id="D" + user)
    return answer_to(emulator, response)


def started(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, users: list[str]) -> None:
    """The reps assigned "Product basics" (in their language), its intro on Tuesday and their first lesson."""
    for user in users:
        answer_to(emulator, slack.command(f"train <@{user}> product-basics due 2026-12-31", user_id=MARIA))
    app_server.run_job("training-lessons", at(8, 10, 5))  # 11:05 in Berlin, 18:05 in Shanghai
    for user in users:
        tap(slack, emulator, latest(emulator, user, 1), "training_confidence_3", user)
        assert "training_next" in buttons(latest(emulator, user, 2))


def reimport(app_server: AppServer, language: str, change: Any, when: datetime) -> None:
    """A new version of the shipped course in `language`, `change` applied to its lessons."""
    data = yaml.safe_load((SHIPPED / f"product-basics.{language}.yaml").read_bytes())
    data["lessons"] = change(data["lessons"])
    name = f"product-basics.{language}.yaml"
    with app_server.session_factory.begin() as session:
        (loaded,) = courses.import_files(
            session, TEAM, [(name, yaml.safe_dump(data, allow_unicode=True).encode())], now=when
        )
        assert loaded.loaded is not None and loaded.loaded.outcome is courses.Outcome.UPDATED


def test_a_rep_past_the_end_of_a_shorter_version_gets_its_last_lesson_and_completes(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """Rita and Li have had lesson 4 of 6 (with "Next lesson"); the course is cut to 4 lessons. Next on it
    says lesson 4 comes again; the lesson job sends the new lesson 4 of 4 with Finish on the next training
    day; their answers of the same questions still count, and they complete."""
    slack = ready
    started(slack, emulator, app_server, [REP_EN, REP_ZH])
    for user in (REP_EN, REP_ZH):
        message = latest(emulator, user, 2)
        for count in (3, 4, 5):
            tap(slack, emulator, message, "training_next", user)
            message = latest(emulator, user, count)
            tap(slack, emulator, message, f"training_answer_{RIGHT[count - 2]}", user)
        assert "training_next" in buttons(message)
    for language in ("en", "zh"):
        reimport(app_server, language, lambda lessons: lessons[:4], at(9, 12))

    again = tap(slack, emulator, latest(emulator, REP_EN, 5), "training_next", REP_EN)
    assert (
        "Product basics has changed since this lesson was sent: lesson 4 comes to you again" in again["text"]
    )
    again_zh = tap(slack, emulator, latest(emulator, REP_ZH, 5), "training_next", REP_ZH)
    assert "在这节课发出后有了更新：第 4 课会按新内容在下一个培训日再次发给你" in again_zh["text"]

    app_server.run_job("training-lessons", at(10, 10, 5))  # Thursday
    for user, first, done in (
        (REP_EN, "your first answer counts", "You completed *Product basics*: 100%"),
        (REP_ZH, "以第一次回答为准", "你完成了 *产品基础*：答对 100%"),
    ):
        last = latest(emulator, user, 6)
        assert "training_finish" in buttons(last) and len(dms(emulator, user)) == 6
        kept = tap(slack, emulator, last, "training_answer_0", user)  # answered before: that answer counts
        assert first in kept["text"] and "training_finish" in buttons(kept)
        assert done in tap(slack, emulator, last, "training_finish", user)["text"]


def test_an_answer_on_the_old_version_counts_when_the_question_is_the_same(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """Lesson 2 sent, not answered; a new version changes only lesson 1's text. Rita's answer on lesson 2
    is recorded (against the new version's lesson 2), a second one is not, and she goes on. When a later
    version changes lesson 2's question, an answer on the old lesson 2 is not recorded: she is told so."""
    slack = ready
    started(slack, emulator, app_server, [REP_EN])
    tap(slack, emulator, latest(emulator, REP_EN, 2), "training_next", REP_EN)
    second = latest(emulator, REP_EN, 3)
    assert "lesson 2 of 6" in everything(second)

    def reword_first(lessons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        lessons[0]["text"] = lessons[0]["text"].replace("Buyers meet a rep", "Buyers meet a sales rep")
        return lessons

    reimport(app_server, "en", reword_first, at(9, 12))
    right = tap(slack, emulator, second, "training_answer_1", REP_EN)
    assert right["text"].startswith("✅ Right") and "training_next" in buttons(right)
    again = tap(slack, emulator, second, "training_answer_0", REP_EN)
    assert "first answer counts" in again["text"] and "Right" in again["text"]
    with app_server.session_factory() as session:
        recorded = session.execute(
            select(Lesson.version, QuizAnswer.chosen)
            .join(Lesson, Lesson.id == QuizAnswer.lesson_id)
            .join(Member, Member.id == QuizAnswer.rep_id)
            .where(Member.user_id == REP_EN)
        ).all()
        assert [tuple(row) for row in recorded] == [(2, 1)]

    tap(slack, emulator, second, "training_next", REP_EN)
    assert "lesson 3 of 6" in everything(latest(emulator, REP_EN, 4))

    def ask_otherwise(lessons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        lessons[1]["question"]["prompt"] = "Which sentence is a value proposition?"
        return lessons

    reimport(app_server, "en", ask_otherwise, at(9, 13))
    refused = tap(slack, emulator, second, "training_answer_2", REP_EN)
    assert refused["text"] == (
        "Product basics has changed since this lesson was sent, and so has its question: this answer is not "
        "recorded. You are on lesson 3 of 6."
    )


def test_a_lesson_whose_question_changed_comes_again(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """Rita is on lesson 3 (not answered) when a new version changes its question: her answer on the old
    one is not recorded, she is told the lesson comes again, and on the next training day it does, with the
    new question, which she answers before going on."""
    slack = ready
    started(slack, emulator, app_server, [REP_EN])
    message = latest(emulator, REP_EN, 2)
    for count in (3, 4):
        tap(slack, emulator, message, "training_next", REP_EN)
        message = latest(emulator, REP_EN, count)

    def ask_otherwise(lessons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        lessons[2]["question"]["prompt"] = "A friendly prospect is outside our ICP. What comes first?"
        return lessons

    reimport(app_server, "en", ask_otherwise, at(9, 12))
    refused = tap(slack, emulator, message, "training_answer_1", REP_EN)
    assert "lesson 3 comes to you again, as it is now" in refused["text"]
    app_server.run_job("training-lessons", at(10, 10, 5))  # Thursday
    anew = latest(emulator, REP_EN, 5)
    assert "lesson 3 of 6" in everything(anew) and "What comes first?" in everything(anew)
    assert tap(slack, emulator, anew, "training_answer_1", REP_EN)["text"].startswith("✅ Right")
    tap(slack, emulator, anew, "training_next", REP_EN)
    assert "lesson 4 of 6" in everything(latest(emulator, REP_EN, 6))
