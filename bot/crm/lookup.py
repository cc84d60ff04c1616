"""Slack emails to Slack user ids (`users.lookupByEmail`, scope `users:read.email`), for a file that names
reps by email. An address Slack does not know, or a failed call, is left out: its lines then say the rep
is unknown."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.crm.importing import EmailLookup

logger = logging.getLogger(__name__)
MAX_LOOKUPS = 500  # distinct addresses a file may name


def slack_emails(client: WebClient) -> EmailLookup:
    def lookup(addresses: Collection[str]) -> Mapping[str, str]:
        found: dict[str, str] = {}
        for address in sorted(addresses)[:MAX_LOOKUPS]:
            try:
                user = client.users_lookupByEmail(email=address).get("user") or {}
            except SlackApiError as error:
                logger.info("users.lookupByEmail failed: %s", error.response.get("error"))
                continue
            if user.get("id") and not user.get("deleted"):
                found[address] = str(user["id"])
        return found

    return lookup
