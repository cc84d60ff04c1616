"""The manager's batch message: thirty reps answering is one message, posted once and updated in place
("12 of 30 agreed — waiting on: …"), not thirty DMs; a second batch gets its own; both languages, names
bounded, titles escaped, within Slack's limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.delivery import service
from bot.delivery.models import Delivery
from bot.events import Event, Events
from bot.goals import messages
from bot.goals.models import Goal, GoalStatus
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.goal_forms import ACCOUNTS_GOAL as GOAL
from tests.support.people import ADMIN, MARIA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

REPS = [f"UREP{n:02d}" for n in range(1, 31)]
START, END = date(2026, 10, 1), date(2026, 12, 31)


def goals_of(app_server: AppServer) -> list[Goal]:
    with app_server.session_factory() as session:
        return list(session.scalars(select(Goal).order_by(Goal.id)))


def set_goal(slack: SlackPeer, rep: str, **changes: str) -> None:
    view = slack.open_modal(f"goal <@{rep}|x>", user_id=MARIA)
    assert slack.view_submission(view, GOAL | changes, user_id=MARIA).json() == {}


def ask_of(emulator: SlackEmulator, rep: str) -> dict[str, Any]:
    return wait_for(lambda: dms(emulator, rep), what=f"the agreement DM to {rep}")[-1]


def answer(slack: SlackPeer, emulator: SlackEmulator, rep: str, action: str = "goal_agree") -> None:
    assert slack.click(ask_of(emulator, rep), action, user_id=rep, channel_id="D" + rep).status == 200


def summary_of(emulator: SlackEmulator) -> list[dict[str, Any]]:
    return [m for m in dms(emulator, MARIA) if "agreed" in m["text"]]


def to_maria(emulator: SlackEmulator, method: str) -> int:
    return len([c for c in emulator.calls_to(method) if c.params.get("channel") in {MARIA, "D" + MARIA}])


@pytest.fixture
def team(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    app_server.clock.set(datetime(2026, 10, 5, 9, tzinfo=UTC))
    for rep in REPS:
        emulator.add_user(rep, name=rep.lower(), real_name=f"Rep {rep[-2:]}", tz="Europe/Berlin")
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    for some in (REPS[:15], REPS[15:]):  # a command names at most 25
        slack.command("team add " + " ".join(f"<@{rep}|x>" for rep in some), user_id=MARIA)
    for rep in REPS:
        set_goal(slack, rep)
    wait_for(lambda: all(dms(emulator, rep) for rep in REPS), what="thirty agreement DMs")
    return slack


@pytest.mark.e2e
def test_thirty_answers_are_one_message_updated_in_place(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    began = time.monotonic()
    for rep in REPS[:12]:
        answer(team, emulator, rep)
    (shown,) = wait_for(
        lambda: [m for m in summary_of(emulator) if "*12 of 30 agreed*" in m["text"]], what="12 of 30"
    )
    waiting = shown["text"].split("Waiting on: ")[1]
    assert waiting == ", ".join(f"<@{rep}>" for rep in REPS[12:24]) + ", +6 more"

    answer(team, emulator, REPS[12], "goal_discuss")
    (shown,) = wait_for(
        lambda: [m for m in summary_of(emulator) if "Would like to discuss: <@UREP13>" in m["text"]],
        what="the discussion",
    )
    # Maria edits it from the summary; the rep is asked again, and the summary has them waiting again.
    view = team.opened_view(team.click(shown, "goal_edit", user_id=MARIA, channel_id="D" + MARIA))
    assert team.view_submission(view, {"target": "16"}, user_id=MARIA).json() == {}
    wait_for(
        lambda: [m for m in summary_of(emulator) if "Waiting on: <@UREP13>" in m["text"]],
        what="waiting again",
    )
    assert "discuss" not in summary_of(emulator)[0]["text"]
    wait_for(lambda: len(dms(emulator, REPS[12])) == 2, what="the new ask")  # answered below

    for rep in REPS[12:]:
        answer(team, emulator, rep)
    (final,) = wait_for(
        lambda: [m for m in summary_of(emulator) if "*30 of 30 agreed*" in m["text"]], what="30 of 30"
    )
    elapsed = time.monotonic() - began
    assert "Waiting on" not in final["text"] and "Everyone has agreed" in final["text"]
    assert [g.status for g in goals_of(app_server)] == [GoalStatus.ACTIVE] * 30
    posts, updates = to_maria(emulator, "chat.postMessage"), to_maria(emulator, "chat.update")
    print(f"31 answers in {elapsed:.1f} s: {posts} chat.postMessage, {updates} chat.update to the manager")
    assert posts == 1 and len(dms(emulator, MARIA)) == 1
    assert 1 <= updates < 31
    assert updates <= elapsed / service.SETTLE.total_seconds() + 3  # at most one per settle, and a tail


@pytest.mark.e2e
def test_a_second_batch_gets_its_own_message(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    answer(team, emulator, REPS[0])
    wait_for(lambda: [m for m in summary_of(emulator) if "*1 of 30 agreed*" in m["text"]], what="the first")
    set_goal(team, REPS[0], start_date="2027-01-01", title="Open accounts in Q1")  # another period
    wait_for(lambda: len(dms(emulator, REPS[0])) == 2, what="the new ask")
    answer(team, emulator, REPS[0])
    second = wait_for(
        lambda: [m for m in summary_of(emulator) if "Goals for Q1 2027: *1 of 1 agreed*" in m["text"]],
        what="the second batch's message",
    )
    assert len(second) == 1 and len(dms(emulator, MARIA)) == 2
    assert "*1 of 30 agreed*" in dms(emulator, MARIA)[0]["text"]  # the first is left as it was


@pytest.mark.e2e
def test_clicks_are_acknowledged_while_the_summary_row_is_held(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer, engine: Engine
) -> None:
    """Another transaction holds the manager's summary row (a sender marking it sent, a slow revision):
    the Agree clicks are still acknowledged at once, each recorded, and the summary counts them once the
    row is free. Before, each answer revised the summary inside its own transaction, so the clicks' listener
    threads queued on the row lock and the sixth click was never acknowledged (Bolt answered 404)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite's writers take turns on the whole database")
    answer(team, emulator, REPS[0])
    wait_for(lambda: [m for m in summary_of(emulator) if "*1 of 30 agreed*" in m["text"]], what="the summary")
    with engine.connect() as holder:
        holder.execute(
            select(Delivery.id).where(Delivery.key.like(f"{messages.BATCH}:%")).with_for_update()
        ).one()
        for rep in REPS[1:9]:
            began = time.monotonic()
            response = team.click(ask_of(emulator, rep), "goal_agree", user_id=rep, channel_id="D" + rep)
            assert response.status == 200 and time.monotonic() - began < 2.5, (rep, response.status)
        wait_for(
            lambda: [g.status for g in goals_of(app_server)][:9] == [GoalStatus.ACTIVE] * 9,
            what="nine agreed while the summary was held",
        )
        holder.rollback()
    wait_for(lambda: [m for m in summary_of(emulator) if "*9 of 30 agreed*" in m["text"]], what="9 of 30")
    assert len(dms(emulator, MARIA)) == 1


def batch(statuses: list[GoalStatus], title: str = "Open accounts") -> list[tuple[Goal, str]]:
    return [
        (Goal(id=n + 1, version=1, title=title, status=status), f"UREP{n + 1:02d}")
        for n, status in enumerate(statuses)
    ]


def test_the_summary_in_both_languages_with_a_bounded_name_list() -> None:
    goals = batch([GoalStatus.ACTIVE] * 12 + [GoalStatus.AWAITING_AGREEMENT] * 18)
    en = messages.batch_message(goals, START, END, "en")
    assert en["text"].startswith("🎯 Goals for Q4 2026: *12 of 30 agreed*\nWaiting on: ")
    assert en["text"].endswith("<@UREP24>, +6 more")
    zh = messages.batch_message(goals, START, END, "zh")
    assert "*30 人中 12 人已确认*" in zh["text"] and zh["text"].endswith("<@UREP24>, 另外 6 人")


def test_titles_are_escaped_and_blocks_stay_within_fifty() -> None:
    goals = batch([GoalStatus.DISCUSSING] * 200, title="<!channel> *win* <https://x.example|here>")
    payload = messages.batch_message(goals, START, END, "en")
    assert len(payload["blocks"]) <= 50
    assert "<!channel>" not in payload["text"] and "&lt;!channel&gt;" in payload["text"]
    assert payload["blocks"][-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "+180 more"}],
    }
    assert "Would like to discuss: " in payload["text"] and "+188 more" in payload["text"]


def test_a_burst_of_answers_revises_each_batch_once_after_the_last(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers committed while the events' thread is busy are one revision per batch, made after all of
    them (so it renders every one); an answer after that revision gets a revision of its own."""
    events, busy, revised = Events(), threading.Event(), []

    class Sessions:
        @contextmanager
        def begin(self) -> Iterator[None]:
            yield None

    monkeypatch.setattr(messages, "revise_batch", lambda session, event: revised.append(event))
    revisions = messages.BatchRevisions(Sessions(), events)  # type: ignore[arg-type]
    revisions.subscribe()
    events.subscribe(Blocker, lambda _: busy.wait(10))
    events.dispatch(Blocker())
    now = datetime(2026, 10, 5, 9, tzinfo=UTC)
    for goal_id, key in ((1, "a"), (2, "a"), (3, "b"), (4, "a")):
        events.dispatch(messages.BatchChanged("T1", key, 7, goal_id, goal_id == 4, now))
    busy.set()
    events.drain()
    assert sorted((e.key, e.start) for e in revised) == [("a", True), ("b", False)]
    events.dispatch(messages.BatchChanged("T1", "a", 7, 5, False, now))
    events.drain()
    assert len(revised) == 3
    events.shutdown()


@dataclass(frozen=True)
class Blocker(Event):
    """Keeps the events' thread busy while answers are committed."""
