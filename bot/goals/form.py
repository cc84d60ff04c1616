"""The goal form: what a person typed in the goal modal, bounded and checked field by field, becomes a
`GoalInput` or a field error per block, before any database work. No Slack imports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot import calendar
from bot.errors import FieldErrors
from bot.goals import breakdown
from bot.goals.breakdown import QuarterWeights
from bot.goals.dates import LONGEST_YEARS, add_years, date_window, read_date
from bot.goals.models import Metric, PeriodKind
from bot.goals.numbers import MAX_AMOUNT, parse_amount, read_amount, read_whole

TITLE_LENGTH = range(10, 151)
METRIC_LABEL_MAX = 60  # the column's length
TEXT_MAX = 3000  # description and why, as the modal's inputs accept them
STRETCH = Decimal("1.5")  # warn when a target is over 1.5× the rep's best comparable period
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class GoalForm:
    """The goal modal's answers as strings (None when empty)."""

    title: str | None
    description: str | None
    metric: str | None
    metric_label: str | None
    unit: str | None
    target: str | None
    why: str | None
    period_kind: str | None
    start_date: str | None
    end_date: str | None
    quarter_weights: str | None


@dataclass(frozen=True)
class GoalInput:
    title: str
    description: str
    metric: Metric
    metric_label: str
    unit: str
    target: Decimal
    why: str
    period_kind: PeriodKind
    start_date: date
    end_date: date
    quarter_weights: QuarterWeights | None


def validate(form: GoalForm, *, today: date) -> GoalInput | FieldErrors:
    """Typed input, or {field: i18n key} for every field that is wrong (the modal shows each on its field).
    Everything is bounded here, before any database work: amounts to their column, dates to `today`."""
    errors: dict[str, str] = {}
    title = " ".join((form.title or "").split())
    if len(title) not in TITLE_LENGTH:
        errors["title"] = "goal.error.title"
    metric = Metric(form.metric) if form.metric in set(Metric) else None
    if metric is None:
        errors["metric"] = "goal.error.metric"
    label = " ".join((form.metric_label or "").split())
    if metric is Metric.CUSTOM and not label:
        errors["metric_label"] = "goal.error.metric_label"
    elif len(label) > METRIC_LABEL_MAX:  # the column holds 60: a field error, not a database error
        errors["metric_label"] = "goal.error.metric_label_long"
    unit = (form.unit or "").strip()
    unit = "count" if unit.lower() == "count" else unit.upper()
    if unit != "count" and not _CURRENCY.match(unit):
        errors["unit"] = "goal.error.unit"
    target = read_amount(form.target, step=breakdown.quantum_for(unit), positive=True)
    if target is None:
        errors["target"] = _target_error(form.target, unit)
    why, description = (form.why or "").strip(), (form.description or "").strip()
    if not why:
        errors["why"] = "goal.error.why"
    for name, text in (("why", why), ("description", description)):
        if len(text) > TEXT_MAX:
            errors[name] = "error.too_long"
    kind = PeriodKind(form.period_kind) if form.period_kind in set(PeriodKind) else None
    dates = _dates(kind, form.start_date, form.end_date, errors, today)
    weights = _weights(form.quarter_weights, kind, errors)
    if errors or metric is None or kind is None or dates is None or target is None:
        return FieldErrors(errors or {"period_kind": "goal.error.period"})
    return GoalInput(title, description, metric, label, unit, target, why, kind, *dates, weights)


def _target_error(raw: str | None, unit: str) -> str:
    """Too big for Pacer, or not a positive number of the unit's steps."""
    value = parse_amount(raw or "")
    if value is not None and value > MAX_AMOUNT:
        return "goal.error.target_too_big"
    return "goal.error.target_count" if unit == "count" else "goal.error.target"


def _dates(
    kind: PeriodKind | None, start: str | None, end: str | None, errors: dict[str, str], today: date
) -> tuple[date, date] | None:
    if kind is None:
        errors["period_kind"] = "goal.error.period"
        return None
    first = read_date(start)
    earliest, latest = date_window(today)
    if first is None or not earliest <= first <= latest:
        errors["start_date"] = "goal.error.start" if first is None else "goal.error.start_range"
        return None
    if kind is not PeriodKind.CUSTOM:
        return calendar.period_bounds(kind.value, first)
    last = read_date(end)
    if last is None or last <= first or last >= add_years(first, LONGEST_YEARS):
        errors["end_date"] = "goal.error.end" if last is None or last <= first else "goal.error.too_long"
        return None
    return first, last


def _weights(raw: str | None, kind: PeriodKind | None, errors: dict[str, str]) -> QuarterWeights | None:
    if not raw:
        return None
    parts = [read_whole(p, range(101)) for p in re.split(r"[\s,/;]+", raw.strip()[:64]) if p]
    if kind is not PeriodKind.YEAR:
        errors["quarter_weights"] = "goal.error.weights_year"
        return None
    if len(parts) != 4 or None in parts or sum(p or 0 for p in parts) != 100:
        errors["quarter_weights"] = "goal.error.weights"
        return None
    a, b, c, d = (p or 0 for p in parts)
    return a, b, c, d
