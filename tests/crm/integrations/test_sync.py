"""One sync of a stored connection against the fake CRM over HTTP: rows handed to `record_rows`, the
cursor moved, the state kept; a failure counted, backed off and stored without any secret."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from bot.crm.integrations.base import (
    AuthExpired,
    ConnectorError,
    CreditsExhausted,
    RateLimited,
    Refused,
    TokenCaches,
)
from bot.crm.integrations.fxiaoke import FxiaokeConnector
from bot.crm.integrations.models import CrmConnection, Provider
from bot.crm.integrations.sync import (
    RECONNECT_WAIT,
    SYNC_EVERY,
    Window,
    connector_for,
    retry_delay,
    sync_connection,
)
from bot.crm.integrations.zoho import DataCentre, ZohoClientApp, ZohoOAuth
from bot.crm.rows import ClosedDeal, CrmRow, NewAccount, PipelineFigure
from bot.secrets import Secret, Vault
from bot.workspaces.service import ensure_workspace
from tests.crm.integrations.fake_crm import FakeBook, FakeCrmServer

TEAM = "T0000001"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WINDOW = Window(date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 1))
VAULT = Vault([Vault.new_key()])


class Recorder:
    def __init__(self) -> None:
        self.rows: list[CrmRow] = []

    def __call__(
        self,
        session: Session,
        team_id: str,
        provider: str,
        owner_map: Mapping[str, int],
        rows: Any,
        *,
        now: datetime,
    ) -> None:
        assert team_id == TEAM
        self.rows += list(rows)


@pytest.fixture(scope="module")
def crm() -> Iterator[FakeCrmServer]:
    with FakeCrmServer(FakeBook.generate(deals=400, accounts=60, owners=4)) as server:
        yield server


def _zoho_connection(
    session: Session, crm: FakeCrmServer, http: httpx.Client
) -> tuple[CrmConnection, ZohoClientApp]:
    ensure_workspace(session, TEAM)
    app = ZohoClientApp(
        crm.state.client_id, Secret(crm.state.client_secret), "https://pacer.example/crm/zoho"
    )
    grant = ZohoOAuth(app, http, {"eu": DataCentre("eu", crm.url, crm.url)}).exchange(
        crm.state.grant_code(), "eu", crm.url
    )
    connection = CrmConnection(
        team_id=TEAM,
        provider=Provider.ZOHO,
        data_centre=grant.location,
        api_domain=grant.api_domain,
        credentials=VAULT.seal({"refresh_token": grant.refresh_token}),
        cursor="",
        rows_read=0,
        last_error="",
        failures=0,
    )
    session.add(connection)
    session.flush()
    return connection, app


def test_a_sync_records_the_rows_and_moves_the_cursor(session: Session, crm: FakeCrmServer) -> None:
    with httpx.Client(timeout=10) as http:
        connection, app = _zoho_connection(session, crm, http)
        centres = {"eu": DataCentre("eu", crm.url, crm.url)}
        connector = connector_for(
            connection, VAULT, http, zoho_app=app, caches=TokenCaches(), centres=centres
        )
        recorder = Recorder()
        result = sync_connection(
            session, connection, connector, owner_map={}, record_rows=recorder, window=WINDOW, now=NOW
        )
        kinds = {type(row) for row in recorder.rows}
        assert kinds == {ClosedDeal, NewAccount, PipelineFigure}
        assert result.rows == len(recorder.rows) == connection.rows_read
        assert len([r for r in recorder.rows if isinstance(r, ClosedDeal)]) == len(
            crm.state.book.won(WINDOW.since, WINDOW.until)
        )
        latest = max(d.modified for d in crm.state.book.deals + crm.state.book.accounts)  # type: ignore[operator]
        assert connection.cursor == latest.isoformat(timespec="seconds")
        assert (connection.last_sync_at, connection.next_try_at, connection.failures) == (
            NOW,
            NOW + SYNC_EVERY,
            0,
        )

        again = connector_for(connection, VAULT, http, zoho_app=app, caches=TokenCaches(), centres=centres)
        sync_connection(
            session, connection, again, owner_map={}, record_rows=Recorder(), window=WINDOW, now=NOW
        )
        assert any(f"Modified_Time >= '{connection.cursor}'" in q for q in crm.state.queries[-3:])


def test_a_failure_is_counted_backed_off_and_kept_without_secrets(
    session: Session, crm: FakeCrmServer
) -> None:
    ensure_workspace(session, TEAM)
    wrong = {
        "app_id": Secret(crm.state.app_id),
        "app_secret": Secret("the-wrong-app-secret"),
        "permanent_code": Secret("perm-code-123"),
        "current_open_user_id": Secret("FSUID_ADMIN"),
    }
    connection = CrmConnection(
        team_id=TEAM,
        provider=Provider.FXIAOKE,
        api_domain=crm.url,
        credentials=VAULT.seal(wrong),
        cursor="",
        rows_read=0,
        last_error="",
        failures=2,
    )
    session.add(connection)
    session.flush()
    with httpx.Client(timeout=10) as http:
        connector = connector_for(connection, VAULT, http, caches=TokenCaches(), clouds=frozenset({crm.url}))
        assert isinstance(connector, FxiaokeConnector)
        result = sync_connection(
            session, connection, connector, owner_map={}, record_rows=Recorder(), window=WINDOW, now=NOW
        )
    assert result.rows == 0 and connection.failures == 3
    assert (
        connection.last_error.startswith("AuthExpired")
        and "the-wrong-app-secret" not in connection.last_error
    )
    assert connection.next_try_at == NOW + RECONNECT_WAIT and connection.last_sync_at is None


def test_retries_back_off_doubling_and_as_long_as_the_crm_asks() -> None:
    assert retry_delay(ConnectorError("down"), 1) == SYNC_EVERY
    assert retry_delay(ConnectorError("down"), 3) == SYNC_EVERY * 4
    assert retry_delay(ConnectorError("down"), 30) == timedelta(hours=6)
    assert retry_delay(RateLimited("busy", 7200.0), 1) == timedelta(hours=2)
    assert retry_delay(CreditsExhausted("credits", 3600.0), 1) == timedelta(hours=1)
    assert retry_delay(CreditsExhausted("credits", 3600.0), 4) == timedelta(hours=2)
    assert retry_delay(AuthExpired("refused"), 1) == RECONNECT_WAIT
    assert retry_delay(Refused("no permission"), 1) == RECONNECT_WAIT


def test_used_up_zoho_credits_are_stored_plainly_and_tried_again_in_an_hour(
    session: Session, crm: FakeCrmServer
) -> None:
    with httpx.Client(timeout=10) as http:
        connection, app = _zoho_connection(session, crm, http)
        centres = {"eu": DataCentre("eu", crm.url, crm.url)}
        connector = connector_for(
            connection, VAULT, http, zoho_app=app, caches=TokenCaches(), centres=centres
        )
        crm.state.knobs.credits_exhausted = True
        calls = len(crm.state.queries)
        try:
            result = sync_connection(
                session, connection, connector, owner_map={}, record_rows=Recorder(), window=WINDOW, now=NOW
            )
        finally:
            crm.state.knobs.credits_exhausted = False
    assert result.rows == 0 and connection.failures == 1 and len(crm.state.queries) == calls
    assert connection.last_error == "CreditsExhausted: Zoho: the API credits of the last 24 hours are used up"
    assert connection.next_try_at == NOW + timedelta(hours=1) and connection.credentials


def test_zoho_without_the_client_app_set_up_is_a_clear_error(session: Session) -> None:
    connection = CrmConnection(
        team_id=TEAM,
        provider=Provider.ZOHO,
        data_centre="eu",
        api_domain="https://www.zohoapis.eu",
        credentials=VAULT.seal({"refresh_token": Secret("r")}),
        cursor="",
    )
    with httpx.Client() as http, pytest.raises(ConnectorError, match="not set up"):
        connector_for(connection, VAULT, http, caches=TokenCaches())
