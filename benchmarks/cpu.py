"""CPU time from /proc (Linux): of one process, and of the whole machine. NaN where /proc is missing."""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far (its threads included)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return math.nan
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state is fields[0], utime fields[11]
    return (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass(frozen=True)
class MachineTimes:
    busy: float  # CPU seconds spent on anything but idle and iowait, summed over the CPUs
    total: float

    @classmethod
    def now(cls) -> MachineTimes:
        try:
            first = Path("/proc/stat").read_text().splitlines()[0].split()
        except (OSError, IndexError):
            return cls(math.nan, math.nan)
        ticks = [int(value) for value in first[1:9]]  # user nice system idle iowait irq softirq steal
        idle = ticks[3] + ticks[4]
        return cls((sum(ticks) - idle) / _TICKS, sum(ticks) / _TICKS)

    def busy_share_since(self, start: MachineTimes) -> float:
        """How busy the machine's CPUs were since `start`, 0 to 1."""
        total = self.total - start.total
        return (self.busy - start.busy) / total if total > 0 else math.nan


def _own_pids(app_pid: int) -> list[int]:
    """The app, this process and its children (the load generator's workers, multiprocessing's helper)."""
    return [app_pid, os.getpid(), *(child.pid for child in multiprocessing.active_children() if child.pid)]


@dataclass(frozen=True)
class Load:
    """How busy the machine was during a measurement, as shares of all its CPUs' time (0 to 1)."""

    busy: float  # everything
    others: float  # not the app, the load generator or the emulator: PostgreSQL, and anything else running


class CpuMeter:
    """CPU accounting around one measurement: the app's own CPU time, and the machine's load."""

    def __init__(self, app_pid: int) -> None:
        self.app_pid = app_pid
        self._pids = _own_pids(app_pid)
        self._machine = MachineTimes.now()
        self._own = sum(process_seconds(pid) for pid in self._pids)
        self._app = process_seconds(app_pid)

    def load(self) -> Load:
        machine = MachineTimes.now()
        own = sum(process_seconds(pid) for pid in self._pids) - self._own
        total = machine.total - self._machine.total
        busy = machine.busy_share_since(self._machine)
        return Load(busy, max(0.0, busy - own / total) if total > 0 else math.nan)

    def app_seconds(self) -> float:
        return process_seconds(self.app_pid) - self._app


def background_load(seconds: float = 1.0) -> float:
    """The machine's busy share over `seconds` of doing nothing here: others' work (tests, builds, …)."""
    start = MachineTimes.now()
    time.sleep(seconds)
    return MachineTimes.now().busy_share_since(start)
