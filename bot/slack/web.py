"""HTTP mode: `POST /slack/events` (gated, then Bolt) and `GET /healthz`, served by waitress.

Every request to `/slack/events` passes the gate in `bot.slack.inbound` first (size, signature on the
raw bytes, shape), so Bolt only ever sees a signed, well-formed body of at most `HTTP_MAX_BODY_BYTES`.
Bolt verifies the signature again (defence in depth). The server itself refuses a larger body with 413
as soon as it has read the headers, and closes connections that are idle or too slow (`PacerChannel`).
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.oauth import OAuthFlow
from slack_bolt.request.internals import build_context
from sqlalchemy import Engine, text
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from waitress.utilities import BadRequest, ServerNotImplemented

from bot.slack import inbound

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from waitress.server import MultiSocketServer

    from bot.config import Settings

logger = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")  # bot.slack.oauth's INSTALL_PATH, REDIRECT_PATH
CRM_CALLBACK_PATH = "/crm/zoho/callback"  # bot.crm.settings.CALLBACK_PATH
MAX_HEADER_BYTES = 64 * 1024  # Slack's headers are well under 2 KiB
# After refusing a request, what the client still sends is discarded until it pauses for LINGER_IDLE
# seconds, for LINGER_TOTAL at most (nginx's lingering_timeout and lingering_time).
LINGER_IDLE, LINGER_TOTAL = 5.0, 30.0


def make_wsgi(app: App | None, engine: Engine, settings: Settings) -> WSGIApplication:
    """`/healthz`, plus `/slack/events` when `app` is given. In Socket Mode there is no app here: its
    events arrive over the socket, and an HTTP endpoint without signature checks must not exist."""
    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    if app is not None and not signing_secret:
        raise ValueError("HTTP mode checks every request's signature: a signing secret is required")
    secret, max_body = signing_secret.encode(), settings.http_max_body_bytes

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _health(engine, start_response)
        if app is not None and method == "GET" and path in (CRM_CALLBACK_PATH, *OAUTH_PATHS):
            return _browser(app, engine, settings, environ, start_response)
        if app is None or path != EVENTS_PATH:
            return _plain(start_response, HTTPStatus.NOT_FOUND)
        if method != "POST":
            return _plain(start_response, HTTPStatus.METHOD_NOT_ALLOWED, [("Allow", "POST")])
        try:
            request = _gate(environ, secret, max_body)
        except inbound.Refused as refused:
            logger.warning(
                "refused %s %s from %s with %d: %s",
                method,
                path,
                environ.get("REMOTE_ADDR", "?"),
                refused.status,
                refused.reason,
            )
            return _plain(start_response, refused.status)
        response = app.dispatch(request)
        reply = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        start_response(reply.status, reply.get_headers())
        return reply.get_body()

    return wsgi


def _browser(
    app: App, engine: Engine, settings: Settings, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    """A person's browser, not Slack: Slack's OAuth install (OAuth mode), or a CRM's OAuth callback."""
    if environ.get("PATH_INFO") == CRM_CALLBACK_PATH:
        from bot.crm.web import zoho_callback  # the CRM feature's: it loads only when a browser comes back

        return zoho_callback(engine, settings, environ, start_response)
    if app.oauth_flow is None:
        return _plain(start_response, HTTPStatus.NOT_FOUND)
    return _oauth(app.oauth_flow, environ, start_response)


def _oauth(flow: OAuthFlow, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """`GET /slack/install` and `/slack/oauth_redirect` (OAuth mode): a person's browser, not Slack, so
    no signature; Bolt's OAuth flow checks the state (cookie and database) instead."""
    request = BoltRequest(
        body="", query=environ.get("QUERY_STRING", ""), headers=WsgiHttpRequest(environ).get_headers()
    )
    if environ.get("PATH_INFO") == flow.install_path:
        response = flow.handle_installation(request)
    else:
        response = flow.handle_callback(request)
    reply = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
    start_response(reply.status, reply.get_headers())
    return reply.get_body()


def _gate(environ: WSGIEnvironment, secret: bytes, max_body: int) -> BoltRequest:
    """The request for Bolt, once its size, signature and shape have passed (else `inbound.Refused`)."""
    body = inbound.read_body(environ["wsgi.input"], environ.get("CONTENT_LENGTH"), max_body=max_body)
    signed = inbound.Signed(
        body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"), environ.get("HTTP_X_SLACK_SIGNATURE")
    )
    inbound.verify_signature(secret, signed, now=time.time())
    parsed = inbound.parse_body(body, environ.get("CONTENT_TYPE"))
    # Bolt gets the raw body (it verifies the signature again) and Pacer's reading of it: parsing it a
    # second time would only cost CPU, and where Bolt's reading differs (it takes any form mentioning
    # "payload" for an interaction), Pacer's is the one to trust.
    request = BoltRequest(
        body="", query=environ.get("QUERY_STRING", ""), headers=WsgiHttpRequest(environ).get_headers()
    )
    request.raw_body = body.decode()
    request.body = parsed
    request.context = build_context(BoltContext(), parsed)
    return request


def _plain(
    start_response: StartResponse, status: HTTPStatus, headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    start_response(
        f"{status.value} {status.phrase}", [("Content-Type", "text/plain; charset=utf-8"), *(headers or [])]
    )
    return [status.phrase.lower().encode() + b"\n"]


def _health(engine: Engine, start_response: StartResponse) -> list[bytes]:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        logger.exception("health check: the database does not answer")
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"database unavailable\n"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]


def make_server(
    wsgi: WSGIApplication, settings: Settings, *, host: str | None = None, port: int | None = None
) -> BaseWSGIServer | MultiSocketServer:
    """A production WSGI server (waitress), not Bolt's development server. Call `.run()` / `.close()`.

    Bodies over `HTTP_MAX_BODY_BYTES` are refused with 413 once the headers are in, before the body is
    read; a connection idle for `HTTP_IDLE_TIMEOUT` seconds, or whose request has not fully arrived within
    `HTTP_REQUEST_TIMEOUT`, is closed; at most `HTTP_CONNECTION_LIMIT` connections are open at once.
    """
    server = create_server(
        wsgi,
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
        threads=settings.http_threads,
        ident="pacer",
        connection_limit=settings.http_connection_limit,
        channel_timeout=settings.http_idle_timeout,
        cleanup_interval=max(1, min(10, settings.http_idle_timeout)),
        max_request_body_size=settings.http_max_body_bytes + 1,  # waitress refuses sizes >= its limit
        max_request_header_size=MAX_HEADER_BYTES,
        asyncore_use_poll=True,  # select() fails past 1,024 descriptors
    )
    channel = type("PacerChannel", (PacerChannel,), {"request_timeout": float(settings.http_request_timeout)})
    listeners = server.map.values() if not isinstance(server, BaseWSGIServer) else [server]  # type: ignore[union-attr]
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = channel
    return server


class _RefusalTask(ErrorTask):
    """waitress's error response (413, 431, 400 from its own parser), logged once and followed by a
    lingering close."""

    def execute(self) -> None:
        request: Any = self.request
        if isinstance(request.error, ServerNotImplemented):  # a transfer coding other than chunked
            request.error = BadRequest(request.error.body)  # the client's fault: 400, not a 5xx
        error: Any = request.error
        if error.code < 500:  # a 500 here follows an exception waitress has logged already
            logger.warning("refused a request with %d: %s", error.code, error.reason)
            channel: Any = self.channel
            channel.linger = True
        super().execute()


class PacerChannel(HTTPChannel):
    """waitress's connection, with two additions for hostile clients.

    - A request must arrive in full within `request_timeout` seconds. waitress's own time-out closes only
      connections idle for `channel_timeout`, so a client trickling a byte every few seconds would hold
      its connection forever.
    - After refusing a request (413 for a body too large), it sends the response, stops writing and
      discards what the client is still sending (see LINGER_IDLE) before closing, as nginx does:
      closing with unread data makes the kernel reset the connection, and the client would see the reset
      instead of the 413. Nothing discarded is kept.
    """

    error_task_class = _RefusalTask
    request_timeout = 60.0
    linger = False
    _began: float | None = None
    _drain_until: float | None = None
    _drain_end = 0.0

    def handle_read(self) -> None:
        if self._drain_until is not None:
            try:
                if self.recv(65536):  # on end of stream or a reset, wasyncore calls handle_close
                    self._drain_until = min(time.time() + LINGER_IDLE, self._drain_end)
            except OSError:
                HTTPChannel.handle_close(self)
            return
        super().handle_read()
        if self.request is None:
            self._began = None
        elif self._began is None:
            self._began = time.time()

    def readable(self) -> bool:
        return True if self._drain_until is not None else bool(super().readable())

    def writable(self) -> bool:
        now = time.time()
        if self._drain_until is not None:
            return now >= self._drain_until  # then handle_write closes
        if self._began is not None and self.request is not None and now - self._began > self.request_timeout:
            logger.warning("closing a connection whose request took over %ss to arrive", self.request_timeout)
            self._began = None
            self.will_close = True
        return bool(super().writable())

    def handle_write(self) -> None:
        if self._drain_until is not None:
            HTTPChannel.handle_close(self)
            return
        super().handle_write()

    def handle_close(self) -> None:
        if self.linger and self._drain_until is None and self.connected and not self.total_outbufs_len:
            try:
                self.socket.shutdown(socket.SHUT_WR)  # type: ignore[union-attr]
            except OSError:
                pass
            else:
                now = time.time()
                self._drain_until, self._drain_end = now + LINGER_IDLE, now + LINGER_TOTAL
                self.will_close = False
                return
        super().handle_close()
