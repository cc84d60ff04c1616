"""The arithmetic of an incentive plan, as pure functions of `Decimal`s: no database, no Slack.

- **Tiers** are rows of attainment percentages, lower bound inclusive and upper bound exclusive, each with a
  multiplier: "80-100: 1" pays 1× on attainment from 80 % up to (not including) 100 %. Only the last row may
  have no upper bound ("120+: 2"). Attainment below the first row's lower bound pays nothing. Rows may be
  given in any order; `check_tiers` refuses overlaps and gaps, naming the rows (1 = the first line typed).
  Above a closed table's top, attainment counts as that top: the payout stops growing there.
- **Base** is what 100 % attainment at 1× is worth (the on-target incentive), in the plan's currency.
- **Marginal** (the default): each tier's multiplier applies to the slice of attainment inside it, bracket by
  bracket: payout = base × Σ (attainment inside tier ÷ 100 %) × multiplier.
  **Flat**: the multiplier of the tier reached applies to all of it: payout = base × attainment × multiplier.
- **Cap**: the payout is at most the cap (when there is one).
- **Rounding**, once, at the end: the exact figure (capped) is rounded half-up to the currency's minor unit
  (cents for USD, none for JPY; `minor_unit`). A **split** funder's vendor share is the payout × the vendor's
  percentage, rounded the same way, and the client's share is the rest, so the shares add up exactly.
- **Next tier**: the first tier above the one reached whose multiplier is higher; what it takes is the
  attainment (and, given the target, the amount) still missing, rounded *up* so that it truly suffices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum
from itertools import pairwise

from babel import numbers as babel_numbers

from bot.errors import Invalid, PacerError

WIDE = Context(prec=60)  # every intermediate figure exact: amounts ≤ 10^12, percentages ≤ 10^4
HUNDRED = Decimal(100)
ZERO = Decimal(0)
MAX_PERCENT = Decimal(10_000)  # tier bounds and attainment above 10,000 % are refused / clamped
MAX_MULTIPLIER = Decimal(100)
MAX_TIERS = 12


class Mode(StrEnum):
    MARGINAL = "marginal"
    FLAT = "flat"


class Funder(StrEnum):
    CLIENT = "client"
    VENDOR = "vendor"
    SPLIT = "split"


@dataclass(frozen=True)
class Tier:
    lower: Decimal  # percent, inclusive
    upper: Decimal | None  # percent, exclusive; None: no upper bound
    multiplier: Decimal

    def holds(self, percent: Decimal) -> bool:
        return self.lower <= percent and (self.upper is None or percent < self.upper)


@dataclass(frozen=True)
class Terms:
    """What a plan pays: its tiers (sorted by lower bound), mode, base, cap, currency and who funds it."""

    tiers: tuple[Tier, ...]
    base: Decimal
    currency: str
    mode: Mode = Mode.MARGINAL
    cap: Decimal | None = None
    funder: Funder = Funder.CLIENT
    vendor_percent: Decimal = ZERO  # the vendor's share when split, 0–100

    def vendor_share(self) -> Decimal:
        return {Funder.CLIENT: ZERO, Funder.VENDOR: HUNDRED}.get(self.funder, self.vendor_percent)


@dataclass(frozen=True)
class Payout:
    amount: Decimal  # rounded to the currency's minor unit
    client: Decimal  # the client's share; client + vendor == amount
    vendor: Decimal
    multiplier: Decimal  # of the tier reached (0 below the first)
    capped: bool


@dataclass(frozen=True)
class NextTier:
    tier: Tier
    percent_more: Decimal  # percentage points of attainment still missing
    amount_more: Decimal | None  # in the goal's unit, when the target is known


def minor_unit(currency: str) -> Decimal:
    """The currency's smallest unit as a quantum: Decimal("0.01") for USD, Decimal("1") for JPY."""
    return Decimal(1).scaleb(-babel_numbers.get_currency_precision(currency.upper()))


def rounded(value: Decimal, currency: str) -> Decimal:
    """Half-up to the currency's minor unit: the one rounding rule of payouts and shares."""
    with localcontext(WIDE):
        return value.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def sorted_tiers(tiers: Sequence[Tier]) -> tuple[Tier, ...]:
    return tuple(sorted(tiers, key=lambda tier: tier.lower))


def check_tiers(tiers: Sequence[Tier]) -> list[PacerError]:
    """What is wrong with a tier table, each naming its rows (1-based, in the order given); [] if nothing."""
    if not tiers:
        return [Invalid("incentives.tiers.none")]
    if len(tiers) > MAX_TIERS:
        return [Invalid("incentives.tiers.too_many", max=MAX_TIERS)]
    errors: list[PacerError] = []
    for row, tier in enumerate(tiers, 1):
        if (
            tier.lower < 0
            or tier.lower > MAX_PERCENT
            or (tier.upper is not None and tier.upper > MAX_PERCENT)
        ):
            errors.append(Invalid("incentives.tiers.out_of_range", row=row, max=MAX_PERCENT))
        elif tier.upper is not None and tier.upper <= tier.lower:
            errors.append(Invalid("incentives.tiers.empty", row=row))
        elif not ZERO <= tier.multiplier <= MAX_MULTIPLIER:
            errors.append(Invalid("incentives.tiers.multiplier", row=row, max=MAX_MULTIPLIER))
    return errors or _check_joins(tiers)


def _check_joins(tiers: Sequence[Tier]) -> list[PacerError]:
    """Overlaps, gaps and an open row that is not the last, between rows that are each well-formed."""
    order = sorted(range(len(tiers)), key=lambda index: (tiers[index].lower, index))
    errors: list[PacerError] = []
    for before, after in pairwise(order):
        upper, lower = tiers[before].upper, tiers[after].lower
        rows = {"first": before + 1, "second": after + 1}
        if upper is None or lower < upper:
            errors.append(Invalid("incentives.tiers.overlap", **rows))
        elif lower > upper:
            errors.append(Invalid("incentives.tiers.gap", start=upper, end=lower, **rows))
    return errors


def _cumulative(tiers: tuple[Tier, ...]) -> list[Decimal]:
    """Marginal: the weighted attainment (percent × multiplier) accrued below each tier's lower bound."""
    accrued, total = [], ZERO
    for tier in tiers:
        accrued.append(total)
        if tier.upper is not None:
            total += (tier.upper - tier.lower) * tier.multiplier
    return accrued


def reached(tiers: Sequence[Tier], percent: Decimal) -> int | None:
    """The index of the tier `percent` falls in (tiers sorted), None below the first; at or above the top of
    a table whose last row is closed, the last row."""
    found = next((index for index, tier in enumerate(tiers) if tier.holds(percent)), None)
    top = tiers[-1].upper if tiers else None
    return len(tiers) - 1 if found is None and top is not None and percent >= top else found


def gross(terms: Terms, attainment: Decimal) -> Decimal:
    """The exact payout before the cap and rounding, for attainment as a ratio (1 = 100 %)."""
    with localcontext(WIDE):
        percent = min(max(attainment * HUNDRED, ZERO), MAX_PERCENT)
        index = reached(terms.tiers, percent)
        if index is None:
            return ZERO
        tier = terms.tiers[index]
        if tier.upper is not None:
            percent = min(percent, tier.upper)  # above a closed table's top, the payout stops growing
        if terms.mode is Mode.FLAT:
            weighted = percent * tier.multiplier
        else:
            weighted = _cumulative(terms.tiers)[index] + (percent - tier.lower) * tier.multiplier
        return terms.base * weighted / HUNDRED


def compute(terms: Terms, attainment: Decimal | None) -> Payout:
    """The payout `attainment` (a ratio; None: no data, nothing) implies, capped, rounded and split."""
    exact = gross(terms, attainment) if attainment is not None else ZERO
    capped = terms.cap is not None and exact > terms.cap
    amount = rounded(terms.cap if capped and terms.cap is not None else exact, terms.currency)
    with localcontext(WIDE):
        vendor = rounded(amount * terms.vendor_share() / HUNDRED, terms.currency)
        percent = attainment * HUNDRED if attainment is not None else ZERO
    index = reached(terms.tiers, percent)
    multiplier = terms.tiers[index].multiplier if index is not None else ZERO
    return Payout(amount, amount - vendor, vendor, multiplier, capped)


def next_tier(
    tiers: tuple[Tier, ...],
    attainment: Decimal | None,
    *,
    target: Decimal | None = None,
    result: Decimal | None = None,
    step: Decimal = ZERO,
) -> NextTier | None:
    """The next tier paying more than the one reached, and what it takes: percentage points, and (given the
    period's `target` in the goal's unit) the amount, rounded up to `step` (0.01, 1 for a count). With the
    `result` too, the amount is exact (the tier's share of the target less the result), not derived from
    the attainment, which is kept to 6 decimals and would add a stray cent. None at the top."""
    with localcontext(WIDE):
        percent = (attainment or ZERO) * HUNDRED
        index = reached(tiers, percent)
        now = tiers[index].multiplier if index is not None else ZERO
        found = next((t for t in tiers if t.lower > percent and t.multiplier > now), None)
        if found is None:
            return None
        more = found.lower - percent
        amount = None
        if target is not None and target > 0:
            amount = (
                target * found.lower / HUNDRED - result if result is not None else target * more / HUNDRED
            )
            if step > 0:
                amount = (amount / step).to_integral_value(rounding=ROUND_CEILING) * step
        return NextTier(found, more, amount)
