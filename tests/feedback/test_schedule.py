"""The monthly feedback day: the workspace's day, on a working day of the person's country, in the month."""

from datetime import date
from types import SimpleNamespace

import pytest

from bot.calendar import feedback_date


@pytest.mark.parametrize(
    ("day", "month", "country", "expected"),
    [
        (0, date(2026, 11, 1), None, date(2026, 11, 2)),  # the 1st is a Sunday: Monday the 2nd
        (0, date(2026, 10, 1), "CN", date(2026, 10, 8)),  # National Day holidays in China until the 7th
        (0, date(2026, 10, 1), "US", date(2026, 10, 1)),
        (28, date(2026, 3, 1), None, date(2026, 3, 30)),  # Saturday the 28th: on to Monday the 30th
        (28, date(2026, 2, 1), None, date(2026, 2, 27)),  # moving on would leave February: back to Friday
    ],
)
def test_feedback_day(day: int, month: date, country: str | None, expected: date) -> None:
    assert feedback_date(SimpleNamespace(feedback_day=day), country, month) == expected  # type: ignore[arg-type]
