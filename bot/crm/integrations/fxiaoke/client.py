"""Fxiaoke / 纷享销客 OpenAPI as a `Connector`.

- Token: `POST https://{cloud}/cgi/corpAccessToken/get/V2` with `appId`, `appSecret`, `permanentCode` gives
  `corpAccessToken` and `corpId`, valid 7,200 s (the same token again within that time). Cached single
  flight (`base.TokenCache`), never requested concurrently, renewed when a call says the token expired.
  https://open.fxiaoke.com/wiki.html (企业内部应用开发 → 获取CorpAccessToken); a summary of the official
  guide: https://juejin.cn/post/7242524966905987128
- Errors come as HTTP 200 with a non-zero `errorCode` (and `errorMessage`); they become typed errors here.
- Reading: `POST https://{cloud}/cgi/crm/v2/data/query` with `dataObjectApiName` and `search_query_info`
  (`limit` at most 100, `offset` a multiple of it, `filters`, `orders`, `fieldProjection`):
  https://www.fxiaoke.com/mob/guide/openapi/dist/en/pages/open-api/collection/object/AccountObj/query-acc/
  Past offset 10,000 the API answers errorCode 10013; we then page by `_id` (`GT` the last one, offset 0):
  https://developer.fxiaoke.com/openapi_v2/en/FAQ/deep-paging.html
- Limits: 60 calls per 20 s per interface (访问频次控制说明, in the guide above): a `Limiter` per endpoint.
- Cloud hosts (接口地址需根据企业所在云选择): open.fxiaoke.com, open-crm.sbtjt.com, open-fxcrm.ksyun.com,
  open-hws.fxiaoke.com, open-ale.fxiaoke.com — an allow-list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

import httpx

from bot.crm.integrations.base import (
    AuthExpired,
    Backoff,
    ConnectorError,
    CreditsExhausted,
    Limiter,
    Owner,
    RateLimited,
    Refused,
    TokenCache,
    UnknownHost,
    iso_date,
    pipeline,
)
from bot.crm.rows import ClosedDeal, NewAccount, PipelineFigure
from bot.secrets import Secret

CLOUDS = frozenset(
    {
        "https://open.fxiaoke.com",
        "https://open-crm.sbtjt.com",
        "https://open-fxcrm.ksyun.com",
        "https://open-hws.fxiaoke.com",
        "https://open-ale.fxiaoke.com",
    }
)
PAGE = 100  # the documented largest `limit`
OFFSET_LIMIT = 10_000
OFFSET_OUT_OF_RANGE = 10013
TOKEN_LIFETIME = 7200.0
# errorCodes, from the global return codes (全局返回码, https://developer.fxiaoke.com/openapi_v2/start/guide/codes.html,
# read here as transcribed in https://github.com/api-evangelist/fxiaoke errors/fxiaoke-problem-types.yml; the
# same numbers and meanings in Fxiaoke's demo, https://github.com/openfxiaoke/demo fs-open-demo/src/main/java/
# com/facishare/open/demo/utils/Constants.java, which drops its cached token on 20005 and 20016).
# The token is no good (20005 accessToken, 20016 corpAccessToken "does not exist or has expired", 11014
# corpAccessToken invalid): renewed once, then `AuthExpired`.
TOKEN_CODES = frozenset({20005, 20016, 11014})
# The pasted credentials are wrong (appId, appSecret, permanentCode missing or invalid; 20006 appId or
# appSecret wrong; 20015 permanentCode wrong; 20012 openUserId not found): `AuthExpired`, connect again.
CREDENTIAL_CODES = frozenset({10001, 10002, 10012, 11001, 11002, 11013, 20006, 20012, 20015})
# Only an admin can fix these, in Fxiaoke: 15003 the app has no access; 20014, 20020, 20023 no permission
# for the employee's, the company's, the department's data; 20021 the app is disabled; 20022 the company
# has not authorised it; 30003 no Open API quota bought. `Refused`: asked again daily.
REFUSED_CODES = frozenset({15003, 20014, 20020, 20021, 20022, 20023, 30003})
# 14001 calls over the limit, 30004 the per-second limit: `RateLimited`, a window (`PER`) later.
RATE_CODES = frozenset({14001, 30004})
# 30002: the day's calls are used up, "counted again from 0 o'clock" (0点重新统计): `CreditsExhausted` until
# the next midnight, taken as China Standard Time (UTC+8; the zone is NOT stated).
DAILY_CODE = 30002
MIDNIGHT_ZONE = timezone(timedelta(hours=8))
# Anything else (-1 busy, -2 system error, 50009 service error, codes in no source) is a `ConnectorError`,
# tried again later by the sync's doubling backoff. 20037 and 10016, read as rate limits before, are in no
# source found.
# 60 calls / 20 s per interface: the guide summarised above; the rate page
# (https://developer.fxiaoke.com/openapi_v2/start/guide/rate.html, as transcribed) allows 100.
CALLS, PER = 60, 20.0


@dataclass(frozen=True)
class FxiaokeCredentials:
    """What an admin pastes from the self-built app (自建应用) page; stored encrypted."""

    app_id: str
    app_secret: Secret
    permanent_code: Secret
    current_open_user_id: str  # a CRM admin's openUserId: reads see what this user may see


@dataclass(frozen=True)
class OpportunityObject:
    """The fields of a tenant's opportunity object: the new 商机2.0 or the old 商机."""

    api_name: str
    amount: str
    closed_on: str
    status: str
    won: str
    open_values: tuple[str, ...]


NEW_OPPORTUNITY = OpportunityObject("NewOpportunityObj", "amount", "close_date", "sales_status", "2", ("1",))
OLD_OPPORTUNITY = OpportunityObject(
    "OpportunityObj", "expected_deal_amount", "expected_deal_closed_date", "status", "2", ("1",)
)


def cloud(base_url: str, clouds: frozenset[str] = CLOUDS) -> str:
    url = base_url.rstrip("/")
    if url not in clouds:
        raise UnknownHost("not a Fxiaoke cloud Pacer knows")
    return url


def _ms(day: date, *, end: bool = False) -> str:
    return str(int(datetime.combine(day, time.max if end else time.min, tzinfo=UTC).timestamp() * 1000))


def _amount(value: object) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:  # not a number: the row is skipped and counted (`rows.column_amount`)
        return Decimal("NaN")


def _owner(record: Mapping[str, Any]) -> str:
    owner = record.get("owner")
    return str(owner[0]) if isinstance(owner, list) and owner else str(owner or "")


class FxiaokeConnector:
    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        credentials: FxiaokeCredentials,
        *,
        tokens: TokenCache | None = None,
        opportunity: OpportunityObject | None = None,  # None: detect on first use
        default_currency: str = "CNY",
        modified_since: datetime | None = None,
        backoff: Backoff | None = None,
        limiters: Mapping[str, Limiter] | None = None,
        clouds: frozenset[str] = CLOUDS,
        offset_limit: int = OFFSET_LIMIT,
    ) -> None:
        self._http = http
        self._base = cloud(base_url, clouds)
        self._credentials = credentials
        self.tokens = tokens or TokenCache(self.fetch_token)
        self._opportunity = opportunity
        self._currency = default_currency
        self._since = modified_since
        self._backoff = backoff or Backoff()
        self._limiters = dict(limiters or {})
        self._offset_limit = offset_limit
        self.high_water: datetime | None = modified_since
        self.calls = 0

    # The Connector protocol

    def list_owners(self) -> list[Owner]:
        body = self._call("/cgi/user/list", {"departmentId": 999999, "fetchChild": True})
        return [
            Owner(str(user["openUserId"]), str(user.get("email") or ""), str(user.get("name") or ""))
            for user in body.get("userList", [])
            if not user.get("isStop")
        ]

    def closed_deals(self, since: date, until: date) -> list[ClosedDeal]:
        kind = self.opportunity()
        filters = [
            _filter(kind.status, "EQ", kind.won),
            _filter(kind.closed_on, "BETWEEN", _ms(since), _ms(until, end=True)),
        ]
        fields = ["_id", "owner", kind.amount, kind.closed_on, "mc_currency", "last_modified_time"]
        return [
            ClosedDeal(
                owner_id=_owner(record),
                external_id=str(record["_id"]),
                amount=_amount(record.get(kind.amount)),
                currency=str(record.get("mc_currency") or self._currency),
                closed_on=iso_date(int(record[kind.closed_on])),
            )
            for record in self._rows(kind.api_name, filters, fields)
        ]

    def new_accounts(self, since: date, until: date) -> list[NewAccount]:
        filters = [_filter("create_time", "BETWEEN", _ms(since), _ms(until, end=True))]
        fields = ["_id", "owner", "create_time", "last_modified_time"]
        return [
            NewAccount(_owner(record), str(record["_id"]), iso_date(int(record["create_time"])))
            for record in self._rows("AccountObj", filters, fields)
        ]

    def open_pipeline(self, as_of: date) -> list[PipelineFigure]:
        kind = self.opportunity()
        filters = [
            _filter(kind.status, "IN", *kind.open_values),
            _filter("create_time", "LTE", _ms(as_of, end=True)),
        ]
        fields = ["_id", "owner", kind.amount, "mc_currency"]
        records = self._rows(kind.api_name, filters, fields, incremental=False)
        deals = (
            (_owner(r), str(r.get("mc_currency") or self._currency), _amount(r.get(kind.amount)))
            for r in records
        )
        return pipeline(deals, as_of)

    def opportunity(self) -> OpportunityObject:
        """The tenant's opportunity object: 商机2.0 if it answers, else the old one (remembered)."""
        if self._opportunity is None:
            try:
                self._query(NEW_OPPORTUNITY.api_name, [], ["_id"], offset=0, limit=1)
                self._opportunity = NEW_OPPORTUNITY
            except (AuthExpired, RateLimited):
                raise
            except ConnectorError:
                self._opportunity = OLD_OPPORTUNITY
        return self._opportunity

    # Paging

    def _rows(
        self, api_name: str, filters: list[dict[str, Any]], fields: Sequence[str], *, incremental: bool = True
    ) -> Iterator[dict[str, Any]]:
        """Every matching record by `_id`: offset pages up to the offset limit, then `_id GT last`."""
        if incremental and self._since is not None:
            since_ms = str(int(self._since.timestamp() * 1000))
            filters = [*filters, _filter("last_modified_time", "GTE", since_ms)]
        offset, after = 0, ""
        while True:
            keyset = [_filter("_id", "GT", after)] if after else []
            records = self._query(api_name, [*filters, *keyset], fields, offset=offset, limit=PAGE)
            for record in records:
                if incremental:  # the cursor moves on what the incremental reads saw, nothing else
                    self._note_modified(record)
                yield record
            if len(records) < PAGE:
                return
            if after or offset + 2 * PAGE > self._offset_limit:
                offset, after = 0, str(records[-1]["_id"])
            else:
                offset += PAGE

    def _query(
        self, api_name: str, filters: list[dict[str, Any]], fields: Sequence[str], *, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        info = {
            "limit": limit,
            "offset": offset,
            "filters": filters,
            "orders": [{"fieldName": "_id", "isAsc": True}],
            "fieldProjection": list(fields),
        }
        data = {"dataObjectApiName": api_name, "find_explicit_total_num": False, "search_query_info": info}
        body = self._call("/cgi/crm/v2/data/query", {"data": data}, as_user=True)
        records = body.get("data", {}).get("dataList", [])
        return list(records) if isinstance(records, list) else []

    def _note_modified(self, record: Mapping[str, Any]) -> None:
        stamp = record.get("last_modified_time")
        if isinstance(stamp, int):
            moment = datetime.fromtimestamp(stamp / 1000, tz=UTC)
            if self.high_water is None or moment > self.high_water:
                self.high_water = moment

    # Calls

    def fetch_token(self) -> tuple[str, float]:
        """The token endpoint (only ever called by the single-flight cache)."""
        payload = {
            "appId": self._credentials.app_id,
            "appSecret": self._credentials.app_secret.reveal(),
            "permanentCode": self._credentials.permanent_code.reveal(),
        }
        body = self._post("/cgi/corpAccessToken/get/V2", payload)
        if body.get("errorCode", 0) != 0:
            _raise(body)
        # The cache holds one string: the corporation id travels with its token (a shared cache serves
        # connectors made later, which have not seen the token response).
        packed = f"{body.get('corpId') or ''}\n{body['corpAccessToken']}"
        return packed, float(body.get("expiresIn") or TOKEN_LIFETIME)

    def _call(self, path: str, payload: dict[str, Any], *, as_user: bool = False) -> dict[str, Any]:
        return self._backoff.run(partial(self._authorised, path, payload, as_user))

    def _authorised(self, path: str, payload: dict[str, Any], as_user: bool) -> dict[str, Any]:
        """One call with the cached token; a token-expired errorCode renews it once."""
        for attempt in (1, 2):
            token = self.tokens.get()
            corp_id, _, access = token.partition("\n")
            auth = {"corpAccessToken": access, "corpId": corp_id}
            if as_user:
                auth["currentOpenUserId"] = self._credentials.current_open_user_id
            body = self._post(path, {**auth, **payload})
            code = body.get("errorCode", 0)
            if code in TOKEN_CODES and attempt == 1:
                self.tokens.invalidate(token)
                continue
            if code != 0:
                _raise(body)
            return body
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        self._limiters.setdefault(path, Limiter(CALLS, PER)).acquire()
        self.calls += 1
        try:
            response = self._http.post(f"{self._base}{path}", json=payload)
        except httpx.HTTPError as error:
            raise ConnectorError(f"Fxiaoke unreachable ({type(error).__name__})") from None
        if response.status_code == 429:
            raise RateLimited("Fxiaoke: HTTP 429", retry_after=PER)
        if response.status_code >= 400:
            raise ConnectorError(f"Fxiaoke answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise ConnectorError("Fxiaoke answered with something other than JSON") from None
        if not isinstance(body, dict):
            raise ConnectorError("Fxiaoke answered with something other than a JSON object")
        return body


def _filter(field: str, operator: str, *values: str) -> dict[str, Any]:
    return {"field_name": field, "operator": operator, "field_values": list(values)}


def until_midnight(now: datetime) -> float:
    """Seconds from `now` to the next midnight in `MIDNIGHT_ZONE`, when the day's calls are counted anew."""
    local = now.astimezone(MIDNIGHT_ZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=MIDNIGHT_ZONE)
    return (midnight - local).total_seconds()


def _raise(body: Mapping[str, Any]) -> None:
    """The typed error for a non-zero errorCode (see the code sets above). A token code here (after the
    renewal, or from the token endpoint itself) is `AuthExpired`."""
    code = body.get("errorCode")
    message = str(body.get("errorMessage") or "")[:80]
    if code in TOKEN_CODES or code in CREDENTIAL_CODES:
        raise AuthExpired(f"Fxiaoke refused the credentials (errorCode {code}: {message})")
    if code in REFUSED_CODES:
        raise Refused(f"Fxiaoke refused the read (errorCode {code}: {message})")
    if code == DAILY_CODE:
        wait = until_midnight(datetime.now(UTC))
        raise CreditsExhausted(f"Fxiaoke: the day's API calls are used up (errorCode {code})", wait)
    if code in RATE_CODES:
        raise RateLimited(f"Fxiaoke: too many calls (errorCode {code})", retry_after=PER)
    raise ConnectorError(f"Fxiaoke errorCode {code}: {message}")
