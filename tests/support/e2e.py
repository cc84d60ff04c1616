"""Helpers the end-to-end test files shared by copy: the direct messages a user got from Pacer, and a
moment in 2026 (most scenarios play in December) on the UTC clock the app server's clock is set to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support.slack_emulator import SlackEmulator


def dms(emulator: SlackEmulator, user_id: str) -> list[dict[str, Any]]:
    """The messages Pacer posted in its DM with `user_id` (the emulator names that channel "D" + id)."""
    return emulator.messages.get("D" + user_id, [])


def at(day: int, hour: int = 12, minute: int = 0, month: int = 12) -> datetime:
    """`day` `month` 2026 at hour:minute UTC; noon unless told."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)
