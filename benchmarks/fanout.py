"""`python -m benchmarks.fanout`: a fan-out to N reps against the local Slack emulator.

Runs a real job through `bot.scheduler.run_once` (it enqueues one DM per rep in the outbox, then the real
sender drains it) with every rep due at once: `--job weekly-nudges` (the default: each rep's nudge) or
`--job training-lessons` (the day's lesson of a course assigned to every rep); benchmarks/fanout_jobs.py
sets each up. It runs under Slack-like limits: a clean run, then the same with a share of the posts
answered 429, 500 or 503. Reports, for each, the messages per
second achieved ÷ the allowed rate (goal ≥ 0.9), duplicates (goal 0), lost (goal 0), the outbox rows left
unsent and the process's peak memory; and, measured in the same run, two baselines: the ideal time
N ÷ rate, and a raw loop of the same posts through the same RateLimiter with no database.

A benchmark, not a test: it exits 0 whatever the figures; 1 only when it could not run.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks import fanout_setup as setup
from benchmarks import report, servers
from benchmarks.fanout_jobs import DEFAULT, FANOUTS
from benchmarks.fanout_run import Run, fanout, raw_baseline, reset_peak_rss
from bot.config import Settings

RATIO_GOAL = 0.9
RAW = "raw loop"
QUICK_REPS = 500
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MAX_RATE = next(  # the most Settings.delivery_rate accepts
    float(rule.le) for rule in Settings.model_fields["delivery_rate"].metadata if hasattr(rule, "le")
)


LEGEND = """
Results. send s: from the job's return until the outbox was drained; msg/s: rows sent ÷ send s.
floor s: posts ÷ allowed rate + 1 s per 429 (Slack's rule: nobody posts for Retry-After), the least time
  the rules allow (a bound: pauses may overlap); ÷floor: how much of that the sender achieved.
t99 s: drain start until 99 % were sent. tick2 s: the job's next tick 5 min later, all already queued
  (both jobs tick every 5 min). 429/5xx: posts refused, each retried.
in RA: posts Slack got within Retry-After of a 429 (real Slack refuses them); known: of those, the posts
  the sender let go after it had taken note of the 429 (the others were on their way already).
<1s/ch: posts less than 1 s after the previous one to the same channel.
CPU: the run's process, emulator included.
RSS0: held when the job began; peak: ru_maxrss since then (one process per run, peak reset after setup)."""


@dataclass(frozen=True)
class Options:
    job: str
    reps: int
    rate: float
    failure_rate: float
    workers: tuple[int, ...]
    database: str
    postgres_url: str
    trace_memory: bool


def code_line() -> str:
    """The commit measured, and whether bot/ differs from it (others may be editing it)."""
    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = len(git("status", "--porcelain", "--", "bot", "migrations").splitlines())
    return f"code:    git {commit}" + (
        f", {changed} files in bot/ or migrations/ changed since" if changed else ""
    )


def _parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fanout",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--job",
        choices=sorted(FANOUTS),
        default=DEFAULT,
        help=f"the job whose fan-out to measure ({DEFAULT})",
    )
    parser.add_argument("--reps", type=int, default=5000, help="reps to send to (5000)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REPS} reps: a smoke run")
    parser.add_argument(
        "--rate", type=float, default=100.0, help="allowed messages/s: the sender's delivery_rate (100)"
    )
    parser.add_argument(
        "--failure-rate", type=float, default=0.10, help="share of posts answered 429/500/503 in run 2 (0.10)"
    )
    parser.add_argument(
        "--workers",
        default="8",
        help="sender threads (delivery_workers), 8; a list such as 8,4,16 compares them (the first one also "
        "runs the fan-out with failures)",
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite", help="(sqlite)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help=f"PostgreSQL ({POSTGRES_URL})")
    parser.add_argument(
        "--trace-memory", action="store_true", help="also tracemalloc's peak of the send phase (slower)"
    )
    args = parser.parse_args(argv)
    try:
        workers = tuple(int(part) for part in args.workers.split(",") if part.strip())
    except ValueError:
        parser.error("--workers: whole numbers separated by commas")
    if not workers or min(workers) < 1 or max(workers) > 32:
        parser.error("--workers: between 1 and 32 (what Settings.delivery_workers accepts)")
    if not 0 < args.rate <= MAX_RATE:
        parser.error(f"--rate: above 0 and at most {MAX_RATE:g} (what Settings.delivery_rate accepts)")
    if not 0 <= args.failure_rate < 1:
        parser.error("--failure-rate: from 0 (no second run) to below 1")
    if args.reps < 1:
        parser.error("--reps: at least 1")
    return Options(
        job=args.job,
        reps=QUICK_REPS if args.quick else args.reps,
        rate=args.rate,
        failure_rate=args.failure_rate,
        workers=workers,
        database=args.database,
        postgres_url=args.postgres_url,
        trace_memory=args.trace_memory,
    )


def _progress(run: Run) -> None:
    print(
        f"  {run.name}: {run.sent} sent in {run.send_s:.1f} s = {run.achieved:.1f} msg/s "
        f"({run.ratio:.2f}× allowed), {run.duplicates} duplicates, {run.lost} lost, "
        f"posts answered {dict(sorted(run.answers.items()))}"
        + ("" if math.isnan(run.setup_s) else f", setup {run.setup_s:.1f} s (not timed)"),
        flush=True,
    )
    for line in run.lines:
        print(f"    run_once: {line}")
    if run.other_calls:
        print(f"    other Web API calls: {dict(run.other_calls)}")
    if run.emulator_errors:
        print(f"    warning: the emulator itself failed {run.emulator_errors} times")


def _isolated(function: Callable[..., Run], *args: object, **kwargs: object) -> Run:
    """`function(*args, **kwargs)` in a fresh Python process: its memory figures are its own, and no run
    inherits another's heap, caches or garbage to collect."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args, **kwargs).result()


def measure(options: Options, workdir: Path) -> list[Run]:
    """Every run of the benchmark, each in a process of its own: the clean fan-out with each number of
    sender threads, the raw baseline (with the first run's payloads), then the fan-out with failures (with
    the first number of threads). The raw baseline comes first in the list."""
    reps = setup.rep_ids(options.reps)
    clean = setup.Limits(options.rate * 1.05, 0.0)
    where: dict[str, object] = {
        "job": options.job,
        "backend": options.database,
        "workdir": workdir,
        "postgres_url": options.postgres_url,
        "reps": reps,
        "trace": options.trace_memory,
    }
    runs: list[Run] = []
    for index, workers in enumerate(options.workers):
        print(f"clean fan-out, {workers} sender threads …", flush=True)
        run = Run(f"clean w{workers}", workers, options.reps, options.rate)
        runs.append(_isolated(fanout, run, limits=clean, keep_payloads=index == 0, **where))
        _progress(runs[-1])
    print("raw baseline: the same posts in a plain loop through the RateLimiter, no database …", flush=True)
    payloads, runs[0].payloads = runs[0].payloads, []
    runs.insert(0, _isolated(raw_baseline, Run(RAW, 1, options.reps, options.rate), payloads, clean))
    _progress(runs[0])
    if options.failure_rate:
        workers = options.workers[0]
        print(f"fan-out with {options.failure_rate:.0%} failures, {workers} sender threads …", flush=True)
        failing = setup.Limits(options.rate * 1.05, options.failure_rate)
        run = Run(f"{options.failure_rate:.0%} fail w{workers}", workers, options.reps, options.rate)
        runs.append(_isolated(fanout, run, limits=failing, **where))
        _progress(runs[-1])
    return runs


Column = tuple[str, int, Callable[[Run, Run], object], str]  # title, width, value(run, raw), format
COLUMNS: list[Column] = [
    ("run", 14, lambda r, _: r.name, "<"),
    ("thr", 3, lambda r, _: r.workers, ">"),
    ("due", 5, lambda r, _: r.due, ">"),
    ("enq s", 6, lambda r, _: r.enqueue_s, ">.1f"),
    ("send s", 7, lambda r, _: r.send_s, ">.1f"),
    ("msg/s", 6, lambda r, _: r.achieved, ">.1f"),
    ("÷allowed", 8, lambda r, _: r.ratio, ">.2f"),
    ("÷raw", 5, lambda r, raw: r.achieved / raw.achieved, ">.2f"),
    ("floor s", 7, lambda r, _: r.floor_s, ">.1f"),
    ("÷floor", 6, lambda r, _: r.floor_s / r.send_s, ">.2f"),
    ("t99 s", 6, lambda r, _: r.t99_s, ">.1f"),
    ("tick2 s", 7, lambda r, _: r.retick_s, ">.1f"),
    ("dup", 4, lambda r, _: r.duplicates, ">"),
    ("lost", 4, lambda r, _: r.lost, ">"),
    ("unsent", 6, lambda r, _: sum(r.not_sent.values()), ">"),
    ("429", 4, lambda r, _: r.answers.get(429, 0), ">"),
    ("5xx", 4, lambda r, _: sum(n for status, n in r.answers.items() if status >= 500), ">"),
    ("in RA", 5, lambda r, _: r.in_pause, ">"),
    ("known", 5, lambda r, _: r.in_pause_known, ">"),
    ("<1s/ch", 6, lambda r, _: r.too_soon, ">"),
    ("CPU ms/msg", 10, lambda r, _: r.cpu_ms_per_message, ">.2f"),
    ("RSS0 MiB", 8, lambda r, _: r.rss_start_kib / 1024, ">.0f"),
    ("peak MiB", 8, lambda r, _: r.rss_peak_kib / 1024, ">.0f"),
]


def _cell(value: object, width: int, spec: str) -> str:
    if isinstance(value, float) and math.isnan(value):
        return format("-", f">{width}")
    return format(value, f"{spec[0]}{width}{spec[1:]}")


def table(runs: Sequence[Run]) -> list[str]:
    raw = next(run for run in runs if run.name == RAW)
    header = " ".join(format(title, f"{spec[0]}{width}") for title, width, _, spec in COLUMNS)
    lines = [header, "-" * len(header)]
    for run in runs:
        cells = " ".join(_cell(value(run, raw), width, spec) for _, width, value, spec in COLUMNS)
        traced = (
            f"  tracemalloc peak while sending {run.traced_peak / 2**20:.1f} MiB" if run.traced_peak else ""
        )
        lines.append(cells + traced)
    return lines


def verdicts(runs: Sequence[Run]) -> list[str]:
    lines = []
    for run in runs:
        if run.name == RAW:
            continue
        met = "met" if run.ratio >= RATIO_GOAL else "NOT met"
        exact = "met" if run.duplicates == 0 and run.lost == 0 and not run.not_sent else "NOT met"
        unsent = f", unsent rows {run.not_sent}" if run.not_sent else ""
        lines.append(
            f"{run.name:<14} ratio {run.ratio:.2f} ≥ {RATIO_GOAL}: {met};  "
            f"exactly once (0 duplicates, 0 lost, all rows sent): {exact}{unsent}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    options = _parse(argv)
    fanout = FANOUTS[options.job]
    print(f"Pacer fan-out benchmark: {fanout.job} → outbox → sender → Slack emulator (one process per run)")
    print("\n".join(report.machine_lines()))
    print(code_line())
    print(
        f"load:    {fanout.sends}; {options.reps} reps in {len(setup.ZONES)} zones, all due at "
        f"{fanout.now:%a %Y-%m-%d %H:%M} UTC; database {options.database}; "
        f"allowed rate {options.rate:g} msg/s (delivery_rate); "
        f"sender threads {', '.join(map(str, options.workers))}"
    )
    print("limits applied by the emulator:")
    for line in setup.Limits(options.rate * 1.05, options.failure_rate).lines():
        print(f"  - {line}")
    reset = "yes" if reset_peak_rss() else "no: the peak includes the setup"
    print(f"each run in a fresh process; its peak RSS reset after the setup: {reset}\n")
    if options.database == "postgresql":
        problem = servers.postgres_problem(options.postgres_url)
        if problem is not None:
            print(
                f"benchmark could not run: {options.postgres_url} does not answer ({problem})",
                file=sys.stderr,
            )
            return 1
    try:
        with tempfile.TemporaryDirectory(prefix="pacer-fanout-") as workdir:
            runs = measure(options, Path(workdir))
    except setup.SetupError as error:
        print(f"\nbenchmark could not run: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: emulators stopped, temporary databases removed", file=sys.stderr)
        return 130
    print(LEGEND)
    print(f"ideal: N ÷ rate = {options.reps / options.rate:.1f} s at {options.rate:g} msg/s")
    print("\n".join(table(runs)))
    peak = max(max(run.setup_peak_kib, run.rss_peak_kib) for run in runs)
    print(f"\nlargest peak RSS of a run's process, its setup included: {peak / 1024:.0f} MiB")
    print("Goals (printed only: a benchmark never fails on a timing)")
    print("\n".join(verdicts(runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
