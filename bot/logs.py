"""Logging: one line per event on stderr, at LOG_LEVEL, with Slack tokens and secrets scrubbed."""

from __future__ import annotations

import logging
import re
import sys

_SECRET = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")


class RedactSecrets(logging.Filter):
    """Replaces anything shaped like a Slack token in a log line, wherever it came from."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _SECRET.search(message):
            record.msg = _SECRET.sub(r"\1-[redacted]", message)
            record.args = None
        return True


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("urllib3", "apscheduler.executors.default", "slack_bolt.App"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.INFO))
    # Under load waitress logs every queued request ("Task queue depth"): a symptom, not an event.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
