"""A workspace's recognition settings — the monthly allowance, the value hashtags, whether a kudos must
name one, and the recognition channel — read with their defaults, checked field by field, saved. No Slack."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.errors import FieldErrors, Invalid
from bot.recognition.models import DEFAULT_ALLOWANCE, RecognitionSettings

ALLOWANCE_MAX = 10_000
VALUES_MAX = 12  # value hashtags a workspace may configure
VALUE = re.compile(r"^[^\s#,，<>&*_~`]{1,30}$")  # one hashtag's word: no spaces, commas or mrkdwn marks

# The block ids of `/pacer setup recognition`'s fields.
ALLOWANCE_FIELD = "recognition_allowance"
VALUES_FIELD = "recognition_values"
REQUIRED_FIELD = "recognition_value_required"
CHANNEL_FIELD = "recognition_channel"


@dataclass(frozen=True)
class RecognitionConfig:
    allowance: int = DEFAULT_ALLOWANCE
    values: tuple[str, ...] = ()
    value_required: bool = False
    channel_id: str | None = None

    @property
    def requires_value(self) -> bool:
        """A value is required only when there are values to choose from."""
        return self.value_required and bool(self.values)

    def per_person_cap(self, allowance: int) -> int:
        """The most points one giver may give one person in a month: 40 % of their allowance."""
        return allowance * 40 // 100


DEFAULTS = RecognitionConfig()


def read_values(text: str | None) -> tuple[str, ...] | None:
    """Value hashtags written with commas or spaces ("#teamwork, customer-first"), lower-cased, each
    once; None when one is not a single word or there are too many."""
    words = (text or "").replace(",", " ").replace("，", " ").split()
    values = tuple(dict.fromkeys(word.lstrip("#").casefold() for word in words if word.lstrip("#")))
    if len(values) > VALUES_MAX or not all(VALUE.match(value) for value in values):
        return None
    return values


def load_config(session: Session, team_id: str) -> RecognitionConfig:
    """The workspace's settings, or the defaults when it saved none (one statement)."""
    row = session.get(RecognitionSettings, team_id)
    if row is None:
        return DEFAULTS
    values = read_values(row.kudos_values) or ()
    return RecognitionConfig(row.allowance, values, row.value_required, row.channel_id)


def check_config(values: Mapping[str, str | None]) -> RecognitionConfig | FieldErrors:
    """The settings typed in the modal, or a field error under each wrong one."""
    errors = FieldErrors()
    allowance = (values.get(ALLOWANCE_FIELD) or "").strip()
    if not (re.fullmatch(r"[0-9]{1,5}", allowance) and 1 <= int(allowance) <= ALLOWANCE_MAX):
        errors[ALLOWANCE_FIELD] = Invalid("recognition.setup.allowance_invalid", max=ALLOWANCE_MAX)
    kudos_values = read_values(values.get(VALUES_FIELD))
    if kudos_values is None:
        errors[VALUES_FIELD] = Invalid("recognition.setup.values_invalid", max=VALUES_MAX)
    required = values.get(REQUIRED_FIELD) == "yes"
    if required and kudos_values == ():
        errors[REQUIRED_FIELD] = "recognition.setup.required_without_values"
    if errors or kudos_values is None:
        return errors
    channel = (values.get(CHANNEL_FIELD) or "").strip() or None
    return RecognitionConfig(int(allowance), kudos_values, required, channel)


def save_config(session: Session, team_id: str, config: RecognitionConfig) -> None:
    """Keep `config` as the workspace's settings (checked by `check_config` first)."""
    row = session.get(RecognitionSettings, team_id) or RecognitionSettings(team_id=team_id)
    row.allowance, row.kudos_values = config.allowance, ",".join(config.values)
    row.value_required, row.channel_id = config.value_required, config.channel_id
    session.add(row)
    session.flush()
