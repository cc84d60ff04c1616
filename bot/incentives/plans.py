"""Setting up a plan: its modal's answers read and checked without Slack (a field error on the block it is
about, naming tier rows), saved with a line in the history, refused once approved; an admin may reopen an
approved or computed plan, which is recorded too. No Slack."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.audit import service as audit
from bot.db.scoped import get_in_workspace
from bot.errors import Conflict, FieldErrors, Invalid, NotAllowed, NotFound
from bot.goals.models import Metric
from bot.goals.numbers import plain_amount, read_amount
from bot.incentives.models import (
    Audience,
    IncentivePlan,
    LedgerEntry,
    Payout,
    PayoutStatus,
    PeriodKind,
    PlanStatus,
)
from bot.incentives.payout import (
    Funder,
    Mode,
    Terms,
    Tier,
    check_tiers,
    minor_unit,
    sorted_tiers,
)
from bot.roster.models import Member, Role, Vendor
from bot.roster.policy import Caller
from bot.roster.service import vendor_named

FIELDS = ("name", "period", "audience", "manager", "vendor", "metric", "tiers", "mode", "base", "cap")
MORE_FIELDS = ("currency", "funder", "split")
NAME_MAX = 80
TIER_LINE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(?:(?:-|–|to)\s*(\d+(?:\.\d+)?)|\+)\s*%?\s*:\s*(\d+(?:\.\d+)?)\s*[x×]?\s*$"
)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
LOCKED = frozenset({PlanStatus.CLOSED, PlanStatus.APPROVED})  # computed: reopen to change it


@dataclass(frozen=True)
class PlanAnswers:
    """What the modal submitted: one string per input block (None: left empty)."""

    name: str | None = None
    period: str | None = None
    audience: str | None = None
    manager: str | None = None  # a Slack user id
    vendor: str | None = None
    metric: str | None = None
    tiers: str | None = None
    mode: str | None = None
    base: str | None = None
    cap: str | None = None
    currency: str | None = None
    funder: str | None = None
    split: str | None = None


@dataclass(frozen=True)
class PlanInput:
    name: str
    period_kind: PeriodKind
    period: str
    starts_on: date
    ends_on: date
    audience: Audience
    manager_user: str | None
    vendor_name: str | None
    metric: Metric
    tiers: tuple[Tier, ...]
    terms: Terms


def read_tiers(text: str) -> tuple[Tier, ...] | Invalid:
    """Lines like "80-100: 1", "120+: 2" (percent: multiplier), in the order typed; else the first bad row."""
    lines = [line for line in text.splitlines() if line.strip()]
    tiers = []
    for row, line in enumerate(lines, 1):
        match = TIER_LINE.match(line)
        if match is None:
            return Invalid("incentives.tiers.bad_line", row=row)
        lower, upper, multiplier = match.groups()
        tiers.append(Tier(Decimal(lower), Decimal(upper) if upper else None, Decimal(multiplier)))
    return tuple(tiers)


def tiers_text(tiers: tuple[Tier, ...]) -> str:
    return "\n".join(
        f"{plain_amount(t.lower)}{'-' + plain_amount(t.upper) if t.upper is not None else '+'}: "
        f"{plain_amount(t.multiplier)}"
        for t in tiers
    )


def read_period(text: str) -> tuple[PeriodKind, str, date, date] | None:
    """ "2026Q4" (a quarter) or "2026-11" (a month), with its first and last day."""
    raw = text.strip().upper()
    try:
        first, last = calendar.quarter_bounds(raw)
        return PeriodKind.QUARTER, raw, first, last
    except ValueError:
        match = MONTH.match(raw)
        if match is None or not (1 <= int(match[2]) <= 12) or not (2000 <= int(match[1]) <= 2100):
            return None
        first = date(int(match[1]), int(match[2]), 1)
        return PeriodKind.MONTH, raw, first, calendar.month_end(first)


def _choice(kind: type[Audience] | type[Metric] | type[Mode] | type[Funder], value: str | None) -> object:
    try:
        return kind(value or "")
    except ValueError:
        return None


def check_plan(answers: PlanAnswers) -> PlanInput | FieldErrors:
    """Every field checked at once, each error under its own block; nothing is lost from the rest."""
    errors = FieldErrors()
    name = (answers.name or "").strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = Invalid("incentives.plan.name", max=NAME_MAX)
    period = read_period(answers.period or "")
    if period is None:
        errors["period"] = "incentives.plan.period"
    audience, metric = _choice(Audience, answers.audience), _choice(Metric, answers.metric)
    mode, funder = (
        _choice(Mode, answers.mode or Mode.MARGINAL),
        _choice(Funder, answers.funder or Funder.CLIENT),
    )
    _who(answers, audience, errors)
    if metric is None:
        errors["metric"] = "incentives.plan.metric"
    tiers = read_tiers(answers.tiers or "")
    if isinstance(tiers, Invalid):
        errors["tiers"] = tiers
    elif problems := check_tiers(tiers):
        errors["tiers"] = problems[0]
    currency = (answers.currency or "").strip().upper()
    money = _money(answers, currency, errors)
    split = _split(answers.split, funder, errors)
    if errors or period is None or isinstance(tiers, Invalid) or money is None:
        return errors
    assert isinstance(audience, Audience) and isinstance(metric, Metric)  # noqa: S101  (checked above)
    assert isinstance(mode, Mode) and isinstance(funder, Funder)  # noqa: S101
    terms = Terms(sorted_tiers(tiers), money[0], currency, mode, money[1], funder, split)
    vendor = (answers.vendor or "").strip() or None
    return PlanInput(name, *period, audience, answers.manager, vendor, metric, tiers, terms)


def _who(answers: PlanAnswers, audience: object, errors: FieldErrors) -> None:
    if audience is None:
        errors["audience"] = "incentives.plan.audience"
    elif audience is Audience.TEAM and not answers.manager:
        errors["manager"] = "incentives.plan.manager_needed"
    elif audience is Audience.VENDOR and not (answers.vendor or "").strip():
        errors["vendor"] = "incentives.plan.vendor_needed"


def _money(answers: PlanAnswers, currency: str, errors: FieldErrors) -> tuple[Decimal, Decimal | None] | None:
    try:
        step = minor_unit(currency) if re.fullmatch("[A-Z]{3}", currency) else None
    except Exception:  # babel's unknown currency
        step = None
    if step is None:
        errors["currency"] = "incentives.plan.currency"
        return None
    base = read_amount(answers.base, step=step)
    cap = read_amount(answers.cap, step=step, positive=True) if answers.cap else None
    if base is None:
        errors["base"] = Invalid("incentives.plan.amount", step=plain_amount(step))
    if answers.cap and cap is None:
        errors["cap"] = Invalid("incentives.plan.amount", step=plain_amount(step))
    return (base, cap) if base is not None and (cap is not None or not answers.cap) else None


def _split(text: str | None, funder: object, errors: FieldErrors) -> Decimal:
    if funder is None:
        errors["funder"] = "incentives.plan.funder"
    if funder is not Funder.SPLIT:
        return Decimal(0)
    try:
        value = Decimal((text or "").strip().rstrip("%"))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value <= 100 or value != value.quantize(Decimal("0.01")):
        errors["split"] = "incentives.plan.split"
    return value if value.is_finite() and 0 <= value <= 100 else Decimal(0)


# --- saving ---------------------------------------------------------------------------------------------


def record(
    session: Session, plan: IncentivePlan, what: str, *, by: int | None, now: datetime, **extra: object
) -> None:
    """A line in the history: who did what to the plan (or one of its payouts), and when."""
    payout = extra.pop("payout", None)
    detail = ", ".join(f"{key}={value}" for key, value in extra.items())
    session.add(
        LedgerEntry(
            team_id=plan.team_id,
            plan_id=plan.id,
            payout_id=payout.id if isinstance(payout, Payout) else None,
            by_id=by,
            what=what,
            detail=detail,
            at=now,
        )
    )


def check_admin(caller: Caller) -> None:
    if not caller.is_admin():
        raise NotAllowed("incentives.errors.admins_only")


def get_plan(session: Session, team_id: str, plan_id: int) -> IncentivePlan:
    return get_in_workspace(
        session, IncentivePlan, plan_id, team_id=team_id, missing=NotFound("incentives.errors.no_plan")
    )


def save_plan(
    session: Session, caller: Caller, data: PlanInput, *, plan_id: int | None, now: datetime
) -> IncentivePlan:
    """A new plan (active at once), or a change to one not yet approved; both in the history."""
    check_admin(caller)
    team_id = caller.team_id
    manager, vendor = _audience_of(session, team_id, data)
    plan = get_plan(session, team_id, plan_id) if plan_id is not None else None
    if plan is not None:
        check_changeable(plan)
    if plan is None:
        plan = IncentivePlan(team_id=team_id, status=PlanStatus.ACTIVE, created_by_id=caller.member.id)
        session.add(plan)
    _apply(plan, data, manager, vendor)
    session.flush()
    record(session, plan, "created" if plan_id is None else "edited", by=caller.member.id, now=now)
    return plan


def check_stored(session: Session, team_id: str, data: PlanInput, *, plan_id: int | None) -> FieldErrors:
    """What only the database can tell, as field errors (before the modal is answered): the manager must be
    one, the vendor must exist, and the name must be free in its period."""
    errors = FieldErrors()
    try:
        _audience_of(session, team_id, data)
    except (Invalid, NotFound) as error:
        errors["manager" if data.audience is Audience.TEAM else "vendor"] = error
    taken = session.scalar(
        select(IncentivePlan.id).where(
            IncentivePlan.team_id == team_id,
            IncentivePlan.name == data.name,
            IncentivePlan.period == data.period,
        )
    )
    if taken is not None and taken != plan_id:
        errors["name"] = Invalid("incentives.plan.name_taken", period=data.period)
    return errors


def _audience_of(session: Session, team_id: str, data: PlanInput) -> tuple[Member | None, Vendor | None]:
    manager = vendor = None
    if data.audience is Audience.TEAM:
        manager = session.scalar(
            select(Member).where(Member.team_id == team_id, Member.user_id == (data.manager_user or ""))
        )
        if manager is None or manager.role is not Role.MANAGER:
            raise Invalid("incentives.plan.not_a_manager")
    if data.audience is Audience.VENDOR:
        vendor = vendor_named(session, team_id=team_id, name=data.vendor_name or "")
    return manager, vendor


def _apply(plan: IncentivePlan, data: PlanInput, manager: Member | None, vendor: Vendor | None) -> None:
    terms = data.terms
    plan.name, plan.period_kind, plan.period = data.name, data.period_kind, data.period
    plan.starts_on, plan.ends_on, plan.audience = data.starts_on, data.ends_on, data.audience
    plan.manager_id, plan.vendor_id = (manager.id if manager else None), (vendor.id if vendor else None)
    plan.metric, plan.tiers, plan.mode = data.metric, tiers_text(data.tiers), terms.mode
    plan.base, plan.cap, plan.currency = terms.base, terms.cap, terms.currency
    plan.funder, plan.vendor_percent = terms.funder, terms.vendor_percent


def check_changeable(plan: IncentivePlan) -> None:
    """A computed or approved plan refuses changes until an admin reopens it."""
    if plan.status in LOCKED:
        key = "approved" if plan.status is PlanStatus.APPROVED else "computed"
        raise Conflict(f"incentives.errors.{key}", name=plan.name)


def terms_of(plan: IncentivePlan) -> Terms:
    tiers = read_tiers(plan.tiers)
    if isinstance(tiers, Invalid):  # stored only after its check: never
        raise tiers
    return Terms(
        sorted_tiers(tiers), plan.base, plan.currency, plan.mode, plan.cap, plan.funder, plan.vendor_percent
    )


def reopen(session: Session, caller: Caller, plan: IncentivePlan, *, now: datetime) -> int:
    """An admin reopens a computed or approved plan: its payouts are dropped (none may be invoiced or paid
    yet) and it is active again, to be computed anew; recorded. Returns how many payouts were dropped."""
    check_admin(caller)
    if plan.status not in {PlanStatus.CLOSED, PlanStatus.APPROVED}:
        raise Conflict("incentives.errors.not_closed", name=plan.name)
    billed = session.scalar(
        select(Payout.id).where(
            Payout.plan_id == plan.id, Payout.status.in_([PayoutStatus.INVOICED, PayoutStatus.PAID])
        )
    )
    if billed is not None:
        raise Conflict("incentives.errors.billed", name=plan.name)
    dropped = len(session.scalars(delete(Payout).where(Payout.plan_id == plan.id).returning(Payout.id)).all())
    plan.status, plan.computed_at = PlanStatus.ACTIVE, None
    plan.reopened_count += 1
    record(session, plan, "reopened", by=caller.member.id, now=now, payouts=dropped)
    audit.record(session, plan.team_id, caller.member.id, "incentives.reopen", plan.name, payouts=dropped)
    return dropped


def answers_of(plan: IncentivePlan, manager_user: str | None, vendor: str | None) -> PlanAnswers:
    """A stored plan as the modal shows it to be changed."""
    return PlanAnswers(
        plan.name,
        plan.period,
        plan.audience.value,
        manager_user,
        vendor,
        plan.metric.value,
        plan.tiers,
        plan.mode.value,
        plain_amount(plan.base),
        plain_amount(plan.cap) if plan.cap is not None else None,
        plan.currency,
        plan.funder.value,
        plain_amount(plan.vendor_percent),
    )
