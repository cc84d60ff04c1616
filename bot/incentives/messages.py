"""The incentives feature's outbox messages, each once per key: a rep's payout when their plan is computed,
the approvers' notes with the Approve button (a manager for their team, each admin for the plan), and a
ledger export (a note, and the CSV or XLSX file in its thread) to whoever asked. Pure builders."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime

from bot.delivery.service import Outgoing, Recipient
from bot.i18n import Locale, t
from bot.incentives import views
from bot.incentives.models import IncentivePlan, Payout
from bot.roster.models import Member, Role
from bot.roster.service import locale_of
from bot.slack import blocks
from bot.workspaces.models import Workspace

PAYOUT = "incentive-payout"  # to a rep: what their plan pays
APPROVE = "incentive-approve"  # to a manager (their team) or an admin (the plan): approve
EXPORT = "incentive-export"  # to whoever asked: a note, and the file in its thread
EXPORT_FILE = "incentive-export-file"
KINDS = (PAYOUT, APPROVE, EXPORT, EXPORT_FILE)


def payout_key(plan: IncentivePlan, rep_id: int) -> str:
    return f"{PAYOUT}:{plan.id}:{rep_id}:{plan.reopened_count}"


def approve_key(plan: IncentivePlan, member_id: int) -> str:
    return f"{APPROVE}:{plan.id}:{member_id}:{plan.reopened_count}"


def computed(
    plan: IncentivePlan,
    payouts: Sequence[Payout],
    reps: dict[int, Member],
    approvers: Sequence[Member],
    workspace: Workspace,
) -> list[Outgoing]:
    """Each rep's DM, and each approver's note: the managers of the reps paid, and the workspace's admins."""
    found = []
    for payout in payouts:
        rep = reps[payout.rep_id]
        locale = locale_of(rep, workspace)
        text = t(
            "incentives.payout.dm",
            locale,
            name=plan.name,
            period=plan.period,
            amount=views.money(payout.amount, payout.currency, locale),
        )
        found.append(
            Outgoing.dm(
                rep,
                key=payout_key(plan, rep.id),
                kind=PAYOUT,
                payload=blocks.notice(text),
                period=plan.period,
            )
        )
    return found + [approver_note(plan, member, workspace) for member in approvers]


def approver_note(plan: IncentivePlan, member: Member, workspace: Workspace) -> Outgoing:
    """A note with the Approve button, in the approver's language."""
    locale = locale_of(member, workspace)
    key = "incentives.approve.dm_admin" if member.role is Role.ADMIN else "incentives.approve.dm"
    text = t(key, locale, name=plan.name, period=plan.period)
    actions = {
        "type": "actions",
        "block_id": "incentives_approve",
        "elements": [views.approve_button(plan, locale)],
    }
    payload = blocks.message(text, [blocks.section(text), actions])
    return Outgoing.dm(
        member, key=approve_key(plan, member.id), kind=APPROVE, payload=payload, period=plan.period
    )


def export(to: Recipient, content: bytes, kind: str, *, now: datetime, locale: Locale) -> list[Outgoing]:
    """The ledger export in the asker's DM: a note, and the file in its thread."""
    key = f"{EXPORT}:{to.id}:{kind}:{now.isoformat()}"
    title = t("incentives.ledger.export_title", locale)
    upload = {
        "filename": f"incentives-ledger.{kind}",
        "title": blocks.plain_text(title),
        "alt_text": blocks.plain_text(title),
        "content_b64": base64.b64encode(content).decode(),
    }
    return [
        Outgoing.dm(to, key=key, kind=EXPORT, payload=blocks.notice(title)),
        Outgoing.dm(
            to,
            key=f"{key}:file",
            kind=EXPORT_FILE,
            payload={"thread_of": key, "upload": upload, "text": blocks.plain_text(title)},
        ),
    ]
