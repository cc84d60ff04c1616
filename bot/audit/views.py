"""`/pacer audit`: the latest admin actions as one message, newest first. Pure Block Kit builders."""

from __future__ import annotations

import json
from typing import Any

from bot import format as fmt
from bot.audit.models import AuditEvent
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.text import cap, join, one_line, render, safe_mention

DETAILS_MAX = 200  # characters of an event's details shown


def event_line(event: AuditEvent, actor_user: str | None, locale: Locale) -> str:
    """One event: when (each reader's zone), who (a mention, or "the command line"), what, on what."""
    when = fmt.slack_date(event.at, "{date_short} {time}", fmt.day_text(event.at.date(), locale))
    who = safe_mention(actor_user) if actor_user else t("audit.cli", locale)  # may have been erased
    details = json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else ""
    return render(
        "{when} · {who} · `{action}` {subject} {details}",
        when=when,
        who=who,
        action=one_line(event.action, 40),
        subject=one_line(event.subject, 120),
        details=cap(one_line(details, DETAILS_MAX), DETAILS_MAX),
    )


def listing(events: list[tuple[AuditEvent, str | None]], days: int, locale: Locale) -> dict[str, Any]:
    """The message: a header, the events (a section per ten lines), or a line saying there were none."""
    title = t("audit.title", locale, days=days)
    if not events:
        return blocks.message(t("audit.none", locale, days=days))
    lines = [event_line(event, user, locale) for event, user in events]
    body = [
        blocks.header(title),
        *blocks.sections_from_lines(lines, max_blocks=blocks.MESSAGE_BLOCKS_MAX - 2),
    ]
    return blocks.message(join("\n", [title, *lines[:5]]), body[: blocks.MESSAGE_BLOCKS_MAX])
