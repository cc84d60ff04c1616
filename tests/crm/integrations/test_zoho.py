"""Zoho CRM contract tests (respx, no network): data-centre selection, token exchange and refresh,
COQL paging past the offset limit, and each documented error answered as documented: a token code renews
the token once, a 401 or 403 otherwise stops for an admin, a 429 backs off, used-up credits wait."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

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
    RateLimited,
    Refused,
    TokenCache,
    UnknownHost,
)
from bot.crm.integrations.zoho import ZohoClientApp, ZohoConnector, ZohoOAuth, data_centre
from bot.crm.models import Actual, PipelineSnapshot
from bot.secrets import Secret
from tests.crm.integrations import recorded
from tests.crm.support import NOW, reps
from tests.factories import TEAM

EU_API = "https://www.zohoapis.eu"
OWNER, NOV_30 = "5725767000000411001", date(2026, 11, 30)
APP = ZohoClientApp(
    "1000.GMB0YULZHJK411248S8I5GZ4CHUEX0", Secret("zoho-client-secret"), "https://pacer.example/zoho"
)


def _connector(http: httpx.Client, tokens: TokenCache, **kwargs: object) -> ZohoConnector:
    return ZohoConnector(http, tokens, EU_API, backoff=Backoff(sleep=lambda _: None), **kwargs)  # type: ignore[arg-type]


def _queries(route: respx.Route) -> list[str]:
    return [json.loads(call.request.content)["select_query"] for call in route.calls]


@pytest.mark.parametrize(
    ("location", "accounts"),
    [
        ("us", "https://accounts.zoho.com"),
        ("eu", "https://accounts.zoho.eu"),
        ("in", "https://accounts.zoho.in"),
        ("au", "https://accounts.zoho.com.au"),
        ("jp", "https://accounts.zoho.jp"),
        ("cn", "https://accounts.zoho.com.cn"),
        ("ca", "https://accounts.zohocloud.ca"),
        ("sa", "https://accounts.zoho.sa"),
    ],
)
def test_the_callbacks_data_centre_picks_the_accounts_server(location: str, accounts: str) -> None:
    assert data_centre(location, accounts).accounts == accounts
    assert data_centre(location.upper(), None).accounts == accounts


@pytest.mark.parametrize(
    ("location", "accounts"),
    [
        ("xx", None),
        ("eu", "https://accounts.zoho.com"),
        ("eu", "https://accounts.zoho.eu.evil.example"),
        ("us", "http://127.0.0.1:8080"),
    ],
)
def test_unknown_data_centres_and_foreign_hosts_are_refused(location: str, accounts: str | None) -> None:
    with pytest.raises(UnknownHost):
        data_centre(location, accounts)


@respx.mock(assert_all_called=True)
def test_the_code_is_exchanged_at_the_callbacks_data_centre(respx_mock: respx.MockRouter) -> None:
    token = respx_mock.post("https://accounts.zoho.eu/oauth/v2/token").respond(200, json=recorded.ZOHO_TOKEN)
    oauth = ZohoOAuth(APP, httpx.Client())
    grant = oauth.exchange("1000.86a03ca5dbfccb", "eu", "https://accounts.zoho.eu")
    form = parse_qs(token.calls.last.request.content.decode())
    assert form["grant_type"] == ["authorization_code"] and form["code"] == ["1000.86a03ca5dbfccb"]
    assert grant.api_domain == EU_API and grant.location == "eu"
    assert grant.refresh_token.reveal() == recorded.ZOHO_TOKEN["refresh_token"]
    assert recorded.ZOHO_TOKEN["refresh_token"] not in repr(grant)


@respx.mock
def test_an_api_domain_off_the_list_is_refused(respx_mock: respx.MockRouter) -> None:
    evil = {**recorded.ZOHO_TOKEN, "api_domain": "https://zohoapis.evil.example"}
    respx_mock.post("https://accounts.zoho.eu/oauth/v2/token").respond(200, json=evil)
    with pytest.raises(UnknownHost):
        ZohoOAuth(APP, httpx.Client()).exchange("code", "eu", None)


@respx.mock
def test_a_refused_code_is_auth_expired_even_with_http_200(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("https://accounts.zoho.com/oauth/v2/token").respond(200, json={"error": "invalid_code"})
    with pytest.raises(AuthExpired):
        ZohoOAuth(APP, httpx.Client()).exchange("stale", "us", "https://accounts.zoho.com")


def test_the_authorization_url_asks_for_offline_access_at_the_data_centre() -> None:
    url = urlparse(ZohoOAuth(APP, httpx.Client()).authorize_url("state-123", location="in"))
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://accounts.zoho.in/oauth/v2/auth"
    assert query["access_type"] == ["offline"] and query["state"] == ["state-123"]
    assert "ZohoCRM.coql.READ" in query["scope"][0]


@pytest.mark.parametrize(
    "refused",
    [recorded.ZOHO_INVALID_TOKEN, recorded.ZOHO_INVALID_OAUTHTOKEN, recorded.ZOHO_AUTHENTICATION_FAILURE],
    ids=["INVALID_TOKEN", "invalid_oauthtoken", "AUTHENTICATION_FAILURE"],
)
@respx.mock
def test_a_rejected_access_token_is_refreshed_once_and_the_call_repeated(
    respx_mock: respx.MockRouter, refused: dict[str, object]
) -> None:
    refresh = respx_mock.post("https://accounts.zoho.eu/oauth/v2/token").respond(
        200, json=recorded.ZOHO_REFRESHED
    )
    coql = respx_mock.post(f"{EU_API}/crm/v8/coql").mock(
        side_effect=[
            httpx.Response(401, json=refused),
            httpx.Response(200, json=recorded.coql_page([recorded.zoho_deal(1)], more=False)),
        ]
    )
    oauth = ZohoOAuth(APP, httpx.Client())
    tokens = TokenCache(lambda: ("revoked-access-token", 3600.0))
    tokens.get()
    tokens._fetch = lambda: oauth.refresh(Secret(recorded.ZOHO_TOKEN["refresh_token"]), "eu")  # type: ignore[method-assign]
    deals = _connector(httpx.Client(), tokens).closed_deals(date(2026, 11, 1), date(2026, 11, 30))
    assert [d.amount for d in deals] == [Decimal("1250.5")]
    assert refresh.call_count == 1
    assert (
        coql.calls[1].request.headers["Authorization"]
        == f"Zoho-oauthtoken {recorded.ZOHO_REFRESHED['access_token']}"
    )
    assert parse_qs(refresh.calls.last.request.content.decode())["grant_type"] == ["refresh_token"]


@respx.mock
def test_a_token_refused_twice_is_auth_expired(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(f"{EU_API}/crm/v8/coql").respond(401, json=recorded.ZOHO_INVALID_TOKEN)
    with pytest.raises(AuthExpired):
        _connector(httpx.Client(), TokenCache(lambda: ("t", 3600.0))).closed_deals(
            date(2026, 11, 1), date(2026, 11, 30)
        )


@respx.mock
def test_coql_pages_by_offset_then_by_id_past_the_offset_limit(respx_mock: respx.MockRouter) -> None:
    pages = [[recorded.zoho_deal(n) for n in range(i * 2, i * 2 + 2)] for i in range(4)]
    coql = respx_mock.post(f"{EU_API}/crm/v8/coql").mock(
        side_effect=[httpx.Response(200, json=recorded.coql_page(p, more=i < 3)) for i, p in enumerate(pages)]
    )
    connector = _connector(httpx.Client(), TokenCache(lambda: ("t", 3600.0)), page=2, offset_limit=4)
    deals = connector.closed_deals(date(2026, 11, 1), date(2026, 11, 30))
    assert [d.external_id for d in deals] == [str(5725767000001000000 + n) for n in range(8)]
    queries = _queries(coql)
    assert queries[0].endswith("limit 2 offset 0") and queries[1].endswith("limit 2 offset 2")
    assert "id > 5725767000001000003" in queries[2] and queries[2].endswith("limit 2 offset 0")
    assert "id > 5725767000001000005" in queries[3]
    assert (
        "((Stage = 'Closed Won' and Closing_Date between '2026-11-01' and '2026-11-30') and id >"
        in queries[2]
    )


@respx.mock
def test_incremental_reads_ask_for_changes_since_the_cursor_and_move_it(respx_mock: respx.MockRouter) -> None:
    coql = respx_mock.post(f"{EU_API}/crm/v8/coql").respond(
        200, json=recorded.coql_page([recorded.zoho_deal(3), recorded.zoho_deal(7)], more=False)
    )
    since = datetime(2026, 11, 20, tzinfo=UTC)
    connector = _connector(httpx.Client(), TokenCache(lambda: ("t", 3600.0)), modified_since=since)
    connector.closed_deals(date(2026, 11, 1), date(2026, 11, 30))
    assert "Modified_Time >= '2026-11-20T00:00:00+00:00'" in _queries(coql)[0]
    assert connector.high_water == datetime.fromisoformat("2026-11-24T17:05:00+05:30")


@respx.mock
def test_no_content_is_no_rows(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(f"{EU_API}/crm/v8/coql").respond(204)
    connector = _connector(httpx.Client(), TokenCache(lambda: ("t", 3600.0)))
    assert connector.new_accounts(date(2026, 11, 1), date(2026, 11, 30)) == []


@respx.mock
def test_429_backs_off_as_long_as_retry_after_says(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(f"{EU_API}/crm/v8/coql").mock(
        side_effect=[
            httpx.Response(429, json=recorded.ZOHO_TOO_MANY, headers={"Retry-After": "9"}),
            httpx.Response(200, json=recorded.coql_page([recorded.zoho_deal(1)], more=False)),
        ]
    )
    slept: list[float] = []
    connector = ZohoConnector(
        httpx.Client(), TokenCache(lambda: ("t", 3600.0)), EU_API, backoff=Backoff(sleep=slept.append)
    )
    assert len(connector.closed_deals(date(2026, 11, 1), date(2026, 11, 30))) == 1
    assert len(slept) == 1 and slept[0] >= 9


@pytest.mark.parametrize(("headers", "wait"), [({}, 3600.0), ({"Retry-After": "7200"}, 7200.0)])
@respx.mock
def test_a_429_with_no_credits_left_stops_the_read_for_an_hour_or_as_asked(
    respx_mock: respx.MockRouter, headers: dict[str, str], wait: float
) -> None:
    """The credits of a rolling 24 hours come back as day-old calls age out: the sync looks again in an
    hour (or when Zoho says), never within the read."""
    route = respx_mock.post(f"{EU_API}/crm/v8/coql").respond(
        429, json=recorded.ZOHO_CREDITS, headers={"X-API-CREDITS-REMAINING": "0", **headers}
    )
    slept: list[float] = []
    connector = ZohoConnector(
        httpx.Client(), TokenCache(lambda: ("t", 3600.0)), EU_API, backoff=Backoff(sleep=slept.append)
    )
    with pytest.raises(CreditsExhausted) as caught:
        connector.closed_deals(date(2026, 11, 1), date(2026, 11, 30))
    assert caught.value.retry_after == wait and route.call_count == 1 and slept == []
    assert "credits" in str(caught.value)


@pytest.mark.parametrize("left", [None, "120", "lots"], ids=["no header", "credits left", "unreadable"])
@respx.mock
def test_a_429_that_does_not_say_the_credits_are_gone_is_backed_off_then_given_up(
    respx_mock: respx.MockRouter, left: str | None
) -> None:
    """TOO_MANY_REQUESTS is also the concurrency limit: backed off a few times, growing, then left to the
    sync's own backoff; never a tight loop, never mistaken for the day's credits."""
    headers = {"X-API-CREDITS-REMAINING": left} if left else {}
    route = respx_mock.post(f"{EU_API}/crm/v8/coql").respond(
        429, json=recorded.ZOHO_TOO_MANY, headers=headers
    )
    slept: list[float] = []
    connector = ZohoConnector(
        httpx.Client(),
        TokenCache(lambda: ("t", 3600.0)),
        EU_API,
        backoff=Backoff(sleep=slept.append, max_wait=120.0),
    )
    with pytest.raises(RateLimited) as caught:
        connector.closed_deals(date(2026, 11, 1), date(2026, 11, 30))
    assert not isinstance(caught.value, CreditsExhausted)
    assert route.call_count == 4 and len(slept) == 3 and all(wait >= 60 for wait in slept)


@respx.mock
def test_limit_exceeded_is_a_bad_request_not_used_up_credits(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{EU_API}/crm/v8/coql").respond(400, json=recorded.ZOHO_LIMIT_EXCEEDED)
    with pytest.raises(ConnectorError, match="LIMIT_EXCEEDED") as caught:
        _connector(httpx.Client(), TokenCache(lambda: ("t", 3600.0))).closed_deals(
            date(2026, 11, 1), date(2026, 11, 30)
        )
    assert not isinstance(caught.value, (RateLimited, Refused)) and route.call_count == 1


@respx.mock
def test_a_missing_scope_needs_a_new_connection_not_a_new_token(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{EU_API}/crm/v8/coql").respond(401, json=recorded.ZOHO_SCOPE_MISMATCH)
    tokens = TokenCache(lambda: ("t", 3600.0))
    with pytest.raises(AuthExpired, match="OAUTH_SCOPE_MISMATCH"):
        _connector(httpx.Client(), tokens).closed_deals(date(2026, 11, 1), date(2026, 11, 30))
    assert route.call_count == 1 and tokens.fetches == 1


@respx.mock
def test_no_permission_stops_for_an_admin_without_retrying(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{EU_API}/crm/v8/coql").respond(403, json=recorded.ZOHO_NO_PERMISSION)
    tokens = TokenCache(lambda: ("t", 3600.0))
    with pytest.raises(Refused, match="NO_PERMISSION") as caught:
        _connector(httpx.Client(), tokens).closed_deals(date(2026, 11, 1), date(2026, 11, 30))
    assert not isinstance(caught.value, AuthExpired)
    assert route.call_count == 1 and tokens.fetches == 1


@respx.mock
def test_too_many_token_requests_wait_out_zohos_ten_minute_block(respx_mock: respx.MockRouter) -> None:
    """Zoho blocks new access tokens for the rest of ten minutes: the read gives up at once (the sync
    tries again later) instead of asking again inside the block."""
    throttled = {
        "error": "Access Denied",
        "error_description": "You have made too many requests continuously",
    }
    token = respx_mock.post("https://accounts.zoho.eu/oauth/v2/token").respond(400, json=throttled)
    coql = respx_mock.post(f"{EU_API}/crm/v8/coql")
    oauth = ZohoOAuth(APP, httpx.Client())
    tokens = TokenCache(lambda: oauth.refresh(Secret(recorded.ZOHO_TOKEN["refresh_token"]), "eu"))
    slept: list[float] = []
    connector = ZohoConnector(httpx.Client(), tokens, EU_API, backoff=Backoff(sleep=slept.append))
    with pytest.raises(RateLimited) as caught:
        connector.closed_deals(date(2026, 11, 1), date(2026, 11, 30))
    assert caught.value.retry_after == 600 and token.call_count == 1 and slept == []
    assert coql.call_count == 0


@respx.mock
def test_an_accounts_server_failure_is_not_a_refused_grant(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("https://accounts.zoho.eu/oauth/v2/token").respond(503, text="unavailable")
    with pytest.raises(ConnectorError, match="503") as caught:
        ZohoOAuth(APP, httpx.Client()).refresh(Secret("1000.r"), "eu")
    assert not isinstance(caught.value, Refused)


@respx.mock
def test_a_revoked_refresh_token_is_auth_expired(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("https://accounts.zoho.eu/oauth/v2/token").respond(200, json={"error": "invalid_code"})
    with pytest.raises(AuthExpired, match="invalid_code"):
        ZohoOAuth(APP, httpx.Client()).refresh(Secret("1000.revoked"), "eu")


@respx.mock
def test_owners_come_from_the_users_api_page_by_page(respx_mock: respx.MockRouter) -> None:
    users = respx_mock.get(f"{EU_API}/crm/v8/users").mock(
        side_effect=[
            httpx.Response(
                200,
                json={
                    "users": [{"id": "1", "full_name": "Li Wei", "email": "li@example.com"}],
                    "info": {"more_records": True},
                },
            ),
            httpx.Response(
                200,
                json={
                    "users": [{"id": "2", "full_name": "Ana", "email": "ana@example.com"}],
                    "info": {"more_records": False},
                },
            ),
        ]
    )
    owners = _connector(httpx.Client(), TokenCache(lambda: ("t", 3600.0))).list_owners()
    assert [(o.external_id, o.email) for o in owners] == [("1", "li@example.com"), ("2", "ana@example.com")]
    assert users.calls[1].request.url.params["page"] == "2"
    assert users.calls[0].request.url.params["type"] == "ActiveUsers"


BAD_AMOUNTS = ("NaN", "Infinity", "-Infinity", "1e16", "12345678901234567.5")


@respx.mock
def test_a_record_whose_amount_no_column_holds_is_skipped_and_counted(
    respx_mock: respx.MockRouter, session: Session
) -> None:
    """Zoho's JSON may carry NaN, Infinity or an amount past Numeric(18,2) (json.loads takes them all):
    those records are skipped and counted, never failing the batch, and the good ones are recorded, again
    and again (the second sync compares with what is stored)."""
    ana, _ = reps(session)
    deals = [recorded.zoho_deal(n) for n in range(len(BAD_AMOUNTS) + 1)]
    body = json.dumps(recorded.coql_page(deals, more=False))
    for n, bad in enumerate(BAD_AMOUNTS):  # the text Zoho would send, not what json.dumps writes
        body = body.replace(f'"{deals[n]["id"]}", "Owner": {{"id": "{OWNER}"}}, "Amount": 1250.5', "@", 1)
        body = body.replace("@", f'"{deals[n]["id"]}", "Owner": {{"id": "{OWNER}"}}, "Amount": {bad}', 1)
    assert "NaN" in body and "1e16" in body
    respx_mock.post(f"{EU_API}/crm/v8/coql").respond(200, content=body.encode())
    connector = _connector(httpx.Client(), TokenCache(lambda: ("t", 3600.0)))
    rows = [*connector.closed_deals(date(2026, 11, 1), date(2026, 11, 30)), *connector.open_pipeline(NOV_30)]
    assert len(rows) == len(deals) + 1
    for _ in range(2):
        done = record_rows(session, TEAM, "zoho", {OWNER: ana.id}, rows, now=NOW)
        assert done.skipped == 2 * len(BAD_AMOUNTS)  # as closed deals, and as open ones (same page)
    stored = session.scalars(select(Actual.amount).where(Actual.metric == "revenue")).all()
    assert [Decimal(str(a)) for a in stored] == [Decimal("1250.50")]
    pipeline = session.scalars(select(PipelineSnapshot)).one()  # the open "deals": good ones only
    assert (Decimal(str(pipeline.amount)), pipeline.deals) == (Decimal("1250.50"), 1)
