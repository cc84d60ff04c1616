"""The outbox across real processes: `python -m bot jobs run deliveries` against the Slack emulator and a
real database. A sender killed while Slack holds its answer, then restarted; two senders at once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from bot.db import SessionFactory, make_session_factory, utcnow
from bot.delivery.models import Delivery, DeliveryStatus
from bot.delivery.service import Outgoing, enqueue
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, wipe
from tests.delivery.test_outbox import database_url
from tests.factories import TEAM, member
from tests.support.slack_emulator import SlackEmulator
from tests.support.waiting import wait_for

REPORT = re.compile(
    r"^deliveries: (?P<sent>\d+) sent, (?P<recovered>\d+) found already sent, (?P<retried>\d+) to retry, "
    r"(?P<failed>\d+) failed, (?P<cancelled>\d+) cancelled$",
    re.MULTILINE,
)


@dataclass
class Report:
    sent: int
    recovered: int
    retried: int
    failed: int
    cancelled: int


def parse_report(stdout: str) -> Report:
    found = REPORT.search(stdout)
    assert found is not None, f"no deliveries line in {stdout!r}"
    return Report(**{name: int(value) for name, value in found.groupdict().items()})


@pytest.fixture
def factory(engine: Engine) -> Iterator[SessionFactory]:
    wipe(engine)
    yield make_session_factory(engine)
    wipe(engine)


def fan_out(factory: SessionFactory, emulator: SlackEmulator, count: int) -> list[str]:
    """`count` reps, each owed one DM in the outbox."""
    users = [f"U{n:05d}" for n in range(count)]
    with factory.begin() as session:
        ids = {user: member(session, user).id for user in users}
        messages = [
            Outgoing(
                team_id=TEAM,
                key=f"fanout:{u}",
                kind="test",
                channel=u,
                payload={"text": f"hello {u}"},
                member_id=ids[u],
            )
            for u in users
        ]
        assert enqueue(session, messages, now=utcnow()) == count
    for user in users:
        emulator.add_user(user, name=user.lower())
    return users


def sender_env(engine: Engine, emulator: SlackEmulator, **settings: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "PACER_", "DATABASE_URL", "DELIVERY_", "LOG_LEVEL"))
    }
    return keep | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": emulator.api_url,
        "DATABASE_URL": database_url(engine),
        "LOG_LEVEL": "INFO",
        **settings,
    }


@dataclass
class SenderProcess:
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stdout.read_text()

    def says(self) -> str:
        return f"stdout: {self.output()!r}\nstderr (tail): {self.stderr.read_text()[-3000:]}"


def start_sender(
    env: dict[str, str], workdir: Path, name: str, stack: ExitStack, *, ahead: timedelta = timedelta(0)
) -> SenderProcess:
    """`python -m bot jobs run deliveries`, from an empty directory (no stray .env), output to files.
    With `ahead`, its clock reads that much later (`--now`, as the demo runs jobs beside `pacer run`)."""
    workdir.mkdir(exist_ok=True)
    stdout, stderr = workdir / f"{name}.out", workdir / f"{name}.err"
    out, err = stack.enter_context(stdout.open("wb")), stack.enter_context(stderr.open("wb"))
    clock = ["--now", (utcnow() + ahead).isoformat()] if ahead else []
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "jobs", "run", "deliveries", *clock],
        cwd=workdir,
        env=env,
        stdout=out,
        stderr=err,
    )
    stack.callback(lambda: process.poll() is None and process.kill())
    return SenderProcess(process, stdout, stderr)


def finish(sender: SenderProcess, timeout: float = 60) -> Report:
    assert sender.process.wait(timeout) == 0, sender.says()
    return parse_report(sender.output())


def statuses(factory: SessionFactory) -> dict[str, DeliveryStatus]:
    with factory() as session:
        return dict(session.execute(select(Delivery.key, Delivery.status)).all())


def messages_per_user(emulator: SlackEmulator, users: list[str]) -> dict[str, int]:
    with emulator._lock:
        return {user: len(emulator.messages.get("D" + user, [])) for user in users}


def settle(emulator: SlackEmulator, quiet: float = 0.5) -> None:
    """Wait until the emulator has taken no call for `quiet` seconds."""
    count, since = len(emulator.calls), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.05)
        if len(emulator.calls) != count:
            count, since = len(emulator.calls), time.monotonic()


def test_a_sender_killed_mid_fan_out_resumes_without_duplicates_or_losses(
    engine: Engine, factory: SessionFactory, emulator: SlackEmulator, tmp_path: Path
) -> None:
    users = fan_out(factory, emulator, 60)
    env = sender_env(engine, emulator, DELIVERY_RATE="20", DELIVERY_LEASE_SECONDS="2")
    posts = lambda: len(emulator.calls_to("chat.postMessage"))  # noqa: E731

    with ExitStack() as stack:
        first = start_sender(env, tmp_path, "first", stack)
        wait_for(lambda: posts() >= 10, timeout=30, what="the first sender to get going")
        emulator.stall_next("chat.postMessage", 5.0)  # carried out, answered 5 s later
        seen = posts()
        wait_for(lambda: posts() > seen, timeout=10, what="the stalled post")  # (or one after it)
        first.process.send_signal(signal.SIGKILL)
        assert first.process.wait(10) == -signal.SIGKILL, first.says()
    settle(emulator)  # a request already on the wire when the sender died is still carried out

    before = statuses(factory)
    delivered = messages_per_user(emulator, users)
    assert set(delivered.values()) <= {0, 1}, "sent twice before the crash"
    in_slack_unrecorded = [u for u in users if delivered[u] and before[f"fanout:{u}"] != DeliveryStatus.SENT]
    assert in_slack_unrecorded, "the stalled message is in Slack but its row cannot say so"
    sent_before = sum(status == DeliveryStatus.SENT for status in before.values())
    assert 0 < sent_before < 60, "the crash was meant to interrupt the fan-out"

    with factory() as session:  # the dead sender's claims run out after DELIVERY_LEASE_SECONDS
        lease_end = session.scalar(
            select(func.max(Delivery.lease_until)).where(Delivery.status == DeliveryStatus.SENDING)
        )
    assert lease_end is not None
    time.sleep(max(0.0, (lease_end - utcnow() + timedelta(seconds=0.3)).total_seconds()))

    with ExitStack() as stack:
        report = finish(start_sender(env, tmp_path, "second", stack))

    assert report.recovered == len(in_slack_unrecorded)
    assert report.sent == 60 - sent_before - len(in_slack_unrecorded)
    assert (report.retried, report.failed, report.cancelled) == (0, 0, 0)
    assert messages_per_user(emulator, users) == dict.fromkeys(users, 1)
    assert set(statuses(factory).values()) == {DeliveryStatus.SENT}
    with factory() as session:
        recorded = dict(session.execute(select(Delivery.sent_channel, Delivery.sent_ts)).all())
    assert recorded == {"D" + u: emulator.messages["D" + u][0]["ts"] for u in users}


@contextmanager
def slow_updates(engine: Engine, seconds: float = 0.01) -> Iterator[None]:
    """Each row update of the outbox takes `seconds` longer (a loaded database): a claim of 16 rows
    then lasts long enough that two senders' claims overlap, so unlocked claims would be caught."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE FUNCTION slow_update() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN PERFORM pg_sleep({seconds}); RETURN NEW; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER slow_update BEFORE UPDATE ON deliveries "
                "FOR EACH ROW EXECUTE FUNCTION slow_update()"
            )
        )
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TRIGGER slow_update ON deliveries"))
            connection.execute(text("DROP FUNCTION slow_update()"))


@pytest.mark.parametrize(
    "ahead", [timedelta(0), timedelta(minutes=40)], ids=["same-clock", "clocks-40-min-apart"]
)
def test_two_senders_share_the_outbox(
    engine: Engine, factory: SessionFactory, emulator: SlackEmulator, tmp_path: Path, ahead: timedelta
) -> None:
    """Two sender processes at once, the second started while the first holds messages in flight (Slack
    answers its first posts only after a few seconds). With `ahead`, the second one's clock reads 40
    minutes later than the first's: leases and claims are judged on the database's clock, so it takes
    none of the first's claims (on its own clock, they ran out long ago). On SQLite too, as the demo
    runs `pacer jobs run` beside `pacer run` (PostgreSQL's updates are slowed so claims overlap)."""
    users = fan_out(factory, emulator, 300)
    env = sender_env(engine, emulator, DELIVERY_RATE="50", DELIVERY_LEASE_SECONDS="60")

    with ExitStack() as stack:
        if engine.dialect.name == "postgresql":
            stack.enter_context(slow_updates(engine))
        emulator.stall_next("chat.postMessage", 6.0, count=4)  # one per worker of the first sender
        first = start_sender(env, tmp_path, "a", stack)
        wait_for(lambda: len(emulator.calls_to("chat.postMessage")) >= 4, timeout=30, what="stalled posts")
        senders = [first, start_sender(env, tmp_path, "b", stack, ahead=ahead)]
        reports = [finish(sender) for sender in senders]

    print(f"two senders, the second {ahead} ahead: {reports[0].sent} and {reports[1].sent} sent")
    assert sum(r.sent for r in reports) == 300
    assert [(r.recovered, r.retried, r.failed) for r in reports] == [(0, 0, 0), (0, 0, 0)]
    assert len(emulator.calls_to("chat.postMessage")) == 300
    assert messages_per_user(emulator, users) == dict.fromkeys(users, 1)
    assert set(statuses(factory).values()) == {DeliveryStatus.SENT}
    with factory() as session:
        claimants = session.execute(select(Delivery.claimed_by, func.count()).group_by(Delivery.claimed_by))
        by_claimant = sorted(count for _, count in claimants)
    assert by_claimant == sorted(r.sent for r in reports if r.sent), "claims and sends disagree"
