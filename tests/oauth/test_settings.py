"""Which mode the settings choose, and what each needs before serving."""

import pytest
from cryptography.fernet import Fernet

from bot.config import ConfigError, Settings

OAUTH = {
    "slack_client_id": "1.2",
    "slack_client_secret": "s3cret-value",
    "slack_scopes": "commands, chat:write",
}


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, slack_signing_secret="signing-secret-value", **values)  # type: ignore[call-arg]


def test_a_bot_token_keeps_single_workspace_mode_whatever_else_is_set() -> None:
    settings = _settings(slack_bot_token="xoxb-1-2-3", **OAUTH)
    assert not settings.oauth_mode
    settings.require_slack()


def test_oauth_mode_needs_the_secret_keys_and_http_mode() -> None:
    settings = _settings(**OAUTH)
    assert settings.oauth_mode and settings.scopes == ["commands", "chat:write"]
    with pytest.raises(ConfigError, match="PACER_SECRET_KEYS"):
        settings.require_slack()
    keys = Fernet.generate_key().decode()
    _settings(pacer_secret_keys=keys, **OAUTH).require_slack()
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        _settings(pacer_secret_keys=keys, slack_app_token="xapp-1-2", **OAUTH).require_slack()
    assert settings.slack_authorize_url == "https://slack.com/oauth/v2/authorize"
