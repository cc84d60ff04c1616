"""Fetching a file someone shared with Pacer: its details from `files.info`, then its bytes from
`url_private_download` with the bot token, never more than `MAX_BYTES` read."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import Invalid

MAX_BYTES = 2_000_000
TIMEOUT = 15
KINDS = {"csv": "csv", "xlsx": "xlsx", "text": "csv"}  # Slack's filetype → how it is read


@dataclass(frozen=True)
class Shared:
    """A file shared in a DM with Pacer: its id, name, who shared it, how to read it."""

    file_id: str
    name: str
    user_id: str
    kind: str
    size: int
    url: str


def shared_file(client: WebClient, file_id: str) -> Shared:
    """The file's details; a file that is not CSV or XLSX is refused with what Pacer reads."""
    try:
        info: dict[str, Any] = client.files_info(file=file_id)["file"]
    except SlackApiError as error:  # deleted since, or never visible to Pacer
        raise Invalid("reviews.import.unreadable", file=file_id) from error
    name = str(info.get("name") or info.get("title") or file_id)
    filetype = str(info.get("filetype") or "").lower()
    kind = KINDS.get(filetype) or ("xlsx" if name.lower().endswith(".xlsx") else "")
    kind = kind or ("csv" if name.lower().endswith(".csv") else "")
    if not kind:
        raise Invalid("reviews.import.not_a_table", file=name)
    return Shared(
        file_id=file_id,
        name=name,
        user_id=str(info.get("user") or ""),
        kind=kind,
        size=int(info.get("size") or 0),
        url=str(info.get("url_private_download") or info.get("url_private") or ""),
    )


def download(client: WebClient, shared: Shared) -> bytes:
    """The file's bytes, read with the bot token; a file over `MAX_BYTES` is refused before and while
    reading (Slack's size may be missing)."""
    if shared.size > MAX_BYTES:
        raise Invalid("reviews.import.too_big", file=shared.name, most=MAX_BYTES // 1_000_000)
    if not shared.url.startswith(("https://", "http://")):
        raise Invalid("reviews.import.unreadable", file=shared.name)
    headers = {"Authorization": f"Bearer {client.token}"}
    request = urllib.request.Request(shared.url, headers=headers)  # noqa: S310 (http(s) only, checked)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (http(s) only)
            data: bytes = response.read(MAX_BYTES + 1)
    except (OSError, ValueError) as error:  # a refused or broken download, a URL that can't be sent
        raise Invalid("reviews.import.unreadable", file=shared.name) from error
    if len(data) > MAX_BYTES:
        raise Invalid("reviews.import.too_big", file=shared.name, most=MAX_BYTES // 1_000_000)
    return data
