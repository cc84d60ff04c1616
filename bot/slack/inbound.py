"""The gate in front of Bolt in HTTP mode: what reaches `POST /slack/events`.

A request passes only if its body is at most `max_body` bytes, it is signed by Slack within the last five
minutes (checked on the raw bytes, before anything is parsed), and it is well formed: UTF-8, a form or a
JSON object of the shape Slack sends. Anything else is refused with a 4xx status and one WARNING line,
never a 5xx: 413 (too large), 401 (unsigned, wrongly signed or stale), 400 (malformed). Nothing here
logs a body, which may hold a rep's feedback.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import IO, Any
from urllib.parse import parse_qsl

from bot.interactions.models import EVENT_ID_MAX, TEAM_ID_MAX

SIGNATURE_WINDOW_SECONDS = 300  # Slack's own rule: refuse requests signed more than five minutes ago
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class Refused(Exception):
    """The request is refused with `status`; `reason` is for the log (never holds the body)."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Signed:
    """The parts of a request the signature covers, as received."""

    body: bytes
    timestamp: str | None
    signature: str | None


def read_body(stream: IO[bytes], content_length: str | None, *, max_body: int) -> bytes:
    """The body, reading at most `max_body` + 1 bytes: a declared length over the cap is refused before
    reading anything, and a body without a length (chunked) is cut off one byte past the cap."""
    if content_length:
        if not (content_length.isascii() and content_length.isdigit()) or len(content_length) > 18:
            raise Refused(HTTPStatus.BAD_REQUEST, "malformed Content-Length")
        if int(content_length) > max_body:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"Content-Length over {max_body} bytes")
        body = stream.read(int(content_length))
    else:
        body = stream.read(max_body + 1)
    if len(body) > max_body:
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {max_body} bytes")
    return body


def verify_signature(secret: bytes, request: Signed, *, now: float) -> None:
    """Slack's v0 signature: HMAC-SHA256 of `v0:{timestamp}:{raw body}`, timestamp within five minutes."""
    if request.timestamp is None or request.signature is None:
        raise Refused(HTTPStatus.UNAUTHORIZED, "unsigned")
    if not _TIMESTAMP.fullmatch(request.timestamp):
        raise Refused(HTTPStatus.UNAUTHORIZED, "malformed X-Slack-Request-Timestamp")
    if abs(now - int(request.timestamp)) > SIGNATURE_WINDOW_SECONDS:
        raise Refused(HTTPStatus.UNAUTHORIZED, "stale or future X-Slack-Request-Timestamp")
    base = b"v0:" + request.timestamp.encode() + b":" + request.body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    if not _SIGNATURE.fullmatch(request.signature) or not hmac.compare_digest(expected, request.signature):
        raise Refused(HTTPStatus.UNAUTHORIZED, "wrong signature")


def parse_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    """The body as Bolt should see it; refused (400) if it is not a form or JSON object of the shape Slack
    sends. Call it only once the signature is verified."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "body is not UTF-8") from None
    if media == JSON:
        return _check_envelope(_json_object(text, "JSON body"))
    if media == FORM:
        return _check_form(text)
    raise Refused(HTTPStatus.BAD_REQUEST, f"unexpected Content-Type {media[:60]!r}")


def _json_object(text: str, what: str) -> dict[str, Any]:
    # Bolt reads a body as JSON only when it starts with "{"; Slack sends compact JSON.
    if not text.startswith("{"):
        raise Refused(HTTPStatus.BAD_REQUEST, f"{what} is not a JSON object")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(HTTPStatus.BAD_REQUEST, f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise Refused(HTTPStatus.BAD_REQUEST, f"{what} is not a JSON object")
    return value


def _check_form(text: str) -> dict[str, Any]:
    if text.startswith("{"):
        raise Refused(HTTPStatus.BAD_REQUEST, "form body starts like JSON")
    try:
        fields = parse_qsl(text, keep_blank_values=True, strict_parsing=True, max_num_fields=200)
    except ValueError:
        raise Refused(HTTPStatus.BAD_REQUEST, "malformed form body") from None
    form: dict[str, str] = {}
    for name, value in fields:
        if name in form:
            raise Refused(HTTPStatus.BAD_REQUEST, f"form field {name[:40]!r} given twice")
        form[name] = value
    if "payload" in form:
        return _check_interaction(_json_object(form["payload"], "payload"))
    if "command" in form:
        _require(form, "slash command", "command", "team_id", "user_id")
    elif form.get("ssl_check") != "1":
        raise Refused(HTTPStatus.BAD_REQUEST, "form is neither a command, an interaction nor an SSL check")
    return dict(form)


def _check_interaction(payload: dict[str, Any]) -> dict[str, Any]:
    _require(payload, "interaction", "type")
    if not isinstance(payload.get("user"), dict) or not isinstance(payload["user"].get("id"), str):
        raise Refused(HTTPStatus.BAD_REQUEST, "interaction without a user")
    if payload["type"] == "block_actions" and not _list_of_objects(payload.get("actions")):
        raise Refused(HTTPStatus.BAD_REQUEST, "block_actions without actions")
    if payload["type"] in ("view_submission", "view_closed") and not isinstance(payload.get("view"), dict):
        raise Refused(HTTPStatus.BAD_REQUEST, f"{payload['type']} without a view")
    return payload


def _check_envelope(envelope: dict[str, Any]) -> dict[str, Any]:
    _require(envelope, "JSON body", "type")
    if envelope["type"] == "url_verification":
        _require(envelope, "url_verification", "challenge")
    elif envelope["type"] == "event_callback":
        _require(envelope, "event_callback", "event_id", "team_id")
        if len(envelope["event_id"]) > EVENT_ID_MAX or len(envelope["team_id"]) > TEAM_ID_MAX:
            raise Refused(HTTPStatus.BAD_REQUEST, "event_callback with ids too long to be Slack's")
        event = envelope.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise Refused(HTTPStatus.BAD_REQUEST, "event_callback without an event type")
    return envelope


def _require(values: dict[str, Any], what: str, *names: str) -> None:
    missing = [name for name in names if not isinstance(values.get(name), str) or not values[name]]
    if missing:
        raise Refused(HTTPStatus.BAD_REQUEST, f"{what} without {', '.join(missing)}")


def _list_of_objects(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)
