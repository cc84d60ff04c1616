"""`pacer secrets rotate`: re-encrypt the stored Slack tokens and CRM credentials with the first key of
PACER_SECRET_KEYS."""

from __future__ import annotations

import argparse

from sqlalchemy import Engine

from bot.config import ConfigError, Settings
from bot.crm.integrations.models import CrmConnection
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
    vault = Vault.from_settings(settings)
    stored = [(table, [c for c in SECRET_FIELDS if c in table.c]) for table in (INSTALLATIONS, BOTS)]
    stored.append((CrmConnection.__table__, ["credentials"]))  # type: ignore[arg-type]
    try:
        with engine.begin() as connection:
            changed = sum(rotate_stored(connection, vault, table, columns) for table, columns in stored)
    except SecretError as error:
        raise ConfigError("PACER_SECRET_KEYS", f"cannot be used: {error}") from None
    return f"re-encrypted {changed} stored secrets (Slack tokens, CRM credentials) with the first key"
