"""Fetching a file someone shared with Pacer: its details from `files.info`, then its bytes from
`url_private_download` with the bot token, never more than `MAX_BYTES` read. Every feature's importer
reads its files through here (`bot.slack.uploads` routes them)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import urlsplit

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


class _SameHostOnly(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same host and scheme, the bot token with it; a redirect elsewhere is
    refused (the token must never reach another server)."""

    def redirect_request(  # noqa: PLR0917 - urllib's signature
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        old, new = urlsplit(req.full_url), urlsplit(newurl)
        if (new.scheme, new.hostname, new.port) != (old.scheme, old.hostname, old.port):
            raise urllib.error.HTTPError(newurl, code, "a redirect to another host is refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _allowed(url: str, api_url: str) -> bool:
    """https, or plain http only to the Slack API's own host (a local Slack in tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return (
        parts.scheme == "http" and parts.hostname is not None and parts.hostname == urlsplit(api_url).hostname
    )


def download(client: WebClient, shared: SharedFile) -> bytes:
    """The file's bytes, read with the bot token; a file over `MAX_BYTES` is refused before and while
    reading (Slack's size may be missing). Only over https (plain http only to the Slack API's host) and
    never following a redirect to another host."""
    if shared.size > MAX_BYTES:
        raise Invalid("upload.too_big", file=shared.name, most=MAX_BYTES // 1_000_000)
    if not _allowed(shared.url, client.base_url):
        raise Invalid("upload.unreadable", file=shared.name)
    headers = {"Authorization": f"Bearer {client.token}"}
    request = urllib.request.Request(shared.url, headers=headers)  # noqa: S310 (http(s) only, checked)
    opener = urllib.request.build_opener(_SameHostOnly())
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            data: bytes = response.read(MAX_BYTES + 1)
    except (OSError, ValueError) as error:  # a refused or broken download, a URL that can't be sent
        raise Invalid("upload.unreadable", file=shared.name) from error
    if len(data) > MAX_BYTES:
        raise Invalid("upload.too_big", file=shared.name, most=MAX_BYTES // 1_000_000)
    return data
