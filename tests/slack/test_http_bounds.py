"""The HTTP server is bounded and never answers bad input with a 5xx: bodies over the cap are refused
with 413 before they are read, the signature is checked on the raw bytes before any parsing, malformed
bodies get 400 with one WARNING line, and slow clients are cut off."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import Engine

from bot.db import make_session_factory
from tests.conftest import SIGNING_SECRET, make_settings
from tests.support.app_server import AppServer
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer, sign

pytestmark = pytest.mark.e2e
MiB = 1 << 20
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


# --- a 64 MiB body is refused without being read ------------------------------------------------------


def _peak_rss_kib() -> int:
    match = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())
    assert match, "no VmHWM in /proc/self/status"
    return int(match.group(1))


@contextmanager
def peak_memory_growth() -> Iterator[list[int]]:
    """The growth (KiB) of this process's peak resident memory over the block: the server runs in this
    process. The peak is reset first (clear_refs), so an earlier test's peak cannot hide the growth."""
    Path("/proc/self/clear_refs").write_text("5")
    before = _peak_rss_kib()
    growth: list[int] = []
    yield growth
    growth.append(_peak_rss_kib() - before)


def _zeros(total: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    block = b"0" * chunk
    for _ in range(total // chunk):
        yield block


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_64_mib_unsigned_post_is_refused_with_413_and_memory_stays_flat(
    app_server: AppServer, chunked: bool, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"Content-Type": JSON} | ({} if chunked else {"Content-Length": str(64 * MiB)})
    with peak_memory_growth() as growth:
        connection = HTTPConnection("127.0.0.1", app_server.port, timeout=30)
        connection.request(
            "POST", "/slack/events", body=_zeros(64 * MiB), headers=headers, encode_chunked=chunked
        )
        response = connection.getresponse()
        response.read()
        connection.close()
    assert response.status == 413
    assert growth[0] < 4 * 1024, f"the server's peak memory grew by {growth[0]} KiB"
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_oversized_body_is_refused_before_the_rest_of_it_is_sent(
    app_server: AppServer, chunked: bool
) -> None:
    """The 413 comes back while the client has sent only 2 MiB of the 64 MiB it announced: the server
    does not wait for (or store) the body. A server that did would never answer, and this would time out."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {64 * MiB}"
    head = f"POST /slack/events HTTP/1.1\r\nHost: pacer\r\nContent-Type: {JSON}\r\n{framing}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", app_server.port), timeout=20) as client:
        client.sendall(head.encode())
        piece = b"0" * (64 * 1024)
        for _ in range(32):
            try:
                client.sendall(b"10000\r\n" + piece + b"\r\n" if chunked else piece)
            except OSError:
                break  # refused already; the answer is waiting
        answer = _read_all(client)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:80]


def _read_all(client: socket.socket) -> bytes:
    parts = []
    while chunk := client.recv(65536):
        parts.append(chunk)
    return b"".join(parts)


def test_a_body_at_the_cap_passes_and_one_byte_more_does_not(slack: SlackPeer, app_server: AppServer) -> None:
    cap = app_server.settings.http_max_body_bytes
    empty = json.dumps({"type": "url_verification", "challenge": "c0ffee", "pad": ""}).encode()
    at_cap = empty.replace(b'"pad": ""', b'"pad": "' + b"x" * (cap - len(empty)) + b'"')
    assert len(at_cap) == cap
    accepted = slack.post_raw(at_cap, {"Content-Type": JSON, **sign(SIGNING_SECRET, at_cap)})
    assert (accepted.status, accepted.json()) == (200, {"challenge": "c0ffee"})
    over = at_cap.replace(b'"pad": "', b'"pad": "x')
    assert slack.post_raw(over, {"Content-Type": JSON, **sign(SIGNING_SECRET, over)}).status == 413


# --- hostile request shapes -----------------------------------------------------------------------------


def _event(**changes: object) -> bytes:
    envelope = {
        "type": "event_callback",
        "team_id": "T0000001",
        "event_id": "Ev0HOSTILE",
        "event": {"type": "app_home_opened", "user": "UADMIN", "tab": "home"},
    }
    return json.dumps(envelope | changes).encode()


def _form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def _interaction(payload: object) -> bytes:
    return _form(payload=json.dumps(payload))


GOOD_COMMAND = _form(command="/pacer", text="help", team_id="T0000001", user_id="UADMIN", trigger_id="1.2")

# (id, body, content type): each is well signed, and each is refused with 400 by the gate.
MALFORMED = [
    ("empty", b"", FORM),
    ("garbage", b"\x00\x01garbage\xff" * 50, FORM),
    ("not-utf8-json", b'{"type": "\xff"}', JSON),
    ("form-not-key-value", b"a&b&&c", FORM),
    ("form-looks-like-json", b'{"type": "event_callback"}', FORM),
    ("form-repeats-a-field", GOOD_COMMAND + b"&user_id=UOTHER", FORM),
    ("form-without-anything-known", _form(hello="world"), FORM),
    ("command-without-user", _form(command="/pacer", text="help", team_id="T0000001"), FORM),
    ("payload-not-json", _form(payload="{not json"), FORM),
    ("payload-not-object", _form(payload="[1, 2]"), FORM),
    ("payload-invalid-utf8", b"payload=%7B%22type%22%3A%22%FF%22%7D", FORM),
    ("payload-without-type", _interaction({"user": {"id": "UADMIN"}}), FORM),
    ("payload-without-user", _interaction({"type": "block_actions", "actions": [{"action_id": "x"}]}), FORM),
    ("actions-without-actions", _interaction({"type": "block_actions", "user": {"id": "UADMIN"}}), FORM),
    (
        "actions-not-objects",
        _interaction({"type": "block_actions", "user": {"id": "U1"}, "actions": [1]}),
        FORM,
    ),
    ("submission-without-view", _interaction({"type": "view_submission", "user": {"id": "UADMIN"}}), FORM),
    ("json-array", b"[1, 2, 3]", JSON),
    ("json-string", b'"event_callback"', JSON),
    ("json-truncated", _event()[:-5], JSON),
    ("json-deeply-nested", b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, JSON),
    ("json-leading-space", b" " + _event(), JSON),
    ("json-without-type", b'{"event": {}}', JSON),
    (
        "event-without-event",
        json.dumps({"type": "event_callback", "team_id": "T1", "event_id": "E1"}).encode(),
        JSON,
    ),
    ("event-without-id", _event(event_id=None), JSON),
    ("event-type-not-string", _event(event={"type": 7}), JSON),
    ("event-id-too-long", _event(event_id="Ev" + "0" * 100), JSON),
    ("challenge-missing", b'{"type": "url_verification"}', JSON),
    ("json-as-text-plain", _event(), "text/plain"),
    ("json-without-content-type", _event(), ""),
    (
        "multipart",
        b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--",
        "multipart/form-data; boundary=x",
    ),
]


def _post(slack: SlackPeer, body: bytes, content_type: str, headers: dict[str, str]) -> int:
    return slack.post_raw(body, ({"Content-Type": content_type} if content_type else {}) | headers).status


def _warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def _assert_one_clean_warning(caplog: pytest.LogCaptureFixture) -> None:
    warnings = _warnings(caplog)
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert warnings[0].levelno == logging.WARNING
    assert not any(r.exc_info for r in caplog.records), "a traceback was logged"


@pytest.mark.parametrize(("body", "content_type"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_signed_malformed_body_gets_400_and_one_warning(
    slack: SlackPeer, body: bytes, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert _post(slack, body, content_type, sign(SIGNING_SECRET, body)) == 400
    _assert_one_clean_warning(caplog)


@pytest.mark.parametrize(("body", "content_type"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_an_unsigned_malformed_body_gets_401_and_one_warning(
    slack: SlackPeer, body: bytes, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert _post(slack, body, content_type, {}) == 401
    _assert_one_clean_warning(caplog)


def _signature_case(case: str) -> dict[str, str]:
    """The headers of one bad signature, made when the test runs (a timestamp made at collection time
    would go stale during a long run)."""
    body, now = GOOD_COMMAND, int(time.time())
    good = sign(SIGNING_SECRET, body)
    return {
        "unsigned": {},
        "only-a-timestamp": {"X-Slack-Request-Timestamp": str(now)},
        "only-a-signature": {"X-Slack-Signature": good["X-Slack-Signature"]},
        "another-secret": sign("not-the-secret", body),
        "another-body": sign(SIGNING_SECRET, body + b"&x=1"),
        "replayed-6-minutes-later": sign(SIGNING_SECRET, body, now - 360),
        "from-the-future": sign(SIGNING_SECRET, body, now + 360),
        "timestamp-not-a-number": {**good, "X-Slack-Request-Timestamp": "soon"},
        "timestamp-negative": sign(SIGNING_SECRET, body, -now),
        "timestamp-5000-digits": {**good, "X-Slack-Request-Timestamp": "9" * 5000},
        "timestamp-float": {**good, "X-Slack-Request-Timestamp": f"{now}.5"},
        "signature-v1": {**good, "X-Slack-Signature": "v1=" + good["X-Slack-Signature"][3:]},
        "signature-uppercase": {**good, "X-Slack-Signature": good["X-Slack-Signature"].upper()},
        "signature-truncated": {**good, "X-Slack-Signature": good["X-Slack-Signature"][:-2]},
        "signature-10k": {**good, "X-Slack-Signature": "v0=" + "a" * 10_000},
    }[case]


SIGNATURE_CASES = [
    "unsigned",
    "only-a-timestamp",
    "only-a-signature",
    "another-secret",
    "another-body",
    "replayed-6-minutes-later",
    "from-the-future",
    "timestamp-not-a-number",
    "timestamp-negative",
    "timestamp-5000-digits",
    "timestamp-float",
    "signature-v1",
    "signature-uppercase",
    "signature-truncated",
    "signature-10k",
]


@pytest.mark.parametrize("case", SIGNATURE_CASES)
def test_a_bad_signature_gets_401_and_one_warning(
    slack: SlackPeer, emulator: SlackEmulator, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert _post(slack, GOOD_COMMAND, FORM, _signature_case(case)) == 401
    _assert_one_clean_warning(caplog)
    assert emulator.calls_to("views.open") == [] and emulator.calls_to("chat.postMessage") == []


def test_the_same_command_well_signed_is_served(slack: SlackPeer) -> None:
    """The control for the cases above: they fail on their one flaw, not on the command itself."""
    assert _post(slack, GOOD_COMMAND, FORM, sign(SIGNING_SECRET, GOOD_COMMAND)) == 200


def test_a_command_that_mentions_payload_is_served(slack: SlackPeer) -> None:
    """Bolt alone reads any form containing "payload" as an interaction, finds none, and answers 404."""
    response = slack.command("help payload", user_id="UADMIN")
    assert response.status == 200 and "/pacer" in response.json()["text"]


# (id, method, path, headers, body, status, warnings)
RAW = [
    ("get-events", "GET", "/slack/events", {}, b"", 405, 0),
    ("put-events", "PUT", "/slack/events", {"Content-Type": JSON}, _event(), 405, 0),
    ("delete-events", "DELETE", "/slack/events", {}, b"", 405, 0),
    ("post-elsewhere", "POST", "/slack/other", {"Content-Type": JSON}, _event(), 404, 0),
    ("post-healthz", "POST", "/healthz", {"Content-Type": JSON}, _event(), 404, 0),
    ("trailing-slash", "POST", "/slack/events/", {"Content-Type": JSON}, _event(), 404, 0),
    ("get-root", "GET", "/", {}, b"", 404, 0),
    ("huge-header", "POST", "/slack/events", {"X-Padding": "a" * 100_000}, b"{}", 431, 1),
    ("many-headers", "POST", "/slack/events", {f"X-H{n}": "v" * 100 for n in range(1000)}, b"{}", 431, 1),
    ("content-length-not-a-number", "POST", "/slack/events", {"Content-Length": "12abc"}, b"", 400, 1),
    ("content-length-negative", "POST", "/slack/events", {"Content-Length": "-5"}, b"", 400, 1),
    ("content-length-huge", "POST", "/slack/events", {"Content-Length": "9" * 40}, b"", 413, 1),
    ("two-content-lengths", "POST", "/slack/events", {"Content-Length": "2, 2"}, b"{}", 400, 1),
    ("unknown-transfer-encoding", "POST", "/slack/events", {"Transfer-Encoding": "gzip"}, b"{}", 400, 1),
]


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status", "warnings"), [r[1:] for r in RAW], ids=[r[0] for r in RAW]
)
def test_hostile_request_shapes_get_4xx(
    app_server: AppServer,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    status: int,
    warnings: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    head = f"{method} {path} HTTP/1.1\r\nHost: pacer\r\nConnection: close\r\n"
    if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
        headers = headers | {"Content-Length": str(len(body))}
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    with socket.create_connection(("127.0.0.1", app_server.port), timeout=10) as client:
        client.sendall(head.encode() + b"\r\n" + body)
        answer = _read_all(client)
    assert answer.split(b" ", 2)[1] == str(status).encode(), answer[:120]
    found = _warnings(caplog)
    assert len(found) == warnings, [r.getMessage() for r in found]
    assert not any(r.exc_info for r in caplog.records)


# --- slow clients -----------------------------------------------------------------------------------


@contextmanager
def served(engine: Engine, emulator: SlackEmulator, **overrides: object) -> Iterator[AppServer]:
    settings = make_settings(emulator, engine.url.render_as_string(hide_password=False), **overrides)
    server = AppServer(settings, make_session_factory(engine))
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    server.wait_ready()
    try:
        yield server
    finally:
        server.close()
        thread.join(timeout=5)


def _closed_within(client: socket.socket, seconds: float, trickle: bytes = b"") -> bool:
    """Whether the server closes the connection within `seconds`, while the client sends `trickle` a
    byte at a time (or nothing) every 0.2 s."""
    deadline = time.monotonic() + seconds
    client.settimeout(0.2)
    position = 0
    while time.monotonic() < deadline:
        try:
            if client.recv(1024) == b"":
                return True
        except TimeoutError:
            pass
        except ConnectionResetError:
            return True
        if position < len(trickle):
            try:
                client.sendall(trickle[position : position + 1])
            except OSError:
                return True
            position += 1
    return False


def test_a_client_that_stalls_after_its_headers_is_disconnected(
    engine: Engine, emulator: SlackEmulator
) -> None:
    with (
        served(engine, emulator, http_idle_timeout=1) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as client,
    ):
        client.sendall(b"POST /slack/events HTTP/1.1\r\nHost: pacer\r\nContent-Length: 100\r\n\r\n{")
        assert _closed_within(client, 15), "the stalled connection is still open"


def test_a_client_that_trickles_its_request_is_disconnected(engine: Engine, emulator: SlackEmulator) -> None:
    """A byte every 0.2 s never trips the idle time-out (30 s); the request time-out (1 s) does."""
    with (
        served(engine, emulator, http_request_timeout=1) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as client,
    ):
        headers = b"POST /slack/events HTTP/1.1\r\nHost: pacer\r\n" + b"X-Slow: " + b"a" * 1000
        assert _closed_within(client, 15, trickle=headers), "the trickling connection is still open"


def test_an_idle_keep_alive_connection_is_served_then_closed(engine: Engine, emulator: SlackEmulator) -> None:
    with served(engine, emulator, http_idle_timeout=1) as server:
        connection = HTTPConnection(urlsplit(server.base_url).hostname or "", server.port, timeout=5)
        connection.request("GET", "/healthz")
        assert connection.getresponse().read() == b"ok\n"
        assert connection.sock is not None
        assert _closed_within(connection.sock, 15)


# --- verification is always on in HTTP mode -----------------------------------------------------------


def test_bolt_verifies_the_signature_too(app_server: AppServer) -> None:
    from slack_bolt.middleware import RequestVerification

    assert any(isinstance(m, RequestVerification) for m in app_server.app._middleware_list)


def test_http_mode_cannot_be_served_without_a_signing_secret(app_server: AppServer, engine: Engine) -> None:
    from bot.slack.web import make_wsgi

    unsigned = app_server.settings.model_copy(update={"slack_signing_secret": None})
    with pytest.raises(ValueError, match="signing secret"):
        make_wsgi(app_server.app, engine, unsigned)
