"""One fan-out measurement: a real job of the app (`--job`, benchmarks/fanout_jobs.py: the weekly nudges or
the day's training lessons) run by `bot.scheduler.run_once`, whose outbox the real sender drains; and the
raw baseline, the same posts in a plain loop through the same RateLimiter with a bare WebClient and no
database. Peak memory is the process's (`ru_maxrss`), reset before each run."""

from __future__ import annotations

import bisect
import dataclasses
import gc
import math
import os
import resource
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from benchmarks import cpu
from benchmarks import fanout_setup as setup
from benchmarks.fanout_jobs import FANOUTS
from bot.db import SessionFactory, make_session_factory, utcnow
from bot.delivery.models import Delivery, DeliveryStatus
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.sender import METADATA_TYPE, Sender
from bot.delivery.service import counts
from bot.delivery.worker import make_sender
from bot.features import all_jobs
from bot.scheduler import JobContext, run_once
from bot.slack.client import make_client
from bot.slack.directory import Directory

RETRY_AFTER_S = 1  # what the emulator's 429s carry
RETICK = timedelta(minutes=5)  # the job's interval
Payload = tuple[str, str, dict[str, Any]]  # channel, delivery key, payload: what the outbox held


@dataclass
class Run:
    """What one run measured. Times in seconds; memory in KiB."""

    name: str
    workers: int
    reps: int
    rate: float
    due: int = 0
    setup_s: float = math.nan
    enqueue_s: float = math.nan
    send_s: float = math.nan
    sent: int = 0  # outbox rows `sent` (raw baseline: posts answered ok)
    not_sent: dict[str, int] = field(default_factory=dict)  # the other rows, by status
    duplicates: int = 0  # messages beyond one in a rep's DM
    lost: int = 0  # reps without a message
    stray: int = 0  # messages anywhere else
    too_soon: int = 0  # posts to a channel less than 1 s after the one before (Slack allows 1/s)
    in_pause: int = 0  # posts within Retry-After of a 429: Slack would refuse them
    in_pause_known: int = 0  # of those, posts the sender let go after it had taken note of the 429
    pauses: list[float] = field(default_factory=list, repr=False)  # when the sender took note of a 429
    # when the sender last let a post to each channel go (its check of the pause passed), by channel
    let_go: dict[str, list[float]] = field(default_factory=dict, repr=False)
    answers: Counter[int] = field(default_factory=Counter)  # chat.postMessage answers by HTTP status
    other_calls: Counter[str] = field(default_factory=Counter)  # other Web API methods called
    t99_s: float = math.nan  # from the start of the drain until 99 % of the messages were sent
    retick_s: float = math.nan  # the job again 5 minutes later, everything already queued
    cpu_s: float = math.nan  # the process's CPU time while sending (the emulator's included)
    rss_peak_kib: int = 0  # ru_maxrss at the end: the peak since the reset before the job
    rss_start_kib: int = 0  # what the process held when the job began
    setup_peak_kib: int = 0  # ru_maxrss before that reset: the peak of the setup (and what came before)
    traced_peak: int | None = None  # tracemalloc's peak during the send phase, bytes (--trace-memory)
    lines: list[str] = field(default_factory=list)  # what run_once said
    emulator_errors: int = 0
    payloads: list[Payload] = field(default_factory=list, repr=False)

    @property
    def achieved(self) -> float:
        return self.sent / self.send_s if self.send_s > 0 else math.nan

    @property
    def ratio(self) -> float:
        return self.achieved / self.rate

    @property
    def floor_s(self) -> float:
        """The least time Slack's rules allow for the posts made: each at the allowed rate, plus the pause
        that each 429 imposes on all sending (Retry-After, 1 s here). Overlapping pauses make it a bound."""
        return sum(self.answers.values()) / self.rate + self.answers.get(429, 0) * RETRY_AFTER_S

    @property
    def failed_calls(self) -> int:
        return sum(count for status, count in self.answers.items() if status != 200)

    @property
    def cpu_ms_per_message(self) -> float:
        return self.cpu_s * 1000 / self.sent if self.sent else math.nan


# --- memory ---------------------------------------------------------------------------------------------


def max_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def rss_kib() -> int:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    lines = [line for line in status.splitlines() if line.startswith("VmRSS:")]
    return int(lines[0].split()[1]) if lines else 0


def reset_peak_rss() -> bool:
    """Reset the process's peak RSS (Linux: writing 5 to /proc/self/clear_refs), so that `ru_maxrss`
    then tells the peak of what follows. False where that is not possible: the peak is the lifetime's."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# --- checking what Slack got ----------------------------------------------------------------------------


def _unruly(
    posts: Sequence[tuple[float, str, int]], pauses: Sequence[float], let_go: dict[str, list[float]]
) -> tuple[int, int, int]:
    """Posts that came too soon after the last one to their channel; posts inside a Retry-After; and of
    those, the posts the sender let go (`let_go`, its last check before the post) after it had taken
    note of the 429 (`pauses`): a fault of the sender. The others were on their way when Slack answered
    429 or when the sender heard of it; no sender can call them back. All by one clock."""
    last: dict[str, float] = {}
    too_soon = in_pause = known = 0
    quiet_from, quiet_until = -math.inf, -math.inf
    noted = sorted(pauses)
    for at, channel, status in sorted(posts):
        too_soon += at - last.get(channel, -math.inf) < 1.0
        if at < quiet_until:
            in_pause += 1
            checks = let_go.get(channel, [])
            went = checks[bisect.bisect_right(checks, at) - 1] if bisect.bisect_right(checks, at) else at
            known += bisect.bisect_right(noted, went) > bisect.bisect_left(noted, quiet_from)
        last[channel] = at
        if status == 429:
            if at >= quiet_until:
                quiet_from = at
            quiet_until = max(quiet_until, at + RETRY_AFTER_S)
    return too_soon, in_pause, known


def tally(run: Run, slack: setup.RecordingEmulator, reps: Sequence[str]) -> None:
    """Duplicates, losses and strays from the messages the emulator holds; its answers by status."""
    held = {channel: len(messages) for channel, messages in list(slack.messages.items())}
    channels = {"D" + user_id for user_id in reps}
    run.duplicates = sum(max(0, held.get(channel, 0) - 1) for channel in channels)
    run.lost = sum(1 for channel in channels if not held.get(channel))
    run.stray = sum(count for channel, count in held.items() if channel not in channels)
    calls = list(slack.calls)
    run.answers = Counter(call.status for call in calls if call.method == setup.POST)
    run.other_calls = Counter(call.method for call in calls if call.method != setup.POST)
    run.emulator_errors = len(slack.errors)
    run.too_soon, run.in_pause, run.in_pause_known = _unruly(
        list(slack.posts), run.pauses, {c: sorted(t) for c, t in run.let_go.items()}
    )


def _outbox(run: Run, factory: SessionFactory, drain_began: datetime, keep_payloads: bool) -> None:
    with factory() as session:
        statuses = counts(session)
        sent_at = session.scalars(select(Delivery.sent_at).where(Delivery.status == DeliveryStatus.SENT))
        offsets = sorted((at - drain_began).total_seconds() for at in sent_at if at is not None)
        if keep_payloads:
            rows = session.execute(
                select(Delivery.channel, Delivery.key, Delivery.payload).order_by(Delivery.id)
            )
            run.payloads = [(channel, key, payload) for channel, key, payload in rows]
    run.sent = statuses.pop(DeliveryStatus.SENT.value, 0)
    run.not_sent = statuses
    if offsets:
        run.t99_s = offsets[max(0, math.ceil(0.99 * len(offsets)) - 1)]


# --- the runs -------------------------------------------------------------------------------------------


def _note_pauses(sender: Sender, run: Run) -> None:
    """Note (by the limiter's clock, the emulator's too) when the sender takes note of each 429, and when
    it lets each post go (its last look at the pause before the call)."""
    limiter, pause, wait = sender.limiter, sender.limiter.pause, sender._wait_for_slot

    def noting(seconds: float, team_id: str = "") -> None:
        run.pauses.append(limiter.clock())  # before: a post that raced the note counts against us
        pause(seconds, team_id)

    def letting_go(item: Any, channel: str) -> None:
        wait(item, channel)
        run.let_go.setdefault(channel, []).append(limiter.clock())  # after: counts against us too

    limiter.pause = noting  # type: ignore[method-assign]
    sender._wait_for_slot = letting_go  # type: ignore[method-assign]


def _marking(job_run: Callable[[JobContext, datetime], str], marks: dict[str, Any], trace: bool) -> Any:
    """`job_run`, noting when it returned: the enqueue ends and the drain begins there."""

    def run(context: JobContext, now: datetime) -> str:
        try:
            return job_run(context, now)
        finally:
            marks["enqueued"] = time.perf_counter()
            marks["cpu"] = cpu.process_seconds(os.getpid())
            marks["clock"] = utcnow()  # `sent_at` is on the database's clock: real time
            if trace:
                tracemalloc.reset_peak()

    return run


def fanout(
    run: Run,
    *,
    job: str,
    backend: str,
    workdir: Path,
    postgres_url: str,
    reps: Sequence[str],
    limits: setup.Limits,
    trace: bool = False,
    keep_payloads: bool = False,
) -> Run:
    """Set up `job`'s fan-out (not timed), then `run_once(context, job, its now)`: enqueue, then drain the
    outbox."""
    fanout = FANOUTS[job]
    began = time.perf_counter()
    with ExitStack() as stack:
        engine = stack.enter_context(
            setup.database(backend, workdir, postgres_url, run.name.replace(" ", "-"))
        )
        factory = make_session_factory(engine)
        fanout.populate(factory, reps, fanout.now)
        run.due = fanout.check_due(factory, len(reps), fanout.now)
        slack = setup.emulator(reps, limits)
        stack.callback(slack.stop)
        url = engine.url.render_as_string(hide_password=False)
        config = setup.settings(slack, url, rate=run.rate, workers=run.workers)
        sender = make_sender(config, factory)
        _note_pauses(sender, run)
        client = make_client(config, purpose="job")
        context = JobContext(config, factory, client, Directory(client, factory), sender)
        app_job = all_jobs()[job]
        marks: dict[str, Any] = {}
        timed_job = dataclasses.replace(app_job, run=_marking(app_job.run, marks, trace))
        run.setup_s = time.perf_counter() - began

        run.setup_peak_kib = max_rss_kib()
        reset_peak_rss()
        run.rss_start_kib = rss_kib()
        if trace:
            tracemalloc.start()
        start = time.perf_counter()
        run.lines = run_once(context, timed_job, fanout.now)
        end = time.perf_counter()
        run.cpu_s = cpu.process_seconds(os.getpid()) - marks["cpu"]
        if trace:
            run.traced_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        run.rss_peak_kib = max_rss_kib()
        run.enqueue_s, run.send_s = marks["enqueued"] - start, end - marks["enqueued"]
        tally(run, slack, reps)
        _outbox(run, factory, marks["clock"], keep_payloads)
        start = time.perf_counter()
        again = app_job.run(context, fanout.now + RETICK)
        run.lines.append(f"{job} again 5 min later: {again}")
        run.retick_s = time.perf_counter() - start
    return run


def raw_baseline(run: Run, payloads: Sequence[Payload], limits: setup.Limits) -> Run:
    """The same posts in one plain loop: `RateLimiter.wait`, then `chat_postMessage` with the arguments
    the sender uses, on a bare WebClient; no database, no threads. A fresh emulator with the same limits."""
    reps = [channel for channel, _, _ in payloads]
    slack = setup.emulator(reps, limits)
    try:
        client = WebClient(token=setup.BOT_TOKEN, base_url=slack.api_url)
        limiter = RateLimiter(run.rate)
        run.setup_peak_kib = max_rss_kib()
        reset_peak_rss()
        run.rss_start_kib = rss_kib()
        cpu_start, start = cpu.process_seconds(os.getpid()), time.perf_counter()
        for channel, key, payload in payloads:
            limiter.wait(channel)
            try:
                client.chat_postMessage(
                    channel=channel,
                    text=payload["text"],
                    blocks=payload.get("blocks"),
                    thread_ts=payload.get("thread_ts"),
                    unfurl_links=False,
                    metadata={"event_type": METADATA_TYPE, "event_payload": {"key": key}},
                )
            except SlackApiError:
                continue  # counted from the emulator's answers
            run.sent += 1
        run.send_s = time.perf_counter() - start
        run.cpu_s = cpu.process_seconds(os.getpid()) - cpu_start
        run.rss_peak_kib = max_rss_kib()
        run.due = len(payloads)
        tally(run, slack, reps)
    finally:
        slack.stop()
    return run
