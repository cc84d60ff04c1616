"""Serve the real app the way `pacer run` does in HTTP mode, on a free loopback port, inside a test:
the same app factory, WSGI server and outbox sender, with a clock the test can set."""

from __future__ import annotations

import contextlib
import time
import urllib.request
from collections.abc import Sequence
from datetime import datetime

from bot.config import Settings
from bot.db import SessionFactory
from bot.delivery.worker import DeliveryWorker, make_sender
from bot.events import Events
from bot.features import FEATURES, Feature, all_jobs, pages
from bot.scheduler import JobContext, run_once
from bot.slack.app import create_app
from bot.slack.client import make_client
from bot.slack.clients import make_clients
from bot.slack.directory import Directory
from bot.slack.web import make_server, make_wsgi
from tests.support.clock import MovableClock


class AppServer:
    def __init__(
        self, settings: Settings, session_factory: SessionFactory, features: Sequence[Feature] = FEATURES
    ) -> None:
        self.settings = settings
        self.features = features
        self.session_factory = session_factory
        self.clock = MovableClock()
        self.sender = make_sender(settings, session_factory)  # on the database's clock, not this one
        self.worker = DeliveryWorker(self.sender)
        self.events = Events()  # as `pacer run`: subscribers on a worker thread, never inside ack()
        self.app = create_app(
            settings,
            session_factory=session_factory,
            kick=self.worker.kick,
            clock=self.clock,
            features=features,
            events=self.events,
        )
        engine = session_factory.kw["bind"]
        self.server = make_server(make_wsgi(self.app, engine, settings), settings, host="127.0.0.1", port=0)
        self.port = int(self.server.effective_port)  # type: ignore[union-attr]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    def serve(self) -> None:
        self.worker.start()
        self.server.run()

    def job_context(self) -> JobContext:
        client = make_client(self.settings, purpose="job")
        clients = make_clients(self.settings, self.session_factory.kw["bind"], purpose="job")
        return JobContext(
            self.settings,
            self.session_factory,
            client,
            Directory(client, self.session_factory, client_for=clients.for_team),
            self.sender,
            pages=pages(self.features),
            clients=clients if clients.multi else None,  # OAuth mode: a client per workspace
        )

    def run_job(self, name: str, now: datetime) -> list[str]:
        """`pacer jobs run NAME --now NOW`, in this process: the job, then the outbox drained."""
        self.clock.set(now)
        return run_once(self.job_context(), all_jobs(self.features)[name], now)

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
        """Stop the sender, then close every channel from inside the server's own loop (closing its socket
        from another thread breaks the select() it is waiting in), which ends the loop."""
        self.worker.stop()

        def close_all() -> None:
            for channel in list(self.server._map.values()):  # type: ignore[union-attr]
                channel.close()

        # Seen once in ~1,400 teardowns: the loop had ended already and closed its trigger (EBADF) — then
        # nothing is left open to close.
        with contextlib.suppress(OSError):
            self.server.trigger.pull_trigger(close_all)  # type: ignore[union-attr]
        self.server.task_dispatcher.shutdown(timeout=5)
        self.events.shutdown()
