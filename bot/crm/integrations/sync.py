"""One sync of one CRM connection: build its connector from the stored (encrypted) credentials, read
closed deals and new accounts changed since the cursor and the open pipeline, hand the rows to the
actuals (`record_rows`, the crm feature's), and keep the connection's state: cursor, last sync, rows
read, last error, failures and the next try (every 15 minutes; after a failure, backed off).

The `crm-sync` job (the crm feature's, every 15 minutes per workspace) calls `sync_connection` for each
connection whose `next_try_at` has come; reporting failures to admins once a day is its part too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import httpx
from sqlalchemy.orm import Session

from bot.crm.integrations.base import (
    TOKEN_CACHES,
    Connector,
    ConnectorError,
    RateLimited,
    Refused,
    TokenCache,
    TokenCaches,
)
from bot.crm.integrations.fxiaoke import FxiaokeConnector, FxiaokeCredentials
from bot.crm.integrations.models import CrmConnection, Provider
from bot.crm.integrations.zoho import DATA_CENTRES, DataCentre, ZohoClientApp, ZohoConnector, ZohoOAuth
from bot.crm.rows import CrmRow
from bot.secrets import Vault

SYNC_EVERY = timedelta(minutes=15)
RETRY_CAP = timedelta(hours=6)
RECONNECT_WAIT = timedelta(hours=24)  # refused (credentials, a permission): an admin must act; ask daily
ERROR_CHARS = 200


class RecordRows(Protocol):
    """`bot.crm.actuals.record_rows`: the rows as actuals; returns what it did (with `unmapped` owners)."""

    def __call__(
        self,
        session: Session,
        team_id: str,
        provider: str,
        owner_map: Mapping[str, int],
        rows: Iterable[CrmRow],
        *,
        now: datetime,
    ) -> Any: ...


@dataclass(frozen=True)
class Window:
    """The closing and creation dates read this time (the caller's calendar decides them)."""

    since: date
    until: date
    as_of: date


@dataclass(frozen=True)
class SyncResult:
    rows: int
    error: str = ""


def connector_for(
    connection: CrmConnection,
    vault: Vault,
    http: httpx.Client,
    *,
    zoho_app: ZohoClientApp | None = None,
    caches: TokenCaches = TOKEN_CACHES,
    centres: Mapping[str, DataCentre] = DATA_CENTRES,
    **options: Any,
) -> ZohoConnector | FxiaokeConnector:
    """The connection's connector, its token cache shared by every sync of the connection."""
    fields = vault.open(connection.credentials)
    since = datetime.fromisoformat(connection.cursor) if connection.cursor else None
    # One cache per connection and credentials: connecting again (a new refresh token) starts a new one.
    sealed = hashlib.sha256(connection.credentials.encode()).hexdigest()[:16]
    key = (connection.team_id, f"{connection.provider.value}:{sealed}")
    if connection.provider is Provider.ZOHO:
        if zoho_app is None:
            raise ConnectorError("Zoho is not set up in Pacer (no client id)")
        oauth = ZohoOAuth(zoho_app, http, centres)
        refresh, location = fields["refresh_token"], connection.data_centre

        def renew() -> tuple[str, float]:
            return oauth.refresh(refresh, location)

        tokens = caches.get(key, lambda: TokenCache(renew))
        tokens.fetch_with(renew)
        return ZohoConnector(http, tokens, connection.api_domain, modified_since=since, **options)
    credentials = FxiaokeCredentials(
        fields["app_id"].reveal(),
        fields["app_secret"],
        fields["permanent_code"],
        fields["current_open_user_id"].reveal(),
    )
    connector = FxiaokeConnector(http, connection.api_domain, credentials, modified_since=since, **options)
    connector.tokens = caches.get(key, lambda: TokenCache(connector.fetch_token))
    connector.tokens.fetch_with(connector.fetch_token)
    return connector


def read_rows(connector: Connector, window: Window) -> list[CrmRow]:
    rows: list[CrmRow] = []
    rows += connector.closed_deals(window.since, window.until)
    rows += connector.new_accounts(window.since, window.until)
    rows += connector.open_pipeline(window.as_of)
    return rows


def sync_connection(
    session: Session,
    connection: CrmConnection,
    connector: ZohoConnector | FxiaokeConnector,
    *,
    owner_map: Mapping[str, int],
    record_rows: RecordRows,
    window: Window,
    now: datetime,
) -> SyncResult:
    """Read, record and keep the state; a connector error is stored (without any secret), not raised."""
    try:
        rows = read_rows(connector, window)
    except ConnectorError as error:
        failed(connection, error, now)
        session.flush()
        return SyncResult(0, connection.last_error)
    record_rows(session, connection.team_id, connection.provider.value, owner_map, rows, now=now)
    if connector.high_water is not None:
        connection.cursor = connector.high_water.isoformat(timespec="seconds")
    connection.last_sync_at, connection.rows_read = now, len(rows)
    connection.last_error, connection.failures = "", 0
    connection.next_try_at = now + SYNC_EVERY
    session.flush()
    return SyncResult(len(rows))


def failed(connection: CrmConnection, error: ConnectorError, now: datetime) -> None:
    """Count the failure and put the next try off: as long as the CRM asked, else doubling from 15 min."""
    connection.failures += 1
    connection.last_error = f"{type(error).__name__}: {error}"[:ERROR_CHARS]
    connection.next_try_at = now + retry_delay(error, connection.failures)


def failure_kind(last_error: str) -> str:
    """The kind of failure `failed` recorded: the error's class (`CreditsExhausted`, `AuthExpired`, …)."""
    return last_error.split(":", 1)[0]


def retry_delay(error: ConnectorError, failures: int) -> timedelta:
    if isinstance(error, Refused):  # `AuthExpired` is one
        return RECONNECT_WAIT
    step: timedelta = min(SYNC_EVERY * 2.0 ** max(failures - 1, 0), RETRY_CAP)
    if isinstance(error, RateLimited):
        return max(step, timedelta(seconds=error.retry_after))
    return step
