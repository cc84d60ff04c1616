"""Approvals and the ledger. A manager approves their team's computed payouts, then an admin approves the
manager-approved ones (and those of reps without a manager); when every payout is approved the plan is
approved too. Approved payouts are the ledger, per vendor: approved → invoiced → paid, marked by an admin.
Every change is a line in the history (who, what, when). The export: one invoice line per rep and currency,
as CSV (UTF-8 with a BOM, formula cells neutralised) or XLSX. No Slack."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Conflict, NotAllowed
from bot.events import PayoutApproved, raise_after_commit
from bot.incentives.models import IN_LEDGER, IncentivePlan, Payout, PayoutStatus, PlanStatus
from bot.incentives.plans import check_admin, record
from bot.roster.models import Member, Role, Vendor
from bot.roster.policy import Caller
from bot.spreadsheets import safe_cell, xlsx_cell

NEXT = {PayoutStatus.APPROVED: PayoutStatus.INVOICED, PayoutStatus.INVOICED: PayoutStatus.PAID}
HEADER = (
    "vendor",
    "rep",
    "slack_id",
    "plans",
    "currency",
    "amount",
    "vendor_share",
    "client_share",
    "status",
)


def approve(session: Session, caller: Caller, plan: IncentivePlan, *, now: datetime) -> int:
    """The caller's step: a manager's team from computed to manager-approved; an admin's from
    manager-approved (or computed, for a rep without a manager) to approved. Returns how many moved;
    nothing to move is refused (Conflict)."""
    if plan.status is not PlanStatus.CLOSED:
        raise Conflict("incentives.errors.not_closed", name=plan.name)
    query = select(Payout).where(Payout.plan_id == plan.id, Payout.team_id == plan.team_id).with_for_update()
    if caller.is_admin():
        moved = [
            p
            for p in session.scalars(query)
            if p.status is PayoutStatus.MANAGER_APPROVED
            or (p.status is PayoutStatus.COMPUTED and p.manager_id is None)
        ]
        to = PayoutStatus.APPROVED
    elif caller.role is Role.MANAGER:
        moved = list(
            session.scalars(
                query.where(Payout.manager_id == caller.member.id, Payout.status == PayoutStatus.COMPUTED)
            )
        )
        to = PayoutStatus.MANAGER_APPROVED
    else:
        raise NotAllowed("incentives.errors.approvers_only")
    if not moved:  # refused, so the press is not spent: an admin may come back once the managers have
        raise Conflict("incentives.errors.nothing_to_approve", name=plan.name)
    for payout in moved:
        payout.status = to
        record(session, plan, to.value, by=caller.member.id, now=now, payout=payout)
        if to is PayoutStatus.APPROVED:  # the reward is the rep's: a course seat follows (bot.links)
            approved = PayoutApproved(plan.team_id, plan.id, payout.id, payout.rep_id, caller.member.id)
            raise_after_commit(session, approved)
    session.flush()
    left = session.scalar(
        select(Payout.id).where(Payout.plan_id == plan.id, Payout.status.not_in(list(IN_LEDGER)))
    )
    if left is None and caller.is_admin():
        plan.status = PlanStatus.APPROVED
        record(session, plan, "approved", by=caller.member.id, now=now)
    return len(moved)


def mark(
    session: Session,
    caller: Caller,
    plan: IncentivePlan,
    vendor_id: int | None,
    start: PayoutStatus,
    *,
    now: datetime,
) -> int:
    """An admin moves the plan's ledger lines of a vendor that are at `start` one step: approved →
    invoiced, or invoiced → paid (never both at once: a line not yet invoiced is never marked paid)."""
    check_admin(caller)
    if start not in NEXT:
        return 0
    query = select(Payout).where(Payout.plan_id == plan.id, Payout.status == start).with_for_update()
    rows = list(
        session.scalars(
            query.where(Payout.vendor_id == vendor_id if vendor_id else Payout.vendor_id.is_(None))
        )
    )
    for payout in rows:
        payout.status = NEXT[payout.status]
        record(session, plan, payout.status.value, by=caller.member.id, now=now, payout=payout)
    return len(rows)


@dataclass(frozen=True)
class Line:
    """One ledger line: a rep's payout of a plan."""

    payout: Payout
    plan: IncentivePlan
    rep: Member
    vendor: Vendor | None


def vendors_of(session: Session, caller: Caller) -> list[Vendor] | None:
    """Whose ledger the caller may see: None for an admin (every vendor), else the vendors whose contact
    they are; NotAllowed for anyone else."""
    if caller.is_admin():
        return None
    mine = list(
        session.scalars(
            select(Vendor).where(
                Vendor.team_id == caller.team_id, Vendor.contact_user_id == caller.member.user_id
            )
        )
    )
    if not mine:
        raise NotAllowed("incentives.errors.ledger_who")
    return mine


def lines(session: Session, team_id: str, vendor_ids: list[int] | None) -> list[Line]:
    """The ledger (approved, invoiced and paid payouts), by vendor, plan and rep; one statement."""
    query = (
        select(Payout, IncentivePlan, Member, Vendor)
        .join(IncentivePlan, IncentivePlan.id == Payout.plan_id)
        .join(Member, Member.id == Payout.rep_id)
        .outerjoin(Vendor, Vendor.id == Payout.vendor_id)
        .where(Payout.team_id == team_id, Payout.status.in_(list(IN_LEDGER)))
        .order_by(Vendor.name, IncentivePlan.period, IncentivePlan.name, Member.display_name, Payout.id)
    )
    if vendor_ids is not None:
        query = query.where(Payout.vendor_id.in_(vendor_ids))
    return [Line(*row) for row in session.execute(query)]


def invoice_lines(found: list[Line]) -> list[tuple[str, ...]]:
    """One line per vendor, rep and currency: the plans, the total, each funder's share, the least advanced
    status."""
    grouped: dict[tuple[str, int, str], list[Line]] = defaultdict(list)
    for line in found:
        grouped[(line.vendor.name if line.vendor else "", line.rep.id, line.payout.currency)].append(line)
    rows: list[tuple[str, ...]] = []
    for (vendor, _, currency), group in grouped.items():
        rep = group[0].rep
        total = sum((g.payout.amount for g in group), Decimal(0))
        ours = sum((g.payout.vendor_share for g in group), Decimal(0))
        status = min((g.payout.status for g in group), key=list(PayoutStatus).index)
        plans = "; ".join(f"{g.plan.name} {g.plan.period}" for g in group)
        rows.append(
            (
                vendor,
                rep.display_name or rep.user_id,
                rep.user_id,
                plans,
                currency,
                f"{total}",
                f"{ours}",
                f"{total - ours}",
                status.value,
            )
        )
    return rows


def export_csv(rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows([tuple(safe_cell(cell) for cell in row) for row in rows])
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(rows: list[tuple[str, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101  (a new workbook has one sheet)
    sheet.title = "ledger"
    sheet.append(HEADER)
    for row in rows:
        cells: list[object] = [xlsx_cell(cell) for cell in row]
        cells[5:8] = [Decimal(value) for value in row[5:8]]  # amounts as numbers
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
