"""The load generator: closed-loop clients, each on a persistent (keep-alive) HTTP/1.1 connection, spread
over a few worker processes so that the clients' own GIL does not queue the responses they time.

Each request is signed just before it is sent (Slack's v0 HMAC, fresh timestamp); its latency is the
time from sending it to having read the whole response. A response counts as an error when its status
is not 200 or its body is not what the app should answer (see `Expect`); so does a broken connection.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.pool import Pool
from multiprocessing.synchronize import Barrier
from typing import Literal

from tests.support.slack_peer import sign

Expect = Literal["empty", "ephemeral"]  # an empty 200 (a bare ack), or an ephemeral message in the ack
CONTENT_TYPE = "application/x-www-form-urlencoded"
MAX_ERROR_SAMPLES = 5
START_TIMEOUT = 120.0  # seconds the workers wait for each other at the start line


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    path: str
    signing_secret: str


@dataclass
class Outcome:
    """What some clients measured: latencies (seconds) of the good responses, the errors, the span."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    started: float = float("inf")  # time.perf_counter(): CLOCK_MONOTONIC, shared by processes on Linux
    finished: float = float("-inf")

    def merge(self, other: Outcome) -> None:
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        room = MAX_ERROR_SAMPLES - len(self.error_samples)
        self.error_samples.extend(other.error_samples[: max(room, 0)])
        self.started = min(self.started, other.started)
        self.finished = max(self.finished, other.finished)

    def error(self, description: str) -> None:
        self.errors += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(description)


def problem(status: int, body: bytes, expect: Expect) -> str | None:
    """Why a response is wrong, or None when it is what the app should answer."""
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    if expect == "empty":
        return None if not body.strip() else f"unexpected body {body[:200]!r}"
    try:
        message = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:200]!r}"
    if message.get("response_type") != "ephemeral" or not message.get("blocks"):
        return f"not an ephemeral message with blocks: {body[:200]!r}"
    return None


# --- in the worker processes ------------------------------------------------------------------------

_start_line: Barrier | None = None


def _init_worker(start_line: Barrier) -> None:
    global _start_line  # noqa: PLW0603 - a Barrier reaches pool workers only through their initializer
    _start_line = start_line
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _client(target: Target, bodies: Sequence[bytes], expect: Expect, go: threading.Event) -> Outcome:
    outcome = Outcome()
    connection = http.client.HTTPConnection(target.host, target.port, timeout=30)
    with contextlib.suppress(OSError):  # connect before the start; if it fails, each request retries
        connection.connect()
    go.wait()
    outcome.started = time.perf_counter()
    for body in bodies:
        headers = {"Content-Type": CONTENT_TYPE, **sign(target.signing_secret, body)}
        try:
            sent = time.perf_counter()
            connection.request("POST", target.path, body, headers)
            response = connection.getresponse()
            answer = response.read()
            latency = time.perf_counter() - sent
        except (OSError, http.client.HTTPException) as error:
            outcome.error(f"{type(error).__name__}: {error}")
            connection.close()  # the next request reconnects
            continue
        wrong = problem(response.status, answer, expect)
        if wrong is None:
            outcome.latencies.append(latency)
        else:
            outcome.error(wrong)
    outcome.finished = time.perf_counter()
    connection.close()
    return outcome


def _worker(task: tuple[Target, list[bytes], int, Expect]) -> Outcome:
    """One process's share: `clients` threads, client i sending bodies[i::clients]."""
    target, bodies, clients, expect = task
    go = threading.Event()
    outcomes: list[Outcome] = [Outcome() for _ in range(clients)]

    def run(index: int) -> None:
        outcomes[index] = _client(target, bodies[index::clients], expect, go)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    if _start_line is not None:
        _start_line.wait(START_TIMEOUT)  # every process has built its clients
    go.set()
    for thread in threads:
        thread.join()
    total = Outcome()
    for outcome in outcomes:
        total.merge(outcome)
    return total


# --- in the benchmark process -----------------------------------------------------------------------


class LoadGenerator:
    """A pool of `processes` worker processes, reused for every measurement. Use it as a context manager."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
        self._pool: Pool = context.Pool(
            processes, initializer=_init_worker, initargs=(context.Barrier(processes),)
        )

    def run(self, target: Target, bodies: Sequence[bytes], *, concurrency: int, expect: Expect) -> Outcome:
        """Send every body, from `concurrency` clients at once; returns when all are answered."""
        processes = max(1, min(self.processes, concurrency))
        shares = [list(bodies[index::processes]) for index in range(processes)]
        clients = [concurrency // processes + (index < concurrency % processes) for index in range(processes)]
        tasks = [(target, share, count, expect) for share, count in zip(shares, clients, strict=True)]
        if processes < self.processes:  # the start line waits for every process: give the rest nothing
            tasks += [(target, [], 0, expect)] * (self.processes - processes)
        total = Outcome()
        for outcome in self._pool.map(_worker, tasks, chunksize=1):
            total.merge(outcome)
        return total

    def __enter__(self) -> LoadGenerator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.terminate()
        self._pool.join()
