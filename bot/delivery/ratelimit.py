"""Slack's posting limits, kept on our side, per workspace: Slack limits each workspace (and app) on its
own, so each has its own rate, its own one message per second per channel, and its own pause when Slack
answers it 429 with Retry-After. One workspace's pause or backlog never holds back another's messages.
Single-workspace mode is the workspace "" (every call without a team)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

CHANNELS_KEPT = 10_000  # per workspace: beyond this, channels whose slot has passed are forgotten


@dataclass
class _Workspace:
    next_slot: float = 0.0
    paused_until: float = 0.0
    channel_next: dict[str, float] = field(default_factory=dict)


class RateLimiter:
    """Hands out send slots: each caller reserves the earliest slot that respects its workspace's limits,
    then sleeps until it. Thread-safe; smooth (no bursts), so the achieved rate is the allowed rate."""

    def __init__(
        self,
        per_second: float,
        *,
        per_channel_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("the rate must be positive")
        self.per_second = per_second
        self.interval = 1.0 / per_second
        self.per_channel_interval = per_channel_interval
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()
        self._teams: dict[str, _Workspace] = {}

    def _team(self, team_id: str) -> _Workspace:
        found = self._teams.get(team_id)
        if found is None:
            found = self._teams[team_id] = _Workspace()
        return found

    def reserve(self, channel: str, team_id: str = "", *, within: float | None = None) -> float:
        """The time (by `clock`) at which a message to `channel` in `team_id` may go; the slot is taken.
        The message takes the workspace's next slot even when its channel's own slot comes later, so one
        busy channel (a rep with a dozen DMs queued) never holds back the workspace's other channels.
        With `within`, a slot further off than that is only told, nothing taken: the caller puts the
        message back until then rather than hold a slot it may never use."""
        with self._lock:
            now, team = self.clock(), self._team(team_id)
            workspace = max(now, team.next_slot, team.paused_until)
            slot = max(workspace, team.channel_next.get(channel, 0.0))
            if within is not None and slot - now > within:
                return slot
            team.next_slot = workspace + self.interval
            team.channel_next[channel] = slot + self.per_channel_interval
            if len(team.channel_next) > CHANNELS_KEPT:
                team.channel_next = {c: t for c, t in team.channel_next.items() if t > now}
            return slot

    def paused(self, team_id: str = "", *, since: float | None = None) -> float:
        """Seconds left of the workspace's pause (0 when none), or of a pause that began after `since`'s
        slot was handed out (`since` inside the pause)."""
        with self._lock:
            team, now = self._team(team_id), self.clock()
            if since is not None and team.paused_until <= since:
                return 0.0
            return max(0.0, team.paused_until - now)

    def wait(self, channel: str, team_id: str = "") -> None:
        """Sleep until a slot; if a 429 paused the workspace meanwhile, take a new slot after the pause."""
        while True:
            slot = self.reserve(channel, team_id)
            delay = slot - self.clock()
            if delay > 0:
                self.sleep(delay)
            if not self.paused(team_id, since=slot):
                return

    def pause(self, seconds: float, team_id: str = "") -> None:
        """Slack said 429 to `team_id`: nothing goes to that workspace for `seconds`; others go on."""
        with self._lock:
            team = self._team(team_id)
            team.paused_until = max(team.paused_until, self.clock() + seconds)
            team.next_slot = max(team.next_slot, team.paused_until)

    def busy(self, horizon: float) -> set[str]:
        """The workspaces with no free slot within `horizon` seconds (paused, or slots handed out that
        far ahead): a sender claims none of their messages for now."""
        with self._lock:
            limit = self.clock() + horizon
            return {t for t, team in self._teams.items() if max(team.next_slot, team.paused_until) > limit}

    def per_claim(self, horizon: float) -> int:
        """How many of one workspace's messages a claim may take: the slots it has within `horizon`."""
        return max(1, int(self.per_second * horizon))
