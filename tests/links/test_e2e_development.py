"""The review's development action and the manager's feedback, linked to training over HTTP, on SQLite and
PostgreSQL: the manager review offers the workspace's courses and incentive plans; publishing the cycle
assigns each linked course to its rep once (again after a reopening: still once), and the scorecard DM
names it with the rep's training and kudos as evidence; a manager's feedback that names a course assigns
it once; both languages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.feedback.models import ManagerFeedback
from bot.reviews import service
from bot.reviews.models import ManagerReview, ReviewCycle
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.training.models import Assignment, Progress
from tests.factories import TEAM, member
from tests.links.support import add_course
from tests.reviews.test_e2e_publish import NOW, answer_to, buttons, everything, seed
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.people import ADMIN, MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


def assignments(app_server: AppServer) -> list[tuple[str, str, date]]:
    with app_server.session_factory() as session:
        rows = session.execute(
            select(Member.user_id, Assignment.course_id, Assignment.due).join(
                Member, Member.id == Assignment.rep_id
            )
        ).all()
        return sorted((user, str(course), due) for user, course, due in rows)


def link_review(app_server: AppServer, cycle_id: int) -> tuple[int, int]:
    """Rita's manager review links to "Negotiation"; Li has a course done this quarter. The course ids."""
    with app_server.session_factory.begin() as session:
        english, chinese = add_course(session), add_course(session, "谈判技巧", language="zh")
        review = session.scalars(select(ManagerReview).where(ManagerReview.cycle_id == cycle_id)).one()
        review.development_kind, review.development_ref = "training", english.id
        li = session.scalars(select(Member).where(Member.user_id == REP_ZH)).one()
        session.add(
            Progress(team_id=TEAM, rep_id=li.id, course_id=chinese.id, version=1, completed_at=NOW, score=75)
        )
        return english.id, chinese.id


def test_publishing_assigns_the_linked_course_once(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    emulator.add_user("UVICTOR", name="victor", real_name="Victor Vendor")
    cycle_id = seed(app_server)
    english, chinese = link_review(app_server, cycle_id)
    app_server.clock.set(NOW)
    listing = slack.command("scorecards", user_id=ADMIN).json()
    answer_to(emulator, slack.click(listing, "reviews_publish", user_id=ADMIN, channel_id="D" + ADMIN))
    due = date(2027, 1, 27)  # 30 days after 28 December
    wait_for(lambda: assignments(app_server) or None, what="the course assigned")
    assert assignments(app_server) == [(REP_EN, str(english), due)]
    card = wait_for(
        lambda: [m for m in dms(emulator, REP_EN) if "reviews_acknowledge" in buttons(m)], what="DM"
    )[0]
    assert "*Linked*: A training course “Negotiation” (#" in everything(card)
    li = wait_for(
        lambda: [m for m in dms(emulator, REP_ZH) if "reviews_acknowledge" in buttons(m)], what="DM"
    )
    assert "*发展*：本季度完成 1 门课程（测验平均分 75%），0 门进行中" in everything(li[0])

    with app_server.session_factory.begin() as session:  # reopened and published again: still once
        cycle = session.get_one(ReviewCycle, cycle_id)
        admin = member(session, ADMIN, role=Role.ADMIN)
        service.reopen(
            session, cycle, Caller(member=admin, role=Role.ADMIN, locale="en"), reason="Late", now=NOW
        )
    listing = slack.command("scorecards", user_id=ADMIN).json()
    answer_to(emulator, slack.click(listing, "reviews_publish", user_id=ADMIN, channel_id="D" + ADMIN))
    wait_for(
        lambda: len([m for m in dms(emulator, REP_EN) if "reviews_acknowledge" in buttons(m)]) > 1,
        what="the scorecard sent again",
    )
    app_server.events.drain()
    assert assignments(app_server) == [(REP_EN, str(english), due)]
    assert chinese != english


def feedback_courses(app_server: AppServer) -> list[int | None]:
    with app_server.session_factory() as session:
        return list(session.scalars(select(ManagerFeedback.course_id)).all())


GIVE = {"strengths": "Great follow-up", "improve": "Qualify earlier", "next_step": "Shadow one demo"}


def option(text: str, value: str) -> dict[str, object]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_feedback_can_name_a_course_assigned_once(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, locale: str
) -> None:
    app_server.clock.set(at(10, 12, month=11))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita>", user_id=MARIA)
    slack.command(f"language {locale}", user_id=MARIA)
    plain = slack.open_modal(f"feedback <@{REP_EN}|rita>", user_id=MARIA)
    assert "course" not in {b.get("block_id") for b in plain["blocks"]}  # no courses yet: no field
    with app_server.session_factory.begin() as session:
        course = add_course(session, "Discovery calls", slug="discovery").id
    view = slack.open_modal(f"feedback <@{REP_EN}|rita>", user_id=MARIA)
    field = next(b for b in view["blocks"] if b.get("block_id") == "course")
    assert [o["text"]["text"] for o in field["element"]["options"]][1:] == ["Discovery calls"]
    assert ("Training course" in field["label"]["text"]) == (locale == "en")
    forged = slack.view_submission(view, GIVE | {"course": option("x", "drop table")}, user_id=MARIA).json()
    assert set(forged["errors"]) == {"course"}
    picked = GIVE | {"course": option("Discovery calls", str(course))}
    assert slack.view_submission(view, picked, user_id=MARIA).json() == {}
    assert slack.view_submission(view, picked, user_id=MARIA).json() == {}  # a double submit: acts once
    wait_for(lambda: assignments(app_server) or None, what="the course assigned")
    again = slack.open_modal(f"feedback <@{REP_EN}|rita>", user_id=MARIA)  # next feedback, same course
    assert slack.view_submission(again, picked, user_id=MARIA).json() == {}
    wait_for(lambda: len(feedback_courses(app_server)) == 2, what="the second feedback")
    app_server.events.drain()
    assert [(user, c) for user, c, _ in assignments(app_server)] == [(REP_EN, str(course))]
    assert feedback_courses(app_server) == [course, course]
