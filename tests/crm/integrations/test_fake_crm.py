"""The connectors against the fake CRM over real HTTP on loopback: Zoho's OAuth code exchange and COQL
reads, Fxiaoke's token and queries, each checked against the fake's own book."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import httpx
import pytest

from bot.crm.integrations.base import AuthExpired, Backoff, CreditsExhausted, Limiter, TokenCache
from bot.crm.integrations.fxiaoke import OLD_OPPORTUNITY, FxiaokeConnector, FxiaokeCredentials
from bot.crm.integrations.zoho import DataCentre, ZohoClientApp, ZohoConnector, ZohoOAuth
from bot.secrets import Secret
from tests.crm.integrations.fake_crm import FakeBook, FakeCrmServer

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture(scope="module")
def crm() -> Iterator[FakeCrmServer]:
    with FakeCrmServer(FakeBook.generate(deals=4_500, accounts=1_200, owners=7)) as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def _zoho(crm: FakeCrmServer, http: httpx.Client, **kwargs: object) -> tuple[ZohoConnector, TokenCache]:
    crm.state.knobs.__init__()  # type: ignore[misc]
    oauth = ZohoOAuth(
        ZohoClientApp(crm.state.client_id, Secret(crm.state.client_secret), "https://pacer.example/crm/zoho"),
        http,
        {"eu": DataCentre("eu", crm.url, crm.url)},
    )
    grant = oauth.exchange(crm.state.grant_code(), "eu", crm.url)  # what the callback carries
    tokens = TokenCache(lambda: oauth.refresh(grant.refresh_token, grant.location))
    backoff = Backoff(sleep=lambda _: None)
    return ZohoConnector(http, tokens, grant.api_domain, backoff=backoff, **kwargs), tokens  # type: ignore[arg-type]


def _fxiaoke(crm: FakeCrmServer, http: httpx.Client, **kwargs: object) -> FxiaokeConnector:
    crm.state.knobs.__init__()  # type: ignore[misc]
    state = crm.state
    credentials = FxiaokeCredentials(
        state.app_id, Secret(state.app_secret), Secret(state.permanent_code), "FSUID_ADMIN"
    )
    fast = {path: Limiter(100_000, 1.0) for path in ("/cgi/crm/v2/data/query", "/cgi/user/list")}
    return FxiaokeConnector(
        http,
        crm.url,
        credentials,
        clouds=frozenset({crm.url}),
        limiters=fast,
        backoff=Backoff(sleep=lambda _: None),
        **kwargs,  # type: ignore[arg-type]
    )


def _expected(crm: FakeCrmServer) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for deal in crm.state.book.won(*NOVEMBER):
        totals[deal.owner.email] = totals.get(deal.owner.email, Decimal(0)) + deal.amount
    return totals


def _by_email(owners: dict[str, str], deals: list) -> dict[str, Decimal]:  # type: ignore[type-arg]
    totals: dict[str, Decimal] = {}
    for deal in deals:
        email = owners[deal.owner_id]
        totals[email] = totals.get(email, Decimal(0)) + deal.amount
    return totals


def test_zoho_reads_every_closed_deal_by_offset_then_by_id(crm: FakeCrmServer, http: httpx.Client) -> None:
    connector, _ = _zoho(crm, http, page=500, offset_limit=1_000)  # past a small offset limit: by id
    owners = {o.external_id: o.email for o in connector.list_owners()}
    deals = connector.closed_deals(*NOVEMBER)
    assert len(deals) == len(crm.state.book.won(*NOVEMBER)) == 2_250
    assert len({d.external_id for d in deals}) == len(deals)
    assert _by_email(owners, deals) == _expected(crm)
    assert any(" id > " in q for q in crm.state.queries)
    assert len(connector.new_accounts(*NOVEMBER)) == 1_200
    pipeline = connector.open_pipeline(date(2026, 12, 31))
    open_deals = [d for d in crm.state.book.deals if d.stage == "Qualification"]
    assert sum(p.amount for p in pipeline) == sum(d.amount for d in open_deals)
    assert sum(p.deals for p in pipeline) == len(open_deals) and len(pipeline) == 7


def test_zoho_renews_an_expired_token_and_backs_off_429(crm: FakeCrmServer, http: httpx.Client) -> None:
    connector, tokens = _zoho(crm, http)
    connector.list_owners()
    calls = crm.state.token_calls
    crm.state.expire_tokens()
    crm.state.knobs.throttle, crm.state.knobs.retry_after = 2, "0"
    assert len(connector.closed_deals(*NOVEMBER)) == 2_250
    assert crm.state.token_calls == calls + 1 and tokens.fetches == 2
    crm.state.knobs.credits_exhausted = True
    with pytest.raises(CreditsExhausted):
        connector.new_accounts(*NOVEMBER)


def test_fxiaoke_reads_deals_and_accounts_past_the_offset_limit(
    crm: FakeCrmServer, http: httpx.Client
) -> None:
    connector = _fxiaoke(crm, http, offset_limit=1_000)
    owners = {o.external_id: o.email for o in connector.list_owners()}
    deals = connector.closed_deals(*NOVEMBER)
    assert len(deals) == 2_250 and _by_email(owners, deals) == _expected(crm)
    assert len(connector.new_accounts(*NOVEMBER)) == 1_200
    assert connector.tokens.fetches == 1


def test_fxiaoke_renews_its_token_and_finds_the_old_object(crm: FakeCrmServer, http: httpx.Client) -> None:
    connector = _fxiaoke(crm, http)
    connector.list_owners()
    crm.state.expire_tokens()
    crm.state.knobs.old_opportunity_object = True
    crm.state.knobs.throttle = 1
    assert len(connector.closed_deals(*NOVEMBER)) == 2_250
    assert connector.opportunity() == OLD_OPPORTUNITY and connector.tokens.fetches == 2


def test_wrong_fxiaoke_credentials_are_auth_expired(crm: FakeCrmServer, http: httpx.Client) -> None:
    wrong = FxiaokeCredentials(
        crm.state.app_id, Secret("guess"), Secret(crm.state.permanent_code), "FSUID_ADMIN"
    )
    connector = FxiaokeConnector(http, crm.url, wrong, clouds=frozenset({crm.url}))
    with pytest.raises(AuthExpired):
        connector.list_owners()
