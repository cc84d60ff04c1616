"""Double submits and double clicks over HTTP: a modal submitted several times (a double click, Slack's
retry of a view_submission) or a button pressed twice acts once, and every arrival gets the same answer.
Concurrent arrivals race through real threads, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select

from bot.checkins.models import CheckIn
from bot.delivery.models import Delivery, DeliveryStatus
from bot.escalations.models import Escalation, EscalationEvent
from bot.feedback.models import ManagerFeedback
from bot.goals.models import Goal, GoalStatus
from bot.interactions.models import Interaction
from bot.roster.models import Member
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.goal_forms import ACCOUNTS_GOAL as GOAL
from tests.support.people import ADMIN, MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
T = TypeVar("T")
VENDOR = "UVENDOR"
ESCALATION = {"severity": "high", "involve_vendor": ["yes"]}
GIVE = {
    "strengths": "Great follow-up",
    "improve": "Qualify earlier",
    "next_step": "Shadow a demo",
    "rating": "4",
}


def at_once(count: int, send: Callable[[], T]) -> list[T]:
    """Call `send` from `count` threads released together, as a double click or Slack's retry arrives."""
    start = threading.Barrier(count)
    results: list[T] = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        result = send()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == count
    return results


def count(app_server: AppServer, model: Any, *where: Any) -> int:
    with app_server.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def settled(app_server: AppServer) -> None:
    """Wait until the outbox has sent everything queued, so what reached Slack can be counted."""
    wait_for(
        lambda: (
            count(app_server, Delivery, Delivery.status == DeliveryStatus.PENDING) == 0
            and count(app_server, Delivery, Delivery.status == DeliveryStatus.SENDING) == 0
        ),
        what="the outbox to be sent",
    )


def answer_of(app_server: AppServer) -> dict[str, Any]:
    with app_server.session_factory() as session:
        return session.scalars(select(Interaction.answer)).first() or {}


def answers_to(emulator: SlackEmulator, response: PeerResponse) -> list[dict[str, Any]]:
    return [payload for url, payload in emulator.responses if url == response.response_url]


@pytest.fixture
def team(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    emulator.add_user(VENDOR, name="vera", real_name="Vera Vendor", tz="Asia/Shanghai", locale="zh-CN")
    app_server.clock.set(datetime(2026, 12, 7, 10, tzinfo=UTC))  # a Monday
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"vendor add Acme <@{VENDOR}|vera>", user_id=MARIA)
    slack.command(f"team add <@{REP_EN}|rita> <@{REP_ZH}|li> vendor Acme", user_id=MARIA)
    return slack


@pytest.mark.parametrize("concurrent", [True, False], ids=["concurrent", "sequential"])
def test_an_escalation_submitted_three_times_is_one_escalation_and_one_dm(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer, concurrent: bool
) -> None:
    view = team.open_modal(f"escalate <@{REP_EN}|rita> Customers complain about late visits", user_id=MARIA)

    def submit() -> PeerResponse:
        return team.view_submission(view, ESCALATION, user_id=MARIA)

    responses = at_once(3, submit) if concurrent else [submit() for _ in range(3)]
    assert [(r.status, r.json()) for r in responses] == [(200, {})] * 3  # each one closes the modal
    settled(app_server)
    assert count(app_server, Escalation) == 1
    assert count(app_server, EscalationEvent) == 2  # opened, sent
    assert len(dms(emulator, VENDOR)) == 1
    assert count(app_server, Interaction) == 1
    # A new modal is a new escalation.
    again = team.open_modal(f"escalate <@{REP_EN}|rita> Customers complain about late visits", user_id=MARIA)
    assert team.view_submission(again, ESCALATION, user_id=MARIA).json() == {}
    assert count(app_server, Escalation) == 2


def test_manager_feedback_submitted_twice_at_once_is_given_once(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view = team.open_modal(f"feedback <@{REP_EN}|rita>", user_id=MARIA)
    responses = at_once(2, lambda: team.view_submission(view, GIVE, user_id=MARIA))
    assert [r.json() for r in responses] == [{}, {}]
    settled(app_server)
    assert count(app_server, ManagerFeedback) == 1
    assert len([m for m in dms(emulator, REP_EN) if "Great follow-up" in m["text"]]) == 1


def test_a_goal_submitted_twice_at_once_is_one_goal_and_the_agree_button_twice_agrees_once(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view = team.open_modal(f"goal <@{REP_EN}|rita>", user_id=MARIA)
    responses = at_once(2, lambda: team.view_submission(view, GOAL, user_id=MARIA))
    assert [r.json() for r in responses] == [{}, {}]
    settled(app_server)
    assert count(app_server, Goal) == 1
    (ask,) = [m for m in dms(emulator, REP_EN) if "Do you agree" in m["text"]]

    clicks = at_once(2, lambda: team.click(ask, "goal_agree", user_id=REP_EN, channel_id="D" + REP_EN))
    answers = [wait_for(lambda r=r: answers_to(emulator, r), what="the answer")[0] for r in clicks]
    assert answers[0] == answers[1]  # the second press is answered as the first was
    assert answers[0]["replace_original"] and answers[0]["text"].startswith("✅ You agreed")
    settled(app_server)
    with app_server.session_factory() as session:
        assert session.scalars(select(Goal)).one().status is GoalStatus.ACTIVE
    assert len([m for m in dms(emulator, MARIA) if "1 of 1 agreed" in m["text"]]) == 1
    # the manager's batch message was written once (revision 0): the second press told no one
    assert count(app_server, Delivery, Delivery.kind == "goal-batch", Delivery.revision == 0) == 1


def test_acknowledge_pressed_twice_at_once_is_recorded_and_told_once(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view = team.open_modal(f"escalate <@{REP_ZH}|li> Visits are not logged", user_id=MARIA)
    assert team.view_submission(view, ESCALATION, user_id=MARIA).json() == {}
    message = wait_for(lambda: dms(emulator, VENDOR), what="the vendor's DM")[-1]
    clicks = at_once(
        2, lambda: team.click(message, "escalation_ack", user_id=VENDOR, channel_id="D" + VENDOR)
    )
    answers = [wait_for(lambda r=r: answers_to(emulator, r), what="the answer")[0] for r in clicks]
    assert answers[0] == answers[1] and answers[0]["replace_original"]
    settled(app_server)
    with app_server.session_factory() as session:
        actions = list(session.scalars(select(EscalationEvent.action).order_by(EscalationEvent.id)))
    assert actions == ["opened", "sent", "acknowledged"]
    assert len([m for m in dms(emulator, MARIA) if "acknowledged escalation" in m["text"]]) == 1


def test_a_submission_that_failed_acts_when_retried(team: SlackPeer, app_server: AppServer) -> None:
    """The key is written in the effect's transaction: when the effect fails, nothing is remembered,
    and the same submission (Slack's retry, or the person pressing Submit again) acts."""
    view = team.open_modal("goal", user_id=REP_EN)  # Rita proposes a goal to her manager
    with app_server.session_factory.begin() as session:  # ... who has just left
        rita = session.scalars(select(Member).where(Member.user_id == REP_EN)).one()
        manager_id, rita.manager_id = rita.manager_id, None
    failed = team.view_submission(view, GOAL, user_id=REP_EN)
    assert failed.status == 200 and failed.json()["response_action"] == "push"  # "you have no manager"
    assert count(app_server, Interaction) == 0 and count(app_server, Goal) == 0
    with app_server.session_factory.begin() as session:
        session.scalars(select(Member).where(Member.user_id == REP_EN)).one().manager_id = manager_id
    assert team.view_submission(view, GOAL, user_id=REP_EN).json() == {}
    assert count(app_server, Goal) == 1
    assert team.view_submission(view, GOAL, user_id=REP_EN).json() == {}  # and now once only
    assert count(app_server, Goal) == 1


def test_a_checkin_submitted_twice_at_once_is_saved_and_marked_done_once(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.clock.set(datetime(2026, 11, 30, 9, tzinfo=UTC))
    view = team.open_modal(f"goal <@{REP_EN}|rita>", user_id=MARIA)
    assert team.view_submission(view, GOAL, user_id=MARIA).json() == {}
    ask = wait_for(lambda: [m for m in dms(emulator, REP_EN) if "Do you agree" in m["text"]], what="ask")[-1]
    team.click(ask, "goal_agree", user_id=REP_EN, channel_id="D" + REP_EN)
    wait_for(lambda: count(app_server, Goal, Goal.status == GoalStatus.ACTIVE) == 1, what="the agreement")
    app_server.run_job("weekly-nudges", datetime(2026, 12, 7, 8, 5, tzinfo=UTC))  # 09:05 in Berlin
    nudge = wait_for(lambda: [m for m in dms(emulator, REP_EN) if "check-in" in m["text"]], what="nudge")[-1]
    checkin = team.opened_view(team.click(nudge, "checkin_open", user_id=REP_EN, channel_id="D" + REP_EN))
    with app_server.session_factory() as session:
        goal_id = session.scalars(select(Goal.id)).one()
    answers = {f"result:{goal_id}": "3", f"confidence:{goal_id}": "on_track", f"blockers:{goal_id}": "None"}
    responses = at_once(2, lambda: team.view_submission(checkin, answers, user_id=REP_EN))
    assert [r.json() for r in responses] == [{}, {}]
    settled(app_server)
    assert count(app_server, CheckIn) == 1
    assert count(app_server, Delivery, Delivery.kind == "nudge-done") == 1  # the nudge updated once


def test_settings_saved_twice_at_once_are_confirmed_once(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    reply = slack.command("setup", user_id=ADMIN)
    view = slack.opened_view(reply)
    settings = {"digest_channel_id": "C0DIGEST", "timezone": "Asia/Shanghai", "language": "zh"}
    responses = at_once(2, lambda: slack.view_submission(view, settings, user_id=ADMIN))
    assert [r.json() for r in responses] == [{}, {}]
    wait_for(lambda: "done" in answer_of(app_server), what="the first one to answer and confirm")
    confirmations = [p for url, p in emulator.responses if url == reply.response_url]
    assert count(app_server, Interaction) == 1 and len(confirmations) == 1


def test_field_errors_are_not_remembered(team: SlackPeer, app_server: AppServer) -> None:
    """An answer with field errors did nothing: once the reason is gone, the same values act."""
    from bot.roster.models import Vendor

    with app_server.session_factory.begin() as session:
        session.scalars(select(Vendor)).one().contact_user_id = None
    view = team.open_modal(f"escalate <@{REP_EN}|rita> Late visits", user_id=MARIA)
    assert list(team.view_submission(view, ESCALATION, user_id=MARIA).json()["errors"]) == ["involve_vendor"]
    assert count(app_server, Interaction) == 0
    with app_server.session_factory.begin() as session:
        session.scalars(select(Vendor)).one().contact_user_id = VENDOR
    assert team.view_submission(view, ESCALATION, user_id=MARIA).json() == {}
    assert count(app_server, Escalation) == 1
