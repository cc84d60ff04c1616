"""The CRM feature's outbox messages: the import template sent to an admin's DM (a note, and the CSV in
its thread). Pure builders: no database, no Slack calls."""

from __future__ import annotations

import base64
from datetime import datetime

from bot.delivery.service import Outgoing, Recipient
from bot.i18n import Locale, t
from bot.slack import blocks

TEMPLATE = "crm-template"  # to the admin who asked: how to fill it in
TEMPLATE_FILE = "crm-template-file"  # the CSV, in the note's thread
KINDS = (TEMPLATE, TEMPLATE_FILE)
TEMPLATE_NAME = "pacer-actuals.csv"


def template_key(to: Recipient, now: datetime) -> str:
    return f"{TEMPLATE}:{to.id}:{now.isoformat()}"


def template(to: Recipient, content: bytes, *, now: datetime, locale: Locale) -> list[Outgoing]:
    """The template in the asker's DM with Pacer: the explanation, and the file in its thread."""
    key = template_key(to, now)
    title = blocks.plain_text(t("crm.import.template_title", locale))
    upload = {
        "filename": TEMPLATE_NAME,
        "title": title,
        "alt_text": title,
        "content_b64": base64.b64encode(content).decode(),
    }
    return [
        Outgoing.dm(to, key=key, kind=TEMPLATE, payload=blocks.notice(t("crm.import.how", locale))),
        Outgoing.dm(
            to,
            key=f"{key}:file",
            kind=TEMPLATE_FILE,
            payload={"thread_of": key, "upload": upload, "text": title},
        ),
    ]
