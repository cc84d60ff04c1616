"""What other features add to a goal in the check-in modal (the CRM's figure for the week: the result
pre-filled with it, and the reason asked for when the rep reports something else). Each is a `GoalExtra`
in `EXTRAS`, connected by `bot.links`: this package never imports those features. The check-in handlers
ask `shown` when the modal opens, `check` when it is submitted (a field error keeps the modal open) and
`keep` when the check-in is saved, in its transaction. No Slack calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.checkins.service import Answer
from bot.errors import FieldErrors
from bot.goals.models import Goal
from bot.i18n import Locale
from bot.slack.blocks import Block
from bot.slack.forms import Values


@dataclass(frozen=True)
class RepWeek:
    """Whose check-in, and for which week (its Monday)."""

    team_id: str
    rep_id: int
    week: date


@dataclass(frozen=True)
class Shown:
    """One extra's part of the modal: {goal id: the answers shown while the goal is not answered yet
    (e.g. {"result": "12500"})} and {goal id: the blocks under the goal's result}."""

    prefill: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    fields: Mapping[int, Sequence[Block]] = field(default_factory=dict)


@dataclass(frozen=True)
class GoalExtra:
    """A feature's side of one rep's check-in for a week: `shown(session, of, goals, locale)`,
    `check(session, of, answers, submitted values)` and `keep(session, of, submitted values, now)`."""

    shown: Callable[[Session, RepWeek, Sequence[Goal], Locale], Shown]
    check: Callable[[Session, RepWeek, Sequence[Answer], Values], FieldErrors]
    keep: Callable[[Session, RepWeek, Values, datetime], None]


EXTRAS: list[GoalExtra] = []


def shown(session: Session, of: RepWeek, goals: Sequence[Goal], locale: Locale) -> Shown:
    """Every extra's part, together: the first to pre-fill an answer wins; fields in the list's order."""
    answers: dict[int, dict[str, str]] = {}
    fields: dict[int, list[Block]] = {}
    for extra in EXTRAS:
        part = extra.shown(session, of, goals, locale)
        prefill(answers, part)
        for goal_id, found in part.fields.items():
            fields.setdefault(goal_id, []).extend(found)
    return Shown(answers, fields)


def prefill(previous: dict[int, dict[str, str]], found: Shown) -> None:
    """A goal's answers not given yet this week show what the extras pre-fill."""
    for goal_id, answers in found.prefill.items():
        for name, value in answers.items():
            previous.setdefault(goal_id, {}).setdefault(name, value)


def check(session: Session, of: RepWeek, answers: Sequence[Answer], submitted: Values) -> FieldErrors:
    """Every extra's field errors for the submitted modal (none: the check-in may be saved)."""
    errors = FieldErrors()
    for extra in EXTRAS:
        errors |= extra.check(session, of, answers, submitted)
    return errors


def keep(session: Session, of: RepWeek, submitted: Values, *, now: datetime) -> None:
    """Each extra keeps what it needs beside the week's saved check-ins."""
    for extra in EXTRAS:
        extra.keep(session, of, submitted, now)
