"""slack_sdk's SQLAlchemy installation store and OAuth state store tables, written out as Pacer's schema so
alembic creates them (migration 0016) and nothing creates them at run time. They are the stores' own
`build_installations_table()`, `build_bots_table()` and `build_oauth_states_table()` (tests/oauth holds
them equal), except the token columns: String(1000), not String(200), as they hold ciphertext, about twice
a token's length (a 152-character rotating token is 296 characters encrypted). A models module never
imports Slack, hence the copy rather than the builders."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, func

from bot.db import Base

INSTALLATIONS_TABLE, BOTS_TABLE, STATES_TABLE = "slack_installations", "slack_bots", "slack_oauth_states"
SECRET_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
SECRET_LENGTH = 1000


def _bot_columns() -> list[Column[object]]:
    return [
        Column("bot_token", String(SECRET_LENGTH)),
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(SECRET_LENGTH)),
        Column("bot_token_expires_at", DateTime),
    ]


INSTALLATIONS = Table(
    INSTALLATIONS_TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(SECRET_LENGTH)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(SECRET_LENGTH)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(f"{INSTALLATIONS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)

BOTS = Table(
    BOTS_TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(f"{BOTS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

STATES = Table(
    STATES_TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)


# Mapped, so the list of features sees the tables (Pacer reads and writes them through slack_sdk's stores).
class SlackInstallation(Base):
    __table__ = INSTALLATIONS


class SlackBot(Base):
    __table__ = BOTS


class SlackOAuthState(Base):
    __table__ = STATES
