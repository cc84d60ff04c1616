"""Each workspace within its own limits: the limiter paces and pauses workspaces apart, a claim takes a
few of each workspace's messages round robin and none of a paused one, and the real sender (OAuth mode,
each workspace's own token, the emulator over loopback, SQLite and PostgreSQL) keeps sending to a healthy
workspace while another answers 429 to everything."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from bot.db import SessionFactory, make_session_factory, utcnow
from bot.delivery import service
from bot.delivery.models import Delivery, DeliveryStatus
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.service import Outgoing, enqueue
from bot.delivery.worker import make_sender
from bot.workspaces.service import ensure_workspace
from tests.conftest import wipe
from tests.delivery.test_ratelimit import FakeTime
from tests.support.slack_emulator import SlackEmulator
from tests.support.workspaces import install, oauth_settings, wipe_installations

ALPHA, BETA = "T00ALPHA", "T000BETA"


def test_each_workspace_has_its_own_pace_and_its_own_pause() -> None:
    fake = FakeTime()
    limiter = RateLimiter(2, clock=fake.clock, sleep=fake.sleep)
    assert [limiter.reserve(f"C{n}", ALPHA) for n in range(3)] == [0.0, 0.5, 1.0]
    assert limiter.reserve("C0", BETA) == 0.0  # Beta's first slot: Alpha's backlog is not its own
    limiter.pause(30, ALPHA)
    assert limiter.reserve("C9", ALPHA) == 30.0
    assert limiter.reserve("C9", BETA) == 0.5
    assert limiter.busy(horizon=1.0) == {ALPHA}
    assert limiter.paused(ALPHA) == 30.0 and limiter.paused(BETA) == 0.0
    assert limiter.per_claim(horizon=1.0) == 2


def test_a_workspace_paused_while_a_sender_waited_holds_back_only_that_sender() -> None:
    fake = FakeTime()
    limiter = RateLimiter(1, clock=fake.clock, sleep=fake.sleep)
    slot = limiter.reserve("C1", ALPHA)
    limiter.pause(10, BETA)
    assert limiter.paused(ALPHA, since=slot) == 0.0
    limiter.pause(10, ALPHA)
    assert limiter.paused(ALPHA, since=slot) == 10.0


@pytest.fixture
def factory(engine: Engine) -> Iterator[SessionFactory]:
    wipe(engine)
    wipe_installations(engine)
    yield make_session_factory(engine)
    wipe(engine)
    wipe_installations(engine)


def _dms(team_id: str, count: int) -> list[Outgoing]:
    return [
        Outgoing(
            team_id=team_id,
            key=f"hello:{n}",
            kind="hello",
            channel=f"U{team_id[-4:]}{n:03d}",
            payload={"text": f"hello {n}"},
        )
        for n in range(count)
    ]


def test_a_claim_takes_a_few_of_each_workspace_and_none_of_a_paused_one(factory: SessionFactory) -> None:
    with factory.begin() as session:
        for team_id in (ALPHA, BETA):
            ensure_workspace(session, team_id)
        enqueue(session, _dms(ALPHA, 6) + _dms(BETA, 6), now=utcnow())
    lease = timedelta(seconds=30)
    with factory.begin() as session:
        first = service.claim(session, worker="w:1", limit=10, lease=lease, per_team=2)
    assert sorted(item.team_id for item in first) == sorted([ALPHA, ALPHA, BETA, BETA])
    with factory.begin() as session:
        second = service.claim(session, worker="w:1", limit=10, lease=lease, per_team=5, skip_teams={ALPHA})
    assert [item.team_id for item in second] == [BETA] * 4  # Alpha paused: none of its four left
    assert {item.key for item in first + second if item.team_id == BETA} == {f"hello:{n}" for n in range(6)}


def _people(emulator: SlackEmulator, team_id: str, count: int) -> None:
    for n in range(count):
        emulator.add_user(f"U{team_id[-4:]}{n:03d}", name=f"rep{n}", team_id=team_id)


def test_one_workspace_refusing_everything_never_slows_another(
    factory: SessionFactory, emulator: SlackEmulator, engine: Engine
) -> None:
    settings = oauth_settings(emulator, engine, delivery_rate=4)
    for team_id in (ALPHA, BETA):
        install(emulator, settings, factory, team_id)
        _people(emulator, team_id, 8)
    emulator.refuse(ALPHA, retry_after=30)
    with factory.begin() as session:
        enqueue(session, _dms(ALPHA, 8) + _dms(BETA, 8), now=utcnow())
    started = time.monotonic()
    report = make_sender(settings, factory).drain()
    elapsed = time.monotonic() - started
    assert report.sent == 8 and report.failed == 0
    # Beta's 8 at 4 a second take under 2 s; a shared pause would have held them 30 s.
    assert elapsed < 10
    with factory() as session:
        rows = session.scalars(select(Delivery).where(Delivery.team_id == ALPHA)).all()
    assert {row.status for row in rows} == {DeliveryStatus.PENDING}
    assert all(row.attempts == 0 for row in rows)  # a 429 uses up no try
    assert len([c for c in emulator.calls_to("chat.postMessage") if c.token == "xoxb-t00alpha"]) <= 4
    assert {m["text"] for c, ms in emulator.messages.items() for m in ms} == {f"hello {n}" for n in range(8)}


def test_each_workspace_is_paced_at_its_own_rate_side_by_side(
    factory: SessionFactory, emulator: SlackEmulator, engine: Engine
) -> None:
    settings = oauth_settings(emulator, engine, delivery_rate=4)
    for team_id in (ALPHA, BETA):
        install(emulator, settings, factory, team_id)
        _people(emulator, team_id, 8)
        emulator.set_rate_limit("chat.postMessage", 4, team_id=team_id)  # Slack's own bucket: 4 a second
    with factory.begin() as session:
        enqueue(session, _dms(ALPHA, 8) + _dms(BETA, 8), now=utcnow())
    started = time.monotonic()
    report = make_sender(settings, factory).drain()
    elapsed = time.monotonic() - started
    assert report.sent == 16 and report.retried == 0  # never over either workspace's limit
    # 8 each at 4 a second, side by side: about 2 s (one shared pace would take 4 s)
    assert 1.5 < elapsed < 3.8
