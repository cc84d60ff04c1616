"""Migration 0016 creates slack_sdk's store tables as their build_*_table() define them (token columns
widened for ciphertext), and the vault encrypts, rotates and never shows a secret."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, Table, inspect

from bot.installs.models import SECRET_FIELDS, SECRET_LENGTH
from bot.secrets import RedactTokens, Secret, SecretError, Vault


def _defined() -> list[Table]:
    metadata = MetaData()
    return [
        SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states"),
    ]


def test_the_migrated_tables_are_the_stores_own(engine: Engine) -> None:
    inspector = inspect(engine)
    for table in _defined():
        migrated = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert list(migrated) == [c.name for c in table.columns]
        for column in table.columns:
            found = migrated[column.name]
            assert found["nullable"] == column.nullable, (table.name, column.name)
            length = SECRET_LENGTH if column.name in SECRET_FIELDS else getattr(column.type, "length", None)
            assert getattr(found["type"], "length", None) == length, (table.name, column.name)
            assert found["type"].python_type is column.type.python_type, (table.name, column.name)
        indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes(table.name)}
        assert indexes == {i.name: [c.name for c in i.columns] for i in table.indexes}


def test_the_vault_encrypts_rotates_and_hides() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    stored = Vault([old]).encrypt("xoxb-123-secret")
    assert stored.startswith("enc:") and "xoxb" not in stored
    rotating = Vault([new, old])
    assert rotating.decrypt(stored).reveal() == "xoxb-123-secret"
    rotated = rotating.rotate(stored)
    assert Vault([new]).decrypt(rotated).reveal() == "xoxb-123-secret"
    with pytest.raises(SecretError):
        Vault([Fernet.generate_key()]).decrypt(stored)
    with pytest.raises(SecretError):
        Vault.from_setting("not-a-key")
    secret = Secret("xoxb-123-secret")
    assert "xoxb" not in f"{secret} {secret!r} {secret:>20}" and secret.reveal() == "xoxb-123-secret"


def test_log_lines_lose_their_tokens() -> None:
    record = logging.LogRecord(
        "x", logging.DEBUG, "f", 1, "body: %s", ({"access_token": "xoxe.xoxb-1-abc"},), None
    )
    RedactTokens().filter(record)
    assert "abc" not in record.getMessage() and "redacted" in record.getMessage()
