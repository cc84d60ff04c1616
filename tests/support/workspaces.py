"""Several workspaces installed side by side by OAuth, as the installation store keeps them: each with
its own bot token in the emulator and in Pacer's encrypted store, and its workspace row active."""

from __future__ import annotations

from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import Engine, text

from bot.config import Settings
from bot.db import SessionFactory
from bot.slack.oauth import installation_store
from bot.workspaces.service import ensure_workspace
from tests.conftest import make_settings
from tests.support.slack_emulator import SlackEmulator

CLIENT_ID, CLIENT_SECRET = "1111.2222", "oauth-client-secret"
KEY = Fernet.generate_key().decode()


def wipe_installations(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in ("slack_installations", "slack_bots", "slack_oauth_states"):
            connection.execute(text(f"DELETE FROM {table}"))


def oauth_settings(emulator: SlackEmulator, engine: Engine, **overrides: object) -> Settings:
    """Settings in OAuth mode (no bot token in the environment) against the emulator."""
    emulator.configure_oauth(CLIENT_ID, CLIENT_SECRET)
    values: dict[str, object] = {
        "slack_bot_token": None,
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "slack_scopes": "commands,chat:write",
        "pacer_secret_keys": KEY,
    }
    return make_settings(emulator, engine.url.render_as_string(hide_password=False), **(values | overrides))


def install(
    emulator: SlackEmulator, settings: Settings, factory: SessionFactory, team_id: str, *, name: str = ""
) -> str:
    """Pacer installed in `team_id` (added to the emulator unless it serves it already); its token."""
    token = f"xoxb-{team_id.lower()}"
    if team_id in emulator.teams:
        emulator.teams[team_id].tokens[token] = None
    else:
        emulator.add_team(team_id, name=name or team_id, bot_token=token)
    installation_store(settings, factory.kw["bind"]).save(
        Installation(
            app_id="A0PACER",
            enterprise_id=None,
            team_id=team_id,
            bot_token=token,
            bot_id=f"B{team_id}",
            bot_user_id=f"UBOT{team_id[-4:]}",
            bot_scopes="commands,chat:write",
            user_id=f"UINST{team_id[-4:]}",
        )
    )
    with factory.begin() as session:
        ensure_workspace(session, team_id).active = True
    return token
