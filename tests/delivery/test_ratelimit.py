"""The sender's rate limiter, on a fake clock: smooth slots, one per second per channel, and a 429 pause
that holds back even those already waiting for their slot."""

from __future__ import annotations

import pytest

from bot.delivery.ratelimit import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.on_sleep: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.on_sleep.append(self.now)


def test_slots_follow_the_rate_and_the_channel_interval() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, clock=fake.clock, sleep=fake.sleep)
    assert [limiter.reserve(f"C{n}") for n in range(3)] == [0.0, 0.1, 0.2]
    assert limiter.reserve("C0") == 1.0  # one message per second per channel


def test_a_busy_channel_holds_back_no_other_channel() -> None:
    """A rep with three DMs queued gets them a second apart; the workspace's next message, to another
    channel, still takes the workspace's next slot (it waited behind the busy channel's last one)."""
    fake = FakeTime()
    limiter = RateLimiter(10, clock=fake.clock, sleep=fake.sleep)
    assert [limiter.reserve("D1") for _ in range(3)] == [0.0, 1.0, 2.0]
    assert limiter.reserve("C0") == pytest.approx(0.3)


def test_a_slot_further_off_than_within_is_told_and_not_taken() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, clock=fake.clock, sleep=fake.sleep)
    assert limiter.reserve("D1") == 0.0
    assert limiter.reserve("D1", within=0.5) == 1.0  # the caller puts it back until then
    assert limiter.reserve("C0") == pytest.approx(0.1)  # nothing was taken for it
    assert limiter.reserve("D1") == 1.0  # nor its channel's slot


def test_a_pause_holds_back_a_sender_already_waiting() -> None:
    fake = FakeTime()
    limiter = RateLimiter(1, clock=fake.clock, sleep=fake.sleep)
    limiter.reserve("C1")  # the slot at 0 is taken; the next is at 1.0

    def sleep_and_get_paused(seconds: float) -> None:
        FakeTime.sleep(fake, seconds)
        if len(fake.on_sleep) == 1:
            limiter.pause(30)  # while this sender slept, another got a 429 with Retry-After: 30

    limiter.sleep = sleep_and_get_paused
    limiter.wait("C2")
    assert fake.now >= 31.0  # it did not post at 1.0, inside the pause
