"""The assignment modal over HTTP on both databases: `/pacer train` alone opens it at once and fills it in
(the courses in the caller's language); a submission is carried out by the same service as the text command
and confirmed with the same message; wrong answers stay in the modal, each under its own field (the
service's refusals too); a rep is told who may, and a rep's forged submission is refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from bot.roster.models import Member, Role
from bot.training import assigning
from bot.training.cli import SHIPPED, run_import
from bot.training.models import Assignment, Course
from tests.factories import TEAM, member
from tests.support.app_server import AppServer
from tests.support.e2e import at
from tests.support.people import ADMIN, BEN, MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for
from tests.test_fuzz_modals import dates, fuzzed, numbers, option, some_of
from tests.training.test_e2e_flow import CONTACT, said, seed

pytestmark = pytest.mark.e2e


@pytest.fixture
def ready(slack: SlackPeer, app_server: AppServer, engine: Engine, emulator: SlackEmulator) -> SlackPeer:
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    seed(app_server)
    with app_server.session_factory.begin() as session:
        member(session, BEN).role = Role.MANAGER
    assert run_import(engine, SHIPPED, TEAM) == 0
    app_server.clock.set(at(7, 15))  # Monday 7 December 2026
    return slack


def filled_modal(slack: SlackPeer, emulator: SlackEmulator, *, user_id: str) -> tuple[dict[str, Any], str]:
    """`/pacer train` alone: the modal opened at once, once filled in; and the command's response URL."""
    response = slack.command("train", user_id=user_id)
    opened = slack.opened_view(response)
    assert opened["blocks"] and "submit" not in opened  # opened before the courses were read
    view = wait_for(lambda: dict(v) if (v := emulator.views[opened["id"]]).get("callback_id") else None)
    return view, str(response.response_url)


def course_id(app_server: AppServer, slug: str, language: str = "en") -> str:
    with app_server.session_factory() as session:
        found = session.scalars(
            select(Course.id).where(Course.team_id == TEAM, Course.slug == slug, Course.language == language)
        ).one()
        return str(found)


def options(view: dict[str, Any], block_id: str) -> list[str]:
    block = next(b for b in view["blocks"] if b["block_id"] == block_id)
    return [o["text"]["text"] for o in block["element"]["options"]]


def assignments(app_server: AppServer) -> list[tuple[str, str, bool, int | None]]:
    with app_server.session_factory() as session:
        rows = session.execute(
            select(Member.user_id, Course.slug, Assignment.required, Assignment.recertify_days)
            .join(Member, Member.id == Assignment.rep_id)
            .join(Course, Course.id == Assignment.course_id)
            .order_by(Member.user_id)
        )
        return [(user, slug, required, days) for user, slug, required, days in rows]


def test_a_manager_assigns_through_the_modal(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view, url = filled_modal(ready, emulator, user_id=MARIA)
    assert options(view, "course") == ["Discovery calls", "Product basics"]
    assert options(view, "vendor") == ["Acme"]
    answers = {"kind": "team", "course": course_id(app_server, "product-basics"), "due": "2026-12-31"}
    answers |= {"required": [], "recertify": "365"}  # Maria's own team is picked already
    assert ready.view_submission(view, answers, user_id=MARIA).text == ""  # closed
    confirmed = wait_for(lambda: [p for u, p in emulator.responses if u == url], what="the confirmation")
    assert confirmed[-1]["text"] == (
        "Product basics is assigned as optional: 2 new, 0 with a new due date, due Dec 31. "
        "It comes round again 365 days after each completion."
    )
    assert assignments(app_server) == [
        ("UREPEN", "product-basics", False, 365),
        ("UREPZH", "product-basics", False, 365),  # each rep their own language's course
    ]
    with app_server.session_factory() as session:
        languages = session.scalars(select(Course.language).join(Assignment).order_by(Assignment.rep_id))
        assert list(languages) == ["en", "zh"]

    text = said(emulator, ready.command("train everyone product-basics due 2026-12-31", user_id=MARIA))
    assert text == "Product basics is assigned: 0 new, 2 with a new due date, due Dec 31. " + (
        "Lessons arrive by DM on the training days."
    )  # the text command: the same service, the same message


def test_the_courses_are_listed_in_the_callers_language(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    with app_server.session_factory.begin() as session:
        member(session, ADMIN).language = "zh"
    view, _ = filled_modal(ready, emulator, user_id=ADMIN)
    assert view["title"]["text"] == "分配课程" and options(view, "course") == ["产品基础", "需求探索电话"]
    answers = {"kind": "vendor", "vendor": "Acme", "course": course_id(app_server, "discovery-calls", "zh")}
    answers |= {"due": "2026-12-20"}
    assert ready.view_submission(view, answers, user_id=ADMIN).text == ""
    assert [
        (user, slug, required) for user, slug, required, _ in wait_for(lambda: assignments(app_server))
    ] == [
        ("UREPEN", "discovery-calls", True),
        ("UREPZH", "discovery-calls", True),
    ]


def test_wrong_answers_stay_in_the_modal_under_their_fields(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view, _ = filled_modal(ready, emulator, user_id=MARIA)
    course = course_id(app_server, "product-basics")
    refused = ready.view_submission(
        view, {"kind": "rep", "course": course, "due": "2026-12-01", "recertify": "0"}, user_id=MARIA
    ).json()
    assert refused["response_action"] == "errors"
    assert refused["errors"] == {
        "rep": "Choose the rep.",
        "due": "2026-12-01 is in the past; choose a due date from today on.",
        "recertify": "Recertify every 1 to 3650 days, like “recertify 365 days”.",
    }  # the course and the kind were right: nothing said there, and Slack keeps what was typed

    def errors_of(answers: dict[str, Any]) -> dict[str, str]:
        return dict(ready.view_submission(view, answers, user_id=MARIA).json()["errors"])

    good = {"course": course, "due": "2026-12-31"}
    assert errors_of({"kind": "rep", "rep": ADMIN, **good}) == {
        "rep": f"<@{ADMIN}> is not a rep on a team; add them with `/pacer team add` first."
    }
    assert errors_of({"kind": "team", "team": BEN, **good}) == {
        "team": "Managers assign courses to their own team only."
    }
    forged = {"text": {"type": "plain_text", "text": "?"}, "value": "999999"}  # not an option offered
    assert errors_of({"kind": "everyone", "course": forged, "due": "2026-12-31"}) == {
        "course": "Choose a course."
    }
    assert assignments(app_server) == []


def test_a_rep_is_told_who_may_and_a_forged_submission_is_refused(
    ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    response = ready.command("train", user_id=REP_EN)
    assert response.json()["text"] == (
        "Only Pacer admins or managers may run `/pacer train`. Ask one of them if you need this done."
    )
    assert not [
        c for c in emulator.calls_to("views.open") if c.params.get("trigger_id") == response.trigger_id
    ]

    view, _ = filled_modal(ready, emulator, user_id=MARIA)
    answers = {"kind": "everyone", "course": course_id(app_server, "product-basics"), "due": "2026-12-31"}
    forged = ready.view_submission(view, answers, user_id=REP_EN).json()
    assert forged["response_action"] == "push" and "Only Pacer admins or managers" in str(forged["view"])
    assert assignments(app_server) == []


def test_no_course_yet(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    seed(app_server)
    opened = slack.opened_view(slack.command("train", user_id=MARIA))
    shown = wait_for(lambda: (v := emulator.views[opened["id"]])["blocks"] != opened["blocks"] and v)
    assert "No courses yet" in str(shown["blocks"]) and "submit" not in shown


def test_when_the_courses_cannot_be_read_the_modal_says_so(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not left saying "Reading the courses…": the modal says to try again, and the person gets the error
    with its request id as for any other failure."""
    seed(app_server)

    def broken(*args: object) -> object:
        raise OperationalError("SELECT", {}, Exception("the database went away"))

    monkeypatch.setattr(assigning, "_offered", broken)
    response = slack.command("train", user_id=MARIA)
    opened = slack.opened_view(response)
    shown = wait_for(lambda: (v := emulator.views[opened["id"]])["blocks"] != opened["blocks"] and v)
    assert "could not read the courses" in str(shown["blocks"]) and "submit" not in shown
    told = wait_for(lambda: [p for url, p in emulator.responses if url == response.response_url])
    assert "something went wrong" in told[0]["text"] and told[0]["response_type"] == "ephemeral"


FIELDS = {
    "kind": option(["rep", "team", "vendor", "everyone"]),
    "rep": st.sampled_from([REP_EN, ADMIN, "UNOBODY", "\x00"]),
    "team": st.sampled_from([MARIA, BEN, REP_EN, ""]),
    "vendor": option(["Acme"]),
    "due": dates,
    "recertify": numbers,
}


def test_fuzz_the_modal(ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    """Whatever is typed or forged into its fields: 200, and either assigned or field errors on the modal's
    own blocks; never "something went wrong", in the answer or after it."""
    view, _ = filled_modal(ready, emulator, user_id=MARIA)
    good = {"kind": "everyone", "course": course_id(app_server, "product-basics"), "due": "2026-12-31"}
    blocks = {b["block_id"] for b in view["blocks"]}
    offered = [
        o["value"] for b in view["blocks"] if b["block_id"] == "course" for o in b["element"]["options"]
    ]

    @fuzzed(60)
    @given(some_of(FIELDS | {"course": option([*offered, "0", "99999999999"])}))
    def submit(answers: dict[str, Any]) -> None:
        response = ready.view_submission(view, good | answers, user_id=MARIA)
        assert response.status == 200, response.text[:300]
        body = response.json() if response.text else {}
        if body:
            assert body["response_action"] == "errors" and set(body["errors"]) <= blocks, body

    submit()
    told = [str(m) for ms in emulator.messages.values() for m in ms] + [str(p) for _, p in emulator.responses]
    assert told and not [m for m in told if "Pacer's side" in m]
