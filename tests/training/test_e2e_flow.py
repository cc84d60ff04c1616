"""The course flow over HTTP on both databases: the sample courses imported (`pacer courses import`'s
function), a manager assigning one to their team with `/pacer train` (refusals for a past date, an unknown
course and a rep), the intro and lessons arriving on the training days at 11:00 in each rep's own zone (one
a day; none on a Wednesday), the confidence buttons, quiz answers recorded once with the explanation,
an old lesson's button saying where the rep is, Finish with the score, and `/pacer training`."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from bot.roster.models import Member, Role
from bot.roster.service import add_vendor
from bot.training import courses
from bot.training.cli import SHIPPED, run_import
from bot.training.models import Lesson, Progress, QuizAnswer
from tests.factories import TEAM, member
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.people import ADMIN, MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
CONTACT = "UVICTOR"


def seed(app_server: AppServer) -> None:
    """Maria's team: Rita in Berlin, Li in Shanghai (Chinese), both of vendor Acme."""
    with app_server.session_factory.begin() as session:
        boss = member(session, MARIA, role=Role.MANAGER, timezone="America/New_York")
        member(session, ADMIN)
        vendor = add_vendor(session, team_id=TEAM, name="Acme", contact_user_id=CONTACT)
        for user_id, zone, language in ((REP_EN, "Europe/Berlin", None), (REP_ZH, "Asia/Shanghai", "zh")):
            rep = member(session, user_id, timezone=zone)
            rep.on_team, rep.manager_id, rep.vendor_id, rep.language = True, boss.id, vendor.id, language


@pytest.fixture
def ready(slack: SlackPeer, app_server: AppServer, engine: Engine, emulator: SlackEmulator) -> SlackPeer:
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    seed(app_server)
    assert run_import(engine, SHIPPED, TEAM) == 0
    app_server.clock.set(at(7, 15))  # Monday 7 December 2026
    return slack


def answer_to(emulator: SlackEmulator, response: PeerResponse) -> dict[str, Any]:
    found = wait_for(
        lambda: [p for url, p in emulator.responses if url == response.response_url], what="the answer"
    )
    return found[-1]


def said(emulator: SlackEmulator, response: PeerResponse) -> str:
    """What a command answered: in its acknowledgement, else later through its response URL."""
    acked = response.text
    if acked.strip():
        return str(response.json()["text"])
    return str(answer_to(emulator, response)["text"])


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        e["action_id"]: e
        for b in message.get("blocks", [])
        for e in b.get("elements", [])
        if "action_id" in e
    }


def everything(message: dict[str, Any]) -> str:
    return str(message.get("text", "")) + str(message.get("blocks", []))


def latest(emulator: SlackEmulator, user_id: str, count: int) -> dict[str, Any]:
    """The rep's `count`-th DM from Pacer, once it has arrived."""
    return wait_for(
        lambda: dms(emulator, user_id)[count - 1] if len(dms(emulator, user_id)) >= count else None
    )


def press(slack: SlackPeer, emulator: SlackEmulator, message: dict[str, Any], action: str) -> dict[str, Any]:
    return answer_to(emulator, slack.click(message, action, user_id=REP_EN, channel_id="D" + REP_EN))


def test_assign_refusals(ready: SlackPeer, emulator: SlackEmulator) -> None:
    slack = ready
    past = said(emulator, slack.command("train everyone product-basics due 2026-12-01", user_id=MARIA))
    assert "2026-12-01 is in the past" in past
    unknown = said(emulator, slack.command("train everyone cooking due 2026-12-31", user_id=MARIA))
    assert "There is no course “cooking”" in unknown and "product-basics" in unknown
    refused = said(emulator, slack.command("train everyone product-basics due 2026-12-31", user_id=REP_EN))
    assert "manager" in refused and "assigned" not in refused
    stranger = slack.command(f"train <@{ADMIN}|alex> product-basics due 2026-12-31", user_id=MARIA)
    assert "not a rep on a team" in said(emulator, stranger)


def test_import_assign_deliver_answer_complete(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    slack = ready
    done = answer_to(
        emulator, slack.command(f"train team <@{MARIA}|maria> Product basics due 2026-12-31", user_id=MARIA)
    )
    assert done["text"].startswith("Product basics is assigned: 2 new, 0 with a new due date")

    app_server.run_job("training-lessons", at(8, 9))  # Tuesday: 10:00 in Berlin, 17:00 in Shanghai
    zh = latest(emulator, REP_ZH, 1)
    assert zh["text"].startswith("*新课程：产品基础*") and dms(emulator, REP_EN) == []
    app_server.run_job("training-lessons", at(8, 10, 5))  # 11:05 in Berlin
    intro = latest(emulator, REP_EN, 1)
    assert "New course: Product basics" in intro["text"] and "training_confidence_3" in buttons(intro)
    app_server.run_job("training-lessons", at(8, 16))
    app_server.run_job("training-lessons", at(9, 12))  # Wednesday: not a training day
    assert len(dms(emulator, REP_EN)) == 1

    assert "noted 3 of 5" in press(slack, emulator, intro, "training_confidence_3")["text"]
    first = latest(emulator, REP_EN, 2)  # the first lesson follows the confidence answer at once
    assert "lesson 1 of 6" in everything(first) and "training_next" in buttons(first)
    kept = press(slack, emulator, first, "training_next")
    assert "lesson 1 of 6" in everything(kept) and "training_next" not in buttons(kept)
    second = latest(emulator, REP_EN, 3)
    wrong = press(slack, emulator, second, "training_answer_0")
    assert "Not quite" in wrong["text"] and "It names the customer" in everything(wrong)
    again = press(slack, emulator, second, "training_answer_1")  # a second answer: the first one counts
    assert "first answer counts" in again["text"]
    twice = press(slack, emulator, first, "training_next")  # a double tap acts once: the same answer
    assert twice["text"] == kept["text"] and len(dms(emulator, REP_EN)) == 3
    old = press(slack, emulator, intro, "training_confidence_5")  # an old message's other button
    assert "you are on lesson 2 of 6" in old["text"]

    message = second
    for count in range(4, 8):  # lessons 3 to 6, each answered right
        press(slack, emulator, message, "training_next")
        message = latest(emulator, REP_EN, count)
        assert "Right" in press(slack, emulator, message, _expected(message))["text"]
    finished = press(slack, emulator, message, "training_finish")
    assert "You completed *Product basics*: 80%" in finished["text"] and "Passed" in finished["text"]
    assert "noted 4 of 5" in press(slack, emulator, finished, "training_confidence_4")["text"]

    with app_server.session_factory() as session:
        rita = session.scalar(select(Member).where(Member.user_id == REP_EN))
        assert rita is not None
        progress = session.scalar(select(Progress).where(Progress.rep_id == rita.id))
        assert progress is not None and progress.completed_at is not None and progress.score == 80
        assert (progress.confidence_before, progress.confidence_after) == (3, 4)
        answers = session.scalar(
            select(func.count()).select_from(QuizAnswer).where(QuizAnswer.rep_id == rita.id)
        )
        assert answers == 5

    report = slack.command("training", user_id=MARIA).json()
    assert "1 of 2 assignments completed (50%)" in everything(report) and "*Acme*: 50%" in everything(report)
    own = slack.command("training", user_id=REP_EN).json()
    assert "completed, score 80%" in everything(own)


ANSWERS = {  # the right option of each question of the English "Product basics", by its prompt's start
    "A prospect is outside": 1,
    "Which of these is a benefit": 2,
    "A buyer asks for the price": 2,
    "How should you handle a competitor": 1,
}


def _expected(message: dict[str, Any]) -> str:
    shown = everything(message)
    index = next(value for prompt, value in ANSWERS.items() if prompt in shown)
    return f"training_answer_{index}"


def test_a_rep_part_way_through_keeps_their_answers_when_the_course_changes(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """Lesson 2 answered wrong and 3 and 4 right, then the course gets a new version: the rep goes on with
    it, and their score still counts the answers they gave before (4 of 5 right: 80%, not 40%)."""
    slack = ready
    answer_to(emulator, slack.command(f"train <@{REP_EN}|rita> product-basics due 2026-12-31", user_id=MARIA))
    app_server.run_job("training-lessons", at(8, 10, 5))
    press(slack, emulator, latest(emulator, REP_EN, 1), "training_confidence_3")
    press(slack, emulator, latest(emulator, REP_EN, 2), "training_next")
    message = latest(emulator, REP_EN, 3)
    assert "Not quite" in press(slack, emulator, message, "training_answer_0")["text"]
    for count in (4, 5):
        press(slack, emulator, message, "training_next")
        message = latest(emulator, REP_EN, count)
        assert "Right" in press(slack, emulator, message, _expected(message))["text"]

    changed = (
        (SHIPPED / "product-basics.en.yaml")
        .read_bytes()
        .replace(b"never criticise them", b"never, ever criticise them")
    )
    with app_server.session_factory.begin() as session:
        (loaded,) = courses.import_files(session, TEAM, [("product-basics.en.yaml", changed)], now=at(9, 12))
        assert loaded.loaded is not None and loaded.loaded.course.version == 2

    for count in (6, 7):
        press(slack, emulator, message, "training_next")
        message = latest(emulator, REP_EN, count)
        assert "Right" in press(slack, emulator, message, _expected(message))["text"]
    finished = press(slack, emulator, message, "training_finish")
    assert "You completed *Product basics*: 80%" in finished["text"]


def test_a_lesson_whose_image_does_not_load_still_arrives(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """Slack refuses a message whose image it cannot download (invalid_blocks): the lesson is sent again
    without its image, so the rep gets it and can go on."""
    slack = ready
    broken = "https://images.example.com/missing.png"
    with app_server.session_factory.begin() as session:
        for lesson in session.scalars(select(Lesson).where(Lesson.position == 0)):
            lesson.image_url = broken
    emulator.broken_images.add(broken)
    answer_to(emulator, slack.command(f"train <@{REP_EN}|rita> product-basics due 2026-12-31", user_id=MARIA))
    app_server.run_job("training-lessons", at(8, 10, 5))
    press(slack, emulator, latest(emulator, REP_EN, 1), "training_confidence_3")
    first = latest(emulator, REP_EN, 2)
    assert "lesson 1 of 6" in everything(first) and "training_next" in buttons(first)
    assert [b for b in first["blocks"] if b["type"] == "image"] == []
    press(slack, emulator, first, "training_next")
    assert "lesson 2 of 6" in everything(latest(emulator, REP_EN, 3))


def test_rating_confidence_on_a_later_day_counts_as_that_days_lesson(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """The intro arrives on Tuesday; Rita rates her confidence on Thursday at 09:00 in Berlin, before the
    day's 11:00 lessons: lesson 1 follows at once and is Thursday's, so the 11:00 run sends her nothing
    more that day (no two lessons in a day without Next); lesson 2 comes on the next training day."""
    slack = ready
    answer_to(emulator, slack.command(f"train <@{REP_EN}|rita> product-basics due 2026-12-31", user_id=MARIA))
    app_server.run_job("training-lessons", at(8, 10, 5))
    intro = latest(emulator, REP_EN, 1)
    app_server.clock.set(at(10, 8))  # Thursday, 09:00 in Berlin
    press(slack, emulator, intro, "training_confidence_3")
    assert "lesson 1 of 6" in everything(latest(emulator, REP_EN, 2))
    app_server.run_job("training-lessons", at(10, 10, 5))
    app_server.run_job("training-lessons", at(10, 16))
    assert len(dms(emulator, REP_EN)) == 2
    app_server.run_job("training-lessons", at(15, 10, 5))  # Tuesday
    assert "lesson 2 of 6" in everything(latest(emulator, REP_EN, 3))
