"""The baseline of the HTTP benchmark: a Bolt app whose listeners only `ack()`, behind the very server
code `pacer run` uses (bot.slack.web). Run as `python -m benchmarks.minimal_app`; it reads the same
environment variables as Pacer (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, HOST, PORT,
HTTP_THREADS, LOG_LEVEL) and serves until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.config import Settings, load_settings
from bot.db import make_engine
from bot.logs import setup_logging
from bot.slack.web import make_server, make_wsgi

logger = logging.getLogger("benchmarks.minimal_app")


def create_minimal_app(settings: Settings) -> App:
    """Pacer's Bolt configuration (signature checks on, no auth.test at start-up) with empty listeners."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    app = App(
        # The token goes into the client: Bolt ignores (and warns about) `token=` when a client is given.
        client=WebClient(token=token, base_url=settings.slack_api_url),
        signing_secret=secret,
        token_verification_enabled=False,
        logger=logging.getLogger("slack_bolt.App"),
    )

    @app.command("/pacer")
    def command(ack: Ack) -> None:
        ack()

    @app.view("setup")
    def submission(ack: Ack) -> None:
        ack()

    return app


def main() -> int:
    settings = load_settings()
    setup_logging(settings.log_level)
    settings.require_slack()
    engine = make_engine("sqlite://")  # only for GET /healthz, which make_wsgi answers from a database
    server = make_server(make_wsgi(create_minimal_app(settings), engine, settings), settings)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt  # as in `pacer run`: waitress ends its loop and drains its threads

    signal.signal(signal.SIGTERM, stop)
    logger.info("minimal app on http://%s:%s", settings.host, settings.port)
    server.run()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
