"""Secrets at rest (bot/secrets.py): round trip, sealed credentials, key rotation, and never a value in
repr, str, logs or pickles."""

from __future__ import annotations

import logging
import pickle

import pytest

from bot.config import ConfigError, Settings
from bot.secrets import Secret, SecretError, Vault

REFRESH = "1000.3f2c6e0d1b8a4c9e7f5d2a1b0c9e8d7f.4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d"


def test_a_credential_round_trips_and_is_not_stored_in_plain_text() -> None:
    vault = Vault([Vault.new_key()])
    sealed = vault.encrypt(Secret(REFRESH))
    assert REFRESH not in sealed and sealed.startswith("enc:")
    assert vault.decrypt(sealed) == Secret(REFRESH)
    blob = vault.seal({"refresh_token": Secret(REFRESH), "client": Secret("x")})
    assert vault.open(blob)["refresh_token"].reveal() == REFRESH


def test_rotation_moves_every_value_to_the_new_key() -> None:
    old, new = Vault.new_key(), Vault.new_key()
    sealed = Vault([old]).encrypt(Secret(REFRESH))
    both = Vault([new, old])  # the new key first: it encrypts; the old one still decrypts
    assert both.decrypt(sealed).reveal() == REFRESH
    rotated = both.rotate(sealed)
    assert Vault([new]).decrypt(rotated).reveal() == REFRESH
    with pytest.raises(SecretError):
        Vault([new]).decrypt(sealed)  # the old token needs the old key: rotate before dropping it


def test_a_value_from_another_key_is_a_clear_error_without_the_value() -> None:
    sealed = Vault([Vault.new_key()]).encrypt(Secret(REFRESH))
    with pytest.raises(SecretError) as caught:
        Vault([Vault.new_key()]).decrypt(sealed)
    assert REFRESH not in str(caught.value)


def test_a_secret_never_shows_itself(caplog: pytest.LogCaptureFixture) -> None:
    secret = Secret(REFRESH)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("bot.crm").info("connected with %s / %r / %s", secret, secret, {"token": secret})
    shown = [repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>80}", caplog.text]
    assert all(REFRESH not in text for text in shown)
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_the_vault_comes_from_pacer_secret_keys() -> None:
    first, second = Vault.new_key(), Vault.new_key()
    vault = Vault.from_settings(Settings(pacer_secret_keys=f" {first} , {second} "))  # type: ignore[call-arg]
    assert Vault([first]).decrypt(vault.encrypt(Secret("x"))).reveal() == "x"
    with pytest.raises(ConfigError, match="PACER_SECRET_KEYS"):
        Vault.from_settings(Settings(pacer_secret_keys=None))  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="PACER_SECRET_KEYS") as caught:
        Vault.from_settings(Settings(pacer_secret_keys="not-a-key"))  # type: ignore[call-arg]
    assert "not-a-key" not in str(caught.value)
