"""`pacer secrets rotate`: re-encrypt the stored Slack tokens with the first key of PACER_SECRET_KEYS."""

from __future__ import annotations

import argparse

from sqlalchemy import Engine

from bot.config import ConfigError, Settings
from bot.installs.models import BOTS, INSTALLATIONS, SECRET_FIELDS
from bot.secrets import SecretError, Vault, rotate_stored


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    secrets = sub.add_parser(
        "secrets", help="encrypted secrets at rest", description="Manage the secrets Pacer stores encrypted."
    )
    actions = secrets.add_subparsers(dest="secrets_command", required=True, metavar="ACTION")
    actions.add_parser(
        "rotate",
        help="re-encrypt the stored tokens with the first key of PACER_SECRET_KEYS",
        description="Put a new key first in PACER_SECRET_KEYS (keep the old ones after it), then run this; "
        "afterwards the old keys can be removed.",
    )


def rotate(settings: Settings, engine: Engine) -> str:
    """One line on what was re-encrypted; a ConfigError when the keys are missing or wrong."""
    if settings.pacer_secret_keys is None:
        raise ConfigError("PACER_SECRET_KEYS", "is not set")
    try:
        vault = Vault.from_setting(settings.pacer_secret_keys.get_secret_value())
        with engine.begin() as connection:
            changed = sum(
                rotate_stored(connection, vault, table, [c for c in SECRET_FIELDS if c in table.c])
                for table in (INSTALLATIONS, BOTS)
            )
    except SecretError as error:
        raise ConfigError("PACER_SECRET_KEYS", f"cannot be used: {error}") from None
    return f"re-encrypted {changed} stored tokens with the first key"
