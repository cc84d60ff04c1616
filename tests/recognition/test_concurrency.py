"""Two kudos from one giver at the same moment (two requests, two connections): together they would pass
the allowance, so one is refused. On PostgreSQL the giver's row lock serialises them (without it both
would read the same points spent); SQLite writes one transaction at a time anyway."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from bot.db import make_session_factory
from bot.errors import Invalid
from bot.recognition.giving import give
from bot.recognition.models import Kudos
from bot.recognition.rules import Draft
from bot.recognition.settings import RecognitionConfig
from bot.roster.models import Member
from bot.workspaces.models import Workspace
from tests.conftest import wipe
from tests.factories import member

NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
CONFIG = RecognitionConfig(allowance=100)


def _give(
    engine: Engine, giver_id: int, receiver_id: int, points: int, barrier: threading.Barrier | None
) -> str:
    with make_session_factory(engine).begin() as session:
        giver, receiver = session.get_one(Member, giver_id), session.get_one(Member, receiver_id)
        workspace = session.get_one(Workspace, giver.team_id)
        if barrier is not None:
            barrier.wait(timeout=10)
        try:
            draft = Draft(points, f"for {receiver_id}", ())
            give(
                session,
                giver=giver,
                receiver=receiver,
                draft=draft,
                config=CONFIG,
                workspace=workspace,
                now=NOW,
                admins=frozenset(),
            )
        except Invalid as error:
            return error.key or ""
    return "given"


def test_two_kudos_at_once_never_pass_the_allowance(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: nothing to race")
    wipe(engine)
    with make_session_factory(engine).begin() as session:
        giver, *receivers = [member(session, u).id for u in ("UGIVER", "UONE", "UTWO", "UTHREE")]
    assert _give(engine, giver, receivers[0], 30, None) == "given"
    barrier, outcomes = threading.Barrier(2), []
    threads = [
        threading.Thread(target=lambda r=r: outcomes.append(_give(engine, giver, r, 40, barrier)))
        for r in receivers[1:]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with make_session_factory(engine)() as session:
        total = session.scalar(select(func.sum(Kudos.points)))
    wipe(engine)
    assert sorted(outcomes) == ["given", "recognition.errors.over_allowance"]
    assert total == 70
