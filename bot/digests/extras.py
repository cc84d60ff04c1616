"""What other features add under a rep's own `/pacer status` (the CRM's open pipeline and its coverage of
the target): each a `StatusPart` in `OWN_STATUS`, connected by `bot.links`, so this package never imports
those features. No Slack calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot.i18n import Locale
from bot.slack.blocks import Block

StatusPart = Callable[[Session, str, int, datetime, Locale], list[Block]]  # (team id, rep id, now, locale)
OWN_STATUS: list[StatusPart] = []


def own_status(session: Session, team_id: str, rep_id: int, now: datetime, locale: Locale) -> list[Block]:
    """The blocks every connected part adds under the rep's goals, in the list's order."""
    return [block for part in OWN_STATUS for block in part(session, team_id, rep_id, now, locale)]
