"""Slack mrkdwn that user text can't break out of. No Slack imports: services and views both use it.

Everything shown in mrkdwn (messages, their plain `text` fallback, Home tabs, sections inside modals) is
either Pacer's own text or escaped: `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;`, so a person's
`<!channel>`, `<@U1|ceo>` or `<https://evil.example|log in>` shows as typed and does nothing.
`Mrkdwn` marks a string as Pacer's own (already escaped, or a mention, channel or link Pacer built);
`t()`, `render()` and `join()` return it, and the block builders escape anything that isn't one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

ONE_LINE_MAX = 200  # characters of a one-line field (a title, a name, a competitor)
LINE_MAX = 300  # characters of each line of a multi-line field in a list (blockers, problems)
FULL_LINE_MAX = 1000  # … and where the text itself is the message (feedback to a rep, an escalation)

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ENTITY = re.compile(r"&(amp|lt|gt);")
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
# Every character Python's str.splitlines() treats as a line boundary, plus the Unicode line and
# paragraph separators, so a line stays one line however it was typed.
_BREAKS = re.compile(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
_SPACES = re.compile(r"[ \t]{2,}|\t")
# Bidi embeddings, overrides and isolates: they would reorder Pacer's own text after them on the line.
# The plain marks (U+200E, U+200F) stay; right-to-left scripts read the same without the controls.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,40}")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{1,40}")


class Mrkdwn(str):
    """Text that is safe to show as mrkdwn as it is: Pacer's own, with every user value escaped."""

    __slots__ = ()


def escape(value: object) -> Mrkdwn:
    """`value` as inert mrkdwn: a `Mrkdwn` stays as it is, anything else is escaped."""
    if isinstance(value, Mrkdwn):
        return value
    return Mrkdwn(str(value).translate(_ESCAPES))


def unescape(text: str) -> str:
    """The text a person sees: the inverse of `escape` (for plain_text fields, which show entities)."""
    return _ENTITY.sub(lambda m: {"amp": "&", "lt": "<", "gt": ">"}[m.group(1)], text)


def render(pattern: str, **values: Any) -> Mrkdwn:
    """`pattern` (Pacer's own text, never a person's) with each value escaped unless it is `Mrkdwn`."""
    return Mrkdwn(pattern.format(**{name: escape(value) for name, value in values.items()}))


def join(separator: str, parts: Iterable[object]) -> Mrkdwn:
    """`separator.join(parts)`, each part escaped unless it is `Mrkdwn`."""
    return Mrkdwn(separator.join(escape(part) for part in parts))


def cap(text: str, limit: int) -> str:
    """At most `limit` characters, never ending inside an escaped character; `Mrkdwn` stays `Mrkdwn`."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if isinstance(text, Mrkdwn):
        return Mrkdwn(_PARTIAL_ENTITY.sub("", cut))
    return cut


def mention(user_id: str) -> Mrkdwn:
    """A mention of a Slack user; the id must look like one, so no text can ride along."""
    if not _USER_ID.fullmatch(user_id):
        raise ValueError(f"not a Slack user id: {user_id!r}")
    return Mrkdwn(f"<@{user_id}>")


def safe_mention(user_id: str) -> Mrkdwn:
    """A mention of a stored member's id, which may no longer be a Slack id (`pacer erase` leaves "X12"):
    then the id as plain, escaped text, never an error that would sink the whole message."""
    return mention(user_id) if _USER_ID.fullmatch(user_id) else escape(user_id)


def channel_mention(channel_id: str) -> Mrkdwn:
    """A link to a Slack channel; the id must look like one."""
    if not _CHANNEL_ID.fullmatch(channel_id):
        raise ValueError(f"not a Slack channel id: {channel_id!r}")
    return Mrkdwn(f"<#{channel_id}>")


def one_line(text: str | None, limit: int = ONE_LINE_MAX) -> str:
    """A person's text on one line: line breaks become spaces, bidi overrides go, at most `limit`
    characters with "…". Still a person's text (not `Mrkdwn`): it is escaped wherever it is shown."""
    flat = _SPACES.sub(" ", _BREAKS.sub(" ", _BIDI_CONTROLS.sub("", text or ""))).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def lines(text: str | None, *, limit: int = LINE_MAX, max_lines: int = 20) -> list[str]:
    """A person's multi-line text as its non-empty lines, each capped with "…", at most `max_lines`."""
    out = [one_line(line, limit) for line in _BREAKS.split(text or "")]
    kept = [line for line in out if line]
    return kept if len(kept) <= max_lines else [*kept[: max_lines - 1], "…"]


def quoted(text: str | None, *, limit: int = LINE_MAX, max_lines: int = 20) -> Mrkdwn:
    """A person's multi-line text as an escaped mrkdwn quote, one `> ` line each."""
    return join(
        "\n", [render("> {line}", line=line) for line in lines(text, limit=limit, max_lines=max_lines)]
    )
