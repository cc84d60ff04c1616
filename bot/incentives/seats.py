"""A training course seat as a reward (issue 15): a plan or a contest may name a course
(`seat_course_id`, migration 0019), given to each rep whose payout is approved or who wins a prized rank
(`bot.events.PayoutApproved`, `ContestEnded`). This package never imports the training feature: the
course choices and names come through `CHOOSERS` and `NAMERS`, filled by `bot.links`. No Slack."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.goals.numbers import read_whole

SEAT_FIELD = "seat"  # the plan's and the contest's modal block id, and the answers' field
NO_SEAT = "none"
MAX_CHOICES = 99
Chooser = Callable[[Session, str, str], list[tuple[int, str]]]  # (session, team_id, locale) → (id, title)s
Namer = Callable[[Session, str, int], str | None]
CHOOSERS: list[Chooser] = []
NAMERS: list[Namer] = []


def choices(session: Session, team_id: str, locale: str) -> list[tuple[int, str]]:
    """The courses a plan or contest may give a seat in; empty without training (no field then)."""
    return [c for chooser in CHOOSERS for c in chooser(session, team_id, locale)][:MAX_CHOICES]


def name_of(session: Session, team_id: str, course_id: int | None) -> str | None:
    if course_id is None:
        return None
    return next((n for namer in NAMERS if (n := namer(session, team_id, course_id)) is not None), None)


def read_seat(value: str | None) -> int | str | None:
    """The picked course's id, None for no seat, or the i18n key of what is wrong (a forged value)."""
    text = (value or "").strip()
    if text in {"", NO_SEAT}:
        return None
    course_id = read_whole(text, range(1, 2_147_483_648))
    return "incentives.seat.unknown" if course_id is None else course_id
