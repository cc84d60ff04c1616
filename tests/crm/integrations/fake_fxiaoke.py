"""The Fxiaoke side of the fake CRM: `/cgi/corpAccessToken/get/V2`, `/cgi/user/list`,
`/cgi/crm/v2/data/query`. Every reply is HTTP 200 with an `errorCode` (0: fine), as the OpenAPI does;
`limit` at most 100, `offset` a multiple of it and at most 10,000 (else errorCode 10013)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.crm.integrations.fake_book import (
    FX_OFFSET_LIMIT,
    FX_PAGE_MAX,
    FX_STATUS,
    Account,
    Deal,
    FakeState,
    _day_ms,
    _ms,
    scan,
)

Reply = tuple[int, dict[str, Any] | None, dict[str, str]]


def _ok(**body: Any) -> Reply:
    return 200, {"errorCode": 0, "errorMessage": "OK", "errorDescription": "success", **body}, {}


def _fail(code: int, message: str) -> Reply:
    return 200, {"errorCode": code, "errorMessage": message, "errorDescription": message}, {}


def fx_id(n: int) -> str:
    return f"{n:024x}"


def deal_record(deal: Deal, *, old: bool) -> dict[str, Any]:
    amount, closed, status = (
        ("expected_deal_amount", "expected_deal_closed_date", "status")
        if old
        else ("amount", "close_date", "sales_status")
    )
    return {
        "_id": fx_id(deal.n),
        "owner": [deal.owner.open_user_id],
        amount: str(deal.amount),
        closed: _day_ms(deal.closed_on),
        status: FX_STATUS[deal.stage],
        "mc_currency": deal.currency,
        "create_time": _ms(deal.created),
        "last_modified_time": _ms(deal.modified),
    }


def account_record(account: Account) -> dict[str, Any]:
    return {
        "_id": fx_id(account.n),
        "owner": [account.owner.open_user_id],
        "create_time": _ms(account.created),
        "last_modified_time": _ms(account.modified),
    }


def _token(state: FakeState, body: dict[str, Any]) -> Reply:
    state.token_calls += 1
    wanted = (state.app_id, state.app_secret, state.permanent_code)
    if (body.get("appId"), body.get("appSecret"), body.get("permanentCode")) != wanted:
        return _fail(20006, "appId or appSecret is wrong")
    return _ok(corpAccessToken=state.new_access_token(), corpId="FSCID_PACER", expiresIn=7200)


OPERATORS: dict[str, Callable[[Any, list[Any]], bool]] = {
    "EQ": lambda value, given: value == given[0],
    "GT": lambda value, given: value > given[0],
    "GTE": lambda value, given: value >= given[0],
    "LT": lambda value, given: value < given[0],
    "LTE": lambda value, given: value <= given[0],
    "BETWEEN": lambda value, given: given[0] <= value <= given[1],
    "IN": lambda value, given: value in given,
}


def _predicate(
    filters: list[dict[str, Any]], sample: dict[str, Any] | None
) -> Callable[[dict[str, Any]], bool]:
    """One test of a record against every filter: numbers compare as numbers (times are epoch ms)."""
    tests: list[Callable[[dict[str, Any]], bool]] = []
    for f in filters:
        name, compare = f["field_name"], OPERATORS[f["operator"]]
        numeric = sample is not None and isinstance(sample.get(name), int)
        given = [int(v) if numeric else str(v) for v in f["field_values"]]
        if name == "owner":
            tests.append(lambda r, c=compare, g=given: c(r["owner"][0], g))
        else:
            tests.append(lambda r, c=compare, g=given, n=name: c(r.get(n), g))
    return lambda record: all(test(record) for test in tests)


def _query(state: FakeState, body: dict[str, Any]) -> Reply:
    data = body.get("data", {})
    state.queries.append(str(data))
    name, info = data.get("dataObjectApiName"), data.get("search_query_info", {})
    limit, offset = int(info.get("limit", 0)), int(info.get("offset", 0))
    if limit < 1 or limit > FX_PAGE_MAX or offset % limit:
        return _fail(10001, "limit must be 1..100 and offset a multiple of it")
    if offset > FX_OFFSET_LIMIT:
        return _fail(10013, "offset out of range 10000")
    old = state.knobs.old_opportunity_object
    if name in ("NewOpportunityObj", "OpportunityObj"):
        if (name == "OpportunityObj") != old:
            return _fail(20002, f"object {name} does not exist or is not enabled")
        rendered = state.rendered(f"fx:{name}", state.book.deals, lambda row: deal_record(row, old=old))
    elif name == "AccountObj":
        rendered = state.rendered("fx:AccountObj", state.book.accounts, account_record)
    else:
        return _fail(20002, "object does not exist")
    filters = info.get("filters", [])
    after = next((int(f["field_values"][0], 16) for f in filters if f["field_name"] == "_id"), None)
    others = [f for f in filters if f["field_name"] != "_id"]
    match = _predicate(others, rendered[0][0] if rendered[0] else None)
    page, _ = scan(state, f"fx:{name}:{others}", rendered, match, after, offset, limit)
    fields = set(info.get("fieldProjection") or [])
    listed = [{k: v for k, v in record.items() if not fields or k in fields} for record in page]
    return _ok(data={"dataList": listed, "offset": offset, "limit": limit, "total": 0})


def fxiaoke_route(state: FakeState, path: str, body: dict[str, Any]) -> Reply:
    if path == "/cgi/corpAccessToken/get/V2":
        return _token(state, body)
    if body.get("corpAccessToken") not in state.access_tokens:
        return _fail(state.knobs.fx_token_expired_code, "corpAccessToken expired")
    if state.throttled():
        return _fail(state.knobs.fx_rate_code, "calls to this interface are over the limit")
    if path == "/cgi/user/list":
        users = [
            {"openUserId": p.open_user_id, "name": p.name, "email": p.email, "isStop": False}
            for p in state.book.owners
        ]
        return _ok(userList=users)
    if path == "/cgi/crm/v2/data/query":
        return _query(state, body)
    return _fail(10004, "no such interface")
