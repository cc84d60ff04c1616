"""What the incentives feature shows, in the reader's language: the plan modal, a rep's plan with what it
takes to reach the next tier, a manager's team table, the ledger. Pure builders; every person's text is
escaped (`t` escapes its values); money through `bot.format`. No database, no Slack calls."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bot import format as fmt
from bot.goals.models import Metric
from bot.goals.numbers import plain_amount
from bot.i18n import Locale, moment, t
from bot.incentives.attainment import Figure
from bot.incentives.ledger import NEXT, Line
from bot.incentives.models import Audience, IncentivePlan, Payout, PayoutStatus
from bot.incentives.payout import Funder, Mode, minor_unit, next_tier
from bot.incentives.payout import Payout as Computed
from bot.incentives.plans import PlanAnswers, terms_of
from bot.incentives.seats import NO_SEAT, SEAT_FIELD
from bot.incentives.showing import Change
from bot.slack import blocks
from bot.text import Mrkdwn, safe_mention

PLAN_CALLBACK = "incentives_plan"
APPROVE = "incentives_approve"  # value: "<plan id>:<times reopened>"
MARK = "incentives_mark"  # value: "<plan id>:<vendor id or 0>:<the lines' status now>"
EXPORT = "incentives_export"  # value: "csv" or "xlsx"
COUNT_STEP = Decimal(1)
LEDGER_LINES = 60


def _select(
    block: str, label: str, options: list[tuple[str, str]], initial: str | None, *, optional: bool = False
) -> blocks.Block:
    element: dict[str, Any] = {
        "type": "static_select",
        "options": [blocks.option(text, value) for text, value in options],
    }
    chosen = next((o for o in element["options"] if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return blocks.input_block(block, label, element, optional=optional)


def _text(
    block: str,
    locale: Locale,
    initial: str | None,
    *,
    optional: bool = False,
    multiline: bool = False,
    max_length: int = 200,
) -> blocks.Block:
    return blocks.input_block(
        block,
        t(f"incentives.plan.field_{block}", locale),
        blocks.text_input(initial, multiline=multiline, max_length=max_length),
        hint=t(f"incentives.plan.hint_{block}", locale),
        optional=optional,
    )


def plan_modal(
    answers: PlanAnswers, locale: Locale, *, plan_id: int | None, response_url: str = ""
) -> dict[str, Any]:
    """The plan's modal: every field, kept as typed when a field error keeps it open."""
    title = t("incentives.plan.title", locale)
    return blocks.modal(
        PLAN_CALLBACK,
        title=title,
        submit=t("incentives.plan.save", locale),
        close=t("incentives.plan.cancel", locale),
        body=_fields(answers, locale),
        metadata={"plan_id": plan_id, "response_url": response_url},
    )


def _fields(answers: PlanAnswers, locale: Locale) -> list[blocks.Block]:
    manager: dict[str, Any] = {"type": "users_select"} | (
        {"initial_user": answers.manager} if answers.manager else {}
    )
    return [
        _text("name", locale, answers.name, max_length=80),
        _text("period", locale, answers.period, max_length=8),
        _select(
            "audience",
            t("incentives.plan.field_audience", locale),
            [(t(f"incentives.audience.{a.value}", locale), a.value) for a in Audience],
            answers.audience,
        ),
        blocks.input_block("manager", t("incentives.plan.field_manager", locale), manager, optional=True),
        _text("vendor", locale, answers.vendor, optional=True, max_length=80),
        _select(
            "metric",
            t("incentives.plan.field_metric", locale),
            [(t(f"metric.{m.value}", locale), m.value) for m in Metric],
            answers.metric,
        ),
        _text("tiers", locale, answers.tiers, multiline=True, max_length=600),
        _select(
            "mode",
            t("incentives.plan.field_mode", locale),
            [(t(f"incentives.mode.{m.value}", locale), m.value) for m in Mode],
            answers.mode or Mode.MARGINAL.value,
        ),
        _text("base", locale, answers.base, max_length=20),
        _text("cap", locale, answers.cap, optional=True, max_length=20),
        _text("currency", locale, answers.currency or "USD", max_length=3),
        _select(
            "funder",
            t("incentives.plan.field_funder", locale),
            [(t(f"incentives.funder.{f.value}", locale), f.value) for f in Funder],
            answers.funder or Funder.CLIENT.value,
        ),
        _text("split", locale, answers.split, optional=True, max_length=6),
    ]


def money(value: Decimal, currency: str, locale: Locale) -> str:
    return fmt.money(value, currency, locale)


def rep_plan(plan: IncentivePlan, figure: Figure | None, now: Computed, locale: Locale) -> list[Mrkdwn]:
    """A rep's plan: attainment to date, the payout it implies now, what it takes to reach the next tier."""
    values = {"name": plan.name, "period": plan.period}
    lines = [t("incentives.rep.plan", locale, **values, tiers=tier_summary(plan, locale))]
    if figure is None or figure.attainment is None:
        return [*lines, t("incentives.rep.no_target", locale, **values)]
    lines.append(
        t(
            "incentives.rep.now",
            locale,
            attainment=fmt.percent(figure.attainment, locale),
            payout=money(now.amount, plan.currency, locale),
        )
    )
    if figure.crm:  # reported figures are the default, said nowhere
        lines.append(t("incentives.rep.source_crm", locale))
    single = figure.single()
    step = (COUNT_STEP if single[0] == "count" else minor_unit(single[0])) if single else Decimal(0)
    found = next_tier(
        terms_of(plan).tiers,
        figure.attainment,
        target=single[1] if single else None,
        result=single[2] if single else None,
        step=step,
    )
    if found is None:
        return [*lines, t("incentives.rep.top", locale)]
    multiplier = f"{plain_amount(found.tier.multiplier)}×"
    if found.amount_more is not None and single is not None:
        more = fmt.amount(found.amount_more, single[0], locale)
        lines.append(t("incentives.rep.next", locale, more=more, multiplier=multiplier, period=plan.period))
    else:
        points = fmt.count(found.percent_more, locale)
        lines.append(
            t("incentives.rep.next_points", locale, points=points, multiplier=multiplier, period=plan.period)
        )
    return lines


def tier_summary(plan: IncentivePlan, locale: Locale) -> str:
    parts = [
        f"{plain_amount(tier.lower)}{'–' + plain_amount(tier.upper) if tier.upper is not None else '+'}%: "
        f"{plain_amount(tier.multiplier)}×"
        for tier in terms_of(plan).tiers
    ]
    return t(
        "incentives.rep.tiers",
        locale,
        tiers=", ".join(parts),
        mode=t(f"incentives.mode.{plan.mode.value}", locale),
        base=money(plan.base, plan.currency, locale),
    )


def team_line(name: str, figure: Figure | None, now: Computed, plan: IncentivePlan, locale: Locale) -> str:
    attained = fmt.percent(figure.attainment if figure else None, locale)
    return t(
        "incentives.team.line",
        locale,
        rep=name,
        attainment=attained,
        payout=money(now.amount, plan.currency, locale),
    )


def payout_line(payout: Payout, name: str, locale: Locale) -> str:
    return t(
        "incentives.payout.line",
        locale,
        rep=name,
        attainment=fmt.percent(payout.attainment, locale),
        amount=money(payout.amount, payout.currency, locale),
        status=t(f"incentives.status.{payout.status.value}", locale),
    )


def ledger_lines(found: Sequence[Line], locale: Locale) -> list[str]:
    return [
        t(
            "incentives.ledger.line",
            locale,
            vendor=line.vendor.name if line.vendor else t("incentives.ledger.no_vendor", locale),
            rep=line.rep.display_name or line.rep.user_id,
            plan=f"{line.plan.name} {line.plan.period}",
            amount=money(line.payout.amount, line.payout.currency, locale),
            funder=t(
                f"incentives.funder_share.{line.payout.funder.value}",
                locale,
                vendor=money(line.payout.vendor_share, line.payout.currency, locale),
            ),
            status=t(f"incentives.status.{line.payout.status.value}", locale),
        )
        for line in found
    ]


def approve_button(plan: IncentivePlan, locale: Locale) -> dict[str, Any]:
    return blocks.button(
        APPROVE, t("incentives.approve.button", locale), f"{plan.id}:{plan.reopened_count}", primary=True
    )


def read_mark(value: str) -> tuple[int, int, PayoutStatus]:
    """A "next step" button's value: the plan, the vendor (0: none) and the status its lines are at."""
    plan_id, vendor_id, start = value.split(":")
    status = PayoutStatus(start)
    if status not in NEXT:
        raise ValueError(start)
    return int(plan_id), int(vendor_id), status


def ledger_message(found: Sequence[Line], locale: Locale, *, admin: bool) -> tuple[str, list[blocks.Block]]:
    """The ledger: a line per payout (the first `LEDGER_LINES`), the export buttons and, for an admin, a
    button per plan and vendor to move its lines a step (approved → invoiced → paid)."""
    title = t("incentives.ledger.title", locale, count=len(found))
    lines = ledger_lines(found[:LEDGER_LINES], locale) or [t("incentives.ledger.empty", locale)]
    buttons = [
        blocks.button(f"{EXPORT}_csv", t("incentives.ledger.export_csv", locale), "csv"),
        blocks.button(f"{EXPORT}_xlsx", t("incentives.ledger.export_xlsx", locale), "xlsx"),
    ]
    if admin:
        steps = sorted(
            {
                (
                    line.plan.id,
                    line.vendor.id if line.vendor else 0,
                    line.plan.name,
                    line.vendor.name if line.vendor else "—",
                    line.payout.status.value,
                )
                for line in found
                if line.payout.status in NEXT
            }
        )
        buttons += [
            blocks.button(
                f"{MARK}_{n}",
                t(
                    "incentives.ledger.mark",
                    locale,
                    step=t(f"incentives.status.{NEXT[PayoutStatus(start)].value}", locale),
                    plan=name,
                    vendor=vendor,
                ),
                f"{plan_id}:{vendor_id}:{start}",
            )
            for n, (plan_id, vendor_id, name, vendor, start) in enumerate(steps[:20])
        ]
    actions = {"type": "actions", "block_id": "incentives_ledger", "elements": buttons}
    return title, [blocks.header(title), *blocks.sections_from_lines(lines, max_blocks=30), actions]


def history_lines(changes: Sequence[Change], locale: Locale) -> list[str]:
    """Each change: when (in the reader's zone, by Slack), who, what, and whose payout."""
    return [
        t(
            "incentives.history.line" if change.rep is None else "incentives.history.line_rep",
            locale,
            at=moment(change.at, None, locale),
            by=safe_mention(change.by) if change.by else t("incentives.history.pacer", locale),
            what=t(f"incentives.history.{change.what}", locale),
            rep=change.rep or "",
        )
        for change in changes
    ]


def seat_line(seat: str | None, locale: Locale) -> list[Mrkdwn]:
    """ "🎓 The reward includes a seat in “Discovery calls”." when it does (the title escaped)."""
    return [t("incentives.seat.line", locale, course=seat)] if seat else []


def seat_input(courses: list[tuple[int, str]], chosen: int | None, locale: Locale) -> list[blocks.Block]:
    """An optional training course seat as part of the reward (`seats`), when there are courses."""
    if not courses:
        return []
    nothing = blocks.option(t("incentives.seat.none", locale), NO_SEAT)
    options = [nothing, *(blocks.option(title, str(course_id)) for course_id, title in courses)]
    initial = next((o for o in options if o["value"] == str(chosen)), nothing)
    select = {"type": "static_select", "options": options, "initial_option": initial}
    label, hint = t("incentives.seat.label", locale), t("incentives.seat.hint", locale)
    return [blocks.input_block(SEAT_FIELD, label, select, optional=True, hint=hint)]
