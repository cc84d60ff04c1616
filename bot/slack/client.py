"""The one Web API client: pointed at SLACK_API_URL, retrying connection errors, 5xx and 429 (Retry-After)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings


def make_client(settings: Settings, *, interactive: bool = False) -> WebClient:
    """The Web API client. `interactive` is for listeners, which must answer within Slack's 3 seconds:
    short timeout, one quick retry of a dropped connection, no waiting on 429/5xx (the person is told to
    try again). Jobs and deliveries use the patient client, which waits out `Retry-After` and backs off."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    if interactive:
        return WebClient(
            token=token,
            base_url=settings.slack_api_url,
            timeout=2,
            retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
        )
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
