"""The workspace's recognition settings, checked field by field, and stored (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.recognition.settings import (
    ALLOWANCE_FIELD,
    CHANNEL_FIELD,
    DEFAULTS,
    REQUIRED_FIELD,
    VALUES_FIELD,
    RecognitionConfig,
    check_config,
    load_config,
    read_values,
    save_config,
)
from tests.factories import TEAM, member


def test_values_are_read_as_lower_case_words_once() -> None:
    assert read_values("#Teamwork, grit，#teamwork customer-first") == ("teamwork", "grit", "customer-first")
    assert read_values("") == ()
    assert read_values("a*b") is None
    assert read_values(", ".join(f"v{n}" for n in range(13))) is None


def test_check_config_names_each_wrong_field() -> None:
    errors = check_config({ALLOWANCE_FIELD: "0", VALUES_FIELD: "", REQUIRED_FIELD: "yes"})
    assert set(errors) == {ALLOWANCE_FIELD, REQUIRED_FIELD}
    assert set(check_config({ALLOWANCE_FIELD: "99999", VALUES_FIELD: "ok"})) == {ALLOWANCE_FIELD}
    assert set(check_config({ALLOWANCE_FIELD: "50", VALUES_FIELD: "a*b"})) == {VALUES_FIELD}
    good = check_config(
        {ALLOWANCE_FIELD: " 150 ", VALUES_FIELD: "#grit", REQUIRED_FIELD: "yes", CHANNEL_FIELD: "C1"}
    )
    assert good == RecognitionConfig(150, ("grit",), True, "C1")


def test_settings_are_saved_and_read_back(session: Session) -> None:
    member(session, "U1")
    assert load_config(session, TEAM) == DEFAULTS
    config = RecognitionConfig(80, ("teamwork", "grit"), True, "C9")
    save_config(session, TEAM, config)
    assert load_config(session, TEAM) == config
    assert config.per_person_cap(150) == 60
