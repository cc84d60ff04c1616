"""Slack's event retries act once, for every event listener, present and future.

Slack sends an event again (with `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`, or `retry_attempt` in
Socket Mode) when it did not get a 200 within 3 seconds. This global middleware writes the event's
receipt before any listener runs; a delivery whose receipt exists already is acknowledged and dropped.
Whether a retry acts is decided by the receipt, not the retry header: when the first delivery never
reached Pacer, the retry is the one that acts. See `bot.receipts.service` for why the receipt comes
before the effect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.db import utcnow
from bot.receipts.service import EVENT_ID_MAX, TEAM_ID_MAX, first_receipt
from bot.slack.deps import Deps

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def once_per_event(
        body: dict[str, Any], request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        key = _event_key(body)
        if key is None:
            return next()
        team_id, event_id, event_type = key
        with deps.session_factory.begin() as session:
            first = first_receipt(
                session, team_id=team_id, event_id=event_id, event_type=event_type, now=utcnow()
            )
        if first:
            return next()
        retry = request.headers.get("x-slack-retry-num", [body.get("retry_attempt")])[0]
        reason = request.headers.get("x-slack-retry-reason", [body.get("retry_reason")])[0]
        logger.info(
            "event %s (%s) of %s arrived again (retry %s, %s): acknowledged without acting",
            event_id,
            event_type,
            team_id,
            retry,
            reason,
        )
        return BoltResponse(status=200, body="")


def _event_key(body: dict[str, Any]) -> tuple[str, str, str] | None:
    """(team, event id, event type) of an Events API callback; None for anything else, or for ids too
    long to be Slack's (the HTTP gate refuses those before they get here)."""
    if body.get("type") != "event_callback":
        return None
    team_id, event_id, event = body.get("team_id"), body.get("event_id"), body.get("event")
    if not (isinstance(team_id, str) and isinstance(event_id, str) and isinstance(event, dict)):
        return None
    if not (0 < len(team_id) <= TEAM_ID_MAX and 0 < len(event_id) <= EVENT_ID_MAX):
        logger.warning("event with an id too long to be Slack's: handled without a receipt")
        return None
    return team_id, event_id, str(event.get("type"))
