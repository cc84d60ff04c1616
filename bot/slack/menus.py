"""Single-choice menus of any length. Slack's static_select holds at most 100 options, so a list that fits
stays static (quicker for the person: no round trip), and a longer one becomes an `external_select` whose
options Pacer sends as the person types (`bot.slack.suggestions` answers Slack's options requests with
`matching`). Both show each choice's label the same way and submit the same value, so the submission is
read alike (`selected_option` in `bot.slack.state`). Pure builders."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

from bot.slack import blocks
from bot.text import one_line

OPTIONS_MAX = 100  # Slack's most options in a static select, and in an answer to an options request
LABEL_MAX = 75  # an option's text
QUERY_MAX = 150  # the typed text read from an options request (Slack's menus take far less)

# (label, value): the label as the person sees it (Pacer's `Mrkdwn` or a person's text), the value as the
# submission handler reads it.
Choice = tuple[str, str]


def label_of(text: str) -> str:
    """What an option shows: Pacer's escapes undone, on one line, at most 75 characters (with "…")."""
    return one_line(blocks.plain_text(text), LABEL_MAX)


def option(choice: Choice) -> dict[str, Any]:
    label, value = choice
    return blocks.option(label_of(label), value)


def menu(
    choices: Sequence[Choice], *, initial: Choice | None = None, min_query_length: int = 0
) -> dict[str, Any]:
    """A static_select of `choices` when they fit, else an external_select (its options come from the
    block's options listener; `min_query_length` 0 lists the first 100 as soon as it is opened)."""
    element: dict[str, Any]
    if len(choices) <= OPTIONS_MAX:
        element = {"type": "static_select", "options": [option(choice) for choice in choices]}
    else:
        element = {"type": "external_select", "min_query_length": min_query_length}
    return element | ({"initial_option": option(initial)} if initial else {})


def matching(choices: Sequence[Choice], typed: str) -> list[dict[str, Any]]:
    """The first 100 choices (in their order) whose whole label holds `typed`, ignoring case and runs of
    spaces (a label is shown on one line), as options."""
    wanted = _words(typed)
    found = (choice for choice in choices if wanted in _words(blocks.plain_text(choice[0])))
    return [option(choice) for choice in islice(found, OPTIONS_MAX)]


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()
