"""A manager's feedback may name a training course as its development action (issue 14). This package
never imports the training feature: `CHOOSERS` is the hook it fills (`bot.links`), offering the
workspace's courses; saving the feedback keeps the course on it (`ManagerFeedback.course_id`, migration
0019) and `FeedbackGiven` lets the training side assign it, once. No Slack."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.goals.numbers import read_whole

COURSE_FIELD = "course"  # the modal's block id, and the form's field
NO_COURSE = "none"
MAX_CHOICES = 99  # a static select takes 100 options, "none" included
Chooser = Callable[[Session, str, str], list[tuple[int, str]]]  # (session, team_id, locale) → (id, name)s
CHOOSERS: list[Chooser] = []  # at most one: the training feature's courses, connected by `bot.links`


def choices(session: Session, team_id: str, locale: str) -> list[tuple[int, str]]:
    """The courses the manager may name; empty when no training is connected (the field is not shown)."""
    return [c for chooser in CHOOSERS for c in chooser(session, team_id, locale)][:MAX_CHOICES]


def read_course(value: str | None) -> int | str | None:
    """The picked course's id, None for none, or the i18n key of what is wrong (a forged value)."""
    text = (value or "").strip()
    if text in {"", NO_COURSE}:
        return None
    course_id = read_whole(text, range(1, 2_147_483_648))
    return "feedback.development.course_unknown" if course_id is None else course_id
