"""The connectors' shared machinery: single-flight token cache, Retry-After, backoff, the rate limiter."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from bot.crm.integrations.base import (
    Backoff,
    CreditsExhausted,
    Limiter,
    RateLimited,
    TokenCache,
    TokenCaches,
    retry_after_seconds,
)
from tests.support.waiting import wait_for


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_concurrent_callers_wait_for_one_refresh_and_share_its_token() -> None:
    started, release = threading.Event(), threading.Event()
    in_flight = 0
    most_at_once = 0
    guard = threading.Lock()

    def fetch() -> tuple[str, float]:
        nonlocal in_flight, most_at_once
        with guard:
            in_flight += 1
            most_at_once = max(most_at_once, in_flight)
        started.set()
        release.wait(timeout=10)
        with guard:
            in_flight -= 1
        return "token-1", 3600.0

    cache = TokenCache(fetch)
    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get())) for _ in range(12)]
    for thread in threads:
        thread.start()
    wait_for(started.is_set, what="the first token request")
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert got == ["token-1"] * 12
    assert cache.fetches == 1
    assert most_at_once == 1


def test_a_stale_token_is_renewed_once_however_many_callers_report_it() -> None:
    tokens = iter(["a", "b", "c"])
    cache = TokenCache(lambda: (next(tokens), 3600.0))
    stale = cache.get()
    for _ in range(5):
        cache.invalidate(stale)  # five failed calls with the same token
    assert cache.get() == "b"
    cache.invalidate("a")  # a late report of the old token changes nothing
    assert cache.get() == "b"
    assert cache.fetches == 2


def test_a_token_is_renewed_a_margin_before_it_expires() -> None:
    clock = Clock()
    tokens = iter(["a", "b"])
    cache = TokenCache(lambda: (next(tokens), 7200.0), margin=60.0, clock=clock)
    assert cache.get() == "a"
    clock.now += 7100
    assert cache.get() == "a"
    clock.now += 50  # 7150 s: inside the margin
    assert cache.get() == "b"


def test_one_cache_per_connection() -> None:
    caches = TokenCaches()
    made = caches.get(("T1", "zoho"), lambda: TokenCache(lambda: ("x", 1.0)))
    assert caches.get(("T1", "zoho"), lambda: TokenCache(lambda: ("y", 1.0))) is made
    assert caches.get(("T2", "zoho"), lambda: TokenCache(lambda: ("y", 1.0))) is not made


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds("7", 60) == 7
    assert retry_after_seconds(None, 60) == 60
    assert retry_after_seconds("soon", 60) == 60
    moment = datetime(2026, 12, 1, 12, 0, 30, tzinfo=UTC)
    header = format_datetime(moment, usegmt=True)
    assert retry_after_seconds(header, 60, now=moment.timestamp() - 30) == 30
    assert retry_after_seconds(header, 60, now=moment.timestamp() + 30) == 0


def test_backoff_waits_at_least_what_the_crm_asked() -> None:
    clock = Clock()
    answers: list[object] = [RateLimited("slow", 5.0), RateLimited("slow", 0.0), "rows"]

    def call() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    assert Backoff(base=1.0, sleep=clock.sleep).run(call) == "rows"
    assert clock.slept[0] >= 5.0
    assert 2.0 <= clock.slept[1] <= 2.5  # the exponential step with at most 25% jitter


def test_backoff_gives_up_on_exhausted_credits_and_on_long_waits() -> None:
    clock = Clock()
    calls = 0

    def exhausted() -> str:
        nonlocal calls
        calls += 1
        raise CreditsExhausted("credits", 3600.0)

    with pytest.raises(CreditsExhausted):
        Backoff(sleep=clock.sleep).run(exhausted)
    assert calls == 1

    def far() -> str:
        raise RateLimited("later", 600.0)

    with pytest.raises(RateLimited):
        Backoff(max_wait=60.0, sleep=clock.sleep).run(far)
    assert clock.slept == []


def test_backoff_stops_after_its_attempts() -> None:
    clock = Clock()

    def always() -> str:
        raise RateLimited("slow", 0.0)

    with pytest.raises(RateLimited):
        Backoff(attempts=3, base=0.5, sleep=clock.sleep).run(always)
    assert len(clock.slept) == 2


def test_the_limiter_keeps_to_its_calls_per_window() -> None:
    clock = Clock()
    limiter = Limiter(60, 20.0, clock=clock, sleep=clock.sleep)
    for _ in range(60):
        limiter.acquire()
    assert clock.slept == []
    limiter.acquire()  # the 61st waits for the first to leave the window
    assert sum(clock.slept) == pytest.approx(20.0)
