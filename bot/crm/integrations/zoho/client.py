"""Zoho CRM (REST v8) as a `Connector`: COQL reads of closed-won Deals and created Accounts, the Users API.

- COQL: https://www.zoho.com/crm/developer/docs/api/v8/COQL-Overview.html — `POST {api_domain}/crm/v8/coql`
  with `{"select_query": …}`; answers `{"data": [...], "info": {"count", "more_records"}}`, or 204 when
  nothing matches. WHERE takes at most 25 criteria, nested in brackets two at a time.
- Limits: https://www.zoho.com/crm/developer/docs/api/v8/COQL-Limitations.html — up to 2,000 rows a call,
  and LIMIT/OFFSET reach 100,000 rows; beyond that we continue by id (`id > last`, ordered by id).
  A call of 1,001–2,000 rows costs 3 credits (https://www.zoho.com/crm/developer/docs/api/v8/api-limits.html:
  credits per 24-hour window by edition).
- Errors: https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html — 401 with a token code (renew
  the access token once), other 401s and 403 (an admin must act), 429 TOO_MANY_REQUESTS (credits used up
  or too many calls at once: backed off; see the code sets below).
- Users: https://www.zoho.com/crm/developer/docs/api/v8/get-users.html (`GET /crm/v8/users?type=ActiveUsers`).
- Header: `Authorization: Zoho-oauthtoken <access token>` (https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html).

Incremental reads: give `modified_since` and every query adds `Modified_Time >= …`; `high_water` is then
the latest `Modified_Time` read, the cursor the sync job stores for next time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial, reduce
from typing import Any

import httpx

from bot.crm.integrations.base import (
    AuthExpired,
    Backoff,
    ConnectorError,
    CreditsExhausted,
    Owner,
    RateLimited,
    Refused,
    TokenCache,
    pipeline,
    retry_after_seconds,
)
from bot.crm.rows import ClosedDeal, NewAccount, PipelineFigure

PAGE = 2000
OFFSET_LIMIT = 100_000
# A 401 with one of these codes: the access token is no good; renewed once, then `AuthExpired`. INVALID_TOKEN
# and OAUTH_SCOPE_MISMATCH are 401s in Zoho's own OpenAPI examples (https://github.com/zoho/crm-oas,
# v8.0/related_records/mds/examples/delinkRelatedRecords.md); AUTHENTICATION_FAILURE is the 401 "not
# authenticated with a valid access token" of the status-codes page. Codes are compared upper-cased: Zoho
# Accounts writes its own in lower case ("invalid_oauthtoken": an access token deleted, Zoho keeping only so
# many per refresh token, or one from another data centre; help.zoho.com "Why am I getting INVALID_OAUTHTOKEN
# error on API access?"). Any other 401 (OAUTH_SCOPE_MISMATCH: the grant lacks a scope) is `AuthExpired`
# at once: a new token would not help, connecting again does. A 403 (NO_PERMISSION) is `Refused`.
TOKEN_CODES = frozenset({"INVALID_TOKEN", "INVALID_OAUTHTOKEN", "AUTHENTICATION_FAILURE"})
# 429 TOO_MANY_REQUESTS is both "API requests for the 24 hour period exceeded" and "the concurrency limit
# exceeded" (status-codes page, read here as quoted in public code); the code does not say which. The
# api-limits page (https://www.zoho.com/crm/developer/docs/api/v8/api-limits.html) has responses carry this
# header once half the window's credits are used: a 429 with it at 0 is `CreditsExhausted`. That the header
# comes with the 429 itself is NOT confirmed: a 429 without it is `RateLimited` (backed off here, then by
# the sync). Zoho documents no Retry-After; it is honoured when sent. LIMIT_EXCEEDED, read as used-up
# credits before, is a 400 for too many ids in one call (the crm-oas example above): a plain
# `ConnectorError` now; LIMIT_REACHED and API_LIMIT_EXCEEDED, also read so, are in no source found.
CREDITS_HEADER = "X-API-CREDITS-REMAINING"
# A rolling 24-hour window: credits come back as the calls of a day ago age out, so look again hourly.
CREDITS_WAIT = 3600.0
BUSY_WAIT = 60.0


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def where(criteria: Sequence[str]) -> str:
    """COQL's bracketing: `((A and B) and C)`, as the Limitations page asks for three or more."""
    return reduce(lambda left, right: f"({left} and {right})", criteria)


def _owner_id(record: dict[str, Any]) -> str:
    owner = record.get("Owner")
    return str(owner.get("id", "")) if isinstance(owner, dict) else str(owner or "")


def _record_id(record: dict[str, Any]) -> str:
    """A record id, to page on: Zoho's are digits; anything else is refused rather than put in a query."""
    value = str(record.get("id", ""))
    if not (value.isascii() and value.isdigit()):
        raise ConnectorError("Zoho sent a record id that is not a number")
    return value


def _amount(value: object) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:  # not a number: the row is skipped and counted (`rows.column_amount`)
        return Decimal("NaN")


class ZohoConnector:
    def __init__(
        self,
        http: httpx.Client,
        tokens: TokenCache,
        api_domain: str,
        *,
        default_currency: str = "USD",
        currency_field: str | None = None,  # "Currency" in a multi-currency organisation
        modified_since: datetime | None = None,
        backoff: Backoff | None = None,
        page: int = PAGE,
        offset_limit: int = OFFSET_LIMIT,
        won_stage: str = "Closed Won",
        closed_stages: Sequence[str] = ("Closed Won", "Closed Lost", "Closed-Lost to Competition"),
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._api = api_domain.rstrip("/")
        self._currency = default_currency
        self._currency_field = currency_field
        self._since = modified_since
        self._backoff = backoff or Backoff()
        self._page = page
        self._offset_limit = offset_limit
        self._won = won_stage
        self._closed = tuple(closed_stages)
        self.high_water: datetime | None = modified_since
        self.calls = 0  # API calls made (each COQL page, each users page)

    # The Connector protocol

    def list_owners(self) -> list[Owner]:
        owners: list[Owner] = []
        page = 1
        while True:
            params = {"type": "ActiveUsers", "page": str(page), "per_page": "200"}
            body = self._backoff.run(partial(self._request, "GET", "/crm/v8/users", params=params))
            for user in body.get("users", []):
                owners.append(
                    Owner(str(user["id"]), str(user.get("email") or ""), str(user.get("full_name") or ""))
                )
            if not body.get("info", {}).get("more_records"):
                return owners
            page += 1

    def closed_deals(self, since: date, until: date) -> list[ClosedDeal]:
        criteria = [f"Stage = {_quote(self._won)}", f"Closing_Date between '{since}' and '{until}'"]
        return [
            ClosedDeal(
                owner_id=_owner_id(record),
                external_id=str(record["id"]),
                amount=_amount(record.get("Amount")),
                currency=self._currency_of(record),
                closed_on=date.fromisoformat(str(record["Closing_Date"])),
            )
            for record in self._rows("Deals", self._deal_fields(), criteria)
        ]

    def new_accounts(self, since: date, until: date) -> list[NewAccount]:
        start, end = f"{since}T00:00:00+00:00", f"{until}T23:59:59+00:00"
        criteria = [f"Created_Time between '{start}' and '{end}'"]
        return [
            NewAccount(
                owner_id=_owner_id(record),
                external_id=str(record["id"]),
                created_on=datetime.fromisoformat(str(record["Created_Time"])).date(),
            )
            for record in self._rows("Accounts", ["id", "Owner", "Created_Time", "Modified_Time"], criteria)
        ]

    def open_pipeline(self, as_of: date) -> list[PipelineFigure]:
        stages = ", ".join(_quote(stage) for stage in self._closed)
        criteria = [f"Stage not in ({stages})", f"Created_Time <= '{as_of}T23:59:59+00:00'"]
        fields = [*self._deal_fields(), "Created_Time"]
        records = self._rows("Deals", fields, criteria, incremental=False)
        return pipeline(
            ((_owner_id(r), self._currency_of(r), _amount(r.get("Amount"))) for r in records), as_of
        )

    # Paging

    def _deal_fields(self) -> list[str]:
        fields = ["id", "Owner", "Amount", "Closing_Date", "Stage", "Modified_Time"]
        return fields + ([self._currency_field] if self._currency_field else [])

    def _currency_of(self, record: dict[str, Any]) -> str:
        value = record.get(self._currency_field) if self._currency_field else None
        return str(value or self._currency)

    def _rows(
        self, module: str, fields: Sequence[str], criteria: Sequence[str], *, incremental: bool = True
    ) -> Iterator[dict[str, Any]]:
        """Every matching record, by id: LIMIT/OFFSET pages, then `id > last` past the offset limit."""
        base = list(criteria)
        if incremental and self._since is not None:
            base.append(f"Modified_Time >= '{self._since.isoformat(timespec='seconds')}'")
        offset, after = 0, ""
        while True:
            keyset = [f"id > {after}"] if after else []
            query = (  # COQL, not SQL: every value in it is ours, a date, or a record id checked numeric
                f"select {', '.join(fields)} from {module} where {where([*base, *keyset])}"  # noqa: S608
                f" order by id asc limit {self._page} offset {offset}"
            )
            body = self._backoff.run(
                partial(self._request, "POST", "/crm/v8/coql", json={"select_query": query})
            )
            records = body.get("data", [])
            for record in records:
                if incremental:  # the cursor moves on what the incremental reads saw, nothing else
                    self._note_modified(record)
                yield record
            if not records or not body.get("info", {}).get("more_records"):
                return
            if after or offset + 2 * self._page > self._offset_limit:
                offset, after = 0, _record_id(records[-1])
            else:
                offset += self._page

    def _note_modified(self, record: dict[str, Any]) -> None:
        stamp = record.get("Modified_Time")
        if isinstance(stamp, str):
            moment = datetime.fromisoformat(stamp)
            if self.high_water is None or moment > self.high_water:
                self.high_water = moment

    # One call

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """One API call with the cached access token; a rejected token is renewed once."""
        for attempt in (1, 2):
            token = self._tokens.get()
            response = self._send(method, path, token, **kwargs)
            if response.status_code == 401 and _code(response) in TOKEN_CODES and attempt == 1:
                self._tokens.invalidate(token)
                continue
            return _body(response)
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _send(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        self.calls += 1
        headers = {"Authorization": f"Zoho-oauthtoken {token}"}
        try:
            return self._http.request(method, f"{self._api}{path}", headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise ConnectorError(f"Zoho unreachable ({type(error).__name__})") from None


def _code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("code", "")).upper() if isinstance(body, dict) else ""


def _credits_left(response: httpx.Response) -> int | None:
    """The credits the window has left, when the response says (`CREDITS_HEADER`)."""
    try:
        return int(response.headers.get(CREDITS_HEADER, "").strip()[:18])
    except ValueError:
        return None


def _body(response: httpx.Response) -> dict[str, Any]:
    """The JSON of a good answer (204: no rows), else the typed error."""
    if response.status_code == 204:
        return {}
    code = _code(response)
    if response.status_code == 429:
        asked = response.headers.get("Retry-After")
        left = _credits_left(response)
        if left is not None and left <= 0:
            raise CreditsExhausted(
                "Zoho: the API credits of the last 24 hours are used up",
                retry_after_seconds(asked, CREDITS_WAIT),
            )
        raise RateLimited(f"Zoho: too many requests ({code[:40]})", retry_after_seconds(asked, BUSY_WAIT))
    if response.status_code == 401:
        raise AuthExpired(f"Zoho refused the access token ({code[:40]})")
    if response.status_code == 403:
        raise Refused(f"Zoho: the connected user may not read this ({code[:40]})")
    if response.status_code >= 400:
        raise ConnectorError(f"Zoho answered {response.status_code} ({code[:40]})")
    try:
        body = json.loads(response.content, parse_float=Decimal)  # amounts exactly as sent
    except ValueError:
        raise ConnectorError("Zoho answered with something other than JSON") from None
    if not isinstance(body, dict):
        raise ConnectorError("Zoho answered with something other than a JSON object")
    return body
