"""Escalation rules: who may open one for whom, where the vendor is reached, acknowledging and resolving
(each step recorded once, with who and when), who sees which, and what is due a re-send. No Slack imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins.models import CheckIn
from bot.db.scoped import get_in_workspace
from bot.errors import FieldErrors, Invalid, NotAllowed, NotFound
from bot.escalations.models import Escalation, EscalationEvent, EscalationStatus, Severity, Source
from bot.feedback.service import TEXT_MAX
from bot.roster.models import Member, Role, Vendor
from bot.roster.policy import can_answer_escalation, check_manages
from bot.roster.service import Caller
from bot.workspaces.models import Workspace

RESEND_AFTER_WORKING_DAYS = 2


@dataclass(frozen=True)
class EscalationForm:
    rep: str | None  # a Slack user id
    severity: str | None
    description: str | None
    involve_vendor: str | None  # "yes" when ticked


@dataclass(frozen=True)
class EscalationInput:
    rep: str  # a Slack user id, not yet known to be a rep the caller may escalate about
    severity: Severity
    description: str
    involve_vendor: bool


def validate(form: EscalationForm) -> EscalationInput | FieldErrors:
    """The typed answers, or {field: i18n key} for each wrong field."""
    errors = FieldErrors()
    if not form.rep:
        errors["rep"] = "feedback.error.required"
    if form.severity not in set(Severity):
        errors["severity"] = "escalation.error.severity"
    description = (form.description or "").strip()
    if not description:
        errors["description"] = "feedback.error.required"
    elif len(description) > TEXT_MAX:
        errors["description"] = "error.too_long"
    if errors or not form.rep:
        return errors
    return EscalationInput(form.rep, Severity(str(form.severity)), description, bool(form.involve_vendor))


def check_can_escalate(caller: Caller, rep: Member) -> None:
    check_manages(caller, rep, refusals="escalation")


def vendor_of(session: Session, rep: Member) -> Vendor | None:
    return session.get(Vendor, rep.vendor_id) if rep.vendor_id is not None else None


def vendor_channel(vendor: Vendor | None) -> str | None:
    """Where the vendor hears of an escalation: its shared channel if set, else its contact's DMs. A
    vendor without a contact cannot be involved (nobody there could acknowledge or resolve)."""
    if vendor is None or vendor.contact_user_id is None:
        return None
    return vendor.channel_id or vendor.contact_user_id


def record(session: Session, escalation: Escalation, action: str, actor: str | None, now: datetime) -> None:
    session.add(
        EscalationEvent(
            team_id=escalation.team_id,
            escalation_id=escalation.id,
            action=action,
            actor_user_id=actor,
            at=now,
        )
    )


def open_escalation(
    session: Session,
    *,
    caller: Caller,
    rep: Member,
    severity: Severity,
    description: str,
    involve_vendor: bool,
    source: Source,
    now: datetime,
) -> Escalation:
    check_can_escalate(caller, rep)
    vendor = vendor_of(session, rep)
    if involve_vendor and vendor_channel(vendor) is None:
        raise Invalid("escalation.no_vendor_contact", user=rep.user_id)
    escalation = Escalation(
        team_id=rep.team_id,
        rep_id=rep.id,
        opened_by_id=caller.member.id,
        vendor_id=vendor.id if vendor else None,
        involve_vendor=involve_vendor,
        severity=severity,
        description=description.strip(),
        source=source,
        status=EscalationStatus.OPEN,
        sent_at=now if involve_vendor else None,
        created_at=now,
    )
    session.add(escalation)
    session.flush()
    record(session, escalation, "opened", caller.member.user_id, now)
    if involve_vendor:
        record(session, escalation, "sent", None, now)
    return escalation


def latest_help(session: Session, rep: Member) -> str | None:
    """The blockers of the rep's latest "I need help" check-in, to start an escalation from."""
    rows = session.scalars(
        select(CheckIn.blockers)
        .where(CheckIn.team_id == rep.team_id, CheckIn.rep_id == rep.id, CheckIn.needs_help.is_(True))
        .order_by(CheckIn.week_start.desc(), CheckIn.id)
        .limit(5)
    ).all()
    return "\n".join(b for b in rows if b) or None


def for_action(
    session: Session, caller: Caller, escalation_id: int
) -> tuple[Escalation, Member, Vendor | None]:
    """The escalation, if the caller may act on it: the vendor's contact, the rep's manager, or an admin."""
    unknown = NotFound("escalation.unknown", id=escalation_id)
    escalation = get_in_workspace(session, Escalation, escalation_id, team_id=caller.team_id, missing=unknown)
    rep = session.get_one(Member, escalation.rep_id)
    vendor = session.get(Vendor, escalation.vendor_id) if escalation.vendor_id else None
    is_contact = (
        vendor is not None and escalation.involve_vendor and vendor.contact_user_id == caller.member.user_id
    )
    if not can_answer_escalation(caller, rep, vendor_contact=is_contact):
        raise NotAllowed("escalation.not_yours", id=escalation_id)
    return escalation, rep, vendor


def acknowledge(session: Session, escalation: Escalation, actor: str, now: datetime) -> bool:
    """Record the acknowledgement once, even when two clicks arrive together (a conditional UPDATE);
    False when it was already acknowledged or resolved."""
    moved = _move(
        session, escalation, {EscalationStatus.OPEN}, EscalationStatus.ACKNOWLEDGED, acknowledged_at=now
    )
    if moved:
        record(session, escalation, "acknowledged", actor, now)
    return moved


def resolve(session: Session, escalation: Escalation, actor: str, now: datetime) -> bool:
    still_open = {EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED}
    moved = _move(session, escalation, still_open, EscalationStatus.RESOLVED, resolved_at=now)
    if moved:
        record(session, escalation, "resolved", actor, now)
    return moved


def last_step(session: Session, escalation: Escalation) -> tuple[str, str | None, datetime | None]:
    """The step an escalation last took (acknowledged or resolved), who took it and when."""
    step = "resolved" if escalation.status is EscalationStatus.RESOLVED else "acknowledged"
    actor = session.scalar(
        select(EscalationEvent.actor_user_id)
        .where(EscalationEvent.escalation_id == escalation.id, EscalationEvent.action == step)
        .order_by(EscalationEvent.id.desc())
        .limit(1)
    )
    at = escalation.resolved_at if step == "resolved" else escalation.acknowledged_at
    return step, actor, at


def _move(
    session: Session,
    escalation: Escalation,
    allowed: set[EscalationStatus],
    status: EscalationStatus,
    **stamps: datetime,
) -> bool:
    """Change the status only if it still is one of `allowed` (the database decides, not a read before)."""
    moved = session.execute(
        update(Escalation)
        .where(Escalation.id == escalation.id, Escalation.status.in_(allowed))
        .values(status=status, **stamps)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if moved:
        session.refresh(escalation)
    return bool(moved)


def visible(session: Session, caller: Caller) -> list[tuple[Escalation, Member, Vendor | None]]:
    """Open escalations: an admin sees all, a manager their team's, a vendor contact their vendor's."""
    query = (
        select(Escalation, Member, Vendor)
        .join(Member, Member.id == Escalation.rep_id)
        .outerjoin(Vendor, Vendor.id == Escalation.vendor_id)
        .where(Escalation.team_id == caller.team_id, Escalation.status != EscalationStatus.RESOLVED)
        .order_by(Escalation.id)
    )
    if caller.role is Role.MANAGER:
        query = query.where(
            or_(Member.manager_id == caller.member.id, Escalation.opened_by_id == caller.member.id)
        )
    elif caller.role is Role.REP:
        contact_of = select(Vendor.id).where(
            Vendor.team_id == caller.team_id, Vendor.contact_user_id == caller.member.user_id
        )
        if session.scalar(contact_of.limit(1)) is None:
            raise NotAllowed("escalation.only_managers")
        query = query.where(Escalation.involve_vendor.is_(True), Escalation.vendor_id.in_(contact_of))
    return [(e, rep, vendor) for e, rep, vendor in session.execute(query)]


def due_resends(session: Session, *, now: datetime) -> list[tuple[Escalation, Member, Vendor | None]]:
    """Open escalations the vendor has not answered for two working days (workspace calendar), not yet
    re-sent."""
    rows = session.execute(
        select(Escalation, Member, Vendor, Workspace)
        .join(Member, Member.id == Escalation.rep_id)
        .join(Workspace, Workspace.team_id == Escalation.team_id)
        .outerjoin(Vendor, Vendor.id == Escalation.vendor_id)
        .where(
            Escalation.status == EscalationStatus.OPEN,
            Escalation.involve_vendor.is_(True),
            Escalation.sent_at.is_not(None),
            Escalation.resent_at.is_(None),
        )
    )
    due: list[tuple[Escalation, Member, Vendor | None]] = []
    for escalation, rep, vendor, workspace in rows:
        zone = calendar.workspace_zone(workspace)
        sent = escalation.sent_at or now
        if now >= calendar.add_working_days(sent, RESEND_AFTER_WORKING_DAYS, zone, workspace.country):
            due.append((escalation, rep, vendor))
    return due


def to_flag(session: Session, *, team_id: str) -> list[tuple[Escalation, Member]]:
    """Re-sent escalations not yet flagged in a digest."""
    return [
        (e, rep)
        for e, rep in session.execute(
            select(Escalation, Member)
            .join(Member, Member.id == Escalation.rep_id)
            .where(
                Escalation.team_id == team_id,
                Escalation.resent_at.is_not(None),
                Escalation.flagged_in_digest.is_(False),
            )
            .order_by(Escalation.id)
        )
    ]
