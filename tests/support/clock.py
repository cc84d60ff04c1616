"""A clock the tests can set: it reads the time it was set to and then runs on in real time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class MovableClock:
    def __init__(self) -> None:
        self._offset = timedelta(0)

    def set(self, now: datetime) -> None:
        self._offset = now - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self._offset
