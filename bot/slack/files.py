"""Fetching a file someone shared with Pacer: its details from `files.info`, then its bytes from
`url_private_download` with the bot token, never more than `MAX_BYTES` read. Every feature's importer
reads its files through here (`bot.slack.uploads` routes them)."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import Invalid

MAX_BYTES = 10_000_000  # a feature may read less (review figures: 1 MB)
TIMEOUT = 15
KINDS = {"csv": "csv", "xlsx": "xlsx", "text": "csv", "yaml": "yaml"}  # Slack's filetype → how it is read
SUFFIXES = {".xlsx": "xlsx", ".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True)
class SharedFile:
    """A file shared in a DM with Pacer: its id, name, who shared it, how to read it."""

    file_id: str
    name: str
    user_id: str
    kind: str
    size: int
    url: str


def shared_file(client: WebClient, file_id: str) -> SharedFile:
    """The file's details; a file that is not CSV, XLSX or YAML is refused with what Pacer reads."""
    try:
        info: dict[str, Any] = client.files_info(file=file_id)["file"]
    except SlackApiError as error:  # deleted since, or never visible to Pacer
        raise Invalid("upload.unreadable", file=file_id) from error
    name = str(info.get("name") or info.get("title") or file_id)
    filetype = str(info.get("filetype") or "").lower()
    suffix = next((kind for suffix, kind in SUFFIXES.items() if name.lower().endswith(suffix)), "")
    kind = KINDS.get(filetype) or suffix
    if not kind:
        raise Invalid("upload.not_readable", file=name)
    return SharedFile(
        file_id=file_id,
        name=name,
        user_id=str(info.get("user") or ""),
        kind=kind,
        size=int(info.get("size") or 0),
        url=str(info.get("url_private_download") or info.get("url_private") or ""),
    )


def download(client: WebClient, shared: SharedFile) -> bytes:
    """The file's bytes, read with the bot token; a file over `MAX_BYTES` is refused before and while
    reading (Slack's size may be missing)."""
    if shared.size > MAX_BYTES:
        raise Invalid("upload.too_big", file=shared.name, most=MAX_BYTES // 1_000_000)
    if not shared.url.startswith(("https://", "http://")):
        raise Invalid("upload.unreadable", file=shared.name)
    headers = {"Authorization": f"Bearer {client.token}"}
    request = urllib.request.Request(shared.url, headers=headers)  # noqa: S310 (http(s) only, checked)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (http(s) only)
            data: bytes = response.read(MAX_BYTES + 1)
    except (OSError, ValueError) as error:  # a refused or broken download, a URL that can't be sent
        raise Invalid("upload.unreadable", file=shared.name) from error
    if len(data) > MAX_BYTES:
        raise Invalid("upload.too_big", file=shared.name, most=MAX_BYTES // 1_000_000)
    return data
