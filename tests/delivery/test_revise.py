"""A message kept up to date (`service.revise`), end to end against the emulator on SQLite and
PostgreSQL: posted once, then edited in place; a change while it is being sent is sent after it; a
sender that died between posting and recording does not post it twice; two transactions changing the
state at once end with both changes shown."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import utcnow
from bot.delivery import service
from bot.delivery.models import DeliveryStatus
from bot.delivery.service import Outgoing
from bot.delivery.worker import DeliveryWorker
from bot.roster.models import Member
from tests.delivery import test_outbox
from tests.delivery.test_outbox import Outbox, claim_as_the_dead_sender, post_as_the_dead_sender
from tests.factories import TEAM

outbox = test_outbox.outbox  # the fixture
KEY = "summary:U100:2026-11-30"
NO_SETTLE = timedelta(0)


def summary(member_id: int) -> Outgoing:
    return Outgoing(
        team_id=TEAM,
        key=KEY,
        kind="test",
        channel="U100",
        payload={},
        member_id=member_id,
        period="2026-11-30",
    )


def revise(outbox: Outbox, member_id: int, text: str, settle: timedelta = NO_SETTLE) -> None:
    with outbox.factory.begin() as session:
        service.revise(session, summary(member_id), lambda: {"text": text}, now=utcnow(), settle=settle)


def texts(outbox: Outbox) -> list[str]:
    return [m["text"] for m in outbox.dm("U100")]


def calls(outbox: Outbox, method: str) -> int:
    return len(outbox.emulator.calls_to(method))


def test_posted_once_then_updated_in_place(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    revise(outbox, ids["U100"], "1 of 3")
    revise(outbox, ids["U100"], "2 of 3")  # not sent yet: the post shows the newest
    sender = outbox.sender()
    sender.drain()
    assert texts(outbox) == ["2 of 3"]
    ts = outbox.row(KEY).sent_ts
    for n in range(3, 10):  # a burst after it went out: one update, not seven
        revise(outbox, ids["U100"], f"{n} of 9")
    assert outbox.row(KEY).status is DeliveryStatus.PENDING
    sender.drain()
    assert texts(outbox) == ["9 of 9"]
    assert (calls(outbox, "chat.postMessage"), calls(outbox, "chat.update")) == (1, 1)
    row = outbox.row(KEY)
    assert (row.status, row.sent_ts, row.revision) == (DeliveryStatus.SENT, ts, 8)


def test_a_change_after_sending_waits_to_settle(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    revise(outbox, ids["U100"], "1 of 3")
    sender = outbox.sender()
    sender.drain()
    revise(outbox, ids["U100"], "2 of 3", settle=timedelta(seconds=30))
    assert str(sender.drain()).startswith("0 sent"), "not before it settles"
    outbox.elapse(timedelta(seconds=31))
    sender.drain()
    assert texts(outbox) == ["2 of 3"]


def test_a_change_while_the_post_is_in_flight_is_sent_after_it(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    revise(outbox, ids["U100"], "1 of 3")
    outbox.emulator.stall_next("chat.postMessage", 1.0)
    sender = outbox.sender()
    first = threading.Thread(target=sender.drain)
    first.start()
    wait_until(lambda: calls(outbox, "chat.postMessage") == 1)  # Slack has it, the sender waits
    assert outbox.row(KEY).status is DeliveryStatus.SENDING
    revise(outbox, ids["U100"], "2 of 3")  # …and the state changes meanwhile
    first.join()
    assert outbox.row(KEY).status is DeliveryStatus.PENDING, "the older revision went out"
    outbox.elapse(service.SETTLE)
    sender.drain()
    assert texts(outbox) == ["2 of 3"]
    assert (calls(outbox, "chat.postMessage"), calls(outbox, "chat.update")) == (1, 1)
    assert outbox.row(KEY).status is DeliveryStatus.SENT


def test_a_sender_that_died_after_posting_does_not_post_it_twice(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    revise(outbox, ids["U100"], "1 of 3")
    claimed = claim_as_the_dead_sender(outbox)
    post_as_the_dead_sender(outbox.emulator, "U100", claimed.key, "1 of 3")  # then it died
    revise(outbox, ids["U100"], "2 of 3")  # another rep agreed meanwhile
    outbox.elapse(timedelta(seconds=31))  # its lease runs out
    sender = outbox.sender()
    report = sender.drain()
    assert (report.recovered, report.sent) == (1, 0)
    assert outbox.row(KEY).status is DeliveryStatus.PENDING  # found in Slack, but an older revision
    outbox.elapse(service.SETTLE)
    sender.drain()
    assert texts(outbox) == ["2 of 3"]
    assert (calls(outbox, "chat.postMessage"), calls(outbox, "chat.update")) == (1, 1)  # the dead one's post


def test_two_changes_at_once_both_show(outbox: Outbox) -> None:
    """Each transaction adds a member, then revises the message to count the members. The first stays
    open a while after revising; the second must wait for it and count both (were it to render before
    holding the row, it would miss the first's uncommitted member and, writing last, show 1)."""
    ids = outbox.people("U100")
    revised = threading.Event()

    def change(user_id: str, linger: float) -> None:
        with outbox.factory.begin() as session:
            session.add(Member(team_id=TEAM, user_id=user_id))  # (no factory: it would lock the workspace)
            session.flush()

            def render() -> dict[str, Any]:
                others = select(func.count(Member.id)).where(Member.user_id != "U100")
                return {"text": f"{session.scalar(others)} members"}

            service.revise(session, summary(ids["U100"]), render, now=utcnow(), settle=NO_SETTLE)
            revised.set()
            time.sleep(linger)  # still uncommitted

    first = threading.Thread(target=change, args=("UA", 0.5))
    first.start()
    assert revised.wait(10)
    change("UB", 0)
    first.join()
    outbox.sender().drain()
    assert texts(outbox) == ["2 members"]


@pytest.mark.parametrize("n", [30])
def test_a_burst_of_changes_while_sending_is_a_few_calls(outbox: Outbox, n: int) -> None:
    """Changes arrive faster than Slack takes them: each send carries the newest state, so the calls are
    far fewer than the changes, and the last state is what is shown."""
    ids = outbox.people("U100")
    worker = DeliveryWorker(outbox.sender()).start()  # as in `pacer run`
    try:
        for agreed in range(1, n + 1):
            revise(outbox, ids["U100"], f"{agreed} of {n}", settle=timedelta(seconds=0.5))
            worker.kick()
            time.sleep(0.03)
        wait_until(lambda: texts(outbox) == [f"{n} of {n}"] and outbox.row(KEY).status is DeliveryStatus.SENT)
    finally:
        worker.stop()
    posts, updates = calls(outbox, "chat.postMessage"), calls(outbox, "chat.update")
    assert posts == 1
    assert 1 <= updates <= 6, updates  # ~1 s of changes, one update per 0.5 s settle at most, plus the tail


def wait_until(probe: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_rate_limited_update_waits_retry_after_and_shows_the_newest(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    revise(outbox, ids["U100"], "1 of 3")
    sender = outbox.sender()
    sender.drain()
    outbox.emulator.fail_next("chat.update", status=429, retry_after=1)
    revise(outbox, ids["U100"], "2 of 3")
    report = sender.drain()
    assert (report.retried, report.sent) == (1, 0)
    assert outbox.row(KEY).last_error == "ratelimited"
    revise(outbox, ids["U100"], "3 of 3")  # while it waits: the retry carries the newest
    began = time.monotonic()
    sender.drain(linger=timedelta(seconds=10))
    assert time.monotonic() - began >= 0.9, "Retry-After was respected"
    assert texts(outbox) == ["3 of 3"]
    statuses = [call.status for call in outbox.emulator.calls_to("chat.update")]
    assert statuses == [429, 200]
