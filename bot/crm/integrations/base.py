"""What every CRM connector shares: the `Connector` protocol, its typed errors, a backoff that honours
`Retry-After`, a single-flight token cache and a small rate limiter.

The rest of Pacer sees only this module and `bot.crm.rows`: never a vendor's API shapes.
Retry-After is either delay-seconds or an HTTP date (RFC 9110, section 10.2.3:
https://www.rfc-editor.org/rfc/rfc9110#name-retry-after).
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Protocol, TypeVar

from bot.crm.rows import ClosedDeal, NewAccount, PipelineFigure, column_amount

T = TypeVar("T")


class ConnectorError(Exception):
    """A CRM call failed in a way retrying now will not fix. Messages never carry a credential."""


class Refused(ConnectorError):
    """The CRM refused for a reason only an admin can fix (a permission, the app disabled or not allowed,
    no API quota bought): asking again soon will not help, so the sync asks again daily and says why."""


class AuthExpired(Refused):
    """The CRM refused the credentials even after a token renewal: an admin must connect again."""


class RateLimited(ConnectorError):
    """The CRM asked us to slow down; `retry_after` is how many seconds it asked us to wait."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CreditsExhausted(RateLimited):
    """The CRM's API allowance for its window is used up (Zoho: a rolling 24 hours; Fxiaoke: the day, from
    midnight): not retried within the sync, which tries again `retry_after` seconds later."""


class UnknownHost(ConnectorError):
    """A callback or a token response named a server that is not on the allow-list."""


@dataclass(frozen=True)
class Owner:
    """A CRM user who owns records: matched to a Slack member by email, or mapped by hand."""

    external_id: str
    email: str
    name: str


class Connector(Protocol):
    """One CRM connection, read-only. Dates are the CRM's own calendar dates; `until` is inclusive."""

    def list_owners(self) -> list[Owner]: ...

    def closed_deals(self, since: date, until: date) -> list[ClosedDeal]: ...

    def new_accounts(self, since: date, until: date) -> list[NewAccount]: ...

    def open_pipeline(self, as_of: date) -> list[PipelineFigure]: ...


def retry_after_seconds(header: str | None, default: float, *, now: float | None = None) -> float:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date); `default` if absent or bad."""
    if not header:
        return default
    value = header.strip()
    if value.isascii() and value.isdigit():
        return float(value) if len(value) <= 9 else default  # 5,000 digits: not a real wait
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass(frozen=True)
class Backoff:
    """Retries a call that raised `RateLimited`: waits what the CRM asked for, at least the exponential
    step (with jitter), and gives up (re-raising) after `attempts` or when the wait would exceed `max_wait`
    — the sync job then stores the next try instead of holding a worker. `CreditsExhausted` is never
    retried here: the allowance comes back hours later, not seconds."""

    attempts: int = 4
    base: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, asked: float) -> float:
        step = self.base * (2.0**attempt) * (1 + random.random() / 4)  # noqa: S311 - jitter, not a secret
        return max(asked, step)

    def run(self, call: Callable[[], T]) -> T:
        for attempt in range(self.attempts):
            try:
                return call()
            except CreditsExhausted:
                raise
            except RateLimited as limited:
                wait = self.delay(attempt, limited.retry_after)
                if attempt == self.attempts - 1 or wait > self.max_wait:
                    raise
                self.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")


@dataclass(frozen=True)
class Token:
    """An access token and when (on the monotonic clock) it stops being used."""

    value: str
    expires_at: float


class TokenCache:
    """Single flight: at most one token request at a time for one connection. Callers that find no valid
    token wait on the lock while one of them fetches, then all use that token. `invalidate(token)` drops
    the token only if it is still the cached one, so N callers failing with the same stale token cause
    one renewal, not N."""

    def __init__(
        self,
        fetch: Callable[[], tuple[str, float]],
        *,
        margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch  # returns (token, lifetime in seconds)
        self._margin = margin
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Token | None = None
        self.fetches = 0  # how many times the token endpoint was called (for tests and status)

    def get(self) -> str:
        with self._lock:
            token = self._token
            if token is None or token.expires_at <= self._clock():
                value, lifetime = self._fetch()
                self.fetches += 1
                token = Token(value, self._clock() + max(0.0, lifetime - self._margin))
                self._token = token
            return token.value

    def invalidate(self, stale: str) -> None:
        with self._lock:
            if self._token is not None and self._token.value == stale:
                self._token = None

    def fetch_with(self, fetch: Callable[[], tuple[str, float]]) -> None:
        """Renew through `fetch` from now on (the newest connector's HTTP client): a cache outlives the
        sync that made it, and that sync's client is closed when it ends. The cached token is kept."""
        with self._lock:
            self._fetch = fetch


class TokenCaches:
    """One `TokenCache` per connection key (e.g. team id and provider), made on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._caches: dict[tuple[str, str], TokenCache] = {}

    def get(self, key: tuple[str, str], make: Callable[[], TokenCache]) -> TokenCache:
        with self._lock:
            if key not in self._caches:
                self._caches[key] = make()
            return self._caches[key]

    def forget(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._caches.pop(key, None)


TOKEN_CACHES = TokenCaches()  # the process's caches: every sync of a connection shares its one cache


class Limiter:
    """At most `calls` acquisitions in any `per` seconds (a sliding window), across threads."""

    def __init__(
        self,
        calls: int,
        per: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._calls = calls
        self._per = per
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._stamps: deque[float] = deque()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                while self._stamps and self._stamps[0] <= now - self._per:
                    self._stamps.popleft()
                if len(self._stamps) < self._calls:
                    self._stamps.append(now)
                    return
                wait = self._stamps[0] + self._per - now
            self._sleep(max(wait, 0.001))


def pipeline(deals: Iterable[tuple[str, str, Decimal]], as_of: date) -> list[PipelineFigure]:
    """Open deals (owner, currency, amount) summed per owner and currency, with how many there were. A
    deal whose amount no column holds (`column_amount`) is left out of the sum and counted as skipped."""
    totals: dict[tuple[str, str], tuple[Decimal, int, int]] = {}
    for owner, currency, amount in deals:
        total, count, skipped = totals.get((owner, currency), (Decimal(0), 0, 0))
        cents = column_amount(amount)
        if cents is None:
            totals[(owner, currency)] = (total, count, skipped + 1)
        else:
            totals[(owner, currency)] = (total + cents, count + 1, skipped)
    return [
        PipelineFigure(owner, total, currency, as_of, deals=count, skipped=skipped)
        for (owner, currency), (total, count, skipped) in sorted(totals.items())
    ]


def iso_date(moment: int | float) -> date:
    """A UTC calendar date from epoch milliseconds (how Fxiaoke sends dates and times)."""
    return datetime.fromtimestamp(moment / 1000, tz=UTC).date()
