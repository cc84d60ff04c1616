"""Serve the real app the way `pacer run` does in HTTP mode, on a free loopback port, inside a test."""

from __future__ import annotations

import time
import urllib.request

from bot.config import Settings
from bot.db import SessionFactory
from bot.slack.app import create_app
from bot.slack.web import make_server, make_wsgi


class AppServer:
    def __init__(self, settings: Settings, session_factory: SessionFactory) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.app = create_app(settings, session_factory=session_factory)
        engine = session_factory.kw["bind"]
        self.server = make_server(make_wsgi(self.app, engine), host="127.0.0.1", port=0, threads=8)
        self.port = int(self.server.effective_port)  # type: ignore[union-attr]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    def serve(self) -> None:
        self.server.run()

    def wait_ready(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def close(self) -> None:
        self.server.close()
        self.server.task_dispatcher.shutdown(timeout=5)
