"""The fake CRM's book and state (fake_crm.py serves them): owners, deals and accounts in memory, the
tokens issued, the knobs that make the fake misbehave, and the paging scan both APIs share."""

from __future__ import annotations

import bisect
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

ZOHO_ID_BASE = 5_725_767_000_000_000
OPEN_STAGE, WON_STAGE, LOST_STAGE = "Qualification", "Closed Won", "Closed Lost"
FX_STATUS = {OPEN_STAGE: "1", WON_STAGE: "2", LOST_STAGE: "3"}
ZOHO_OFFSET_LIMIT, FX_OFFSET_LIMIT, FX_PAGE_MAX, ZOHO_PAGE_MAX = 100_000, 10_000, 100, 2000


@dataclass(frozen=True)
class Person:
    n: int
    email: str
    name: str

    @property
    def zoho_id(self) -> str:
        return str(ZOHO_ID_BASE + self.n)

    @property
    def open_user_id(self) -> str:
        return f"FSUID_{self.n:08X}"


@dataclass(frozen=True)
class Deal:
    n: int
    owner: Person
    amount: Decimal
    currency: str
    stage: str
    closed_on: date
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class Account:
    n: int
    owner: Person
    created: datetime
    modified: datetime


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _day_ms(day: date) -> int:
    return _ms(datetime(day.year, day.month, day.day, tzinfo=UTC))


@dataclass
class FakeBook:
    owners: list[Person]
    deals: list[Deal]  # sorted by n, as both APIs order by id
    accounts: list[Account]

    @classmethod
    def generate(
        cls, *, deals: int = 50, accounts: int = 20, owners: int = 5, start: date = date(2026, 11, 2)
    ) -> FakeBook:
        people = [Person(i + 1, f"rep{i + 1}@example.com", f"Rep {i + 1}") for i in range(owners)]
        stages = (WON_STAGE, WON_STAGE, OPEN_STAGE, LOST_STAGE)
        noon = datetime(start.year, start.month, start.day, 12, tzinfo=UTC)
        made = [
            Deal(
                i + 1,
                people[i % owners],
                Decimal(100 + (i * 37) % 9000),
                "USD",
                stages[i % 4],
                start + timedelta(days=i % 28),
                noon + timedelta(minutes=i),
                noon + timedelta(minutes=i, seconds=30),
            )
            for i in range(deals)
        ]
        opened = [
            Account(
                i + 1,
                people[i % owners],
                noon + timedelta(hours=i % (24 * 28)),
                noon + timedelta(hours=i % 600),
            )
            for i in range(accounts)
        ]
        return cls(people, made, opened)

    def won(self, since: date, until: date) -> list[Deal]:
        return [d for d in self.deals if d.stage == WON_STAGE and since <= d.closed_on <= until]


@dataclass
class Knobs:
    """How the fake misbehaves; each count is used up one reply at a time."""

    throttle: int = 0  # next N data calls answer 429 (Zoho) / the rate errorCode (Fxiaoke)
    retry_after: str = "0"
    credits_exhausted: bool = False
    token_lifetime: int = 3600
    old_opportunity_object: bool = False  # the tenant has OpportunityObj, not NewOpportunityObj
    fx_rate_code: int = 14001  # 接口调用超过限制 (the global return codes)
    fx_token_expired_code: int = 20016


@dataclass
class FakeState:
    book: FakeBook
    knobs: Knobs = field(default_factory=Knobs)
    client_id: str = "1000.PACERTEST"
    client_secret: str = "zoho-client-secret"
    app_id: str = "FSAID_PACER"
    app_secret: str = "fx-app-secret"
    permanent_code: str = "fx-permanent-code"
    location: str = "us"  # the data centre the consent page names in its redirect
    codes: set[str] = field(default_factory=set)  # Zoho grant codes issued
    refresh_tokens: set[str] = field(default_factory=set)
    access_tokens: set[str] = field(default_factory=set)  # valid for both APIs
    token_calls: int = 0
    queries: list[str] = field(default_factory=list)  # COQL texts and Fxiaoke query bodies, in order
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: dict[str, tuple[list[dict[str, Any]], list[int]]] = field(default_factory=dict)
    matched: dict[str, list[int]] = field(default_factory=dict)  # a query's matching record positions

    def rendered(
        self, kind: str, rows: list[Any], render: Callable[[Any], dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[int]]:
        """`rows` as one API renders them, and their keys, made once (the book does not change)."""
        with self.lock:
            if kind not in self.cache:
                self.cache[kind] = ([render(row) for row in rows], [row.n for row in rows])
            return self.cache[kind]

    def grant_code(self) -> str:
        code = "1000." + secrets.token_hex(8)
        self.codes.add(code)
        return code

    def new_access_token(self) -> str:
        token = "1000." + secrets.token_hex(12)
        self.access_tokens.add(token)
        return token

    def expire_tokens(self) -> None:
        self.access_tokens.clear()

    def throttled(self) -> bool:
        with self.lock:
            if self.knobs.throttle > 0:
                self.knobs.throttle -= 1
                return True
            return False


def scan(
    state: FakeState,
    query: str,
    rendered: tuple[list[dict[str, Any]], list[int]],
    match: Callable[[dict[str, Any]], bool],
    after: int | None,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], bool]:
    """The page of records (sorted by key) that match, past `after`, skipping `offset`; and if more match.
    Which records match a query (its criteria without the keyset and offset) is worked out once."""
    records, keys = rendered
    with state.lock:
        if query not in state.matched:
            state.matched[query] = [i for i, record in enumerate(records) if match(record)]
        matched = state.matched[query]
    start = bisect.bisect_right(matched, bisect.bisect_right(keys, after) - 1) if after is not None else 0
    chosen = matched[start + offset : start + offset + limit + 1]
    return [records[i] for i in chosen[:limit]], len(chosen) > limit


def criteria_iter(text: str) -> Iterator[tuple[str, str, list[str]]]:
    """(field, operator, values) of each COQL criterion the connector writes; `and` and brackets skipped."""
    pattern = re.compile(
        r"(\w+) between '([^']*)' and '([^']*)'|(\w+) not in \(([^)]*)\)|(\w+) (>=|<=|=|>|<) ('[^']*'|\d+)"
    )
    for m in pattern.finditer(text):
        if m.group(1):
            yield m.group(1), "between", [m.group(2), m.group(3)]
        elif m.group(4):
            yield m.group(4), "not in", [v.strip().strip("'") for v in m.group(5).split(",")]
        else:
            yield m.group(6), m.group(7), [m.group(8).strip("'")]
