"""The Zoho side of the fake CRM: `GET /oauth/v2/auth` (the consent page: it consents at once and
redirects to the client's redirect URI with a code, the state, `location` and `accounts-server`, as the
multi-DC flow does), `/oauth/v2/token`, `GET /crm/v8/users`, `POST /crm/v8/coql`.

Shapes as documented (https://www.zoho.com/crm/developer/docs/api/v8/COQL-Overview.html, …/get-users.html,
…/access-refresh.html): `{"data": [...], "info": {"count", "more_records"}}`, 204 when nothing matches,
401 INVALID_TOKEN, 429 with Retry-After, 429 with no credits left (X-API-CREDITS-REMAINING: 0), LIMIT/OFFSET
up to 100,000 rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from tests.crm.integrations.fake_book import (
    ZOHO_ID_BASE,
    ZOHO_OFFSET_LIMIT,
    ZOHO_PAGE_MAX,
    Account,
    Deal,
    FakeState,
    criteria_iter,
    scan,
)

Reply = tuple[int, dict[str, Any] | None, dict[str, str]]
QUERY = re.compile(
    r"^select (?P<fields>.+?) from (?P<module>\w+) where (?P<where>.+) order by id asc"
    r" limit (?P<limit>\d+) offset (?P<offset>\d+)$"
)


def _iso(moment: Any) -> str:
    return str(moment.isoformat(timespec="seconds"))


def deal_record(deal: Deal) -> dict[str, Any]:
    return {
        "id": str(ZOHO_ID_BASE + deal.n),
        "Owner": {"id": deal.owner.zoho_id},
        "Amount": float(deal.amount),
        "Currency": deal.currency,
        "Stage": deal.stage,
        "Closing_Date": deal.closed_on.isoformat(),
        "Created_Time": _iso(deal.created),
        "Modified_Time": _iso(deal.modified),
    }


def account_record(account: Account) -> dict[str, Any]:
    return {
        "id": str(ZOHO_ID_BASE + account.n),
        "Owner": {"id": account.owner.zoho_id},
        "Created_Time": _iso(account.created),
        "Modified_Time": _iso(account.modified),
    }


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return status, {"code": code, "details": {}, "message": message, "status": "error"}, headers or {}


def _token(state: FakeState, form: dict[str, str], base: str) -> Reply:
    state.token_calls += 1
    if form.get("client_id") != state.client_id or form.get("client_secret") != state.client_secret:
        return 200, {"error": "invalid_client"}, {}
    lifetime = state.knobs.token_lifetime
    if form.get("grant_type") == "authorization_code":
        if form.get("code") not in state.codes:
            return 200, {"error": "invalid_code"}, {}
        state.codes.discard(form["code"])
        refresh = "1000.refresh." + form["code"][5:]
        state.refresh_tokens.add(refresh)
        body = {
            "access_token": state.new_access_token(),
            "refresh_token": refresh,
            "api_domain": base,
            "token_type": "Bearer",
            "expires_in": lifetime,
        }
        return 200, body, {}
    if form.get("grant_type") == "refresh_token" and form.get("refresh_token") in state.refresh_tokens:
        body = {
            "access_token": state.new_access_token(),
            "api_domain": base,
            "token_type": "Bearer",
            "expires_in": lifetime,
        }
        return 200, body, {}
    return 200, {"error": "invalid_code"}, {}


def _authorize(state: FakeState, query: dict[str, str], base: str) -> Reply:
    if query.get("client_id") != state.client_id or query.get("response_type") != "code":
        return 400, {"error": "invalid_client"}, {}
    if query.get("access_type") != "offline" or not query.get("redirect_uri"):
        return 400, {"error": "invalid_request"}, {}
    answer = {
        "code": state.grant_code(),
        "state": query.get("state", ""),
        "location": state.location,
        "accounts-server": base,
    }
    return 302, None, {"Location": f"{query['redirect_uri']}?{urlencode(answer)}"}


OPERATORS: dict[str, Callable[[Any, list[Any]], bool]] = {
    "=": lambda value, given: value == given[0],
    ">": lambda value, given: value > given[0],
    "<": lambda value, given: value < given[0],
    ">=": lambda value, given: value >= given[0],
    "<=": lambda value, given: value <= given[0],
    "between": lambda value, given: given[0] <= value <= given[1],
    "not in": lambda value, given: value not in given,
}


def _predicate(criteria: list[tuple[str, str, list[str]]]) -> Callable[[dict[str, Any]], bool]:
    """One test of a record against every criterion (made once per query)."""
    tests: list[Callable[[dict[str, Any]], bool]] = []
    for name, op, values in criteria:
        compare = OPERATORS[op]
        if name == "id":
            given = [int(v) for v in values]
            tests.append(lambda r, c=compare, g=given: c(int(r["id"]), g))
        elif name == "Owner":
            tests.append(lambda r, c=compare, g=values: c(r["Owner"]["id"], g))
        else:
            tests.append(lambda r, c=compare, g=values, n=name: c(str(r.get(n)), g))
    return lambda record: all(test(record) for test in tests)


def _coql(state: FakeState, payload: dict[str, Any]) -> Reply:
    text = str(payload.get("select_query", ""))
    state.queries.append(text)
    m = QUERY.match(text)
    if m is None:
        return _error(400, "SYNTAX_ERROR", "the fake understands the connector's queries only")
    limit, offset = int(m["limit"]), int(m["offset"])
    if limit > ZOHO_PAGE_MAX or offset + limit > ZOHO_OFFSET_LIMIT:
        return _error(400, "LIMIT_OUT_OF_RANGE", "limit/offset beyond what COQL allows")
    criteria = list(criteria_iter(m["where"]))
    after = next((int(v[0]) - ZOHO_ID_BASE for f, op, v in criteria if f == "id" and op == ">"), None)
    module = m["module"]
    rows, render = (
        (state.book.deals, deal_record) if module == "Deals" else (state.book.accounts, account_record)
    )
    rendered = state.rendered(f"zoho:{module}", rows, render)
    others = [c for c in criteria if c[0] != "id"]
    page, more = scan(state, f"zoho:{module}:{others}", rendered, _predicate(others), after, offset, limit)
    if not page:
        return 204, None, {}
    fields = [f.strip() for f in m["fields"].split(",")]
    data = [{k: v for k, v in record.items() if k in fields} for record in page]
    return 200, {"data": data, "info": {"count": len(data), "more_records": more}}, {}


def _users(state: FakeState, query: dict[str, str]) -> Reply:
    page, per_page = int(query.get("page", "1")), int(query.get("per_page", "200"))
    people = state.book.owners[(page - 1) * per_page : page * per_page]
    users = [{"id": p.zoho_id, "full_name": p.name, "email": p.email, "status": "active"} for p in people]
    more = page * per_page < len(state.book.owners)
    return (
        200,
        {
            "users": users,
            "info": {"per_page": per_page, "count": len(users), "page": page, "more_records": more},
        },
        {},
    )


def zoho_route(
    state: FakeState,
    method: str,
    path: str,
    query: dict[str, str],
    form: dict[str, str],
    payload: dict[str, Any],
    authorization: str,
    base: str = "",
) -> Reply:
    if path == "/oauth/v2/token" and method == "POST":
        return _token(state, form, base)
    if path == "/oauth/v2/auth" and method == "GET":
        return _authorize(state, query, base)
    if (
        not authorization.startswith("Zoho-oauthtoken ")
        or authorization.split(" ", 1)[1] not in state.access_tokens
    ):
        return _error(401, "INVALID_TOKEN", "invalid oauth token")
    if state.knobs.credits_exhausted:
        message = "Number of API requests for the 24 hour period is exceeded"
        return _error(429, "TOO_MANY_REQUESTS", message, {"X-API-CREDITS-REMAINING": "0"})
    if state.throttled():
        return _error(429, "TOO_MANY_REQUESTS", "too many requests", {"Retry-After": state.knobs.retry_after})
    if path == "/crm/v8/users" and method == "GET":
        return _users(state, query)
    if path == "/crm/v8/coql" and method == "POST":
        return _coql(state, payload)
    return _error(404, "INVALID_URL_PATTERN", "no such path")
