"""One bad unit never blocks the rest: each channel's digest, each person's message, is built and queued
in its own transaction; a failure is logged with its key (never its message) and listed in the job's
summary, and the next run queues only what failed. Real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.checkins import jobs as checkin_jobs
from bot.checkins import views as checkin_views
from bot.checkins.models import Confidence
from bot.db import SessionFactory, make_session_factory
from bot.delivery.models import Delivery
from bot.delivery.service import Outgoing, enqueue
from bot.digests import jobs as digest_jobs
from bot.digests import messages as digest_messages
from bot.digests import service as digest_service
from bot.roster.models import Role, Vendor
from bot.scheduler import JobContext, for_each_unit
from bot.workspaces.models import Workspace
from tests.conftest import wipe
from tests.factories import TEAM, member, rep_with_goal

WEEK = date(2026, 11, 23)  # last week, as of the digest time below
DIGEST_AT = datetime.combine(WEEK + timedelta(days=7), time(16, 1), tzinfo=UTC)  # Monday 16:01 UTC
SECRET = "Quotes take two weeks — ask Dana"  # user text that must never reach the log


@pytest.fixture
def factory(engine: Engine) -> Iterator[SessionFactory]:
    wipe(engine)
    yield make_session_factory(engine)
    wipe(engine)


def context(factory: SessionFactory) -> JobContext:
    """The jobs below use only the database."""
    return cast(JobContext, type("Context", (), {"session_factory": factory, "pages": None})())


def keys(factory: SessionFactory) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(Delivery.key)))


def test_a_failing_unit_is_rolled_back_alone_and_logged_by_key(
    factory: SessionFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with factory.begin() as session:
        member(session, "U1")

    def build(session: Session, name: str) -> int:
        queued = enqueue(
            session,
            [Outgoing(team_id=TEAM, key=f"test:{name}", kind="test", channel="C1", payload={"text": name})],
            now=DIGEST_AT,
        )
        if name == "b":
            raise ValueError(SECRET)  # after writing: that write must go too
        return queued

    with caplog.at_level(logging.INFO):
        done = for_each_unit(factory, [(f"unit:{n}", n) for n in "abc"], build)

    assert done.results == [1, 1] and done.failed == ["unit:b"]
    assert done.note() == "; 1 failed, tried again at the next tick: unit:b"
    assert keys(factory) == {"test:a", "test:c"}
    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "unit:b" in record.getMessage() and "ValueError" in record.getMessage()
    assert SECRET not in caplog.text and record.exc_info is None


@pytest.fixture
def three_channels(factory: SessionFactory) -> dict[str, str]:
    """A workspace digest channel, a team's channel and a vendor's channel, with a team behind them."""
    with factory.begin() as session:
        boss = member(session, "UBOSS", role=Role.MANAGER)
        boss.team_channel_id = "CTEAM"
        acme = Vendor(team_id=TEAM, name="Acme", name_key="acme", channel_id="CACME")
        session.add(acme)
        session.flush()
        weeks = {WEEK: 10, WEEK + timedelta(days=7): 10}
        rep_with_goal(session, "UA", boss, acme, weeks, {WEEK: (8, Confidence.ON_TRACK, False, SECRET)})
        workspace = session.get_one(Workspace, TEAM)
        workspace.digest_channel_id = "CALL"
        scopes = {
            "CALL": digest_service.Scope(TEAM),
            "CTEAM": digest_service.Scope(TEAM, manager_id=boss.id),
            "CACME": digest_service.Scope(TEAM, vendor_id=acme.id),
        }
    return {channel: digest_messages.digest_key(channel, scope, WEEK) for channel, scope in scopes.items()}


def test_one_channels_digest_failing_does_not_stop_the_others(
    factory: SessionFactory,
    three_channels: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real_build = digest_service.build
    built: list[digest_service.Scope] = []

    def build(session: Session, scope: digest_service.Scope, week: date) -> Any:
        built.append(scope)
        if scope.manager_id is not None and broken:
            raise ArithmeticError(SECRET)  # e.g. a stored value the digest's arithmetic cannot take
        return real_build(session, scope, week)

    monkeypatch.setattr(digest_service, "build", build)
    broken = True
    with caplog.at_level(logging.INFO):
        summary = digest_jobs.weekly_digest(context(factory), DIGEST_AT)

    bad = three_channels["CTEAM"]
    assert summary.startswith("3 digests due, ")
    assert summary.endswith(f"; 1 failed, tried again at the next tick: {bad}")
    queued = keys(factory)
    assert {three_channels["CALL"], three_channels["CACME"]} <= queued
    assert not any(key.startswith(bad) for key in queued)  # nothing half-queued: no parts, no chart
    assert bad in caplog.text and "ArithmeticError" in caplog.text and SECRET not in caplog.text

    broken, built = False, []  # fixed: the next tick builds and queues only the one that failed
    summary = digest_jobs.weekly_digest(context(factory), DIGEST_AT)

    assert [scope.manager_id is not None for scope in built] == [True]
    assert "failed" not in summary
    assert bad in keys(factory) and keys(factory) > queued
    assert digest_jobs.weekly_digest(context(factory), DIGEST_AT).startswith("3 digests due, 0 new")


def test_one_reps_nudge_failing_does_not_stop_the_others(
    factory: SessionFactory, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monday = WEEK + timedelta(days=7)
    with factory.begin() as session:
        boss = member(session, "UBOSS", role=Role.MANAGER)
        for user_id in ("UA", "UB", "UC"):
            rep_with_goal(session, user_id, boss, None, {monday: 10}, {})
    real_message = checkin_views.nudge_message

    def nudge_message(due: Any, locale: Any, *, reminder: bool) -> dict[str, Any]:
        if due.member.user_id == "UB" and broken:
            raise KeyError(SECRET)
        return real_message(due, locale, reminder=reminder)

    monkeypatch.setattr(checkin_views, "nudge_message", nudge_message)
    broken = True
    at = datetime.combine(monday, time(9, 1), tzinfo=UTC)
    with caplog.at_level(logging.INFO):
        summary = checkin_jobs.weekly_nudges(context(factory), at)

    bad = f"nudge:UB:{WEEK.isoformat()}"  # Monday's nudge asks about the week just ended
    assert (
        summary == f"3 reps due a nudge, 2 new in the outbox; 1 failed, tried again at the next tick: {bad}"
    )
    assert keys(factory) == {f"nudge:UA:{WEEK.isoformat()}", f"nudge:UC:{WEEK.isoformat()}"}
    assert SECRET not in caplog.text

    broken = False
    assert checkin_jobs.weekly_nudges(context(factory), at) == "1 reps due a nudge, 1 new in the outbox"
    assert bad in keys(factory)
