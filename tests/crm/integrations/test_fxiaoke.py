"""Fxiaoke contract tests (respx, no network): corpAccessToken cached single-flight and renewed on a
token errorCode, errors as HTTP 200 with an errorCode (each documented code answered as documented: renew
once, back off, wait for the day, or stop for an admin), paging by `_id` past the offset limit, the rate
limit, and the old opportunity object."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
import respx
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm.actuals import record_rows
from bot.crm.integrations.base import (
    AuthExpired,
    Backoff,
    ConnectorError,
    CreditsExhausted,
    Limiter,
    RateLimited,
    Refused,
    UnknownHost,
)
from bot.crm.integrations.fxiaoke import OLD_OPPORTUNITY, FxiaokeConnector, FxiaokeCredentials
from bot.crm.integrations.fxiaoke.client import until_midnight
from bot.crm.models import Actual, PipelineSnapshot
from bot.secrets import Secret
from tests.crm.integrations import recorded
from tests.crm.support import NOW, reps
from tests.factories import TEAM

CLOUD = "https://open.fxiaoke.com"
NOV_30 = date(2026, 11, 30)
TOKEN_URL = f"{CLOUD}/cgi/corpAccessToken/get/V2"
QUERY_URL = f"{CLOUD}/cgi/crm/v2/data/query"
CREDENTIALS = FxiaokeCredentials(
    "FSAID_131a2b3", Secret("app-secret"), Secret("permanent-code"), "FSUID_ADMIN"
)


def _connector(**kwargs: object) -> FxiaokeConnector:
    kwargs.setdefault("backoff", Backoff(sleep=lambda _: None))
    return FxiaokeConnector(httpx.Client(), CLOUD, CREDENTIALS, **kwargs)  # type: ignore[arg-type]


def _bodies(route: respx.Route) -> list[dict[str, object]]:
    return [json.loads(call.request.content) for call in route.calls]


def test_only_the_documented_clouds_are_used() -> None:
    with pytest.raises(UnknownHost):
        FxiaokeConnector(httpx.Client(), "https://open.fxiaoke.com.evil.example", CREDENTIALS)
    FxiaokeConnector(httpx.Client(), "https://open-hws.fxiaoke.com/", CREDENTIALS)


@respx.mock
def test_the_token_is_fetched_once_with_the_app_credentials_and_reused(respx_mock: respx.MockRouter) -> None:
    token = respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    query = respx_mock.post(QUERY_URL).respond(200, json=recorded.fx_page([recorded.fx_account(1)]))
    connector = _connector()
    connector.new_accounts(date(2026, 11, 1), date(2026, 11, 30))
    connector.new_accounts(date(2026, 11, 1), date(2026, 11, 30))
    assert token.call_count == 1
    assert _bodies(token)[0] == {
        "appId": "FSAID_131a2b3",
        "appSecret": "app-secret",
        "permanentCode": "permanent-code",
    }
    sent = _bodies(query)[0]
    assert sent["corpAccessToken"] == recorded.FX_TOKEN["corpAccessToken"]
    assert sent["corpId"] == recorded.FX_TOKEN["corpId"] and sent["currentOpenUserId"] == "FSUID_ADMIN"


@respx.mock
def test_concurrent_reads_never_call_the_token_endpoint_at_the_same_time(
    respx_mock: respx.MockRouter,
) -> None:
    token = respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    respx_mock.post(QUERY_URL).respond(200, json=recorded.fx_page([recorded.fx_account(1)]))
    connector = _connector()
    threads = [
        threading.Thread(target=connector.new_accounts, args=(date(2026, 11, 1), date(2026, 11, 2)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert token.call_count == 1


@pytest.mark.parametrize("code", [20016, 20005, 11014])
@respx.mock
def test_a_token_error_code_renews_the_token_and_repeats_the_call(
    respx_mock: respx.MockRouter, code: int
) -> None:
    fresh = {**recorded.FX_TOKEN, "corpAccessToken": "FRESH"}
    token = respx_mock.post(TOKEN_URL).mock(
        side_effect=[httpx.Response(200, json=recorded.FX_TOKEN), httpx.Response(200, json=fresh)]
    )
    query = respx_mock.post(QUERY_URL).mock(
        side_effect=[
            httpx.Response(200, json={**recorded.FX_TOKEN_EXPIRED, "errorCode": code}),
            httpx.Response(200, json=recorded.fx_page([recorded.fx_account(1)])),
        ]
    )
    accounts = _connector().new_accounts(date(2026, 11, 1), date(2026, 11, 30))
    assert len(accounts) == 1 and token.call_count == 2
    assert _bodies(query)[1]["corpAccessToken"] == "FRESH"


@respx.mock
def test_a_token_refused_again_after_the_renewal_is_auth_expired(respx_mock: respx.MockRouter) -> None:
    token = respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    query = respx_mock.post(QUERY_URL).respond(200, json=recorded.FX_TOKEN_EXPIRED)
    with pytest.raises(AuthExpired, match="20016"):
        _connector().new_accounts(date(2026, 11, 1), date(2026, 11, 30))
    assert token.call_count == 2 and query.call_count == 2


@pytest.mark.parametrize("code", [20006, 20015, 11013, 10012, 20012])
@respx.mock
def test_wrong_app_credentials_are_auth_expired_without_the_secret(
    respx_mock: respx.MockRouter, code: int
) -> None:
    token = respx_mock.post(TOKEN_URL).respond(200, json={"errorCode": code, "errorMessage": "wrong"})
    with pytest.raises(AuthExpired) as caught:
        _connector().list_owners()
    assert "app-secret" not in str(caught.value) and "permanent-code" not in str(caught.value)
    assert token.call_count == 1


@pytest.mark.parametrize("code", [15003, 20014, 20020, 20021, 20022, 20023, 30003])
@respx.mock
def test_what_only_an_admin_can_fix_stops_the_read_at_once(respx_mock: respx.MockRouter, code: int) -> None:
    respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    query = respx_mock.post(QUERY_URL).respond(200, json={"errorCode": code, "errorMessage": "no"})
    slept: list[float] = []
    with pytest.raises(Refused, match=str(code)) as caught:
        _connector(backoff=Backoff(sleep=slept.append)).new_accounts(date(2026, 11, 1), date(2026, 11, 30))
    assert not isinstance(caught.value, AuthExpired) and query.call_count == 1 and slept == []


@respx.mock
def test_the_days_calls_used_up_wait_for_midnight_in_china(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    query = respx_mock.post(QUERY_URL).respond(200, json={"errorCode": 30002, "errorMessage": "quota"})
    slept: list[float] = []
    with pytest.raises(CreditsExhausted) as caught:
        _connector(backoff=Backoff(sleep=slept.append)).new_accounts(date(2026, 11, 1), date(2026, 11, 30))
    assert 0 < caught.value.retry_after <= 24 * 3600 and query.call_count == 1 and slept == []


def test_midnight_is_counted_in_china_standard_time() -> None:
    assert until_midnight(datetime(2026, 12, 1, 15, 0, tzinfo=UTC)) == 3600  # 23:00 in Beijing
    assert until_midnight(datetime(2026, 12, 1, 16, 0, tzinfo=UTC)) == 24 * 3600  # midnight just struck


@pytest.mark.parametrize("code", [-1, -2, 50009, 20037, 10016, 99999])
@respx.mock
def test_an_unknown_or_server_error_code_is_left_to_the_syncs_backoff(
    respx_mock: respx.MockRouter, code: int
) -> None:
    """Neither a refusal (no admin needed, nothing to connect again) nor retried within the read."""
    token = respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    query = respx_mock.post(QUERY_URL).respond(200, json={"errorCode": code, "errorMessage": "busy"})
    slept: list[float] = []
    with pytest.raises(ConnectorError, match=str(code)) as caught:
        _connector(backoff=Backoff(sleep=slept.append)).new_accounts(date(2026, 11, 1), date(2026, 11, 30))
    assert not isinstance(caught.value, (Refused, RateLimited))
    assert query.call_count == 1 and token.call_count == 1 and slept == []


@pytest.mark.parametrize(
    ("code", "kind"), [(14001, RateLimited), (-1, ConnectorError), (20037, ConnectorError)]
)
@respx.mock
def test_the_token_endpoint_refuses_only_for_the_credentials(
    respx_mock: respx.MockRouter, code: int, kind: type[ConnectorError]
) -> None:
    """Being busy or limited is not a refusal: no "connect again" for it."""
    respx_mock.post(TOKEN_URL).respond(200, json={"errorCode": code, "errorMessage": "later"})
    with pytest.raises(kind) as caught:
        _connector(backoff=Backoff(attempts=1)).list_owners()
    assert not isinstance(caught.value, Refused)


@respx.mock
def test_an_error_code_in_an_http_200_reply_is_an_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    respx_mock.post(QUERY_URL).respond(200, json={"errorCode": 10001, "errorMessage": "bad filter"})
    with pytest.raises(ConnectorError, match="10001"):
        _connector().new_accounts(date(2026, 11, 1), date(2026, 11, 30))


@respx.mock
def test_paging_switches_to_id_before_the_offset_limit(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    full = [[recorded.fx_account(p * 100 + i) for i in range(100)] for p in range(3)]
    pages = [*full, [recorded.fx_account(300)]]
    query = respx_mock.post(QUERY_URL).mock(
        side_effect=[httpx.Response(200, json=recorded.fx_page(p)) for p in pages]
    )
    accounts = _connector(offset_limit=200).new_accounts(date(2026, 11, 1), date(2026, 11, 30))
    assert len(accounts) == 301
    infos = [b["data"]["search_query_info"] for b in _bodies(query)]  # type: ignore[index]
    assert [i["offset"] for i in infos] == [0, 100, 0, 0]
    assert {"field_name": "_id", "operator": "GT", "field_values": [f"{199:024x}"]} in infos[2]["filters"]
    assert {"field_name": "_id", "operator": "GT", "field_values": [f"{299:024x}"]} in infos[3]["filters"]
    assert all(i["limit"] == 100 and i["orders"] == [{"fieldName": "_id", "isAsc": True}] for i in infos)


@respx.mock
def test_the_documented_offset_limit_is_never_crossed(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    page = recorded.fx_page([recorded.fx_account(i) for i in range(100)])
    query = respx_mock.post(QUERY_URL).mock(
        side_effect=[httpx.Response(200, json=page)] * 120 + [httpx.Response(200, json=recorded.fx_page([]))]
    )
    limiter = Limiter(10_000, 20.0)
    _connector(limiters={"/cgi/crm/v2/data/query": limiter}).new_accounts(
        date(2026, 11, 1), date(2026, 11, 30)
    )
    offsets = [b["data"]["search_query_info"]["offset"] for b in _bodies(query)]  # type: ignore[index]
    assert max(offsets) <= 10_000 - 100


@pytest.mark.parametrize("code", [14001, 30004])
@respx.mock
def test_a_rate_error_code_backs_off_then_succeeds(respx_mock: respx.MockRouter, code: int) -> None:
    respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    respx_mock.post(QUERY_URL).mock(
        side_effect=[
            httpx.Response(200, json={"errorCode": code, "errorMessage": "over the limit"}),
            httpx.Response(200, json=recorded.fx_page([recorded.fx_account(1)])),
        ]
    )
    slept: list[float] = []
    accounts = _connector(backoff=Backoff(sleep=slept.append)).new_accounts(
        date(2026, 11, 1), date(2026, 11, 30)
    )
    assert len(accounts) == 1 and len(slept) == 1 and slept[0] >= 20


@respx.mock
def test_http_429_is_rate_limited(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    respx_mock.post(QUERY_URL).respond(429)
    with pytest.raises(RateLimited):
        _connector(backoff=Backoff(attempts=1)).new_accounts(date(2026, 11, 1), date(2026, 11, 30))


def test_the_limiter_paces_each_endpoint_to_sixty_calls_in_twenty_seconds() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with respx.mock() as mock:
        mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
        mock.post(QUERY_URL).respond(200, json=recorded.fx_page([recorded.fx_account(1)]))
        limiter = Limiter(60, 20.0, clock=lambda: now[0], sleep=sleep)
        connector = _connector(limiters={"/cgi/crm/v2/data/query": limiter})
        for _ in range(61):
            connector.new_accounts(date(2026, 11, 1), date(2026, 11, 2))
    assert sum(slept) == pytest.approx(20.0)


@respx.mock
def test_a_tenant_on_the_old_opportunity_object_is_detected(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)

    def answer(request: httpx.Request) -> httpx.Response:
        name = json.loads(request.content)["data"]["dataObjectApiName"]
        if name == "NewOpportunityObj":
            return httpx.Response(200, json={"errorCode": 20002, "errorMessage": "object not enabled"})
        deal = {
            "_id": "a1",
            "owner": ["FSUID_1"],
            "expected_deal_amount": "880.50",
            "expected_deal_closed_date": 1795996800000,
            "status": "2",
        }
        return httpx.Response(200, json=recorded.fx_page([deal]))

    respx_mock.post(QUERY_URL).mock(side_effect=answer)
    connector = _connector()
    deals = connector.closed_deals(date(2026, 11, 1), date(2026, 11, 30))
    assert connector.opportunity() == OLD_OPPORTUNITY
    assert [(d.amount, d.currency, d.closed_on) for d in deals] == [
        (Decimal("880.50"), "CNY", date(2026, 11, 30))
    ]


@respx.mock
def test_a_deal_whose_amount_no_column_holds_is_skipped_and_counted(
    respx_mock: respx.MockRouter, session: Session
) -> None:
    """Fxiaoke sends amounts as text: "NaN", "Infinity", "1e16" or words are skipped and counted when
    recorded, never failing the read or the batch; the good deal is recorded."""
    ana, _ = reps(session)
    respx_mock.post(TOKEN_URL).respond(200, json=recorded.FX_TOKEN)
    amounts = ["880.50", "NaN", "Infinity", "-Infinity", "1e16", "about 900"]
    deals = [
        {
            "_id": f"d{n}",
            "owner": ["FSUID_1"],
            "amount": amount,
            "close_date": 1795996800000,
            "sales_status": "2",
        }
        for n, amount in enumerate(amounts)
    ]
    respx_mock.post(QUERY_URL).respond(200, json=recorded.fx_page(deals))
    connector = _connector()
    rows = [*connector.closed_deals(date(2026, 11, 1), date(2026, 11, 30)), *connector.open_pipeline(NOV_30)]
    for _ in range(2):
        done = record_rows(session, TEAM, "fxiaoke", {"FSUID_1": ana.id}, rows, now=NOW)
        assert done.skipped == 2 * (len(amounts) - 1)  # as closed deals, and as open ones (same page)
    stored = session.scalars(select(Actual.amount).where(Actual.metric == "revenue")).all()
    assert [Decimal(str(a)) for a in stored] == [Decimal("880.50")]
    pipeline = session.scalars(select(PipelineSnapshot)).one()
    assert (Decimal(str(pipeline.amount)), pipeline.deals) == (Decimal("880.50"), 1)
