"""A checker for user text that escaped into mrkdwn: a ping (`<!channel>`, `<!here>`, `<!subteam^…>`),
a link (`<https://…|…>`, `<mailto:…>`), or a mention of a user or channel Pacer didn't put there.

`unsafe_in_emulator` scans everything the emulator recorded (chat.postMessage, postEphemeral, update,
views.open/push/update/publish, posts to response URLs); `unsafe_in_payload` scans any message or view,
such as a command's acknowledgement. Only mrkdwn is scanned: plain_text is shown as typed by Slack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tests.support.slack_emulator import SlackEmulator

_SPAN = re.compile(r"<([^<>]*)>")
_PACER_MENTION = re.compile(r"@([UW][A-Z0-9]+)")  # exactly what bot.text.mention builds
_PACER_CHANNEL = re.compile(r"#([CGD][A-Z0-9]+)")
# exactly what bot.format.slack_date builds: a Unix time, Slack's date tokens and words, a Babel fallback
_PACER_DATE = re.compile(r"!date\^[0-9]{1,12}\^[^|^<>]*\|[^|^<>]*")
_CONTROL = re.compile(r"[!@#]|[a-zA-Z][a-zA-Z0-9+.-]*:")  # a ping, a mention, a channel, a link
MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage")
VIEW_METHODS = ("views.open", "views.push", "views.update", "views.publish")


@dataclass(frozen=True)
class Finding:
    where: str  # the API method (or "response", "ack") and the path inside the payload
    span: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.span!r} in {self.text[:300]!r}"


def find_unsafe(text: str, *, users: Iterable[str] = (), channels: Iterable[str] = ()) -> list[str]:
    """The `<…>` spans in mrkdwn `text` that Slack would turn into a ping, a link or a mention, other
    than a plain `<@U…>` / `<#C…>` of a known user or channel or a `<!date^…>` (all Pacer ever builds)."""
    known_users, known_channels = set(users), set(channels)
    found = []
    for match in _SPAN.finditer(text):
        inner = match.group(1)
        if not _CONTROL.match(inner) and "|" not in inner:
            continue  # `<name>` in a usage line: Slack shows it as typed
        user = _PACER_MENTION.fullmatch(inner)
        channel = _PACER_CHANNEL.fullmatch(inner)
        if (user and user.group(1) in known_users) or (channel and channel.group(1) in known_channels):
            continue
        if _PACER_DATE.fullmatch(inner):
            continue  # a date Pacer wrote (user text can't open a `<`: it is escaped)
        found.append(match.group(0))
    return found


def mrkdwn_texts(payload: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every mrkdwn text inside a message or view payload, with its path: the message's `text` (Slack
    reads it as mrkdwn) and each `{"type": "mrkdwn"}` object; plain_text is skipped."""
    if isinstance(payload, dict):
        if payload.get("type") == "mrkdwn" and isinstance(payload.get("text"), str):
            yield path, payload["text"]
        elif path == "" and isinstance(payload.get("text"), str) and payload.get("mrkdwn", True):
            yield "text", payload["text"]
        for key, value in payload.items():
            if isinstance(value, (dict, list)):
                yield from mrkdwn_texts(value, f"{path}.{key}" if path else key)
    elif isinstance(payload, list):
        for index, value in enumerate(payload):
            yield from mrkdwn_texts(value, f"{path}[{index}]")


def unsafe_in_payload(
    payload: Any, *, where: str, users: Iterable[str] = (), channels: Iterable[str] = ()
) -> list[Finding]:
    users, channels = set(users), set(channels)
    return [
        Finding(f"{where} {path}", span, text)
        for path, text in mrkdwn_texts(payload)
        for span in find_unsafe(text, users=users, channels=channels)
    ]


def recorded_payloads(emulator: SlackEmulator) -> list[tuple[str, Any]]:
    """Every message and view Pacer sent to the emulator, with where it went."""
    with emulator._lock:  # the emulator's own lock: its server thread appends while we read
        calls = list(emulator.calls)
        responses = list(emulator.responses)
    out: list[tuple[str, Any]] = []
    for call in calls:
        if call.method in MESSAGE_METHODS:
            message = {
                key: call.params.get(key) for key in ("text", "blocks", "mrkdwn") if key in call.params
            }
            out.append((f"{call.method} to {call.params.get('channel')}", message))
        elif call.method in VIEW_METHODS:
            out.append((f"{call.method} for {call.params.get('user_id', '')}", call.params.get("view")))
    out += [(f"response {url.rsplit('/', 2)[-2]}", payload) for url, payload in responses]
    return out


def unsafe_in_emulator(emulator: SlackEmulator) -> list[Finding]:
    """Everything the emulator recorded, checked against its own users and channels; and no message
    asks Slack to turn plain `@here` or `#channel` into links (`link_names`, `parse=full`)."""
    users, channels = set(emulator.users), set(emulator.channels)
    found = [
        finding
        for where, payload in recorded_payloads(emulator)
        for finding in unsafe_in_payload(payload, where=where, users=users, channels=channels)
    ]
    with emulator._lock:
        calls = [call for call in emulator.calls if call.method in MESSAGE_METHODS]
    for call in calls:
        if (
            str(call.params.get("link_names", "")).lower() in {"1", "true"}
            or call.params.get("parse") == "full"
        ):
            found.append(Finding(call.method, "link_names/parse=full", str(call.params.get("text", ""))))
    return found
