"""The CRM feature's outbox messages: the import template sent to an admin's DM (a note, and the CSV in
its thread). Pure builders: no database, no Slack calls."""

from __future__ import annotations

import base64
from datetime import date, datetime

from bot.delivery.service import Outgoing, Recipient
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.text import one_line

TEMPLATE = "crm-template"  # to the admin who asked: how to fill it in
TEMPLATE_FILE = "crm-template-file"  # the CSV, in the note's thread
CONNECTED = "crm-connected"  # to the admin who connected a CRM
SYNC_FAILED = "crm-sync-failed"  # to the admins, at most once a day per workspace and connector
KINDS = (TEMPLATE, TEMPLATE_FILE, CONNECTED, SYNC_FAILED)
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


def connected_key(to: Recipient, provider: str, now: datetime) -> str:
    return f"{CONNECTED}:{provider}:{to.user_id}:{now.isoformat()}"


def connected(to: Recipient, provider: str, *, now: datetime, locale: Locale) -> Outgoing:
    text = t("crm.connect.connected", locale, crm=t(f"crm.provider.{provider}", locale))
    key = connected_key(to, provider, now)
    return Outgoing.dm(to, key=key, kind=CONNECTED, payload=blocks.notice(text))


def sync_failed_key(team_id: str, provider: str, day: date) -> str:
    """One report a workspace, connector and day, however many syncs fail that day."""
    return f"{SYNC_FAILED}:{team_id}:{provider}:{day.isoformat()}"


def sync_failed(to: Recipient, provider: str, error: str, *, day: date, locale: Locale) -> Outgoing:
    text = t("crm.sync.failed", locale, crm=t(f"crm.provider.{provider}", locale), error=one_line(error, 200))
    key = f"{sync_failed_key(to.team_id, provider, day)}:{to.user_id}"
    return Outgoing.dm(to, key=key, kind=SYNC_FAILED, payload=blocks.notice(text), period=day.isoformat())
