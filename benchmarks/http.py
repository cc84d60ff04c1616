"""`make bench`: HTTP latency of `pacer run` against a minimal Bolt app behind the same server.

Signed `/pacer help` commands and setup-modal submissions, from concurrent keep-alive clients, to Pacer on
SQLite and on PostgreSQL and to an app whose listeners only ack (benchmarks/minimal_app.py), all in one
run. Prints p50/p99/max latency and requests per second for each, and Pacer ÷ minimal. A benchmark,
not a test: it exits 0 whatever the figures; 1 only when it could not run (e.g. a server did not start).
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from benchmarks import cpu, report, servers
from benchmarks.cpu import CpuMeter
from benchmarks.load import Expect, LoadGenerator, Outcome, Target
from benchmarks.report import Measurement
from benchmarks.servers import BenchError
from benchmarks.slack_requests import BOT_TOKEN, TEAM_ID, USERS, add_people, help_commands, setup_submissions
from bot.config import Settings
from tests.support.slack_emulator import SlackEmulator

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SIGNING_SECRET = "bench-9f1c2e7a5d3b4c6e8a0b1d2f3e4a5b6c"
BACKENDS = ("sqlite", "postgresql")
WARMUP = 50
QUICK_REQUESTS = 200
NOISY = 0.1  # a machine busier than this before the run gives noisy figures


@dataclass(frozen=True)
class Kind:
    """A kind of request: how to build n of them, and what each app must answer."""

    name: str
    bodies: Callable[[SlackEmulator, int], list[bytes]]
    pacer_expects: Expect


KINDS = (Kind("help", help_commands, "ephemeral"), Kind("setup", setup_submissions, "empty"))


@dataclass(frozen=True)
class Options:
    requests: int
    concurrency: int
    processes: int
    backends: tuple[str, ...]
    postgres_url: str
    threads: int
    kinds: tuple[Kind, ...] = KINDS


def _parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.http", description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="requests of each kind per app (2000)")
    parser.add_argument("--concurrency", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgresql (both)")
    names = ",".join(kind.name for kind in KINDS)
    parser.add_argument("--kinds", default=names, help=f"requests to send: {names} (all)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REQUESTS} requests: a smoke run")
    parser.add_argument(
        "--processes", type=int, default=2, help="load-generator processes sharing the clients (2)"
    )
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help=f"PostgreSQL ({POSTGRES_URL})")
    args = parser.parse_args(argv)
    backends = tuple(name.strip() for name in args.backends.split(",") if name.strip())
    unknown = set(backends) - set(BACKENDS)
    if unknown or not backends:
        parser.error(f"--backends: choose among {', '.join(BACKENDS)}")
    kinds = tuple(kind for kind in KINDS if kind.name in args.kinds.split(","))
    if not kinds or len(kinds) != len(set(args.kinds.split(","))):
        parser.error(f"--kinds: choose among {names}")
    if min(args.requests, args.concurrency, args.processes) < 1:
        parser.error("--requests, --concurrency and --processes must be at least 1")
    return Options(
        requests=QUICK_REQUESTS if args.quick else args.requests,
        concurrency=args.concurrency,
        processes=args.processes,
        backends=backends,
        postgres_url=args.postgres_url,
        threads=Settings.model_fields["http_threads"].default,  # `pacer run`'s default, for both apps
        kinds=kinds,
    )


class Bench:
    """What one run shares: the options, the emulator and the load generator. `measure_app` measures
    either app the same way."""

    def __init__(self, options: Options, emulator: SlackEmulator, load: LoadGenerator) -> None:
        self.options, self.emulator, self.load = options, emulator, load

    def env(self, database_url: str | None) -> dict[str, str]:
        return servers.app_env(
            api_url=self.emulator.api_url,
            signing_secret=SIGNING_SECRET,
            bot_token=BOT_TOKEN,
            threads=self.options.threads,
            database_url=database_url,
        )

    def measure_app(self, app: str, backend: str, server: servers.Server) -> list[Measurement]:
        """Prime (each user's first command, one at a time), warm up, then measure each kind of request."""
        target = Target(servers.HOST, server.port, servers.EVENTS_PATH, SIGNING_SECRET)
        kinds = self.options.kinds
        expects = {kind.name: "empty" if app == report.MINIMAL else kind.pacer_expects for kind in kinds}
        help_expects = expects["help"]
        for body in help_commands(self.emulator, len(USERS)):  # first sight: users.info, a new member
            self._check("priming", self.load.run(target, [body], concurrency=1, expect=help_expects))
        for kind in kinds:
            warmup = kind.bodies(self.emulator, WARMUP)
            outcome = self.load.run(
                target, warmup, concurrency=self.options.concurrency, expect=expects[kind.name]
            )
            self._check(f"warm-up of {kind.name}", outcome)
        measurements = []
        for kind in kinds:
            bodies = kind.bodies(self.emulator, self.options.requests)
            self._settle()
            calls, meter = self._slack_calls(), CpuMeter(server.pid)
            outcome = self.load.run(
                target, bodies, concurrency=self.options.concurrency, expect=expects[kind.name]
            )
            load = meter.load()
            self._settle()  # follow-ups after the ack (the setup's confirmation) land a little later
            calls = self._slack_calls() - calls
            m = Measurement(
                app, backend, kind.name, len(bodies), outcome, dict(calls), meter.app_seconds(), load
            )
            measurements.append(m)
            summary = f"p50 {m.ms(0.5):.1f} ms, p99 {m.ms(0.99):.1f} ms, {m.rps:.0f} req/s"
            print(f"  {app}/{backend}/{kind.name}: {summary}, {outcome.errors} errors", flush=True)
        return measurements

    @staticmethod
    def _check(what: str, outcome: Outcome) -> None:
        if outcome.errors:
            samples = "; ".join(outcome.error_samples)
            print(f"  warning: {outcome.errors} errors during {what}: {samples}", flush=True)

    def _slack_calls(self) -> Counter[str]:
        """Web API calls by method, and posts to response URLs, that the emulator has answered so far."""
        calls = Counter(call.method for call in list(self.emulator.calls))  # a copy: its thread appends
        calls["response_url"] = len(self.emulator.responses)
        return calls

    def _settle(self, quiet: float = 0.3, limit: float = 5.0) -> None:
        """Wait until the app has made no Slack call for `quiet` seconds (at most `limit`)."""
        deadline, last = time.monotonic() + limit, self._slack_calls()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self._slack_calls()
            if now == last:
                return
            last = now


def run(options: Options) -> list[Measurement]:
    measurements: list[Measurement] = []
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pacer-bench-")))
        emulator = stack.enter_context(SlackEmulator(team_id=TEAM_ID, bot_token=BOT_TOKEN))
        add_people(emulator)
        load = stack.enter_context(LoadGenerator(options.processes))
        bench = Bench(options, emulator, load)

        print("minimal Bolt app (benchmarks/minimal_app.py) …", flush=True)
        with servers.running("minimal", ["benchmarks.minimal_app"], bench.env(None), workdir) as server:
            measurements += bench.measure_app(report.MINIMAL, "-", server)
            _show_log(server)

        for backend in options.backends:
            if backend == "postgresql":
                problem = servers.postgres_problem(options.postgres_url)
                if problem is not None:
                    print(f"PostgreSQL skipped: {options.postgres_url} does not answer ({problem})")
                    continue
                database = servers.postgres_database(options.postgres_url)
            else:
                database = servers.sqlite_database(workdir)
            print(f"pacer run on {backend} …", flush=True)
            with (
                database as url,
                servers.running(f"pacer-{backend}", ["bot", "run"], bench.env(url), workdir) as server,
            ):
                measurements += bench.measure_app("pacer", backend, server)
                _show_log(server)
        if emulator.errors:
            failures = f"{len(emulator.errors)} times; the first:\n{emulator.errors[0]}"
            print(f"warning: the Slack emulator itself failed {failures}")
    return measurements


def _show_log(server: servers.Server) -> None:
    """The apps log at WARNING: count waitress's queue warnings, show anything else."""
    lines = server.log_lines()
    queued = sum("Task queue depth" in line for line in lines)
    others = [line for line in lines if "Task queue depth" not in line]
    note = (
        f"  {server.name} log: {queued} waitress 'Task queue depth' warnings (requests waiting for a thread)"
    )
    print(f"{note}, {len(others)} other lines" + (":" if others else ""))
    for line in others[-10:]:
        print(f"    | {line}")


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM (CI, `timeout`) cleans up as Ctrl-C does


def main(argv: Sequence[str] | None = None) -> int:
    options = _parse(argv)
    signal.signal(signal.SIGTERM, _terminate)
    print("Pacer HTTP benchmark: `pacer run` vs a minimal Bolt app, same server (waitress), same run")
    print("\n".join(report.machine_lines()))
    clients = f"{options.concurrency} keep-alive clients in {options.processes} processes"
    print(f"load:    {options.requests} requests of each kind per app after {WARMUP} warm-up, {clients}")
    print(f"servers: waitress, {options.threads} threads; Slack Web API emulator in this process")
    background = cpu.background_load()
    noisy = "  (NOISY: something else is running; figures will vary)" if background > NOISY else ""
    print(f"idle:    the machine is {background:.0%} busy before the run{noisy}\n")
    try:
        measurements = run(options)
    except BenchError as error:
        print(f"\nbenchmark could not run: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: the servers are stopped and the temporary databases removed", file=sys.stderr)
        return 130
    print("\nResults (latency of good responses; req/s = good responses ÷ wall time)")
    print("\n".join(report.results_table(measurements)))
    print(report.LEGEND)
    print("\nPacer ÷ minimal, and the goals (printed only: a benchmark never fails on a timing)")
    print("\n".join(report.ratios_table(measurements)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
