"""The outbox, end to end in one process: the real sender against the Slack emulator over loopback and a
real database (SQLite and PostgreSQL). Exactly once per key, retries, give-up, rate limits, updates, and
taking over from a sender that died after Slack accepted its message."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, event, select, text

from bot.cli import main
from bot.db import SessionFactory, database_now, make_session_factory, utcnow
from bot.delivery import service
from bot.delivery.models import Delivery, DeliveryStatus
from bot.delivery.sender import METADATA_TYPE, DrainReport, Sender
from bot.delivery.service import Outgoing, enqueue
from bot.delivery.worker import make_sender
from bot.roster.models import Member
from bot.workspaces.service import ensure_workspace
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings, wipe
from tests.factories import TEAM, member
from tests.support.slack_emulator import SlackEmulator

FAST_RATE = 100  # messages per second: the most Settings allows (the per-channel second still applies)


def fast_backoff(attempts: int) -> timedelta:
    """The sender's backoff (2 s, 4 s …) at a fiftieth of the wait, so retries pass without the test
    waiting for them. Outbox times are on the database's clock, which no test can move."""
    return service.backoff(attempts) / 50


@dataclass
class Outbox:
    engine: Engine
    emulator: SlackEmulator
    factory: SessionFactory

    def people(self, *user_ids: str, deleted: bool = False) -> dict[str, int]:
        """Members in the database and users in Slack (a deleted one cannot be sent a DM)."""
        with self.factory.begin() as session:
            ids = {user_id: member(session, user_id).id for user_id in user_ids}
        for user_id in user_ids:
            self.emulator.add_user(user_id, name=user_id.lower(), deleted=deleted)
        return ids

    def put(self, *messages: Outgoing, now: datetime | None = None) -> int:
        with self.factory.begin() as session:
            return enqueue(session, messages, now=now or utcnow())

    def sender(self, backoff: Callable[[int], timedelta] = service.backoff, **overrides: Any) -> Sender:
        values: dict[str, Any] = {"delivery_rate": FAST_RATE, "delivery_lease_seconds": 30} | overrides
        url = self.engine.url.render_as_string(hide_password=False)
        sender = make_sender(make_settings(self.emulator, url, **values), self.factory)
        sender.backoff = backoff
        return sender

    def elapse(self, delta: timedelta) -> None:
        """As if `delta` had passed on the database's clock: every retry time and lease comes `delta`
        nearer (moved back, since the database's clock itself cannot be moved)."""
        with self.factory.begin() as session:
            for row in session.scalars(select(Delivery)):
                row.next_attempt_at -= delta
                if row.lease_until is not None:
                    row.lease_until -= delta

    def rows(self) -> dict[str, Delivery]:
        with self.factory() as session:
            return {row.key: row for row in session.scalars(select(Delivery))}

    def row(self, key: str) -> Delivery:
        return self.rows()[key]

    def posts(self) -> list[int]:
        """The HTTP status of each chat.postMessage call, in order."""
        return [call.status for call in self.emulator.calls_to("chat.postMessage")]

    def dm(self, user_id: str) -> list[dict[str, Any]]:
        return self.emulator.messages.get("D" + user_id, [])


def database_url(engine: Engine) -> str:
    """The engine's URL for another process; on PostgreSQL with the test's schema as search_path (the
    fixture sets it through connect_args, which a URL does not carry)."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url
    with engine.connect() as connection:
        schema = connection.execute(text("SHOW search_path")).scalar_one()
    assert schema.startswith("pacer_test_"), schema
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def outbox(engine: Engine, emulator: SlackEmulator) -> Iterator[Outbox]:
    wipe(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        ensure_workspace(session, TEAM)
    yield Outbox(engine, emulator, factory)
    wipe(engine)


def dm(user_id: str, member_id: int | None, key: str | None = None, **payload: Any) -> Outgoing:
    return Outgoing(
        team_id=TEAM,
        key=key or f"test:{user_id}",
        kind="test",
        channel=user_id,
        payload={"text": f"hello {user_id}", **payload},
        member_id=member_id,
        period="2026-11-30",
    )


def timed_calls(emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, str, int]]:
    """(time.monotonic(), method, HTTP status) of every Web API call as the emulator answers it."""
    seen: list[tuple[float, str, int]] = []
    answer = emulator._answer

    def timed(method: str, params: dict[str, Any], token: str | None) -> tuple[int, dict[str, Any], int]:
        result = answer(method, params, token)
        seen.append((time.monotonic(), method, result[0]))
        return result

    monkeypatch.setattr(emulator, "_answer", timed)
    return seen


# 1 ------------------------------------------------------------------------------------------------


def test_one_message_per_key(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    message = dm("U100", ids["U100"], text="first")
    assert outbox.put(message, dm("U100", ids["U100"], text="the same key again")) == 1
    assert outbox.put(message) == 0
    assert [row.payload["text"] for row in outbox.rows().values()] == ["first"]

    sender = outbox.sender()
    assert sender.drain().sent == 1
    assert [m["text"] for m in outbox.dm("U100")] == ["first"]
    assert outbox.row("test:U100").status is DeliveryStatus.SENT

    again = sender.drain()
    assert (again.sent, again.recovered, again.retried) == (0, 0, 0)
    assert outbox.put(message) == 0  # still known once sent: a later tick cannot queue it again
    assert outbox.sender().drain().sent == 0  # nor can a fresh sender (a restart) send it again
    assert len(outbox.dm("U100")) == 1
    assert outbox.posts() == [200]


# 2 ------------------------------------------------------------------------------------------------


def test_server_errors_are_retried_until_sent(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    outbox.put(dm("U100", ids["U100"]))
    outbox.emulator.fail_next("chat.postMessage", status=500, count=2)

    report = outbox.sender(fast_backoff).drain(linger=timedelta(seconds=30))

    assert (report.sent, report.retried, report.failed) == (1, 2, 0)
    assert outbox.posts() == [500, 500, 200]
    row = outbox.row("test:U100")
    assert row.status is DeliveryStatus.SENT
    assert row.attempts == 3
    assert row.last_error is None
    assert row.sent_channel == "DU100" and row.sent_ts == outbox.dm("U100")[0]["ts"]
    assert len(outbox.dm("U100")) == 1


# 3 ------------------------------------------------------------------------------------------------


def test_rate_limited_try_waits_retry_after_and_is_not_counted(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = outbox.people("U100")
    outbox.put(dm("U100", ids["U100"]))
    outbox.emulator.fail_next("chat.postMessage", status=429, retry_after=1)
    calls = timed_calls(outbox.emulator, monkeypatch)

    started = time.monotonic()
    report = outbox.sender().drain(linger=timedelta(seconds=10))
    elapsed = time.monotonic() - started

    assert (report.sent, report.retried, report.failed) == (1, 1, 0)
    assert outbox.posts() == [429, 200]
    (limited, _, _), (accepted, _, _) = [(t, m, s) for t, m, s in calls if m == "chat.postMessage"]
    assert accepted - limited >= 1.0, "retried before Retry-After had passed"
    assert elapsed >= 1.0
    row = outbox.row("test:U100")
    assert row.status is DeliveryStatus.SENT
    assert row.attempts == 1, "a rate-limited try must not use up one of the tries"
    assert row.last_error is None
    assert len(outbox.dm("U100")) == 1


# 4 ------------------------------------------------------------------------------------------------


def outcome(report: DrainReport) -> tuple[int, int, int, int]:
    return report.sent, report.recovered, report.retried, report.failed


@dataclass
class GaveUp:
    row: Delivery
    outcomes: list[tuple[int, int, int, int]]  # per drain: sent, recovered, retried, failed
    delays: list[float]  # seconds from each failed try to the next one falling due


def give_up(outbox: Outbox) -> GaveUp:
    """A message Slack always answers with 500, drained once an hour until the sender gives up. Each drain
    is a fresh sender (as after a restart), so the per-channel second is not waited out between them."""
    ids = outbox.people("U100")
    outbox.put(dm("U100", ids["U100"]))
    outbox.emulator.set_failure_rate(1.0, statuses=(500,), methods={"chat.postMessage"})
    outcomes, delays = [], []
    for _ in range(service.MAX_ATTEMPTS + 3):
        sender = outbox.sender()
        with outbox.factory() as session:
            now = database_now(session)
        outcomes.append(outcome(sender.drain()))
        row = outbox.row("test:U100")
        if row.status is DeliveryStatus.PENDING:
            delays.append(round((row.next_attempt_at - now).total_seconds()))
        assert outcome(sender.drain()) == (0, 0, 0, 0), "tried again before the backoff had passed"
        outbox.elapse(timedelta(hours=1))
    return GaveUp(outbox.row("test:U100"), outcomes, delays)


RETRIED, FAILED, IDLE = (0, 0, 1, 0), (0, 0, 0, 1), (0, 0, 0, 0)


def test_gives_up_after_max_attempts_of_a_server_error(outbox: Outbox) -> None:
    gave_up = give_up(outbox)
    assert gave_up.outcomes == [RETRIED] * (service.MAX_ATTEMPTS - 1) + [FAILED, IDLE, IDLE, IDLE]
    assert outbox.posts() == [500] * service.MAX_ATTEMPTS
    assert gave_up.delays == [2, 4, 8, 16, 32][: service.MAX_ATTEMPTS - 1]  # backoff doubles from 2 s
    row = gave_up.row
    assert row.status is DeliveryStatus.FAILED
    assert row.attempts == service.MAX_ATTEMPTS
    assert row.last_error is not None
    assert row.last_error.startswith(f"gave up after {service.MAX_ATTEMPTS} tries: 500")
    assert outbox.dm("U100") == []


def test_deliveries_command_lists_the_failed_row(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    row = give_up(outbox).row
    monkeypatch.chdir(tmp_path)  # no stray .env
    root = logging.getLogger()  # main() installs its own handler on the captured stderr: undo it after
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setenv("DATABASE_URL", database_url(outbox.engine))
    capsys.readouterr()
    assert main(["deliveries"]) == 0
    out = capsys.readouterr().out
    assert "1 failed" in out.splitlines()[0] and out.startswith("outbox: ")
    (line,) = [line for line in out.splitlines() if line.startswith("failed")]
    assert "test:U100" in line and f"tries={row.attempts}" in line and str(row.last_error) in line


# 5 ------------------------------------------------------------------------------------------------


def test_a_person_who_left_slack_fails_at_once_and_is_deactivated(outbox: Outbox) -> None:
    gone = outbox.people("U100", deleted=True)["U100"]
    here = outbox.people("U200")["U200"]
    outbox.put(dm("U100", gone), dm("U200", here))
    sender = outbox.sender()

    assert outcome(sender.drain(linger=timedelta(seconds=30))) == (1, 0, 0, 1)

    row = outbox.row("test:U100")
    assert row.status is DeliveryStatus.FAILED
    assert row.attempts == 1
    assert row.last_error == "user_disabled"
    assert outbox.row("test:U200").status is DeliveryStatus.SENT
    posted_to = [call.params["channel"] for call in outbox.emulator.calls_to("chat.postMessage")]
    assert sorted(posted_to) == ["U100", "U200"]  # one try each: user_disabled is not retried
    with outbox.factory() as session:
        assert session.get_one(Member, gone).active is False
        assert session.get_one(Member, here).active is True
    outbox.elapse(timedelta(days=1))
    assert outcome(sender.drain()) == (0, 0, 0, 0)  # never tried again


def test_account_inactive_is_the_tokens_fault_never_the_recipients(outbox: Outbox) -> None:
    """Slack answers `account_inactive` for a token of a deleted workspace or bot user: the recipient did
    not leave, so they stay active and the message waits (single-workspace mode: no install to look up)."""
    here = outbox.people("U100")["U100"]
    outbox.put(dm("U100", here))
    outbox.emulator.fail_next("chat.postMessage", status=200, error="account_inactive")

    assert outcome(outbox.sender().drain()) == (0, 0, 1, 0)

    row = outbox.row("test:U100")
    assert row.status is DeliveryStatus.PENDING and row.last_error == "200 account_inactive"
    with outbox.factory() as session:
        assert session.get_one(Member, here).active is True


# 6 ------------------------------------------------------------------------------------------------


def test_one_message_per_second_per_channel(outbox: Outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    outbox.put(
        *[
            Outgoing(
                team_id=TEAM, key=f"post:{n}", kind="test", channel="C0GENERAL", payload={"text": f"post {n}"}
            )
            for n in range(3)
        ]
    )
    calls = timed_calls(outbox.emulator, monkeypatch)

    started = time.monotonic()
    assert outbox.sender().drain().sent == 3
    elapsed = time.monotonic() - started

    times = [t for t, method, _ in calls if method == "chat.postMessage"]
    # the k-th post may not leave before k seconds after the drain began (lower bounds: no timing flake)
    assert [round(t - started, 2) >= k for k, t in enumerate(times)] == [True, True, True]
    assert elapsed >= 2.0
    assert sorted(m["text"] for m in outbox.emulator.messages["C0GENERAL"]) == ["post 0", "post 1", "post 2"]


def test_different_channels_are_not_held_back(outbox: Outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        outbox.emulator.add_channel(f"C00{n}", f"team-{n}")
    outbox.put(
        *[
            Outgoing(
                team_id=TEAM, key=f"post:{n}", kind="test", channel=f"C00{n}", payload={"text": f"post {n}"}
            )
            for n in range(3)
        ]
    )

    calls = timed_calls(outbox.emulator, monkeypatch)

    started = time.monotonic()
    assert outbox.sender().drain().sent == 3
    assert time.monotonic() - started < 1.0

    times = [t for t, method, _ in calls if method == "chat.postMessage"]
    assert max(times) - min(times) < 0.5  # at the workspace rate (10 ms apart), not a second apart
    assert all(len(outbox.emulator.messages[f"C00{n}"]) == 1 for n in range(3))


# 7 ------------------------------------------------------------------------------------------------


def test_an_update_edits_the_original_once_it_is_sent(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    original = dm("U100", ids["U100"], key="nudge:U100")
    update = dm("U100", ids["U100"], key="nudge:U100:done", text="done, thanks", update_of="nudge:U100")
    outbox.put(original, update)  # queued together: the update must wait for the original

    report = outbox.sender(fast_backoff).drain(linger=timedelta(seconds=30))

    assert report.sent == 2 and report.failed == report.cancelled == 0
    assert len(outbox.emulator.calls_to("chat.postMessage")) == 1
    (edit,) = outbox.emulator.calls_to("chat.update")
    (message,) = outbox.dm("U100")
    assert edit.params["ts"] == message["ts"] and edit.params["channel"] == "DU100"
    assert message["text"] == "done, thanks" and "edited" in message
    rows = outbox.rows()
    assert rows["nudge:U100"].status is rows["nudge:U100:done"].status is DeliveryStatus.SENT
    assert rows["nudge:U100:done"].sent_ts == rows["nudge:U100"].sent_ts == message["ts"]
    assert rows["nudge:U100:done"].attempts == 1  # waiting for the original is not a try


@pytest.mark.parametrize("ending", ["cancelled", "failed"])
def test_an_update_of_a_message_that_never_went_out_is_cancelled(outbox: Outbox, ending: str) -> None:
    ids = outbox.people("U100", deleted=ending == "failed")
    outbox.put(dm("U100", ids["U100"], key="nudge:U100"))
    if ending == "cancelled":
        with outbox.factory.begin() as session:
            assert service.cancel(session, team_id=TEAM, key="nudge:U100")
    outbox.put(dm("U100", ids["U100"], key="done", text="done", update_of="nudge:U100"))

    report = outbox.sender(fast_backoff).drain(linger=timedelta(seconds=30))

    assert report.sent == 0 and report.cancelled == 1
    rows = outbox.rows()
    assert rows["nudge:U100"].status == ending
    assert rows["done"].status is DeliveryStatus.CANCELLED
    assert "nudge:U100" in str(rows["done"].last_error)  # says which message it was waiting for
    assert outbox.emulator.calls_to("chat.update") == []
    assert outbox.dm("U100") == []


# 8 ------------------------------------------------------------------------------------------------


def post_as_the_dead_sender(emulator: SlackEmulator, channel: str, key: str, text: str) -> str:
    client = WebClient(token=BOT_TOKEN, base_url=emulator.api_url)
    metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key}}
    return str(client.chat_postMessage(channel=channel, text=text, metadata=metadata)["ts"])


def claim_as_the_dead_sender(outbox: Outbox) -> service.Claimed:
    with outbox.factory.begin() as session:
        (claimed,) = service.claim(session, worker="dead-host:1", limit=10, lease=timedelta(seconds=30))
    assert outbox.row(claimed.key).status is DeliveryStatus.SENDING
    return claimed


@pytest.mark.parametrize("reached_slack", [True, False], ids=["posted-then-died", "died-before-posting"])
def test_a_dead_senders_message_is_sent_exactly_once(outbox: Outbox, reached_slack: bool) -> None:
    ids = outbox.people("U100")
    outbox.put(dm("U100", ids["U100"]))
    claimed = claim_as_the_dead_sender(outbox)
    # other messages in the conversation, one of them Pacer's under another key
    post_as_the_dead_sender(outbox.emulator, "U100", "test:someone-else", "not this one")
    WebClient(token=BOT_TOKEN, base_url=outbox.emulator.api_url).chat_postMessage(channel="U100", text="hi")
    ts = None
    if reached_slack:
        ts = post_as_the_dead_sender(outbox.emulator, "U100", claimed.key, claimed.payload["text"])
        post_as_the_dead_sender(outbox.emulator, "U100", "test:later", "a later one")
    sender = outbox.sender()

    assert outcome(sender.drain(linger=timedelta(seconds=30))) == (0, 0, 0, 0), "taken while still leased"
    assert outbox.row(claimed.key).status is DeliveryStatus.SENDING

    outbox.elapse(timedelta(seconds=31))
    report = sender.drain()

    mine = [
        m for m in outbox.dm("U100") if (m.get("metadata") or {}).get("event_payload") == {"key": claimed.key}
    ]
    assert len(mine) == 1
    row = outbox.row(claimed.key)
    assert row.status is DeliveryStatus.SENT
    assert (row.sent_channel, row.sent_ts) == ("DU100", mine[0]["ts"])
    assert row.claimed_by != "dead-host:1"
    if reached_slack:
        assert outcome(report) == (0, 1, 0, 0)
        assert row.sent_ts == ts
        assert len(outbox.emulator.calls_to("chat.postMessage")) == 4  # only the test's own posts
        (lookup,) = outbox.emulator.calls_to("conversations.history")
        assert lookup.params["channel"] == "DU100"
    else:
        assert outcome(report) == (1, 0, 0, 0)
        assert mine[0]["text"] == claimed.payload["text"]


# A try whose outcome is unknown: the next one looks in Slack before posting -----------------------


def test_a_timeout_after_slack_accepted_the_message_does_not_send_it_twice(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    outbox.put(dm("U100", ids["U100"]))
    sender = outbox.sender(fast_backoff)
    sender.client.timeout = 1  # Slack takes longer than the client waits (10 s in production)
    outbox.emulator.stall_next("chat.postMessage", 2.0)  # … but it did post the message

    report = sender.drain(linger=timedelta(seconds=30))

    assert (report.retried, report.recovered, report.sent) == (1, 1, 0), "retried, then found in Slack"
    assert outbox.row("test:U100").status is DeliveryStatus.SENT
    assert len(outbox.dm("U100")) == 1


def test_a_failed_lookup_after_a_crash_does_not_send_it_twice(outbox: Outbox) -> None:
    ids = outbox.people("U100")
    outbox.put(dm("U100", ids["U100"]))
    claimed = claim_as_the_dead_sender(outbox)
    post_as_the_dead_sender(outbox.emulator, "U100", claimed.key, claimed.payload["text"])
    outbox.elapse(timedelta(seconds=31))
    outbox.emulator.fail_next("conversations.history", status=503)  # Slack hiccups once

    report = outbox.sender(fast_backoff).drain(linger=timedelta(seconds=30))

    assert (report.retried, report.recovered, report.sent) == (1, 1, 0), "retried, then found in Slack"
    assert outbox.row(claimed.key).status is DeliveryStatus.SENT
    assert len(outbox.dm("U100")) == 1


# One clock for leases and claims: the database's, whatever a job's clock reads ------------------------


def jobs_run_deliveries(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], now: datetime
) -> str:
    """`pacer jobs run deliveries --now NOW`, in this process: what the demo runs beside `pacer run`."""
    root = logging.getLogger()  # main() installs its own handler on the captured stderr: undo it after
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    for name, value in {
        "DATABASE_URL": database_url(outbox.engine),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": outbox.emulator.api_url,
        "DELIVERY_LEASE_SECONDS": "30",
    }.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    assert main(["jobs", "run", "deliveries", "--now", now.isoformat()]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("ahead", [timedelta(minutes=40), timedelta(days=6)], ids=["40-min", "6-days"])
def test_a_lease_is_not_taken_by_a_sender_whose_clock_is_ahead(
    outbox: Outbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
    ahead: timedelta,
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    ids = outbox.people("U100")
    outbox.put(dm("U100", ids["U100"]))
    claimed = claim_as_the_dead_sender(outbox)  # another sender, still within its 30 s lease

    out = jobs_run_deliveries(outbox, monkeypatch, capsys, utcnow() + ahead)

    assert "deliveries: 0 sent, 0 found already sent, 0 to retry" in out, out
    row = outbox.row(claimed.key)
    assert (row.status, row.claimed_by, row.attempts) == (DeliveryStatus.SENDING, "dead-host:1", 1)
    assert outbox.emulator.calls_to("chat.postMessage") == []
    assert outbox.emulator.calls_to("conversations.history") == []

    outbox.elapse(timedelta(seconds=31))  # the lease has run out: now it is the job's to finish
    out = jobs_run_deliveries(outbox, monkeypatch, capsys, utcnow() + ahead)
    assert "deliveries: 1 sent" in out, out
    assert len(outbox.dm("U100")) == 1


def test_a_retry_waits_its_backoff_whatever_the_senders_clock(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    ids = outbox.people("U100")
    outbox.put(dm("U100", ids["U100"]))
    outbox.emulator.fail_next("chat.postMessage", status=500)
    assert outcome(outbox.sender().drain()) == (0, 0, 1, 0)  # due again in 2 s, by the database's clock
    outbox.elapse(timedelta(seconds=-60))  # … a minute, so it is surely not due yet below

    out = jobs_run_deliveries(outbox, monkeypatch, capsys, utcnow() + timedelta(hours=2))

    assert "deliveries: 0 sent, 0 found already sent, 0 to retry" in out, out
    assert outbox.row("test:U100").status is DeliveryStatus.PENDING
    assert outbox.posts() == [500]


@pytest.mark.parametrize("off", [timedelta(days=3), -timedelta(days=3)], ids=["ahead", "behind"])
def test_a_message_queued_on_a_job_clock_is_sent_at_once(outbox: Outbox, off: timedelta) -> None:
    ids = outbox.people("U100")
    queued_at = utcnow() + off  # `pacer jobs run … --now` a few days either way
    outbox.put(dm("U100", ids["U100"]), now=queued_at)

    assert outbox.sender().drain().sent == 1

    row = outbox.row("test:U100")
    assert row.created_at == queued_at  # what the job believed: its own rules (reminders) go by it
    assert row.sent_at is not None and abs(row.sent_at - utcnow()) < timedelta(minutes=1)
    assert len(outbox.dm("U100")) == 1


def test_two_claims_at_the_same_moment_take_each_message_once(outbox: Outbox) -> None:
    """Another sender claims between this claim's look-up and its UPDATE: on SQLite, whose reads take no
    lock, only the UPDATE's own check can see that; on PostgreSQL, the other skips the locked rows."""
    ids = outbox.people("U100", "U200", "U300")
    outbox.put(*[dm(user, ids[user]) for user in ids])
    theirs: list[service.Claimed] = []

    def the_other_sender_claims_first(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE DELIVERIES") and not theirs:
            theirs.append(service.Claimed(0, "", "", "", "", {}, None, 0, uncertain=False))  # once only
            with outbox.factory.begin() as session:
                theirs.extend(service.claim(session, worker="other:1", limit=10, lease=timedelta(seconds=30)))

    event.listen(outbox.engine, "before_cursor_execute", the_other_sender_claims_first)
    try:
        with outbox.factory.begin() as session:
            mine = service.claim(session, worker="me:1", limit=10, lease=timedelta(seconds=30))
    finally:
        event.remove(outbox.engine, "before_cursor_execute", the_other_sender_claims_first)

    claimed = [c.key for c in mine] + [c.key for c in theirs[1:]]
    assert sorted(claimed) == ["test:U100", "test:U200", "test:U300"]
    rows = outbox.rows()
    assert {key: rows[key].claimed_by for key in claimed} == {c.key: "me:1" for c in mine} | {
        c.key: "other:1" for c in theirs[1:]
    }
    assert all(row.attempts == 1 for row in rows.values())
