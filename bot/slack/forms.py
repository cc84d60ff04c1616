"""One validation shape for every modal: `FORM.from_view(view)` is the typed value or `FieldErrors`, and
`reject(ack, errors, locale)` keeps the modal open with each message under its field.

A feature declares its form once, beside its handlers:

    GOAL = Form.of(GoalForm, validate)          # GoalForm: a dataclass of strings, one per input block
    data = GOAL.from_view(request.view, today=today)
    if isinstance(data, FieldErrors):
        return reject(request.ack, data, request.locale, max=TEXT_MAX)

The answers dataclass and its check stay free of Slack (unit-tested as plain values); only reading the
submitted view (`values_of`) and answering with `response_action: errors` happen here. A check returns
`FieldErrors` (a dict, so its tests still compare it with plain dicts); one that returns a plain dict of
errors today (the setup form's `validate_setup`) wraps it in `FieldErrors` at its return to join in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_bolt import Ack

from bot.errors import FieldErrors, PacerError
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.state import submitted_values

A = TypeVar("A")
T = TypeVar("T")
Values = Mapping[str, str | None]


def answers_of(answers: type[A], values: Values) -> A:
    """The answers dataclass filled from the submitted values: each field from the block of its name."""
    names = [f.name for f in dataclasses.fields(answers)]  # type: ignore[arg-type]
    return answers(**{name: values.get(name) for name in names})


@dataclass(frozen=True)
class Form(Generic[A, T]):
    """A modal's form: how its submitted values become answers, and the check that types them."""

    read: Callable[[Values], A]
    check: Callable[..., T | FieldErrors]

    @classmethod
    def of(cls, answers: type[A], check: Callable[..., T | FieldErrors]) -> Form[A, T]:
        """The usual form: a dataclass of strings with one field per input block."""
        return cls(lambda values: answers_of(answers, values), check)

    def from_view(self, view: dict[str, Any], **context: Any) -> T | FieldErrors:
        """The typed answers of a submitted view, or what is wrong with them; `context` goes to the check
        (e.g. `today`). An untouched input keeps what the modal showed (`submitted_values`)."""
        return self.check(self.read(submitted_values(view)), **context)


def messages(errors: Mapping[str, str | PacerError], locale: Locale, **values: Any) -> dict[str, str]:
    """Each field's message in the person's language: an error with its own values, a bare key with
    `values` (e.g. `max`)."""
    return {
        field: t(error.key, locale, **error.values)
        if isinstance(error, PacerError)
        else t(error, locale, **values)
        for field, error in errors.items()
    }


def reject(ack: Ack, errors: Mapping[str, str | PacerError], locale: Locale, **values: Any) -> None:
    """Keep the modal open with the messages under their fields (an acknowledgement, so before 3 s)."""
    ack(**blocks.field_errors(messages(errors, locale, **values)))
