"""Pure rules: the lesson day in a rep's own zone (training weekdays, from the lesson time, not on a
holiday or while away), the reminder window, and `/pacer train`'s words (each wrong part refused)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot import calendar
from bot.errors import Invalid
from bot.training.service import TargetKind, parse_train

TUE_THU = frozenset({1, 3})


@dataclass
class Person:
    timezone: str | None = "Asia/Shanghai"
    country: str | None = None
    away_from: date | None = None
    away_until: date | None = None


@dataclass
class Place:
    timezone: str = "UTC"
    country: str | None = None
    nudge_weekday: int = 0
    nudge_time: time = time(9)
    digest_weekday: int = 0
    digest_time: time = time(16)
    report_current_week: bool = False
    reminder_delay_hours: int = 24
    feedback_day: int = 1


def day_at(person: Person, when: datetime, place: Place | None = None) -> date | None:
    return calendar.lesson_day(person, place or Place(), TUE_THU, time(11), when)


def test_the_lesson_day_is_the_reps_own() -> None:
    # Tuesday 8 December 2026, 02:59 UTC is 10:59 in Shanghai; 03:00 is 11:00.
    assert day_at(Person(), datetime(2026, 12, 8, 2, 59, tzinfo=UTC)) is None
    assert day_at(Person(), datetime(2026, 12, 8, 3, 0, tzinfo=UTC)) == date(2026, 12, 8)
    assert day_at(Person(), datetime(2026, 12, 8, 15, 59, tzinfo=UTC)) == date(2026, 12, 8)
    assert day_at(Person(), datetime(2026, 12, 8, 16, 0, tzinfo=UTC)) is None  # Wednesday there
    assert (
        day_at(Person(timezone="America/Los_Angeles"), datetime(2026, 12, 8, 18, tzinfo=UTC)) is None
    )  # 10:00
    assert day_at(Person(timezone=None), datetime(2026, 12, 10, 11, tzinfo=UTC)) == date(2026, 12, 10)


def test_no_lesson_while_away_or_on_a_holiday() -> None:
    away = Person(away_from=date(2026, 12, 7), away_until=date(2026, 12, 9))
    assert day_at(away, datetime(2026, 12, 8, 4, tzinfo=UTC)) is None
    assert day_at(away, datetime(2026, 12, 10, 4, tzinfo=UTC)) == date(2026, 12, 10)
    christmas = datetime(2025, 12, 25, 12, tzinfo=UTC)  # a Thursday
    assert day_at(Person(timezone="Europe/London", country="GB"), christmas) is None
    assert day_at(Person(timezone="Europe/London"), christmas, Place(country="GB")) is None
    assert day_at(Person(timezone="Europe/London"), christmas) == date(2025, 12, 25)


SHANGHAI = ZoneInfo("Asia/Shanghai")


def next_at(
    person: Person, when: datetime, sent_on: date | None = None, days: frozenset[int] = TUE_THU
) -> datetime | None:
    return calendar.next_lesson(person, Place(), days, time(11), when, sent_on=sent_on)


def test_when_the_next_lesson_comes() -> None:
    """The Home tab's "next lesson": 11:00 on the next training day in the rep's own zone that had no lesson
    yet; today's, even once 11:00 has passed, while it is on its way; never while away or on a holiday."""
    monday_evening = datetime(2026, 12, 7, 12, tzinfo=UTC)  # 20:00 in Shanghai
    tuesday_morning, tuesday_afternoon = (
        datetime(2026, 12, 8, 1, tzinfo=UTC),
        datetime(2026, 12, 8, 5, tzinfo=UTC),
    )
    assert next_at(Person(), monday_evening) == datetime(2026, 12, 8, 11, tzinfo=SHANGHAI)
    assert next_at(Person(), tuesday_morning) == datetime(2026, 12, 8, 11, tzinfo=SHANGHAI)
    assert next_at(Person(), tuesday_afternoon, date(2026, 12, 3)) == datetime(
        2026, 12, 8, 11, tzinfo=SHANGHAI
    )
    assert next_at(Person(), tuesday_afternoon, date(2026, 12, 8)) == datetime(
        2026, 12, 10, 11, tzinfo=SHANGHAI
    )
    berlin = next_at(Person(timezone="Europe/Berlin"), tuesday_afternoon, date(2026, 12, 8))
    assert berlin == datetime(2026, 12, 10, 10, tzinfo=UTC)
    away = Person(away_from=date(2026, 12, 9), away_until=date(2026, 12, 11))
    assert next_at(away, tuesday_afternoon, date(2026, 12, 8)) == datetime(2026, 12, 15, 11, tzinfo=SHANGHAI)
    new_year = next_at(Person(country="CN"), datetime(2026, 12, 30, 12, tzinfo=UTC), days=frozenset({4}))
    assert new_year == datetime(2027, 1, 8, 11, tzinfo=SHANGHAI)  # Friday 1 January is a holiday in China
    assert next_at(Person(), monday_evening, days=frozenset()) is None


def test_the_reminder_window() -> None:
    due = date(2026, 12, 10)
    person = Person(timezone="Europe/Berlin")
    assert calendar.due_reminder_day(person, Place(), datetime(2026, 12, 7, 12, tzinfo=UTC), due) is None
    assert calendar.due_reminder_day(person, Place(), datetime(2026, 12, 8, 12, tzinfo=UTC), due) == date(
        2026, 12, 8
    )
    assert calendar.due_reminder_day(person, Place(), datetime(2026, 12, 8, 20, tzinfo=UTC), due) is None
    assert calendar.due_reminder_day(person, Place(), datetime(2026, 12, 10, 12, tzinfo=UTC), due) is None
    assert calendar.days_overdue(person, Place(), datetime(2026, 12, 17, 23, 30, tzinfo=UTC), due) == 8


TODAY = date(2026, 12, 7)
MENTIONS = {"<@UREP|rita>": "UREP", "<@UBOSS>": "UBOSS"}


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_train(text.split(), MENTIONS, today=TODAY)


def test_train_words() -> None:
    asked = parse("<@UREP|rita> Product basics due 2026-12-31")
    assert (asked.kind, asked.name, asked.course, asked.due, asked.required) == (
        TargetKind.REP,
        "UREP",
        "Product basics",
        date(2026, 12, 31),
        True,
    )
    asked = parse("team <@UBOSS> discovery-calls DUE 2026-12-07 optional recertify 365 days")
    assert (asked.kind, asked.name, asked.required, asked.recertify_days) == (
        TargetKind.TEAM,
        "UBOSS",
        False,
        365,
    )
    assert parse("vendor Acme x due 2027-01-01").kind is TargetKind.VENDOR
    assert parse("everyone x due 2027-01-01").name == ""


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("everyone product-basics", "training.train.usage"),
        ("everyone due 2026-12-31", "training.train.usage"),
        ("nobody x due 2026-12-31", "training.train.usage"),
        ("everyone x due 31/12/2026", "training.errors.bad_date"),
        ("everyone x due 2026-12-06", "training.errors.past_due"),
        ("everyone x due 2099-01-01", "training.errors.far_due"),
        ("everyone x due 2026-12-31 recertify 0 days", "training.errors.bad_recertify"),
        ("everyone x due 2026-12-31 recertify 99999999999999 days", "training.errors.bad_recertify"),
        ("everyone x due 2026-12-31 soon", "training.train.usage"),
        ("<@UOTHER> x due 2026-12-31", "training.train.usage"),
    ],
)
def test_wrong_words_are_refused(text: str, key: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse(text)
    assert refused.value.key == key
