"""Domain events (bot/events.py): told to subscribers only after the transaction commits, dropped on a
rollback, run off the request thread (never inside `ack()`), a failing subscriber logged and harmless;
and the services raise them where a check-in is recorded, a goal agreed and feedback given."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.checkins.models import CheckIn, Confidence
from bot.events import (
    CheckInRecorded,
    Event,
    Events,
    FeedbackGiven,
    FeedbackKind,
    GoalAgreed,
    raise_after_commit,
)
from bot.feedback import service as feedback
from bot.goals import form
from bot.goals import service as goals
from bot.roster.models import Role
from bot.roster.service import caller_for
from bot.workspaces.models import Workspace
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member, rep_with_goal
from tests.support.app_server import AppServer
from tests.support.people import MARIA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

RECORDED = CheckInRecorded(TEAM, 1, date(2026, 11, 30), (1,), first=True)
AGREED = GoalAgreed(TEAM, goal_id=7, rep_id=1)


@pytest.fixture
def events(session: Session) -> Iterator[Events]:
    """Synchronous events attached to the test's session: a subscriber runs inside `session.commit()`."""
    hub = Events(synchronous=True)
    hub.attach(session)
    yield hub
    hub.shutdown()


def collect(hub: Events, *kinds: type[Event]) -> list[Event]:
    seen: list[Event] = []
    for kind in kinds:
        hub.subscribe(kind, seen.append)
    return seen


def test_told_only_after_the_commit(session: Session, events: Events) -> None:
    seen = collect(events, CheckInRecorded, GoalAgreed)
    raise_after_commit(session, RECORDED)
    raise_after_commit(session, AGREED)
    session.flush()
    assert seen == []  # raised, flushed, not committed: nobody knows yet
    session.commit()
    assert seen == [RECORDED, AGREED]
    session.commit()
    assert seen == [RECORDED, AGREED]  # told once


def test_dropped_on_a_rollback(session: Session, events: Events) -> None:
    seen = collect(events, CheckInRecorded)
    raise_after_commit(session, RECORDED)
    session.rollback()
    session.commit()
    assert seen == []


def test_a_rolled_back_savepoint_drops_only_its_own_events(session: Session, events: Events) -> None:
    seen = collect(events, CheckInRecorded, GoalAgreed)
    raise_after_commit(session, AGREED)
    savepoint = session.begin_nested()
    raise_after_commit(session, RECORDED)
    savepoint.rollback()
    with session.begin_nested():  # released: its event waits for the outer commit
        raise_after_commit(session, RECORDED)
    assert seen == []
    session.commit()
    assert seen == [AGREED, RECORDED]


def test_a_session_closed_without_commit_forgets_its_events(session: Session, events: Events) -> None:
    seen = collect(events, CheckInRecorded)
    raise_after_commit(session, RECORDED)
    session.close()
    session.commit()
    assert seen == []


def test_no_subscriber_or_no_events_is_a_no_op(session: Session) -> None:
    raise_after_commit(session, RECORDED)  # no `Events` attached (a job, a unit test): dropped
    assert "pacer.events.pending" not in session.info
    hub = Events(synchronous=True)
    hub.attach(session)
    raise_after_commit(session, RECORDED)
    session.commit()  # attached, but nobody subscribed


def test_a_failing_subscriber_is_logged_and_the_others_still_run(
    session: Session, events: Events, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: CheckInRecorded) -> None:
        raise RuntimeError("boom")

    events.subscribe(CheckInRecorded, broken)
    seen = collect(events, CheckInRecorded)
    raise_after_commit(session, RECORDED)
    with caplog.at_level(logging.ERROR, logger="bot.events"):
        session.commit()  # does not raise
    assert seen == [RECORDED]
    assert "a subscriber to CheckInRecorded failed" in caplog.text


def test_unsubscribe(session: Session, events: Events) -> None:
    seen: list[Event] = []
    stop = events.subscribe(CheckInRecorded, seen.append)
    stop()
    raise_after_commit(session, RECORDED)
    session.commit()
    assert seen == []


def test_subscribers_run_on_a_worker_thread() -> None:
    hub = Events()
    threads: list[str] = []
    gate = threading.Event()

    def slow(event: CheckInRecorded) -> None:
        gate.wait(5)
        threads.append(threading.current_thread().name)

    hub.subscribe(CheckInRecorded, slow)
    hub.dispatch(RECORDED)  # returns at once, while the subscriber waits
    assert threads == []
    gate.set()
    hub.drain()
    assert len(threads) == 1 and threads[0].startswith("pacer-events")
    hub.shutdown()
    hub.dispatch(RECORDED)  # after shutdown: dropped with a warning, never raised
    assert len(threads) == 1


# --- the services raise them -------------------------------------------------------------------------

MONDAY = date(2026, 11, 30)
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_a_check_in_raises_check_in_recorded(session: Session, events: Events) -> None:
    seen = collect(events, CheckInRecorded)
    boss = member(session, "UBOSS", role=Role.MANAGER)
    rep = rep_with_goal(session, "UREP", boss, None, {MONDAY: 10}, {})
    (goal,) = checkins.active_goals(session, rep=rep, week_start=MONDAY)
    answer = checkins.Answer(goal.id, Decimal(3), Confidence.ON_TRACK, "", "", needs_help=False)
    for _ in range(2):
        checkins.save_checkin(session, rep=rep, week_start=MONDAY, answers=[answer], now=NOW)
        session.commit()
    first, again = (CheckInRecorded(TEAM, rep.id, MONDAY, (goal.id,), first=f) for f in (True, False))
    assert seen == [first, again]


def test_agreeing_or_approving_a_goal_raises_goal_agreed(session: Session, events: Events) -> None:
    seen = collect(events, GoalAgreed)
    workspace = ensure_workspace(session, TEAM)
    boss = member(session, "UBOSS", role=Role.MANAGER)
    rep = member(session, "UREP")
    rep.on_team, rep.manager_id = True, boss.id
    data = form.validate(_goal_form(), today=NOW.date())
    assert isinstance(data, form.GoalInput)
    proposal = goals.create(session, caller=caller_for(rep, workspace, frozenset()), rep=rep, data=data)
    goal = goals.create(session, caller=caller_for(boss, workspace, frozenset()), rep=rep, data=data)
    goals.discuss(goal, rep, version=1)
    session.commit()
    assert seen == []  # proposing and discussing agree to nothing
    goals.approve(proposal, caller_for(boss, workspace, frozenset()), rep, version=1, now=NOW)
    goals.agree(goal, rep, version=1, now=NOW)
    session.commit()
    assert seen == [GoalAgreed(TEAM, proposal.id, rep.id), GoalAgreed(TEAM, goal.id, rep.id)]


def _goal_form() -> form.GoalForm:
    return form.GoalForm(
        title="Open accounts",
        description="",
        metric="new_accounts",
        metric_label=None,
        unit="count",
        target="12",
        why="growth",
        period_kind="custom",
        start_date="2026-11-30",
        end_date="2026-12-27",
        quarter_weights=None,
    )


def test_feedback_raises_feedback_given_without_an_anonymous_author(session: Session, events: Events) -> None:
    seen = collect(events, FeedbackGiven)
    workspace = ensure_workspace(session, TEAM)
    boss = member(session, "UBOSS", role=Role.MANAGER)
    rep = member(session, "UREP")
    rep.on_team, rep.manager_id = True, boss.id
    month = date(2026, 11, 1)
    given = feedback.give(
        session,
        caller=caller_for(boss, workspace, frozenset()),
        rep=rep,
        answers=("a", "b", "c", 4),
        month=month,
    )
    values: dict[str, str | bool] = {name: "" for name in (*feedback.CONTENT, "competitor")}
    named = feedback.share(session, rep=rep, key="k1", month=month, values=values | {"anonymous": False})
    hidden = feedback.share(session, rep=rep, key="k2", month=month, values=values | {"anonymous": True})
    session.commit()
    assert seen == [
        FeedbackGiven(TEAM, given.id, FeedbackKind.MANAGER, rep.id),
        FeedbackGiven(TEAM, named.id, FeedbackKind.FIELD, rep.id),
        FeedbackGiven(TEAM, hidden.id, FeedbackKind.FIELD, None),  # nobody learns who wrote it
    ]


# --- end to end: the Home tab is a subscriber ------------------------------------------------------


def _seed(app_server: AppServer, emulator: SlackEmulator) -> None:
    app_server.clock.set(datetime(2026, 12, 7, 10, tzinfo=UTC))  # Monday: last week's check-in is open
    with app_server.session_factory.begin() as session:
        session.add(Workspace(team_id=TEAM, digest_channel_id="C0DIGEST"))
        session.flush()
        boss = member(session, MARIA, role=Role.MANAGER)
        rep_with_goal(session, "UH0", boss, None, {MONDAY - timedelta(days=7): 10, MONDAY: 10}, {})
    emulator.add_user("UH0", name="rep0")


@pytest.mark.e2e
def test_a_check_in_republishes_the_homes_after_the_ack_and_commit(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    _seed(app_server, emulator)
    gate, committed, finished = threading.Event(), [], []

    def held(event: CheckInRecorded) -> None:
        with app_server.session_factory() as session:  # the data is there: told after the commit
            committed.append(
                bool(session.scalars(select(CheckIn).where(CheckIn.rep_id == event.rep_id)).all())
            )
        gate.wait(10)
        finished.append(event)

    def broken(event: CheckInRecorded) -> None:
        raise RuntimeError("a subscriber's bug never reaches the person")

    app_server.events.subscribe(CheckInRecorded, broken)
    app_server.events.subscribe(CheckInRecorded, held)
    view = slack.open_modal("checkin", user_id="UH0")
    block = next(b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("result:"))
    before = len(emulator.calls_to("views.publish"))
    response = slack.view_submission(
        view, {block: "11", f"confidence:{block[7:]}": "on_track"}, user_id="UH0"
    )
    assert response.status == 200 and response.json() == {}  # acked while a subscriber is still held
    assert finished == []  # the subscriber is still waiting: the ack did not wait for it
    wait_for(lambda: committed, what="the held subscriber")
    gate.set()
    app_server.events.drain()
    assert committed == [True]
    published = sorted(c.params["user_id"] for c in emulator.calls_to("views.publish")[before:])
    assert published == sorted(["UH0", MARIA])  # the rep's and the manager's Home tabs, once each
    assert "You've checked in for week 49" in str(emulator.home_tabs["UH0"])
