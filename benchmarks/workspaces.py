"""Every workspace at once, each within its own limits: N workspaces installed by OAuth (each its own token
in the encrypted installation store) × R reps due their weekly nudge. The real `weekly-nudges` job (one
tick, `each_workspace`) queues the nudges while the real sender drains the outbox, as in `pacer run`, into
the Slack emulator, where each workspace has its own chat.postMessage bucket (RATE/s, Slack-like: 429 with
Retry-After beyond it). One workspace answers 429 to everything; one is uninstalled mid-run (its tokens
revoked at Slack, then `app_uninstalled` handled: tokens deleted, queued messages cancelled).

It reports the achieved rate ÷ the sum of the healthy workspaces' allowed rates, the minute by which every
healthy workspace's nudges were out, duplicates and lost DMs, and peak memory; first a baseline in the same
process: one workspace with the most Settings allow (100/s), which is this machine's CPU bound.

    .venv/bin/python -m benchmarks.workspaces [--workspaces 100] [--reps 200] [--rate 1]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, func, select

from benchmarks import seeding
from bot.checkins.jobs import weekly_nudges
from bot.config import Settings
from bot.db import SessionFactory, make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.delivery.models import Delivery, DeliveryStatus
from bot.delivery.worker import make_sender
from bot.features import leave_hooks
from bot.scheduler import JobContext, each_workspace
from bot.slack.client import make_client
from bot.slack.clients import make_clients
from bot.slack.directory import Directory
from bot.slack.oauth import installation_store
from bot.slack.uninstall import leave
from tests.support.slack_emulator import SlackEmulator
from tests.support.workspaces import install, oauth_settings

NOW = datetime(2026, 11, 30, 12, 30, tzinfo=UTC)  # a Monday: every rep is inside their nudge window
WEEK = date(2026, 11, 30)
POST = "chat.postMessage"
BURST = 3  # Slack lets a workspace go briefly over its rate: a bucket of 3 calls (the emulator's default: 1)
FIGURES = seeding.Figures(target=Decimal(100), weekly_target=Decimal(10), result=lambda _i, _g: Decimal(0))


@dataclass
class Result:
    label: str
    workspaces: int
    reps: int
    rate: float
    healthy: int = 0
    sent: int = 0
    seconds: float = 0.0
    last_minute: int = 0
    duplicates: int = 0
    lost: int = 0
    cancelled: int = 0
    pending_throttled: int = 0
    peak_mib: float = 0.0
    refused: int = 0  # chat.postMessage calls of healthy workspaces answered 429 (over their limit)

    @property
    def achieved(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    @property
    def allowed(self) -> float:
        return self.healthy * self.rate

    @property
    def ratio(self) -> float:
        return self.achieved / self.allowed

    def lines(self) -> list[str]:
        return [
            f"== {self.label}: {self.workspaces} workspaces × {self.reps} reps, {self.rate:g} msg/s each",
            f"healthy workspaces' DMs sent: {self.sent} in {self.seconds:.1f} s "
            f"= {self.achieved:.1f}/s of {self.allowed:g}/s allowed → ratio {self.ratio:.2f}",
            f"every healthy workspace's nudges out by minute {self.last_minute} after the tick",
            f"duplicates {self.duplicates}, lost {self.lost}; "
            f"uninstalled workspace: {self.cancelled} cancelled; "
            f"429 workspace: {self.pending_throttled} still pending (retried later, none lost)",
            f"healthy workspaces' calls answered 429: {self.refused}",
            f"peak memory (max RSS) {self.peak_mib:.0f} MiB",
        ]


def team(n: int) -> str:
    return f"T{n:07d}"


def seed(
    engine: Engine, slack: SlackEmulator, settings: Settings, factory: SessionFactory, n: int, reps: int
) -> None:
    """One workspace: installed, its reps (in Pacer and in Slack) with an active goal each, due a nudge."""
    team_id = team(n)
    base = 1_000_000 * (n + 1)
    people = [seeding.Rep(base + i + 1, f"U{n:04d}{i:05d}", base) for i in range(reps)]
    rows = seeding.members(team_id, [(base, f"UM{n:04d}")], people, now=NOW)
    found, _, _ = seeding.goals(
        team_id, people, [WEEK, WEEK + timedelta(days=7)], FIGURES, first_goal=base * 3, now=NOW
    )
    seeding.seed(engine, {"team_id": team_id}, rows, ([g for g in found if g["title"] == "Goal 0"], [], []))
    install(slack, settings, factory, team_id)
    for rep in people:
        slack.add_user(rep.user_id, name=rep.user_id.lower(), team_id=team_id)


def measure(label: str, workdir: Path, workspaces: int, reps: int, rate: float, *, faults: bool) -> Result:
    result = Result(label, workspaces, reps, rate)
    engine = make_engine(f"sqlite:///{workdir / f'{label.split(maxsplit=1)[0]}.db'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    with SlackEmulator(team_id="T9999999", bot_token="xoxb-unused") as slack:
        settings = oauth_settings(slack, engine, delivery_rate=rate, delivery_workers=4)
        for n in range(workspaces):
            seed(engine, slack, settings, factory, n, reps)
            slack.set_rate_limit(POST, rate, team_id=team(n), burst=BURST)
        throttled, leaving = (team(0), team(1)) if faults else (None, None)
        if throttled:
            slack.refuse(throttled, retry_after=30)
        result.healthy = workspaces - (2 if faults else 0)
        _run(result, slack, settings, factory, throttled, leaving)
    engine.dispose()
    return result


def _run(
    result: Result,
    slack: SlackEmulator,
    settings: Settings,
    factory: SessionFactory,
    throttled: str | None,
    leaving: str | None,
) -> None:
    sender = make_sender(settings, factory)
    clients = make_clients(settings, factory.kw["bind"])
    client = make_client(settings)
    context = JobContext(
        settings,
        factory,
        client,
        Directory(client, factory, client_for=clients.for_team),
        sender,
        clients=clients,
    )
    stop = threading.Event()

    def drain() -> None:  # as `pacer run`'s DeliveryWorker: drain, then look again shortly
        while not stop.is_set():
            sender.drain(stop=stop)
            stop.wait(0.2)

    drainer = threading.Thread(target=drain)
    started = time.monotonic()
    drainer.start()
    if leaving:
        store = installation_store(settings, factory.kw["bind"])

        def uninstall() -> None:  # Slack revokes the tokens, then tells the app (`app_uninstalled`)
            slack.revoke(leaving)
            leave(leaving, factory, store, sender.clients, leave_hooks())

        threading.Timer(5.0, uninstall).start()
    summary = each_workspace(weekly_nudges)(context, NOW)
    print(f"  tick ({time.monotonic() - started:.1f} s): {summary}", flush=True)
    healthy_due = result.healthy * result.reps
    while _healthy_sent(factory, throttled, leaving) < healthy_due and time.monotonic() - started < 1800:
        time.sleep(0.5)
    result.seconds = time.monotonic() - started
    stop.set()
    drainer.join()
    _tally(result, slack, factory, throttled, leaving)


def _healthy_sent(factory: SessionFactory, *skip: str | None) -> int:
    with factory() as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    Delivery.status == DeliveryStatus.SENT, Delivery.team_id.not_in([s for s in skip if s])
                )
            )
            or 0
        )


def _tally(
    result: Result, slack: SlackEmulator, factory: SessionFactory, throttled: str | None, leaving: str | None
) -> None:
    skip = {throttled, leaving}
    with factory() as session:
        rows = session.execute(select(Delivery.team_id, Delivery.status)).all()
    result.sent = sum(1 for t, s in rows if t not in skip and s == DeliveryStatus.SENT)
    result.cancelled = sum(1 for t, s in rows if t == leaving and s == DeliveryStatus.CANCELLED)
    result.pending_throttled = sum(1 for t, s in rows if t == throttled and s == DeliveryStatus.PENDING)
    delivered = Counter(
        str(call.params.get("channel"))
        for call in slack.calls
        if call.method == POST and call.status == 200 and call.response.get("ok")
    )
    healthy_reps = {
        f"U{n:04d}{i:05d}"
        for n in range(result.workspaces)
        for i in range(result.reps)
        if team(n) not in skip
    }
    result.refused = sum(
        1
        for call in slack.calls
        if call.method == POST and call.status == 429 and slack._token_team(call.token) not in skip
    )
    result.duplicates = sum(count - 1 for count in delivered.values() if count > 1)
    result.lost = sum(1 for user in healthy_reps if delivered[user] == 0)
    result.last_minute = int(result.seconds // 60) + 1
    result.peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspaces", type=int, default=100)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--rate", type=float, default=0.5, help="each workspace's chat.postMessage limit, /s")
    parser.add_argument("--baseline-reps", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        base = measure(
            "baseline (1 workspace, 100/s: the CPU bound)", workdir, 1, args.baseline_reps, 100, faults=False
        )
        print("\n".join(base.lines()), flush=True)
        many = measure("workspaces", workdir, args.workspaces, args.reps, args.rate, faults=True)
        print("\n".join(many.lines()), flush=True)
        bound = base.achieved
        print(
            f"== summary: {many.achieved:.1f}/s achieved of {many.allowed:g}/s allowed "
            f"(ratio {many.achieved / many.allowed:.2f}, goal ≥ 0.9); this machine's CPU bound, one "
            f"workspace unthrottled: {bound:.1f}/s"
            + (" — the CPU bound comes first" if bound < many.allowed else "")
        )


if __name__ == "__main__":
    main()
