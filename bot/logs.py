"""Logging: one line per event on stderr, at LOG_LEVEL, with Slack tokens and secrets scrubbed."""

from __future__ import annotations

import logging
import re
import sys

_SECRET = re.compile(r"\b(xox[abposre]|xapp)-[A-Za-z0-9-]+")  # xoxe-: refresh tokens (OAuth)


class RedactSecrets(logging.Filter):
    """Replaces anything shaped like a Slack token in a log line, wherever it came from."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _SECRET.search(message):
            record.msg = _SECRET.sub(r"\1-[redacted]", message)
            record.args = None
        return True


class _DropBoltTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and then warns that Pacer's own client makes it unused; it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("As you gave `client` as well")


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("urllib3").setLevel(max(logging.getLevelName(level), logging.INFO))
    logging.getLogger("apscheduler").setLevel(
        max(logging.getLevelName(level), logging.WARNING)
    )  # Pacer logs each tick
    logging.getLogger("slack_bolt.App").addFilter(_DropBoltTokenNotice())
    # At DEBUG these log whole payloads (a DM's text beside its user id): never below INFO, so no log
    # line joins a person with what they wrote, anonymous or not.
    for payload_logger in ("slack_bolt", "slack_sdk"):
        logging.getLogger(payload_logger).setLevel(max(logging.getLevelName(level), logging.INFO))
    # SQLAlchemy logs every statement at INFO: only its warnings and errors (parameters hidden anyway).
    logging.getLogger("sqlalchemy.engine").setLevel(max(logging.getLevelName(level), logging.WARNING))
    # Under load waitress logs every queued request ("Task queue depth"): a symptom, not an event.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
