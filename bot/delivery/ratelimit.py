"""Slack's posting limits, kept on our side: a workspace-wide rate, one message per second per channel,
and a pause for everyone when Slack answers 429 with Retry-After."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Hands out send slots: each caller reserves the earliest slot that respects every limit, then sleeps
    until it. Thread-safe; smooth (no bursts), so the achieved rate is the allowed rate."""

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
        self.interval = 1.0 / per_second
        self.per_channel_interval = per_channel_interval
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._channel_next: dict[str, float] = {}

    def reserve(self, channel: str) -> float:
        """The time (by `clock`) at which a message to `channel` may go; the slot is then taken."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next_slot, self._paused_until, self._channel_next.get(channel, 0.0))
            self._next_slot = slot + self.interval
            self._channel_next[channel] = slot + self.per_channel_interval
            if len(self._channel_next) > 10_000:  # forget channels whose slot has passed
                self._channel_next = {c: t for c, t in self._channel_next.items() if t > now}
            return slot

    def wait(self, channel: str) -> None:
        """Sleep until a slot; if a 429 paused everyone meanwhile, take a new slot after the pause."""
        while True:
            slot = self.reserve(channel)
            delay = slot - self.clock()
            if delay > 0:
                self.sleep(delay)
            with self._lock:
                if self._paused_until <= slot or self._paused_until <= self.clock():
                    return

    def pause(self, seconds: float) -> None:
        """Slack said 429: nobody sends for `seconds`."""
        with self._lock:
            self._paused_until = max(self._paused_until, self.clock() + seconds)
            self._next_slot = max(self._next_slot, self._paused_until)
