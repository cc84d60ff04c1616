"""Block Kit for escalations: the modal, the vendor's message with Acknowledge / Resolve, notices, the
list and the digest's flag. Pure builders."""

from __future__ import annotations

from typing import Any

from bot.escalations.models import Escalation, EscalationStatus, Severity
from bot.feedback.service import TEXT_MAX
from bot.i18n import Locale, t
from bot.roster.models import Member, Vendor
from bot.slack import blocks
from bot.slack.ids import Action, CallbackId, EscalationBlock
from bot.text import FULL_LINE_MAX, Mrkdwn, join, one_line, quoted, render

SEVERITY_EMOJI = {Severity.LOW: "🔵", Severity.MEDIUM: "🟠", Severity.HIGH: "🔴"}


def escalation_modal(locale: Locale, *, values: dict[str, str], metadata: dict[str, Any]) -> dict[str, Any]:
    v = values.get
    severities = [blocks.option(t(f"escalation.severity.{s.value}", locale), s.value) for s in Severity]
    severity: dict[str, Any] = {"type": "static_select", "options": severities}
    chosen = [o for o in severities if o["value"] == v("severity")]
    if chosen:
        severity["initial_option"] = chosen[0]
    rep: dict[str, Any] = {"type": "users_select"}
    if v("rep"):
        rep["initial_user"] = v("rep")
    involve = blocks.option(t("escalation.involve_vendor_option", locale), "yes")
    checkbox: dict[str, Any] = {"type": "checkboxes", "options": [involve]}
    if v("involve_vendor"):
        checkbox["initial_options"] = [involve]
    body = [
        blocks.input_block(EscalationBlock.REP.value, t("escalation.rep", locale), rep),
        blocks.input_block(EscalationBlock.SEVERITY.value, t("escalation.severity_label", locale), severity),
        blocks.input_block(
            EscalationBlock.DESCRIPTION.value,
            t("escalation.description", locale),
            blocks.text_input(v("description"), multiline=True, max_length=TEXT_MAX),
        ),
        blocks.input_block(
            EscalationBlock.VENDOR.value,
            t("escalation.involve_vendor", locale),
            checkbox,
            optional=True,
            hint=t("escalation.involve_vendor_hint", locale),
        ),
    ]
    return blocks.modal(
        CallbackId.ESCALATION.value,
        title=t("escalation.modal_title", locale),
        submit=t("feedback.send", locale),
        close=t("common.cancel", locale),
        body=body,
        metadata=metadata,
    )


def _status(escalation: Escalation, locale: Locale) -> str:
    return t(f"escalation.status.{escalation.status.value}", locale)


def summary(escalation: Escalation, rep_user_id: str, vendor: Vendor | None, locale: Locale) -> Mrkdwn:
    return t(
        "escalation.summary",
        locale,
        emoji=SEVERITY_EMOJI[escalation.severity],
        id=escalation.id,
        severity=t(f"escalation.severity.{escalation.severity.value}", locale),
        rep=rep_user_id,
        vendor=one_line(vendor.name) if vendor else t("team.no_vendor", locale),
        status=_status(escalation, locale),
    )


def vendor_message(
    escalation: Escalation,
    rep_user_id: str,
    manager_user_id: str | None,
    vendor: Vendor | None,
    locale: Locale,
    *,
    resent: bool = False,
) -> dict[str, Any]:
    """To the vendor's contact (or shared channel): the escalation, with Acknowledge and Resolve."""
    key = "escalation.vendor_resent" if resent else "escalation.vendor_intro"
    intro = t(key, locale, manager=manager_user_id or "—", rep=rep_user_id)
    head = summary(escalation, rep_user_id, vendor, locale)
    details = quoted(escalation.description, limit=FULL_LINE_MAX)
    elements = []
    if escalation.status is EscalationStatus.OPEN:
        elements.append(
            blocks.button(
                Action.ESCALATION_ACK, t("escalation.ack_button", locale), str(escalation.id), primary=True
            )
        )
    if escalation.status is not EscalationStatus.RESOLVED:
        elements.append(
            blocks.button(
                Action.ESCALATION_RESOLVE, t("escalation.resolve_button", locale), str(escalation.id)
            )
        )
    body: list[blocks.Block] = [
        blocks.section(intro),
        blocks.section(head),
        blocks.section(details or Mrkdwn("—")),
    ]
    if elements:
        body.append({"type": "actions", "block_id": f"escalation:{escalation.id}", "elements": elements})
    return blocks.message(join("\n", [intro, head, details]), body)


def step_notice(
    escalation: Escalation, actor_user_id: str, rep_user_id: str, locale: Locale
) -> dict[str, Any]:
    """To the manager who opened it: the vendor acknowledged or resolved it."""
    return blocks.notice(
        t(
            f"escalation.{escalation.status.value}_notice",
            locale,
            who=actor_user_id,
            id=escalation.id,
            rep=rep_user_id,
        )
    )


def listing(
    rows: list[tuple[Escalation, Member, Vendor | None]], locale: Locale
) -> tuple[str, list[blocks.Block]]:
    if not rows:
        text = t("escalation.list_empty", locale)
        return text, [blocks.section(text)]
    lines = []
    for escalation, rep, vendor in rows:
        flags = [t("escalation.resent_flag", locale)] if escalation.resent_at else []
        head = join(" ", [summary(escalation, rep.user_id, vendor, locale), *flags])
        lines.append(
            render("{head}\n> {description}", head=head, description=one_line(escalation.description, 300))
        )
    title = t("escalation.list_title", locale, count=len(rows))
    return join("\n", [title, *lines]), [
        blocks.header(title),
        *blocks.sections_from_lines(lines, max_blocks=45),
    ]


def digest_flag(rows: list[tuple[Escalation, Member]], locale: Locale) -> dict[str, Any]:
    """A reply in the digest's thread: escalations the vendor left unanswered for two working days."""
    title = t("escalation.digest_flag", locale, count=len(rows))
    lines = [
        t(
            "escalation.digest_line",
            locale,
            emoji=SEVERITY_EMOJI[e.severity],
            id=e.id,
            rep=rep.user_id,
            description=one_line(e.description),
        )
        for e, rep in rows
    ]
    return blocks.message(
        join("\n", [title, *lines]),
        [blocks.section(title), *blocks.sections_from_lines(lines, max_blocks=40)],
    )
