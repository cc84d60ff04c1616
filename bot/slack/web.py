"""HTTP mode: `POST /slack/events` (Bolt, signature-verified) and `GET /healthz`, served by waitress."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, text
from waitress.server import create_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from waitress.server import BaseWSGIServer, MultiSocketServer

logger = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def make_wsgi(app: App | None, engine: Engine) -> WSGIApplication:
    """`/healthz`, plus `/slack/events` when `app` is given. In Socket Mode there is no app here: its
    events arrive over the socket, and an HTTP endpoint without signature checks must not exist."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH) if app is not None else None

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return _health(engine, start_response)
        if slack is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        return slack(environ, start_response)

    return wsgi


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
    wsgi: WSGIApplication, *, host: str, port: int, threads: int
) -> BaseWSGIServer | MultiSocketServer:
    """A production WSGI server (waitress), not Bolt's development server. Call `.run()` / `.close()`."""
    return create_server(
        wsgi, host=host, port=port, threads=threads, ident="pacer", connection_limit=1000, channel_timeout=30
    )
