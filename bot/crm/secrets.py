"""CRM credentials at rest: a `Vault` over `cryptography`'s MultiFernet with keys from the environment
(`PACER_SECRET_KEYS`, comma-separated: the first encrypts, all decrypt, so a key can be rotated), and a
`Secret` wrapper whose repr and str never show the value.

Fernet and MultiFernet: https://cryptography.io/en/latest/fernet/ (`MultiFernet.rotate` re-encrypts a
token under the first key). Nothing here logs a value; errors name the problem, never the secret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.config import ConfigError, Settings

SETTING = "PACER_SECRET_KEYS"


class Secret:
    """A credential in memory. `reveal()` is the one way to read it; repr, str and format hide it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __format__(self, spec: str) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret is not pickled: store it encrypted with the Vault")


class VaultError(Exception):
    """The vault has no usable key, or a stored value was not encrypted by any of its keys."""


class Vault:
    """Encrypts and decrypts credentials; `rotate` re-encrypts a stored value under the newest key."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise VaultError(f"{SETTING} holds no key")
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys])
        except (ValueError, TypeError):
            raise VaultError(f"{SETTING} holds a key that is not a Fernet key") from None

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        """The vault of `PACER_SECRET_KEYS`; unset, a ConfigError naming it and how to make a key."""
        raw = settings.pacer_secret_keys.get_secret_value() if settings.pacer_secret_keys else ""
        keys = [part for part in (p.strip() for p in raw.split(",")) if part]
        if not keys:
            raise ConfigError(SETTING, "is not set (CRM credentials are encrypted with it)")
        try:
            return cls(keys)
        except VaultError:
            raise ConfigError(SETTING, "holds a key that is not a Fernet key") from None

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, secret: Secret) -> bytes:
        return self._fernet.encrypt(secret.reveal().encode())

    def decrypt(self, token: bytes) -> Secret:
        try:
            return Secret(self._fernet.decrypt(token).decode())
        except InvalidToken:
            raise VaultError("a stored credential does not open with any key of the vault") from None

    def rotate(self, token: bytes) -> bytes:
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise VaultError("a stored credential does not open with any key of the vault") from None

    def seal(self, fields: Mapping[str, Secret]) -> bytes:
        """Several credentials of one connection as one encrypted blob."""
        plain = json.dumps({name: value.reveal() for name, value in sorted(fields.items())})
        return self.encrypt(Secret(plain))

    def open(self, blob: bytes) -> dict[str, Secret]:
        fields = json.loads(self.decrypt(blob).reveal())
        return {str(name): Secret(str(value)) for name, value in fields.items()}
