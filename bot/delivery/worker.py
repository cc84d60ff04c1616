"""The sender inside `pacer run`: drains the outbox whenever something is queued, and every 2 seconds."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from bot.config import Settings
from bot.db import SessionFactory
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.sender import Sender
from bot.slack.client import make_client
from bot.slack.clients import make_clients

logger = logging.getLogger(__name__)
POLL_SECONDS = 2.0


def make_sender(settings: Settings, session_factory: SessionFactory) -> Sender:
    """The outbox sender; in OAuth mode each message goes by its workspace's client (`Clients`)."""
    clients = make_clients(settings, session_factory.kw["bind"], purpose="sender")
    return Sender(
        session_factory,
        make_client(settings, purpose="sender"),
        RateLimiter(settings.delivery_rate),
        workers=settings.delivery_workers,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        clients=clients if clients.multi else None,
    )


class DeliveryWorker:
    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self._kick = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="delivery", daemon=True)

    def start(self) -> DeliveryWorker:
        self._thread.start()
        return self

    def kick(self) -> None:
        """Something was queued: send it now rather than at the next poll."""
        self._kick.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._kick.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._kick.clear()
            try:
                report = self.sender.drain(stop=self._stop)
                if report.sent or report.failed or report.recovered:
                    logger.info("outbox: %s", report)
            except Exception:  # the database or Slack is down: try again at the next poll
                logger.exception("outbox: the sender failed; retrying in %.0f s", POLL_SECONDS)
            self._kick.wait(POLL_SECONDS)
