"""`Clients.for_team`: the one client in single-workspace mode; in OAuth mode each workspace's own, its
token rotated before use when near expiry (once, however many threads ask), and `pacer secrets rotate`
re-encrypting the stored tokens under a new key."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import Engine, text

from bot.config import Settings
from bot.installs.cli import rotate
from bot.secrets import Vault
from bot.slack.clients import NotInstalled, make_clients
from bot.slack.oauth import EncryptedInstallationStore, installation_store
from tests.conftest import make_settings
from tests.support.slack_emulator import SlackEmulator

CLIENT_ID, CLIENT_SECRET, BETA = "1111.2222", "oauth-client-secret", "T0000002"


def _wipe(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in ("slack_installations", "slack_bots", "slack_oauth_states"):
            connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def oauth_settings(engine: Engine, emulator: SlackEmulator) -> Iterator[Settings]:
    _wipe(engine)
    emulator.add_team(BETA, name="Beta")
    emulator.configure_oauth(CLIENT_ID, CLIENT_SECRET, rotation=True)
    yield make_settings(
        emulator,
        engine.url.render_as_string(hide_password=False),
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_scopes="commands,chat:write",
        pacer_secret_keys=Fernet.generate_key().decode(),
    )
    _wipe(engine)


def _install(emulator: SlackEmulator, store: EncryptedInstallationStore, expires_in: int) -> None:
    """What the OAuth flow saves, with the token's recorded expiry `expires_in` seconds away."""
    response = WebClient(base_url=emulator.api_url).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=emulator.authorize(BETA)
    )
    store.save(
        Installation(
            app_id=str(response["app_id"]),
            enterprise_id=None,
            team_id=BETA,
            bot_token=str(response["access_token"]),
            bot_id="BT0000002",
            bot_user_id=str(response["bot_user_id"]),
            bot_scopes=str(response["scope"]),
            bot_refresh_token=str(response["refresh_token"]),
            bot_token_expires_in=expires_in,
            user_id="U0000002I",
        )
    )


def test_single_workspace_mode_has_one_client(emulator: SlackEmulator, engine: Engine) -> None:
    clients = make_clients(make_settings(emulator, str(engine.url)), engine)
    assert not clients.multi and clients.for_team("T0000001") is clients.for_team("T0000002")


def test_a_token_near_expiry_is_rotated_once_before_use_whatever_the_threads(
    oauth_settings: Settings, emulator: SlackEmulator, engine: Engine
) -> None:
    clients = make_clients(oauth_settings, engine)
    assert clients.multi
    with pytest.raises(NotInstalled):
        clients.for_team(BETA)
    _install(emulator, installation_store(oauth_settings, engine), expires_in=60)
    found: list[str] = []
    threads = [
        threading.Thread(target=lambda: found.append(clients.for_team(BETA).auth_test()["team_id"]))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert found == [BETA] * 8
    assert len([c for c in emulator.calls_to("oauth.v2.access") if c.params.get("grant_type")]) == 1
    bot = installation_store(oauth_settings, engine).find_bot(enterprise_id=None, team_id=BETA)
    assert bot is not None and bot.bot_token_expires_at is not None
    assert bot.bot_token_expires_at > time.time() + 3600  # the new token's 12 hours, saved
    assert clients.for_team(BETA).token == bot.bot_token  # cached, and the one stored


def test_secrets_rotate_reencrypts_under_the_new_key(
    oauth_settings: Settings, emulator: SlackEmulator, engine: Engine
) -> None:
    _install(emulator, installation_store(oauth_settings, engine), expires_in=43_200)
    old = oauth_settings.pacer_secret_keys
    assert old is not None
    new_key = Fernet.generate_key().decode()
    rotated = oauth_settings.model_copy(
        update={"pacer_secret_keys": SecretStr(f"{new_key},{old.get_secret_value()}")}
    )
    assert rotate(rotated, engine) == (
        "re-encrypted 4 stored secrets (Slack tokens, CRM credentials) with the first key"
    )
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT bot_token FROM slack_bots")).scalar_one()
    assert Vault.from_setting(new_key).decrypt(str(stored)).reveal() in emulator.bot_tokens(BETA)


def test_a_refresh_token_used_elsewhere_first_yields_the_token_saved_there(
    oauth_settings: Settings, emulator: SlackEmulator, engine: Engine
) -> None:
    _install(emulator, installation_store(oauth_settings, engine), expires_in=60)
    here, elsewhere = make_clients(oauth_settings, engine), make_clients(oauth_settings, engine)
    stale = installation_store(oauth_settings, engine).find_bot(enterprise_id=None, team_id=BETA)
    assert elsewhere.for_team(BETA).auth_test()["ok"]  # the other process rotated and saved
    assert stale is not None and here._rotate(stale).bot_token == elsewhere.for_team(BETA).token
