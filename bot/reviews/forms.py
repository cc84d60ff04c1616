"""The review modals' answers, read and checked without Slack: levels 1–5 (`reviewing.read_levels`), texts
no longer than the modal takes, and a peer's rating."""

from __future__ import annotations

from collections.abc import Mapping

from bot.errors import FieldErrors
from bot.goals.numbers import read_whole
from bot.reviews.development import read_action
from bot.reviews.models import DIMENSIONS
from bot.reviews.reviewing import Levels, ManagerAnswers, read_levels, reason_field
from bot.slack.forms import Form

Values = Mapping[str, str | None]
TEXT_MAX = 3000
SELF_TEXTS = ("wins", "lessons", "support_wanted")
MANAGER_TEXTS = ("strengths", "improvements", "development_action")
RATING, COMMENT = "rating", "comment"


def _texts(values: Values, names: tuple[str, ...], errors: FieldErrors) -> dict[str, str]:
    texts = {name: (values.get(name) or "").strip() for name in names}
    errors.update({name: "reviews.flows.too_long" for name, text in texts.items() if len(text) > TEXT_MAX})
    return texts


def check_self(values: Values) -> tuple[Levels, dict[str, str]] | FieldErrors:
    levels = read_levels(values, required=True)
    errors = levels if isinstance(levels, FieldErrors) else FieldErrors()
    texts = _texts(values, SELF_TEXTS, errors)
    return errors if errors or isinstance(levels, FieldErrors) else (levels, texts)


def check_manager(values: Values) -> ManagerAnswers | FieldErrors:
    levels = read_levels(values, required=True)
    errors = levels if isinstance(levels, FieldErrors) else FieldErrors()
    reasons = _texts(values, tuple(reason_field(d) for d in DIMENSIONS), errors)
    texts = _texts(values, MANAGER_TEXTS, errors)
    link = read_action(values)
    errors.update(link if isinstance(link, FieldErrors) else {})
    if errors or isinstance(levels, FieldErrors) or isinstance(link, FieldErrors):
        return errors
    by_dimension = {d: reasons[reason_field(d)] for d in DIMENSIONS}
    return ManagerAnswers(levels, by_dimension, **texts, development=link)


def check_peer(values: Values) -> tuple[int, str] | FieldErrors:
    errors = FieldErrors()
    rating = read_whole(values.get(RATING), range(1, 6))
    if rating is None:
        errors[RATING] = "reviews.errors.rating_range"
    comment = _texts(values, (COMMENT,), errors)[COMMENT]
    if errors or rating is None:
        return errors
    return rating, comment


SELF = Form(dict, check_self)
MANAGER = Form(dict, check_manager)
PEER = Form(dict, check_peer)
