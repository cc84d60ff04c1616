"""The sender's pacing: claimed messages wait here, off the sending threads, for their workspace's slot
(`RateLimiter`), so a thread never sleeps on one workspace's limit while another's messages wait."""

from __future__ import annotations

import heapq
from concurrent.futures import Future
from datetime import timedelta

from bot.delivery import service

HORIZON = 1.0  # seconds: a claim takes a workspace's messages whose slot comes within this
PUT_BACK = 10.0  # seconds: a message whose slot is further off goes back to the outbox until then
CLAIM_EVERY = 0.2  # seconds between claims while fewer messages are due than a claim may take
POLL = 0.05  # seconds: how often the drain loop looks again while messages wait for their slot


class Paused(Exception):
    def __init__(self, delay: timedelta) -> None:
        super().__init__(f"the workspace is paused for {delay}")
        self.delay = delay


class Paced:
    """Claimed messages waiting for their workspace's slot (a heap by slot), and those being sent."""

    def __init__(self) -> None:
        self.waiting: list[tuple[float, int, service.Claimed]] = []
        self.running: set[Future[None]] = set()
        self.next_claim = 0.0  # by the limiter's clock

    def add(self, slot: float, item: service.Claimed) -> None:
        heapq.heappush(self.waiting, (slot, item.id, item))

    def ready(self, now: float) -> list[tuple[service.Claimed, float]]:
        """The messages whose slot has come, taken off the heap."""
        out = []
        while self.waiting and self.waiting[0][0] <= now:
            slot, _, item = heapq.heappop(self.waiting)
            out.append((item, slot))
        return out

    def busy(self) -> bool:
        self.running = {f for f in self.running if not f.done()}
        return bool(self.waiting or self.running)

    def free(self, window: int) -> int:
        return window - len(self.waiting) - len(self.running)

    def room(self, window: int) -> bool:
        self.running = {f for f in self.running if not f.done()}
        return self.free(window) > 0

    def pause(self, now: float, *, claimed: bool) -> float:
        """How long the drain loop waits: not at all after a claim (there may be more), else until the
        next slot or the next claim, at most POLL (a sending thread may finish and make room)."""
        if claimed:
            return 0.0
        until = min(self.waiting[0][0] if self.waiting else now + POLL, self.next_claim)
        return max(0.0, min(until - now, POLL))
