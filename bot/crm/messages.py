"""The CRM feature's outbox messages: the import template sent to an admin's DM (a note, and the CSV in
its thread), and a manager's reported-vs-CRM differences of the week the digest reports. Pure builders: no
database, no Slack calls."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from bot import format as fmt
from bot.checkins.views import week_label
from bot.crm.differences import Difference
from bot.crm.integrations.sync import failure_kind
from bot.delivery.service import Outgoing, Recipient
from bot.i18n import Locale, catalog, t
from bot.slack import blocks
from bot.text import Mrkdwn, join, one_line

TEMPLATE = "crm-template"  # to the admin who asked: how to fill it in
TEMPLATE_FILE = "crm-template-file"  # the CSV, in the note's thread
CONNECTED = "crm-connected"  # to the admin who connected a CRM
SYNC_FAILED = "crm-sync-failed"  # to the admins, at most once a day per workspace and connector
DIFFERENCES = "crm-differences"  # to a manager, once a week: their reps' reports that differ from the CRM
KINDS = (TEMPLATE, TEMPLATE_FILE, CONNECTED, SYNC_FAILED, DIFFERENCES)
DIFFERENCES_SHOWN = 40  # lines in the DM; the Home tab lists them too
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
    """The failure, and for the kinds an admin should understand (credits used up, credentials refused,
    access refused) what it means and what to do, in the admin's language."""
    text = t("crm.sync.failed", locale, crm=t(f"crm.provider.{provider}", locale), error=one_line(error, 200))
    hint = f"crm.sync.hint.{failure_kind(error)}"
    if hint in catalog(locale):
        text = join("\n", [text, t(hint, locale, provider=provider)])
    key = f"{sync_failed_key(to.team_id, provider, day)}:{to.user_id}"
    return Outgoing.dm(to, key=key, kind=SYNC_FAILED, payload=blocks.notice(text), period=day.isoformat())


def difference_line(found: Difference, locale: Locale) -> Mrkdwn:
    """One difference: rep, goal, week, reported vs CRM, by how much, and the rep's reason (their text,
    escaped and on one line)."""
    ratio = fmt.percent(found.ratio, locale) if found.ratio is not None else "—"
    key = "crm.differences.line_reason" if found.reason else "crm.differences.line"
    return t(
        key,
        locale,
        rep=one_line(found.rep, 60),
        goal=one_line(found.goal, 60),
        week=week_label(found.week_start, locale),
        reported=fmt.amount(found.reported, found.unit, locale),
        crm=fmt.amount(found.crm, found.unit, locale),
        ratio=ratio,
        reason=one_line(found.reason, 200),
    )


def differences_key(manager_id: int, week: date) -> str:
    """One DM per manager and week the digest reports, however often the job runs."""
    return f"{DIFFERENCES}:{manager_id}:{week.isoformat()}"


def differences(
    to: Recipient, found: Sequence[Difference], *, threshold: Decimal, week: date, locale: Locale
) -> Outgoing:
    """To a manager, privately: their reps' figures of `week` that differ from the CRM by more than the
    workspace's threshold (percent), with each rep's reason; the channel's digest never shows them."""
    title = t(
        "crm.differences.dm_title",
        locale,
        week=week_label(week, locale),
        count=fmt.count(len(found), locale),
        threshold=fmt.percent(threshold / 100, locale),
    )
    lines = [difference_line(item, locale) for item in found[:DIFFERENCES_SHOWN]]
    if len(found) > DIFFERENCES_SHOWN:
        lines.append(t("crm.differences.dm_more", locale, count=len(found) - DIFFERENCES_SHOWN))
    body = [blocks.section(title), *blocks.sections_from_lines(lines, max_blocks=20)]
    note = t("crm.differences.dm_note", locale)
    payload = blocks.message(join("\n", [title, *lines, note]), [*body, blocks.context(note)])
    key = differences_key(to.id, week)
    return Outgoing.dm(to, key=key, kind=DIFFERENCES, payload=payload, period=week.isoformat())
