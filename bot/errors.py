"""Domain errors: each carries an i18n key and values, so the one Slack error handler can translate it."""

from __future__ import annotations

from typing import Any


class Term(str):
    """An error value that is an i18n key (a stage, a status): shown translated into the reader's language."""

    __slots__ = ()


class PacerError(Exception):
    """Something the person can fix or should know; never a bug. Rendered with `t(key, locale, **values)`."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **values: Any) -> None:
        self.key = key or self.key
        self.values = values
        super().__init__(f"{self.key} {values}")


class NotAllowed(PacerError):
    key = "error.not_allowed"


class NotFound(PacerError):
    key = "error.not_found"


class Conflict(PacerError):
    key = "error.conflict"


class Invalid(PacerError):
    """Bad input outside a modal (a modal answers with field errors instead)."""

    key = "error.invalid"


class Stale(Invalid):
    """A button on an old message: what it asks was already done, or the thing has changed since. Values
    may hold datetimes, which the error handler shows in the person's language and time zone."""

    key = "error.stale"


class FieldErrors(dict[str, "str | PacerError"]):
    """What is wrong with a modal's answers: {block id: i18n key, or an error whose values the message
    needs}. Every form's check returns its typed value or this; the modal then stays open with each
    message under its field (`bot.slack.forms.reject`). A dict, so tests compare it with plain dicts."""
