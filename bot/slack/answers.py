"""An answer to every action: after a modal or a Home button has done its work, the person who acted is
told, only them, what was done and what happens next."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.slack import blocks

logger = logging.getLogger(__name__)


def tell(client: WebClient, user_id: str, text: str, *, response_url: str = "") -> None:
    """Where they ran the command (its response URL, ephemeral), else ephemerally in their DM with Pacer.

    The work is done and committed by now: a failure to say so is logged, never reported as a failure
    of the action (which would tell the person something untrue)."""
    payload = blocks.notice(text)
    try:
        if response_url:
            WebhookClient(response_url, timeout=10).send(**payload, response_type="ephemeral")
            return
        channel = str(client.conversations_open(users=user_id)["channel"]["id"])
        client.chat_postEphemeral(channel=channel, user=user_id, **payload)
    except Exception:
        logger.exception("could not confirm an action to %s", user_id)
