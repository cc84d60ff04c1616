"""The review conversation's slots (pure, over `bot.calendar`): the manager's next working days skip
weekends, public holidays and time away; slots lie in the manager's hours, those in the rep's own hours
first; a slot not among them is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from bot.errors import Stale
from bot.reviews import conversation


@dataclass
class Place:
    timezone: str | None = "UTC"
    country: str | None = None
    away_from: date | None = None
    away_until: date | None = None
    nudge_weekday: int = 0
    nudge_time: time = time(9)
    digest_weekday: int = 4
    digest_time: time = time(16)
    report_current_week: bool = False
    reminder_delay_hours: int = 24
    feedback_day: int = 25


FRIDAY = datetime(2026, 12, 25, 9, 0, tzinfo=UTC)  # Christmas, a Friday


def test_working_days_skip_weekends_holidays_and_time_away() -> None:
    workspace = Place(timezone="UTC", country="GB")
    manager = Place(
        timezone="Europe/London", country="GB", away_from=date(2026, 12, 29), away_until=date(2026, 12, 29)
    )
    days = [h.day for h in conversation.working_hours(manager, workspace, FRIDAY)]
    assert days == [date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 4)]  # 28th: Boxing Day observed
    first = conversation.working_hours(manager, workspace, FRIDAY)[0]
    assert (first.start.hour, first.end.hour) == (10, 18)


def test_slots_in_both_peoples_hours_come_first() -> None:
    workspace = Place()
    manager, rep = Place(timezone="Europe/Berlin"), Place(timezone="America/New_York")
    now = datetime(2026, 12, 28, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
    slots = conversation.slots(manager, rep, workspace, now)
    assert [s.astimezone(UTC).hour for s in slots] == [15, 16, 15, 16, 15]  # 16:00 and 17:00 in Berlin
    conversation.check_slot(manager, workspace, slots[0], now)
    with pytest.raises(Stale):
        conversation.check_slot(manager, workspace, datetime(2026, 12, 28, 23, 0, tzinfo=UTC), now)


def test_no_common_hour_offers_the_managers_own() -> None:
    workspace = Place()
    manager, rep = Place(timezone="Asia/Shanghai"), Place(timezone="America/Los_Angeles")
    now = datetime(2026, 12, 28, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai: the first slot is 10:00 (LEAD)
    slots = conversation.slots(manager, rep, workspace, now)
    assert [s.astimezone(UTC).hour for s in slots] == [2, 3, 4, 5, 6]
