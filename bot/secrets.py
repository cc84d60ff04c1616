"""Secrets at rest: a `Vault` encrypts with the keys in PACER_SECRET_KEYS (Fernet, comma-separated; the
first encrypts, every one decrypts), and a `Secret` holds a decrypted value without ever showing it.

Rotation: put a new key first in PACER_SECRET_KEYS (keep the old ones after it), restart, then run
`pacer secrets rotate` to re-encrypt what is stored with the new key; the old keys can then go. The vault
knows nothing of what it protects (Slack tokens, a CRM's credentials): each store wraps it."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, Table, select, update

from bot.config import ConfigError, Settings

ENCRYPTED_PREFIX = "enc:"  # marks a stored value as ciphertext, so plaintext is never mistaken for it


class SecretError(Exception):
    """No key, a malformed key, or a value no key opens. Its message never contains the value."""


class Secret:
    """A secret value: `reveal()` gives it; repr, str and format show only that it is hidden."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret is not pickled: store it encrypted with the Vault")


def parse_keys(value: str) -> list[bytes]:
    """PACER_SECRET_KEYS: Fernet keys separated by commas, the encrypting one first."""
    keys = [part.strip().encode() for part in value.split(",") if part.strip()]
    if not keys:
        raise SecretError("PACER_SECRET_KEYS holds no key")
    return keys


class Vault:
    """Encrypts, decrypts and re-encrypts secrets with the keys of PACER_SECRET_KEYS."""

    def __init__(self, keys: Sequence[bytes | str]) -> None:
        if not keys:
            raise SecretError("a vault needs at least one key")
        try:
            self._fernet = MultiFernet([Fernet(key.strip()) for key in keys])
        except (ValueError, TypeError) as error:
            raise SecretError(
                "a key in PACER_SECRET_KEYS is not a Fernet key (32 url-safe base64 bytes)"
            ) from error

    @classmethod
    def from_setting(cls, value: str) -> Vault:
        return cls(parse_keys(value))

    @classmethod
    def from_settings(cls, settings: Settings, *, purpose: str = "secrets are encrypted with it") -> Vault:
        """The vault of PACER_SECRET_KEYS; unset or malformed, a ConfigError naming it (never the key)."""
        if settings.pacer_secret_keys is None:
            raise ConfigError("PACER_SECRET_KEYS", f"is not set ({purpose})")
        try:
            return cls.from_setting(settings.pacer_secret_keys.get_secret_value())
        except SecretError as error:
            raise ConfigError("PACER_SECRET_KEYS", f"cannot be used: {error}") from None

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def seal(self, fields: Mapping[str, Secret]) -> str:
        """Several secrets of one thing (a CRM connection's credentials) as one encrypted value."""
        return self.encrypt(json.dumps({name: value.reveal() for name, value in sorted(fields.items())}))

    def open(self, sealed: str) -> dict[str, Secret]:
        """What `seal` sealed, each value a `Secret`."""
        fields = json.loads(self.decrypt(sealed).reveal())
        return {str(name): Secret(str(value)) for name, value in fields.items()}

    def encrypt(self, plain: str | Secret) -> str:
        """The ciphertext to store, marked with ENCRYPTED_PREFIX."""
        value = plain.reveal() if isinstance(plain, Secret) else plain
        return ENCRYPTED_PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, stored: str) -> Secret:
        if not is_encrypted(stored):
            raise SecretError("the stored value is not encrypted")
        try:
            return Secret(self._fernet.decrypt(stored.removeprefix(ENCRYPTED_PREFIX).encode()).decode())
        except InvalidToken as error:
            raise SecretError("no key in PACER_SECRET_KEYS opens a stored secret") from error

    def rotate(self, stored: str) -> str:
        """The same secret encrypted with the first key (what `pacer secrets rotate` stores back)."""
        if not is_encrypted(stored):
            return self.encrypt(stored)
        try:
            rotated = self._fernet.rotate(stored.removeprefix(ENCRYPTED_PREFIX).encode())
        except InvalidToken as error:
            raise SecretError("no key in PACER_SECRET_KEYS opens a stored secret") from error
        return ENCRYPTED_PREFIX + rotated.decode()


def is_encrypted(stored: str) -> bool:
    return stored.startswith(ENCRYPTED_PREFIX)


# Slack's tokens (xoxb-, xoxp-, xoxe.xoxb-, xoxe- refresh tokens, xapp-) wherever a log line quotes them:
# slack_sdk logs whole responses at DEBUG, oauth.v2.access's included.
TOKEN_PATTERN = re.compile(r"xox[a-z]?[a-z.]*-[A-Za-z0-9.\-]+|xapp-[A-Za-z0-9\-]+")
REDACTED_LOGGERS = ("slack_sdk.web.base_client", "slack_bolt.App", "slack_bolt.oauth", "bot.slack.oauth")


class RedactTokens(logging.Filter):
    """Replaces every Slack token in a record's message with `xox…(redacted)`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_PATTERN.search(message):
            record.msg, record.args = TOKEN_PATTERN.sub("xox…(redacted)", message), None
        return True


def redact_tokens(names: tuple[str, ...] = REDACTED_LOGGERS) -> None:
    """Attach `RedactTokens` to the loggers that may quote a token (once each)."""
    for name in names:
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in target.filters):
            target.addFilter(RedactTokens())


def rotate_stored(connection: Connection, vault: Vault, table: Table, columns: Sequence[str]) -> int:
    """Re-encrypt with the vault's first key every value of `columns` in `table` (plaintext left over is
    encrypted too); returns how many values changed. For `pacer secrets rotate`, inside one transaction."""
    key = next(iter(table.primary_key.columns))
    changed = 0
    for row in connection.execute(select(key, *(table.c[name] for name in columns))).mappings():
        values = {name: vault.rotate(row[name]) for name in columns if row[name]}
        if values:
            connection.execute(update(table).where(key == row[key.name]).values(**values))
            changed += len(values)
    return changed
