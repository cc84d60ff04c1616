"""Publishing as outbox messages, each once per key: the rep's scorecard DM with its Acknowledge button
and its chart in the thread, the vendor contact's summary, the admins' per-vendor comparison, and the
calibration CSV sent to whoever asked. A reopened and republished cycle sends again (the keys carry the
times it was reopened). Pure builders: no database, no Slack calls."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime

from bot.delivery.service import Outgoing, Recipient
from bot.errors import NotAllowed
from bot.i18n import Locale, t
from bot.reviews import policy
from bot.reviews import publish_views as views
from bot.reviews.calibration import Row
from bot.reviews.models import ReviewCycle
from bot.slack import blocks

SCORECARD = "review-scorecard"  # to a rep: their published scorecard
CHART = "review-chart"  # in its thread: the chart
VENDOR = "review-vendor"  # to a vendor's contact: their reps' levels and overall
COMPARISON = "review-comparison"  # to an admin: vendors side by side
EXPORT = "review-export"  # to whoever asked: a note, and the CSV in its thread
EXPORT_FILE = "review-export-file"
KINDS = (SCORECARD, CHART, VENDOR, COMPARISON, EXPORT, EXPORT_FILE)
ACKNOWLEDGE = "reviews_acknowledge"  # the scorecard's button; its value is the scorecard id
ACK_BLOCK = "review_ack"


def scorecard_key(cycle: ReviewCycle, rep_id: int) -> str:
    return f"{SCORECARD}:{cycle.id}:{rep_id}:{cycle.reopened_count}"


def chart_key(scorecard: str) -> str:
    return f"{scorecard}:chart"


def vendor_key(cycle: ReviewCycle, vendor_id: int) -> str:
    return f"{VENDOR}:{cycle.id}:{vendor_id}:{cycle.reopened_count}"


def comparison_key(cycle: ReviewCycle, admin_id: int) -> str:
    return f"{COMPARISON}:{cycle.id}:{admin_id}:{cycle.reopened_count}"


def export_key(cycle: ReviewCycle, member_id: int, now: datetime) -> str:
    return f"{EXPORT}:{cycle.id}:{member_id}:{now.isoformat()}"


def export_file_key(export: str) -> str:
    return f"{export}:file"


def _upload(filename: str, title: str, content: bytes) -> dict[str, str]:
    return {
        "filename": filename,
        "title": title,
        "alt_text": title,
        "content_b64": base64.b64encode(content).decode(),
    }


def scorecard(
    rep: Recipient,
    row: Row,
    cycle: ReviewCycle,
    *,
    shown: views.Shown,
    scorecard_id: int | None,
    locale: Locale,
    talk: blocks.Block | None = None,
) -> Outgoing:
    """The rep's scorecard DM, with Acknowledge when it is kept (its chart follows: `chart_reply`) and,
    when the rep has a manager, the review conversation's line (`talk`; kept up to date as it moves)."""
    key = scorecard_key(cycle, rep.id)
    text = t(
        "reviews.publish.scorecard_text",
        locale,
        quarter=cycle.quarter,
        overall=views.overall_text(row.overall, locale),
    )
    found = [blocks.header(t("reviews.publish.scorecard_title", locale, quarter=cycle.quarter))]
    found.append(blocks.section(views.joined(views.scorecard_lines(row, shown, locale))))
    if scorecard_id is not None:
        button = blocks.button(
            ACKNOWLEDGE, t("reviews.publish.acknowledge", locale), str(scorecard_id), primary=True
        )
        found.append({"type": "actions", "block_id": ACK_BLOCK, "elements": [button]})
    if talk is not None:
        found.append(talk)
    return Outgoing.dm(
        rep, key=key, kind=SCORECARD, payload=blocks.message(text, found), period=cycle.quarter
    )


def chart_reply(rep: Recipient, scorecard: str, quarter: str, png: bytes, *, locale: Locale) -> Outgoing:
    """The scorecard's chart, in the thread of the DM keyed `scorecard`."""
    title = blocks.plain_text(t("reviews.publish.chart_title", locale, quarter=quarter))
    upload = _upload(f"scorecard-{quarter}.png", title, png)
    payload = {"thread_of": scorecard, "upload": upload, "text": title}
    return Outgoing.dm(rep, key=chart_key(scorecard), kind=CHART, payload=payload, period=quarter)


def vendor_summary(
    contact: Recipient | str,
    vendor_id: int,
    vendor: str,
    of: Sequence[Row],
    cycle: ReviewCycle,
    *,
    locale: Locale,
) -> Outgoing:
    """The vendor contact's summary: levels and overall only, as `policy.visible` allows them. `contact` is
    a member, or the Slack user id of a contact Pacer has not met yet."""
    shown = policy.visible(policy.Viewer.VENDOR_CONTACT, cycle.stage, comments=0)
    if shown != {policy.Part.LEVELS}:
        raise NotAllowed("reviews.errors.only_admins")
    title = t("reviews.publish.vendor_title", locale, vendor=vendor, quarter=cycle.quarter)
    found = [blocks.header(title), *blocks.sections_from_lines(views.vendor_lines(of, locale), max_blocks=45)]
    found.append(blocks.context(t("reviews.calibration.levels_legend", locale)))
    payload, key = blocks.message(title, found), vendor_key(cycle, vendor_id)
    if isinstance(contact, str):
        return Outgoing(
            team_id=cycle.team_id,
            key=key,
            kind=VENDOR,
            channel=contact,
            payload=payload,
            period=cycle.quarter,
        )
    return Outgoing.dm(contact, key=key, kind=VENDOR, payload=payload, period=cycle.quarter)


def comparison(
    admin: Recipient, by_vendor: dict[str, list[Row]], cycle: ReviewCycle, locale: Locale
) -> Outgoing:
    """An admin's per-vendor comparison, the basis for vendor decisions."""
    title = t("reviews.publish.admin_title", locale, quarter=cycle.quarter)
    lines = views.comparison_lines(by_vendor, locale)
    found = [blocks.header(title), *blocks.sections_from_lines(lines, max_blocks=45)]
    found.append(blocks.context(t("reviews.calibration.levels_legend", locale)))
    key = comparison_key(cycle, admin.id)
    return Outgoing.dm(
        admin, key=key, kind=COMPARISON, payload=blocks.message(title, found), period=cycle.quarter
    )


def export(
    to: Recipient, cycle: ReviewCycle, content: bytes, *, now: datetime, locale: Locale
) -> list[Outgoing]:
    """The calibration CSV, in the asker's DM with Pacer: a note, and the file in its thread."""
    key = export_key(cycle, to.id, now)
    title = t("reviews.calibration.export_title", locale, quarter=cycle.quarter)
    upload = _upload(f"scorecards-{cycle.quarter}.csv", blocks.plain_text(title), content)
    return [
        Outgoing.dm(to, key=key, kind=EXPORT, payload=blocks.notice(title), period=cycle.quarter),
        Outgoing.dm(
            to,
            key=export_file_key(key),
            kind=EXPORT_FILE,
            payload={"thread_of": key, "upload": upload, "text": blocks.plain_text(title)},
            period=cycle.quarter,
        ),
    ]
