"""The one Web API client: pointed at SLACK_API_URL, retrying connection errors, 5xx and 429 (Retry-After)."""

from __future__ import annotations

from typing import Literal

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings

Purpose = Literal["listener", "job", "sender"]


def make_client(settings: Settings, *, purpose: Purpose = "job") -> WebClient:
    """The Web API client for one purpose.

    - `listener`: Slack wants an answer within 3 seconds, so a short timeout, one quick retry of a dropped
      connection, and no waiting on 429 or 5xx (the person is told to try again).
    - `job`: patient; waits out `Retry-After` and backs off on 5xx and connection errors.
    - `sender`: no retries of its own: the outbox reschedules and records every failed try.
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    if purpose == "listener":
        retries: list[RetryHandler] = [ConnectionErrorRetryHandler(max_retry_count=1)]
    elif purpose == "job":
        retries = [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
    else:
        retries = []
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=2 if purpose == "listener" else 10,
        retry_handlers=retries,
    )
