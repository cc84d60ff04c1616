"""An event Slack sends again (X-Slack-Retry-Num) acts once; a retry of an event Pacer never received
acts; receipts (interactions keyed `event:<id>`) are decided by the database, even when deliveries
race."""

from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import Engine, select

from bot.db import make_session_factory, utcnow
from bot.interactions.models import Interaction
from bot.interactions.service import claim
from bot.roster.models import Role
from bot.workspaces.models import Workspace
from tests.factories import member
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for


def _setup(app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        session.add(Workspace(team_id="T0000001", digest_channel_id="C0DIGEST"))
        session.flush()
        member(session, MARIA, role=Role.MANAGER)


def _home_opened(user_id: str) -> dict[str, str]:
    return {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home"}


def _publishes(emulator: SlackEmulator, user_id: str) -> int:
    return len([c for c in emulator.calls_to("views.publish") if c.params.get("user_id") == user_id])


@pytest.mark.e2e
def test_a_retried_app_home_opened_publishes_the_home_tab_once(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, caplog: pytest.LogCaptureFixture
) -> None:
    _setup(app_server)
    caplog.set_level(logging.INFO, logger="bot.slack.retries")
    assert slack.event(_home_opened(MARIA), event_id="Ev0HOME1").status == 200
    assert slack.event(_home_opened(MARIA), event_id="Ev0HOME1", retry=(1, "http_timeout")).status == 200
    assert slack.event(_home_opened(MARIA), event_id="Ev0HOME1", retry=(2, "http_timeout")).status == 200
    # A later event (another user's) is published, so the listeners are running: Maria's tab was
    # published once ...
    assert slack.event(_home_opened(ADMIN), event_id="Ev0HOME2").status == 200
    wait_for(lambda: _publishes(emulator, ADMIN) == 1 and _publishes(emulator, MARIA) >= 1, what="publishes")
    assert _publishes(emulator, MARIA) == 1
    # ... and the two retries were dropped in the middleware, before any listener could see them.
    dropped = [r.getMessage() for r in caplog.records if r.name == "bot.slack.retries"]
    assert len(dropped) == 2 and all("Ev0HOME1" in m for m in dropped), dropped
    assert "retry 2, http_timeout" in dropped[1]


@pytest.mark.e2e
def test_a_retry_of_an_event_that_never_arrived_acts(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    _setup(app_server)
    assert slack.event(_home_opened(MARIA), event_id="Ev0LOST", retry=(1, "http_error")).status == 200
    wait_for(lambda: _publishes(emulator, MARIA) == 1, what="the Home tab published")


@pytest.mark.e2e
def test_a_retried_user_change_refreshes_once(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, caplog: pytest.LogCaptureFixture
) -> None:
    _setup(app_server)
    caplog.set_level(logging.INFO, logger="bot.slack.retries")
    user = {"id": MARIA, "team_id": "T0000001", "name": "maria", "tz": "Asia/Shanghai", "locale": "zh-CN"}
    for retry in (None, (1, "http_timeout"), (2, "http_timeout"), (3, "http_timeout")):
        assert (
            slack.event({"type": "user_change", "user": user}, event_id="Ev0USER", retry=retry).status == 200
        )
    assert len([r for r in caplog.records if r.name == "bot.slack.retries"]) == 3
    with app_server.session_factory() as session:
        receipts = session.scalars(select(Interaction.key).where(Interaction.key.startswith("event:"))).all()
    assert receipts == ["event:Ev0USER"]


def test_the_same_event_id_in_another_workspace_is_another_event(engine: Engine) -> None:
    factory = make_session_factory(engine)
    now = utcnow()
    with factory.begin() as session:
        session.execute(Interaction.__table__.delete())
        assert claim(session, team_id="T1", key="event:Ev1", now=now)
        assert not claim(session, team_id="T1", key="event:Ev1", now=now)
        assert claim(session, team_id="T2", key="event:Ev1", now=now)
        session.execute(Interaction.__table__.delete())


def test_deliveries_that_race_are_taken_in_once(engine: Engine) -> None:
    """Eight threads take in the same event at the same moment, each in its own transaction."""
    factory = make_session_factory(engine)
    with factory.begin() as session:
        session.execute(Interaction.__table__.delete())
    start, results = threading.Barrier(8), []

    def take_in() -> None:
        start.wait()
        with factory.begin() as session:
            results.append(claim(session, team_id="T1", key="event:EvRACE", now=utcnow()))

    threads = [threading.Thread(target=take_in) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False] * 7 + [True]
    with factory.begin() as session:
        session.execute(Interaction.__table__.delete())
