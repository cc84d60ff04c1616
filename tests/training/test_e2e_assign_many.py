"""The assignment modal with more courses and vendors than a Slack select holds (100 options), over HTTP on
both databases: the course and vendor menus become external selects, and Slack's options requests are
answered with at most 100 of the caller's own workspace's courses (titled in the caller's language) and
vendors that match what was typed; a rep gets none; a course and a vendor picked that way are assigned."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.roster.models import Member, Role
from bot.roster.service import add_vendor
from bot.training.models import Assignment, Category, Course
from tests.factories import TEAM, member
from tests.support.app_server import AppServer
from tests.support.e2e import at
from tests.support.people import ADMIN, BEN, MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for
from tests.training.test_e2e_assign import filled_modal
from tests.training.test_e2e_flow import CONTACT, seed

pytestmark = pytest.mark.e2e
ELSEWHERE = "T0000002"
MANY = 150


def course(team_id: str, number: int, language: str, title: str) -> Course:
    return Course(
        team_id=team_id,
        slug=f"course-{number:03d}",
        language=language,
        title=title,
        category=Category.SALES_SKILLS,
        content_hash="0" * 64,
        lesson_count=1,
    )


@pytest.fixture
def many(slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator) -> SlackPeer:
    """Maria's team of vendor Acme (tests.training.test_e2e_flow.seed), 150 courses in English and in
    Chinese and 150 more vendors; another workspace with courses and vendors named like them."""
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    seed(app_server)
    with app_server.session_factory.begin() as session:
        member(session, BEN).role = Role.MANAGER
        member(session, "UELSEWHERE", role=Role.ADMIN, team_id=ELSEWHERE)
        for n in range(MANY):
            session.add(course(TEAM, n, "en", f"Course {n:03d}"))
            session.add(course(TEAM, n, "zh", f"课程 {n:03d}"))
            session.add(course(ELSEWHERE, n, "en", f"Course {n:03d} elsewhere"))
            add_vendor(session, team_id=TEAM, name=f"Vendor {n:03d}", contact_user_id=None)
            add_vendor(session, team_id=ELSEWHERE, name=f"Vendor {n:03d} elsewhere", contact_user_id=None)
    app_server.clock.set(at(7, 15))  # Monday 7 December 2026
    return slack


def labels(found: list[dict[str, Any]]) -> list[str]:
    return [option["text"]["text"] for option in found]


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(b for b in view["blocks"] if b["block_id"] == block_id)["element"]
    return found


def test_past_100_the_menus_ask_as_the_person_types(many: SlackPeer, emulator: SlackEmulator) -> None:
    view, _ = filled_modal(many, emulator, user_id=MARIA)
    for block_id in ("course", "vendor"):
        menu = element(view, block_id)
        assert menu["type"] == "external_select" and menu["min_query_length"] == 0 and "options" not in menu
    assert "hint" not in next(b for b in view["blocks"] if b["block_id"] == "course")  # no "first 100 of"

    opened = labels(many.suggestion(view, "course", "", user_id=MARIA))
    assert opened == [f"Course {n:03d}" for n in range(100)]  # the first 100, by title, as the list was
    assert labels(many.suggestion(view, "course", "course 12", user_id=MARIA)) == [
        f"Course {n}" for n in range(120, 130)
    ]  # any case; the other workspace's "Course 120 elsewhere" never
    assert labels(many.suggestion(view, "course", "  COURSE 149 ", user_id=MARIA)) == ["Course 149"]
    assert many.suggestion(view, "course", "课程", user_id=MARIA) == []  # Maria reads English titles
    assert many.suggestion(view, "course", "elsewhere", user_id=MARIA) == []
    vendors = many.suggestion(view, "vendor", "vendor 04", user_id=MARIA)
    assert labels(vendors) == [f"Vendor {n:03d}" for n in range(40, 50)]
    assert [option["value"] for option in vendors] == labels(vendors)  # the name, as `/pacer train` takes it
    assert labels(many.suggestion(view, "vendor", "", user_id=MARIA))[:2] == ["Acme", "Vendor 000"]
    assert many.suggestion(view, "vendor", "elsewhere", user_id=MARIA) == []


def test_the_options_are_in_the_callers_language(
    many: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    with app_server.session_factory.begin() as session:
        member(session, ADMIN).language = "zh"
    view, _ = filled_modal(many, emulator, user_id=ADMIN)
    assert element(view, "course")["type"] == "external_select"
    assert labels(many.suggestion(view, "course", "课程 03", user_id=ADMIN)) == [
        f"课程 {n:03d}" for n in range(30, 40)
    ]
    assert many.suggestion(view, "course", "Course", user_id=ADMIN) == []
    # The same modal's menu asked by Maria (English): her language, whoever opened it.
    assert labels(many.suggestion(view, "course", "course 03", user_id=MARIA))[0] == "Course 030"


def test_a_rep_gets_no_options(many: SlackPeer, emulator: SlackEmulator) -> None:
    view, _ = filled_modal(many, emulator, user_id=MARIA)
    for block_id in ("course", "vendor"):
        assert many.suggestion(view, block_id, "", user_id=REP_EN) == []
        assert many.suggestion(view, block_id, "0", user_id=REP_EN) == []


def test_a_course_and_a_vendor_picked_from_the_menus_are_assigned(
    many: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view, url = filled_modal(many, emulator, user_id=ADMIN)
    [picked] = many.suggestion(view, "course", "course 123", user_id=ADMIN)
    [acme] = many.suggestion(view, "vendor", "acm", user_id=ADMIN, values={"kind": "vendor"})
    answers = {"kind": "vendor", "vendor": acme, "course": picked, "due": "2026-12-31"}
    assert many.view_submission(view, answers, user_id=ADMIN).text == ""  # closed
    confirmed = wait_for(lambda: [p for u, p in emulator.responses if u == url], what="the confirmation")
    assert confirmed[-1]["text"].startswith("Course 123 is assigned: 2 new")
    with app_server.session_factory() as session:
        rows = session.execute(
            select(Member.user_id, Course.slug, Course.language)
            .join(Assignment, Assignment.rep_id == Member.id)
            .join(Course, Course.id == Assignment.course_id)
            .order_by(Member.user_id)
        )
        assert [tuple(row) for row in rows] == [
            ("UREPEN", "course-123", "en"),
            ("UREPZH", "course-123", "zh"),  # each rep their own language's course
        ]


def test_a_course_of_another_workspace_is_refused(
    many: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    with app_server.session_factory() as session:
        other = session.scalars(select(Course.id).where(Course.team_id == ELSEWHERE)).first()
    view, _ = filled_modal(many, emulator, user_id=ADMIN)
    forged = {"text": {"type": "plain_text", "text": "Course 000"}, "value": str(other)}
    answers = {"kind": "everyone", "course": forged, "due": "2026-12-31"}
    refused = many.view_submission(view, answers, user_id=ADMIN).json()
    assert refused["errors"] == {"course": "Choose a course."}
