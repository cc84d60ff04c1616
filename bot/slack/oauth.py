"""OAuth install for many workspaces: Bolt's `OAuthSettings` over slack_sdk's SQLAlchemy stores, with every
token encrypted before it reaches the tables (`bot.secrets.Vault`). The stores' tables are Pacer's schema
(`bot.installs.models`, migration 0016), never created at run time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine

from bot.config import Settings
from bot.installs.models import BOTS_TABLE, INSTALLATIONS_TABLE, SECRET_FIELDS, STATES_TABLE
from bot.secrets import Secret, Vault, is_encrypted, redact_tokens

logger = logging.getLogger(__name__)
INSTALL_PATH, REDIRECT_PATH = "/slack/install", "/slack/oauth_redirect"


def vault_of(settings: Settings) -> Vault:
    if settings.pacer_secret_keys is None:
        raise ValueError("PACER_SECRET_KEYS is not set")
    return Vault.from_setting(settings.pacer_secret_keys.get_secret_value())


class EncryptedInstallationStore(InstallationStore):
    """slack_sdk's SQLAlchemy installation store with the bot and user tokens and refresh tokens
    encrypted on the way in and decrypted on the way out."""

    def __init__(self, inner: SQLAlchemyInstallationStore, vault: Vault) -> None:
        self.inner, self.vault = inner, vault

    @property
    def logger(self) -> logging.Logger:
        return logger

    def _seal(self, values: dict[str, Any]) -> dict[str, Any]:
        for name in SECRET_FIELDS:
            value = values.get(name)
            if isinstance(value, str) and value and not is_encrypted(value):
                values[name] = self.vault.encrypt(value)
        return values

    def _open(self, values: dict[str, Any]) -> dict[str, Any]:
        for name in SECRET_FIELDS:
            value = values.get(name)
            if isinstance(value, str) and is_encrypted(value):
                values[name] = self.vault.decrypt(value).reveal()
        return values

    def save(self, installation: Installation) -> None:
        self.inner.save(Installation(**self._seal(installation.to_dict_for_copying())))

    def save_bot(self, bot: Bot) -> None:
        self.inner.save_bot(Bot(**self._seal(bot.to_dict_for_copying())))

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        bot = self.inner.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        return Bot(**self._open(bot.to_dict_for_copying())) if bot is not None else None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self.inner.find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return Installation(**self._open(found.to_dict_for_copying())) if found is not None else None

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.inner.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.inner.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.inner.delete_all(enterprise_id=enterprise_id, team_id=team_id)

    # By the workspace alone: a workspace of an Enterprise Grid org is stored with its org's id, which the
    # jobs, the outbox and the uninstall events do not carry (slack_sdk's own `enterprise_id=None` finds
    # only workspaces outside any org). Team ids are unique across Slack.

    def find_bot_by_team(self, team_id: str) -> Bot | None:
        """The workspace's latest bot installation that has a token, whatever org it belongs to."""
        c = self.inner.bots.c
        query = (
            self.inner.bots.select()
            .where(c.client_id == self.inner.client_id, c.team_id == team_id, c.bot_token.is_not(None))
            .order_by(c.installed_at.desc(), c.id.desc())
            .limit(1)
        )
        with self.inner.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return Bot(**self._open(self.inner.build_bot_entity(row).to_dict_for_copying()))

    def delete_team(self, team_id: str, *, user_id: str | None = None) -> None:
        """The workspace's installations and bots (every token of it), or with `user_id` that person's."""
        tables = (
            [self.inner.installations] if user_id is not None else [self.inner.bots, self.inner.installations]
        )
        with self.inner.engine.begin() as connection:
            for table in tables:
                query = table.delete().where(
                    table.c.client_id == self.inner.client_id, table.c.team_id == team_id
                )
                if user_id is not None:
                    query = query.where(table.c.user_id == user_id)
                connection.execute(query)

    def reveal_token(self, team_id: str) -> Secret | None:
        """The workspace's bot token, hidden from logs until revealed (for `bot.slack.clients`)."""
        bot = self.find_bot_by_team(team_id)
        return Secret(bot.bot_token) if bot is not None and bot.bot_token else None


def installation_store(settings: Settings, engine: Engine) -> EncryptedInstallationStore:
    assert settings.slack_client_id is not None  # noqa: S101 - only called in OAuth mode
    inner = SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id,
        engine=engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
        logger=logger,
    )
    return EncryptedInstallationStore(inner, vault_of(settings))


def api_client(settings: Settings) -> WebClient:
    """A tokenless client on SLACK_API_URL, for oauth.v2.access (install and rotation)."""
    return WebClient(base_url=settings.slack_api_url, timeout=10)


def token_rotator(settings: Settings) -> TokenRotator:
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None  # noqa: S101
    return TokenRotator(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        client=api_client(settings),
    )


def oauth_settings(settings: Settings, engine: Engine, store: InstallationStore) -> OAuthSettings:
    """`GET /slack/install` redirects to Slack's authorize page (SLACK_AUTHORIZE_URL) with a state kept
    in the database and in a cookie, for SLACK_STATE_EXPIRATION_SECONDS; `/slack/oauth_redirect` checks
    both, exchanges the code through SLACK_API_URL and saves the encrypted installation. A forged or
    expired state, or a code already used, gets Bolt's failure page and installs nothing."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None  # noqa: S101
    secret = settings.slack_client_secret.get_secret_value()
    redact_tokens()
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=settings.slack_state_expiration_seconds,
        engine=engine,
        logger=logger,
        table_name=STATES_TABLE,
    )
    result = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=secret,
        scopes=settings.scopes,
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,  # straight to Slack's page: nothing of ours to click first
        authorization_url=settings.slack_authorize_url,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=states,
        state_expiration_seconds=settings.slack_state_expiration_seconds,
        logger=logger,
    )
    # Bolt's own rotation (for incoming requests) must call SLACK_API_URL too, not slack.com.
    authorize: Any = result.authorize
    if isinstance(authorize, InstallationStoreAuthorize):
        authorize.token_rotator = token_rotator(settings)
    return result


def on_install(flow: OAuthFlow, installed: Callable[[str], None]) -> None:
    """Run `installed(team_id)` after each successful install, before Bolt's success page; log failures
    by their reason (never the request's query, which carries the code)."""
    succeeded, failed = flow.success_handler, flow.failure_handler

    def success(args: SuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id
        if team_id:
            installed(team_id)
        logger.info("installed in workspace %s", team_id)
        return succeeded(args)

    def failure(args: FailureArgs) -> BoltResponse:
        logger.warning("an install failed: %s", args.reason)
        return failed(args)

    flow.success_handler, flow.failure_handler = success, failure
