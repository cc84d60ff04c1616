"""Figures of one measurement, and the tables the HTTP benchmark prints."""

from __future__ import annotations

import math
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from benchmarks.cpu import Load
from benchmarks.load import Outcome

P99_RATIO_GOAL = 2.0  # issue 10: Pacer's p99 at most 2× the minimal app's …
CPU_RATIO_GOAL = 2.0  # … and at most 2× its CPU per request
P99_GOAL_MS = 100.0
MINIMAL = "minimal"
LEGEND = (
    "CPU ms/req: the app process's CPU time (all threads, follow-ups after the ack too) per request; "
    "busy: the machine's\nCPUs in use while sending; others: of that, not the app, load generator or "
    "emulator (PostgreSQL, other jobs)."
)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 2,000 values is the 1,980th smallest); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Measurement:
    app: str  # "pacer" or "minimal"
    backend: str  # "sqlite", "postgresql", or "-" for the minimal app
    kind: str  # "help" or "setup"
    sent: int
    outcome: Outcome
    slack_calls: dict[str, int] = field(default_factory=dict)  # what the app asked Slack meanwhile
    app_cpu: float = math.nan  # CPU seconds the app's process used for these requests (follow-ups too)
    load: Load = field(default_factory=lambda: Load(math.nan, math.nan))  # the machine's, while sent

    @property
    def cpu_ms(self) -> float:
        """The app process's CPU milliseconds per request."""
        return self.app_cpu * 1000 / self.sent

    @property
    def ok(self) -> int:
        return len(self.outcome.latencies)

    @property
    def lost(self) -> int:
        """Requests neither answered nor counted as errors: a client died. Should be 0."""
        return self.sent - self.ok - self.outcome.errors

    def ms(self, fraction: float) -> float:
        return percentile(self.outcome.latencies, fraction) * 1000

    @property
    def rps(self) -> float:
        """Good responses per second of wall time, first request sent to last response read."""
        span = self.outcome.finished - self.outcome.started
        return self.ok / span if span > 0 else math.nan


def machine_lines() -> list[str]:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line
        ]
        model = f" ({names[0]})" if names else ""
    return [
        f"date:    {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {cpus} CPUs usable (nproc){model}, {platform.platform()}",
        f"python:  {sys.version.split()[0]} ({sys.executable})",
    ]


def _calls(calls: dict[str, int]) -> str:
    return ", ".join(f"{method} ×{count}" for method, count in sorted(calls.items())) or "none"


def results_table(measurements: Sequence[Measurement]) -> list[str]:
    header = f"{'app':<8} {'backend':<11} {'request':<7} {'n':>6} {'errors':>6} "
    header += (
        f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'req/s':>7} {'CPU ms/req':>10} {'busy':>5} {'others':>6}"
    )
    header += "  Slack calls by the app"
    lines = [header, "-" * len(header)]
    for m in measurements:
        lines.append(
            f"{m.app:<8} {m.backend:<11} {m.kind:<7} {m.sent:>6} {m.outcome.errors + m.lost:>6} "
            f"{m.ms(0.5):>7.1f} {m.ms(0.99):>7.1f} {m.ms(1.0):>7.1f} {m.rps:>7.0f} {m.cpu_ms:>10.2f} "
            f"{m.load.busy:>5.0%} {m.load.others:>6.0%}  {_calls(m.slack_calls)}"
        )
    for m in measurements:
        if m.outcome.errors or m.lost:
            lines.append(f"errors of {m.app}/{m.backend}/{m.kind} ({m.lost} requests lost), first ones:")
            lines += [f"    {sample}" for sample in m.outcome.error_samples]
    return lines


def _met(condition: bool) -> str:
    return "met" if condition else "NOT met"


def ratios_table(measurements: Sequence[Measurement]) -> list[str]:
    baseline = {m.kind: m for m in measurements if m.app == MINIMAL}
    header = f"{'backend':<11} {'request':<7} {'p99 ÷ minimal':>13} {'req/s ÷ minimal':>15} "
    header += f"{'CPU/req ÷ minimal':>17}  {'CPU ≤ ' + str(CPU_RATIO_GOAL) + '×':<9}  "
    header += f"{'p99 ≤ ' + str(P99_RATIO_GOAL) + '× minimal':<20}  p99 < {P99_GOAL_MS:.0f} ms"
    lines = [header, "-" * len(header)]
    for m in measurements:
        base = baseline.get(m.kind)
        if m.app == MINIMAL or base is None:
            continue
        p99_ratio = m.ms(0.99) / base.ms(0.99)
        rps_ratio = m.rps / base.rps
        cpu_ratio = m.cpu_ms / base.cpu_ms if base.cpu_ms > 0 else math.nan
        lines.append(
            f"{m.backend:<11} {m.kind:<7} {p99_ratio:>12.2f}× {rps_ratio:>14.2f}× {cpu_ratio:>16.2f}×  "
            f"{_met(cpu_ratio <= CPU_RATIO_GOAL):<9}  {_met(p99_ratio <= P99_RATIO_GOAL):<20}  "
            f"{_met(m.ms(0.99) < P99_GOAL_MS)} ({m.ms(0.99):.1f} ms)"
        )
    return lines
