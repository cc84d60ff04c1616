"""Zoho OAuth 2.0 (authorization code, offline access) against the data centre the callback names.

- Multi-DC: the callback carries `location` and `accounts-server`; token calls go to that data centre's
  accounts server, and API calls to the `api_domain` of the token response.
  https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
  https://www.zoho.com/accounts/protocol/oauth/multi-dc/client-authorization.html
  https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html
- Authorization request and token exchange: https://www.zoho.com/crm/developer/docs/api/v8/auth-request.html,
  https://www.zoho.com/crm/developer/docs/api/v8/access-refresh.html
- Refresh: https://www.zoho.com/crm/developer/docs/api/v8/refresh.html (an access token lives an hour;
  Zoho limits how often a refresh token may be used, hence the single-flight cache in `base.py`).

Both hosts are checked against an allow-list: a callback or a token response naming any other host is
refused (`UnknownHost`), so a forged callback cannot send our client secret or a refresh token elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.crm.integrations.base import AuthExpired, ConnectorError, RateLimited, UnknownHost
from bot.secrets import Secret

SCOPES = "ZohoCRM.coql.READ,ZohoCRM.modules.deals.READ,ZohoCRM.modules.accounts.READ,ZohoCRM.users.READ"


@dataclass(frozen=True)
class DataCentre:
    location: str  # the callback's `location`
    accounts: str  # its accounts server (OAuth)
    api: str  # its API domain (data)


def _dc(location: str, suffix: str, *, accounts: str | None = None) -> DataCentre:
    return DataCentre(
        location, accounts or f"https://accounts.zoho.{suffix}", f"https://www.zohoapis.{suffix}"
    )


DATA_CENTRES: Mapping[str, DataCentre] = {
    dc.location: dc
    for dc in (
        _dc("us", "com"),
        _dc("eu", "eu"),
        _dc("in", "in"),
        _dc("au", "com.au"),
        _dc("jp", "jp"),
        _dc("cn", "com.cn"),
        _dc("ca", "ca", accounts="https://accounts.zohocloud.ca"),
        _dc("sa", "sa"),
        _dc("uk", "uk"),
    )
}


def data_centre(
    location: str | None, accounts_server: str | None, centres: Mapping[str, DataCentre] = DATA_CENTRES
) -> DataCentre:
    """The data centre a callback names; `UnknownHost` unless both its parts are on the allow-list."""
    dc = centres.get((location or "us").strip().lower())
    if dc is None:
        raise UnknownHost("the callback names a Zoho data centre Pacer does not know")
    if accounts_server and accounts_server.rstrip("/") != dc.accounts:
        raise UnknownHost("the callback's accounts server is not the one of its data centre")
    return dc


@dataclass(frozen=True)
class Grant:
    """What a connection keeps after the exchange: the refresh token (stored encrypted) and where to go."""

    refresh_token: Secret
    access_token: Secret
    expires_in: float
    location: str
    api_domain: str


@dataclass(frozen=True)
class ZohoClientApp:
    """Pacer's client registered in the Zoho API console (Multi-DC enabled)."""

    client_id: str
    client_secret: Secret
    redirect_uri: str


class ZohoOAuth:
    def __init__(
        self,
        app: ZohoClientApp,
        http: httpx.Client,
        centres: Mapping[str, DataCentre] = DATA_CENTRES,
    ) -> None:
        self._app = app
        self._http = http
        self._centres = centres

    def authorize_url(self, state: str, *, location: str = "us", scopes: str = SCOPES) -> str:
        """Where the admin signs in; Zoho redirects to another data centre itself when needed."""
        dc = data_centre(location, None, self._centres)
        query = {
            "scope": scopes,
            "client_id": self._app.client_id,
            "response_type": "code",
            "access_type": "offline",
            "prompt": "consent",
            "redirect_uri": self._app.redirect_uri,
            "state": state,
        }
        return f"{dc.accounts}/oauth/v2/auth?{urlencode(query)}"

    def exchange(self, code: str, location: str | None, accounts_server: str | None) -> Grant:
        """Trade the callback's code for tokens at the callback's own data centre."""
        dc = data_centre(location, accounts_server, self._centres)
        body = self._token_call(dc, {"grant_type": "authorization_code", "code": code})
        refresh = body.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            raise ConnectorError("Zoho sent no refresh token (was access_type=offline asked for?)")
        return Grant(
            refresh_token=Secret(refresh),
            access_token=Secret(str(body["access_token"])),
            expires_in=float(body.get("expires_in", 3600)),
            location=dc.location,
            api_domain=self._api_domain(dc, body),
        )

    def refresh(self, refresh_token: Secret, location: str) -> tuple[str, float]:
        """A new access token and its lifetime in seconds (the `TokenCache` fetch function)."""
        dc = data_centre(location, None, self._centres)
        body = self._token_call(dc, {"grant_type": "refresh_token", "refresh_token": refresh_token.reveal()})
        return str(body["access_token"]), float(body.get("expires_in", 3600))

    def _api_domain(self, dc: DataCentre, body: Mapping[str, object]) -> str:
        named = str(body.get("api_domain") or dc.api).rstrip("/")
        if named not in {centre.api for centre in self._centres.values()}:
            raise UnknownHost("Zoho's token response names an API domain Pacer does not know")
        return named

    def _token_call(self, dc: DataCentre, params: dict[str, str]) -> dict[str, Any]:
        form = {
            **params,
            "client_id": self._app.client_id,
            "client_secret": self._app.client_secret.reveal(),
            "redirect_uri": self._app.redirect_uri,
        }
        try:
            response = self._http.post(f"{dc.accounts}/oauth/v2/token", data=form)
        except httpx.HTTPError as error:
            raise ConnectorError(f"Zoho accounts server unreachable ({type(error).__name__})") from None
        return _token_body(response)


# "Using a refresh token, your app can create up to ten access tokens in a span of ten minutes. If the limit
# is reached, the access token creation will be blocked for the rest of the ten minutes."
# (https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html). The answer is then
# `{"error": "Access Denied", "error_description": "You have made too many requests continuously…"}`: seen
# in public code, not on a Zoho page. Asking again within the block is pointless: wait it out.
TOKEN_BLOCK = 600.0


def _token_body(response: httpx.Response) -> dict[str, Any]:
    """The token response, or the typed error: Zoho answers `{"error": …}` (often with HTTP 200). An error
    code (invalid_code: the refresh token revoked or unknown; invalid_client) is `AuthExpired`; a server
    failure with no error code is a `ConnectorError`, tried again later, not a refusal."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    error = body.get("error")
    if response.status_code == 429 or error == "Access Denied":  # too many tokens in a short time
        raise RateLimited("Zoho: too many token requests", retry_after=TOKEN_BLOCK)
    if response.status_code >= 500 and not error:
        raise ConnectorError(f"Zoho accounts server answered {response.status_code}")
    if error or response.status_code >= 400 or "access_token" not in body:
        raise AuthExpired(f"Zoho refused the grant ({str(error or response.status_code)[:40]})")
    return body
