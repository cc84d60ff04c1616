"""Slack's event retries act once, for every event listener, present and future.

Slack sends an event again (with `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`, or `retry_attempt` in
Socket Mode) when it did not get a 200 within 3 seconds. This global middleware writes the event's
receipt before any listener runs; a delivery whose receipt exists already is acknowledged and dropped.
Whether a retry acts is decided by the receipt, not the retry header: when the first delivery never
reached Pacer, the retry is the one that acts. The receipt is an interaction (`event:<event_id>`, in
the same table as button presses and modal submissions, forgotten with them after a week).

Why the receipt is committed before any listener runs, and not with the effect as a button's is: Bolt
acknowledges an event before its listener runs, and Slack sends it again when that 200 is late, which
is when the first delivery is still being handled. A receipt written only with the effect would not
exist yet, and the retry would act a second time; many effects (a Home tab published, a DM) are Slack
calls that no transaction holds anyway. The price is that an event whose handling fails is not handled
again; a retry never handled it better, since Slack had its 200 already.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.db import utcnow
from bot.interactions import service
from bot.interactions.models import EVENT_ID_MAX, TEAM_ID_MAX
from bot.slack.deps import Deps

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    app.middleware(OncePerEvent(deps))


class OncePerEvent(Middleware):
    """The receipt check, as a `Middleware` subclass rather than `@app.middleware` on a function: Bolt
    calls `process` directly, where it would build a function's keyword arguments (some thirty of them)
    for every request, events or not."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        key = _event_key(req.body)
        if key is None:
            return next()
        team_id, event_id, event_type = key
        with self.deps.session_factory.begin() as session:
            first = service.claim(session, team_id=team_id, key=f"event:{event_id}", now=utcnow())
        if first:
            return next()
        retry = req.headers.get("x-slack-retry-num", [req.body.get("retry_attempt")])[0]
        reason = req.headers.get("x-slack-retry-reason", [req.body.get("retry_reason")])[0]
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
