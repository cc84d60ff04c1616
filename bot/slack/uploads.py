"""Files people share with Pacer in a DM, routed to the feature that reads them.

Bolt runs one listener per event, so one `file_shared` listener serves every feature. A feature declares
what it reads as an `Upload` in its `Feature(uploads=…)`: who may send it, how to recognise it (by its
name and first bytes: a header row, a YAML key), and the DM answer it gives — a dry run with an
**Import** button, or the file's bad lines. The listener resolves the sender, fetches the file once
(`bot.slack.files`), asks each `Upload` the sender may use whether the file is its own, and posts the
answer in the DM. A file nobody recognises gets the list of what Pacer reads; a person who may send no
file at all (or a file shared by someone else) gets nothing, so Pacer never chats about unrelated files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import spreadsheets
from bot.errors import Invalid, NotAllowed, PacerError
from bot.i18n import t
from bot.roster.models import Role
from bot.roster.policy import Caller
from bot.slack import blocks
from bot.slack.commands import role_names
from bot.slack.deps import Deps
from bot.slack.files import SharedFile, download, shared_file
from bot.slack.interaction import Interaction, NoMetadata
from bot.text import join

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadRequest:
    """A recognised file and everything its answer needs."""

    deps: Deps
    client: WebClient
    caller: Caller
    shared: SharedFile
    data: bytes
    now: datetime


@dataclass(frozen=True)
class Upload:
    """A kind of file a feature reads from a DM."""

    name: str  # "<feature>.<what>", unique
    roles: frozenset[Role]  # who may send it; for anyone else it is not considered
    recognizes: Callable[[SharedFile, bytes], bool]  # cheap: the name, the header row
    answer: Callable[[UploadRequest], dict[str, Any]]  # the DM's reply; a PacerError is said instead
    about: str  # i18n key: a line naming the file and its columns, for "Pacer reads these files"


def fetch_again(request: Interaction[NoMetadata], roles: frozenset[Role], command: str) -> UploadRequest:
    """An **Import** button under a dry run: the file (its id is the button's value) fetched and read again,
    since it may have changed, for the person who shared it only, if their role may import it."""
    caller = request.caller
    if caller.role not in roles:
        raise NotAllowed("error.only_roles", who=role_names(roles, caller.locale), command=command)
    shared = shared_file(request.client, request.value(str))
    if shared.user_id != caller.member.user_id:
        raise NotAllowed("upload.not_your_file", file=shared.name)  # a forged button
    data = download(request.client, shared)
    return UploadRequest(request.deps, request.client, caller, shared, data, request.deps.clock())


def register(app: App, deps: Deps, uploads: Sequence[Upload]) -> None:
    """The one `file_shared` listener: a file shared in a DM with Pacer by the person who uploaded it."""
    names = [upload.name for upload in uploads]
    if len(set(names)) != len(names):
        raise ValueError(f"two uploads share a name: {names}")

    @app.event("file_shared")
    def on_file_shared(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        in_a_dm = str(event.get("channel_id") or "").startswith("D")
        if in_a_dm and context.team_id and event.get("user_id") not in (None, context.bot_user_id):
            answer_file(deps, client, uploads, str(context.team_id), event)


def answer_file(
    deps: Deps, client: WebClient, uploads: Sequence[Upload], team_id: str, event: dict[str, Any]
) -> None:
    """Fetch the file, find whose it is, post that feature's answer (or what Pacer reads) in the DM."""
    user_id, channel = str(event.get("user_id") or ""), str(event["channel_id"])
    caller = deps.caller(team_id, user_id)
    theirs = [upload for upload in uploads if caller.role in upload.roles]
    if not theirs:
        return  # this person sends Pacer no files: a file in the DM is not for Pacer to read
    try:
        shared = shared_file(client, str(event.get("file_id") or ""))
        if shared.user_id != user_id:
            return  # shared by someone else: not this person's file to import
        data = download(client, shared)
        if shared.kind == "xlsx" and not spreadsheets.is_workbook(data):
            raise Invalid("upload.not_xlsx", file=shared.name)
        upload = next((upload for upload in theirs if upload.recognizes(shared, data)), None)
        if upload is None:
            message = _unknown(shared, theirs, caller)
        else:
            log.info("upload %s: %s bytes from %s", upload.name, len(data), user_id)
            message = upload.answer(UploadRequest(deps, client, caller, shared, data, deps.clock()))
    except PacerError as error:
        message = blocks.notice(t(error.key or "error.generic", caller.locale, **error.values))
    client.chat_postMessage(channel=channel, **message)


def _unknown(shared: SharedFile, theirs: Sequence[Upload], caller: Caller) -> dict[str, Any]:
    """The answer to a file no feature recognises: what Pacer reads, for this person."""
    heading = t("upload.not_recognised", caller.locale, file=shared.name)
    kinds = (t("upload.kind", caller.locale, about=t(upload.about, caller.locale)) for upload in theirs)
    return blocks.notice(join("\n", (heading, *kinds)))
