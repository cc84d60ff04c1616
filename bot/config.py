"""Pacer's settings: read once at start-up from the environment (and `.env`), then passed down."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import format as fmt

SLACK_DEFAULT_API_URL = "https://slack.com/api/"
SLACK_DEFAULT_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"
SETTINGS_PAGE = (
    "your Slack app's settings page (create the app from manifest.yml at https://api.slack.com/apps)"
)

# Where each setting comes from, for the one-line start-up error.
WHERE_TO_GET = {
    "SLACK_BOT_TOKEN": f"OAuth & Permissions → Bot User OAuth Token (xoxb-…) on {SETTINGS_PAGE}",
    "SLACK_SIGNING_SECRET": f"Basic Information → App Credentials → Signing Secret on {SETTINGS_PAGE}",
    "SLACK_APP_TOKEN": f"Basic Information → App-Level Tokens (xapp-…, connections:write) on {SETTINGS_PAGE}",
    "SLACK_CLIENT_ID": f"Basic Information → App Credentials → Client ID on {SETTINGS_PAGE}",
    "SLACK_CLIENT_SECRET": f"Basic Information → App Credentials → Client Secret on {SETTINGS_PAGE}",
    "DATABASE_URL": "a SQLAlchemy URL such as sqlite:///data/pacer.db or postgresql+psycopg://user@host/db",
}
ANONYMITY_KEY_MIN = 16
# Settings Pacer's operator makes rather than gets.
HOW_TO_MAKE = {
    "ANONYMITY_KEY": (
        'Make one once and keep it: python -c "import secrets; print(secrets.token_urlsafe(32))"'
    ),
    "PACER_SECRET_KEYS": (
        "Make one once and keep it: "
        'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
    ),
}
PLACEHOLDERS = {
    "changeme",
    "change-me",
    "secret",
    "xoxb-your-token",
    "xapp-your-token",
    "your-signing-secret",
}


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and where to get it."""

    def __init__(self, variable: str, problem: str) -> None:
        where = WHERE_TO_GET.get(variable)
        hint = f" Get it from {where}." if where else ""
        if variable in HOW_TO_MAKE:
            hint = f" {HOW_TO_MAKE[variable]}"  # ends in a command: no full stop to copy with it
        super().__init__(f"{variable} {problem}.{hint}")
        self.variable = variable


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_DEFAULT_API_URL
    database_url: str = "sqlite:///data/pacer.db"
    host: str = "0.0.0.0"  # noqa: S104 - a server in a container listens on every interface
    port: int = Field(default=3000, ge=1, le=65535)
    pacer_admins: Annotated[frozenset[str], NoDecode] = frozenset()
    log_level: str = "INFO"
    http_threads: int = Field(default=16, ge=1, le=256)
    # The HTTP server's bounds (HTTP mode): the largest request body (Slack's are a few KiB; larger ones
    # get 413 before they are read), how long a connection may sit idle, how long a request may take to
    # arrive in full, and how many connections may be open at once.
    http_max_body_bytes: int = Field(default=1 << 20, ge=1024, le=64 << 20)
    http_idle_timeout: int = Field(default=30, ge=1, le=3600)
    http_request_timeout: int = Field(default=60, ge=1, le=3600)
    http_connection_limit: int = Field(default=1000, ge=1, le=100_000)
    # The outbox sender: messages per second for the whole workspace (Slack allows about one per second
    # per channel, and a few hundred a minute in all), parallel senders, and how long a claim holds.
    delivery_rate: float = Field(default=5.0, gt=0, le=100)
    delivery_workers: int = Field(default=4, ge=1, le=32)
    delivery_lease_seconds: int = Field(default=60, ge=1, le=3600)
    # An export's files are split past this many bytes (Slack takes files up to 1 GB; 50 MB uploads well).
    export_part_bytes: int = Field(default=50 << 20, ge=1024, le=1 << 30)
    # Keys the hash that stops a rep's anonymous feedback being stored twice in a month. A secret of its
    # own, never derived from Slack's: whoever holds a Slack secret must not be able to compute it.
    anonymity_key: SecretStr | None = None
    # Dates in mrkdwn as plain text (the fallback of Slack's `<!date>`): for local-slack, whose renderer
    # does not know `<!date>` (the demo sets it). Slack itself shows each reader their own zone.
    pacer_plain_dates: bool = False
    # OAuth install (many workspaces): on when SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SCOPES are
    # set and SLACK_BOT_TOKEN is not. The authorize page's URL is a setting so the flow can be tested.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_scopes: str | None = None
    slack_authorize_url: str = SLACK_DEFAULT_AUTHORIZE_URL
    slack_redirect_uri: str | None = None  # e.g. https://YOUR-HOST/slack/oauth_redirect; else the app's
    slack_state_expiration_seconds: int = Field(default=600, ge=30, le=3600)
    # Fernet keys, comma-separated: the first encrypts, all decrypt (bot.secrets). They protect Slack tokens
    # in OAuth mode and CRM credentials. Rotate by putting a new key first, then `pacer secrets rotate`.
    pacer_secret_keys: SecretStr | None = None

    def model_post_init(self, context: Any, /) -> None:
        fmt.use_slack_dates(not self.pacer_plain_dates)

    @field_validator("pacer_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("slack_authorize_url")
    @classmethod
    def _authorize_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def oauth_mode(self) -> bool:
        """Many workspaces installed by OAuth: the client id, secret and scopes, and no bot token."""
        return (
            self.slack_bot_token is None
            and bool(self.slack_client_id)
            and self.slack_client_secret is not None
            and bool(self.slack_scopes)
        )

    @property
    def scopes(self) -> list[str]:
        return [scope.strip() for scope in (self.slack_scopes or "").split(",") if scope.strip()]

    def require_slack(self) -> None:
        """Check the Slack credentials that serving needs; a ConfigError names the first bad one."""
        if self.oauth_mode:
            _require_token("SLACK_CLIENT_SECRET", self.slack_client_secret, prefix="")
            _require_token("PACER_SECRET_KEYS", self.pacer_secret_keys, prefix="")
            if self.socket_mode:  # Slack distributes no Socket Mode app; installs need /slack/install
                raise ConfigError("SLACK_APP_TOKEN", "must be unset for OAuth install: it needs HTTP mode")
        else:
            _require_token("SLACK_BOT_TOKEN", self.slack_bot_token, prefix="xoxb-")
        if self.socket_mode:
            _require_token("SLACK_APP_TOKEN", self.slack_app_token, prefix="xapp-")
        else:
            if self.slack_signing_secret is None:
                raise ConfigError(
                    "SLACK_SIGNING_SECRET",
                    "is not set: set it for HTTP mode, or set SLACK_APP_TOKEN (xapp-…) for Socket Mode, "
                    "which the manifest uses by default",
                )
            _require_token("SLACK_SIGNING_SECRET", self.slack_signing_secret, prefix="")

    def require_anonymity_key(self) -> None:
        """Serving needs ANONYMITY_KEY: a secret of its own, not a placeholder, at least 16 characters."""
        key = self.anonymity_key.get_secret_value().strip() if self.anonymity_key is not None else ""
        if not key:
            raise ConfigError("ANONYMITY_KEY", "is not set")
        if key.lower() in PLACEHOLDERS or len(key) < ANONYMITY_KEY_MIN:
            raise ConfigError(
                "ANONYMITY_KEY", f"must be a random value of at least {ANONYMITY_KEY_MIN} characters"
            )

    def anonymity_secret(self) -> bytes:
        """The key of the author hash of field feedback (see `require_anonymity_key`)."""
        self.require_anonymity_key()
        assert self.anonymity_key is not None  # noqa: S101 - checked just above
        return self.anonymity_key.get_secret_value().strip().encode()

    @property
    def sqlite_path(self) -> Path | None:
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix) :].split("?", 1)[0])
        return None


def _require_token(variable: str, value: SecretStr | None, *, prefix: str) -> None:
    if value is None or not value.get_secret_value().strip():
        raise ConfigError(variable, "is not set")
    secret = value.get_secret_value().strip()
    if secret.lower() in PLACEHOLDERS or secret.endswith(("...", "…")):  # `.env.example` has `xoxb-...`
        raise ConfigError(variable, "still holds a placeholder value")
    if prefix and not secret.startswith(prefix):
        raise ConfigError(variable, f"must start with {prefix}")


def load_settings() -> Settings:
    """Read the settings; a malformed value becomes a ConfigError naming its variable."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "configuration"
        raise ConfigError(variable, f"is invalid: {first['msg']}") from None
