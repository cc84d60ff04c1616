"""The payout arithmetic against a reference written differently: `Fraction`s in integer minor units and
an explicit loop over the brackets in the order typed (the module under test uses `Decimal`s and a sorted
cumulative table). Hypothesis, seeded: 10,000 random attainments on the issue's plan in both modes, and
random tier tables. Plus the worked examples, the tier checks (overlaps and gaps named by row) and the
next tier."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.incentives.payout import (
    Funder,
    Mode,
    Terms,
    Tier,
    check_tiers,
    compute,
    next_tier,
    rounded,
    sorted_tiers,
)

D = Decimal
ISSUE_TIERS = (
    Tier(D(0), D(80), D(0)),
    Tier(D(80), D(100), D(1)),
    Tier(D(100), D(120), D("1.5")),
    Tier(D(120), None, D(2)),
)


def seeded(examples: int) -> settings:
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None)


# --- the reference ----------------------------------------------------------------------------------------


def half_up(value: Fraction) -> int:
    """A non-negative fraction to the nearest whole number, halves up (integers only)."""
    return (value.numerator * 2 + value.denominator) // (value.denominator * 2)


def reference(terms: Terms, attainment: Decimal, digits: int) -> tuple[int, int, int]:
    """(amount, client, vendor) in minor units (10^-digits of the currency)."""
    percent = min(max(Fraction(attainment) * 100, Fraction(0)), Fraction(10_000))
    weighted = Fraction(0)
    if terms.mode is Mode.MARGINAL:
        for tier in terms.tiers:  # in any order: each bracket adds its own slice
            top = percent if tier.upper is None else min(percent, Fraction(tier.upper))
            if top > tier.lower:
                weighted += (top - Fraction(tier.lower)) * Fraction(tier.multiplier)
    else:
        for tier in terms.tiers:
            if tier.lower <= percent and (tier.upper is None or percent < tier.upper):
                weighted = percent * Fraction(tier.multiplier)
        top = max(terms.tiers, key=lambda tier: tier.lower)
        if top.upper is not None and percent >= top.upper:  # above a closed table: as at its top
            weighted = Fraction(top.upper) * Fraction(top.multiplier)
    exact = Fraction(terms.base) * weighted / 100
    if terms.cap is not None and exact > Fraction(terms.cap):
        exact = Fraction(terms.cap)
    amount = half_up(exact * 10**digits)
    share = {Funder.CLIENT: 0, Funder.VENDOR: 100}.get(terms.funder, Fraction(terms.vendor_percent))
    vendor = half_up(Fraction(amount) * share / 100)
    return amount, amount - vendor, vendor


def in_minor(payout_amount: Decimal, digits: int) -> int:
    scaled = payout_amount.scaleb(digits)
    assert scaled == scaled.to_integral_value(), payout_amount  # rounded to the minor unit
    return int(scaled)


def check(terms: Terms, attainment: Decimal, digits: int) -> None:
    found = compute(terms, attainment)
    amount, client, vendor = reference(terms, attainment, digits)
    assert (
        in_minor(found.amount, digits),
        in_minor(found.client, digits),
        in_minor(found.vendor, digits),
    ) == (
        amount,
        client,
        vendor,
    )
    assert found.client + found.vendor == found.amount


ATTAINMENTS = st.decimals(min_value=D(0), max_value=D(3), places=4, allow_nan=False, allow_infinity=False)
BASES = st.decimals(min_value=D(0), max_value=D(1_000_000), places=2, allow_nan=False, allow_infinity=False)


@seeded(10_000)
@given(
    attainment=ATTAINMENTS,
    base=BASES,
    flat=st.booleans(),
    split=st.integers(min_value=0, max_value=100),
    capped=st.booleans(),
)
def test_the_issue_plan_matches_the_reference(
    attainment: Decimal, base: Decimal, flat: bool, split: int, capped: bool
) -> None:
    terms = Terms(
        ISSUE_TIERS,
        base,
        "USD",
        Mode.FLAT if flat else Mode.MARGINAL,
        cap=base if capped else None,
        funder=Funder.SPLIT,
        vendor_percent=D(split) + D("0.5") * (split % 2),
    )
    check(terms, attainment, 2)


@st.composite
def tier_tables(draw: st.DrawFn) -> tuple[Tier, ...]:
    """A gapless table of 1–6 rows from a random start, the last open or not, rows shuffled."""
    bounds = sorted(set(draw(st.lists(st.integers(0, 400), min_size=2, max_size=7))))
    if len(bounds) < 2:
        bounds = [bounds[0], bounds[0] + 10]
    multipliers = draw(
        st.lists(st.decimals(D(0), D(5), places=2), min_size=len(bounds), max_size=len(bounds))
    )
    rows = [Tier(D(lo), D(hi), m) for lo, hi, m in zip(bounds, bounds[1:], multipliers, strict=False)]
    if draw(st.booleans()):
        rows.append(Tier(D(bounds[-1]), None, multipliers[-1]))
    return tuple(draw(st.permutations(rows)))


@seeded(1_500)
@given(
    tiers=tier_tables(),
    attainment=ATTAINMENTS,
    base=BASES,
    flat=st.booleans(),
    currency=st.sampled_from(["USD", "JPY", "BHD", "CNY"]),
    funder=st.sampled_from(list(Funder)),
)
def test_random_tables_match_the_reference(
    tiers: tuple[Tier, ...], attainment: Decimal, base: Decimal, flat: bool, currency: str, funder: Funder
) -> None:
    assert check_tiers(tiers) == []
    terms = Terms(
        sorted_tiers(tiers),
        base,
        currency,
        Mode.FLAT if flat else Mode.MARGINAL,
        funder=funder,
        vendor_percent=D(35),
    )
    check(terms, attainment, {"USD": 2, "JPY": 0, "BHD": 3, "CNY": 2}[currency])


def test_worked_examples() -> None:
    marginal = Terms(ISSUE_TIERS, D(10_000), "USD")
    assert compute(marginal, D("0.7")).amount == 0
    assert compute(marginal, D("0.9")).amount == D(1000)  # 10 points at 1×
    assert compute(marginal, D("1.1")).amount == D(3500)  # 20 at 1× + 10 at 1.5×
    assert compute(marginal, D("1.3")).amount == D(7000)  # 20 + 30 + 20 (10 at 2×)
    flat = Terms(ISSUE_TIERS, D(10_000), "USD", Mode.FLAT, cap=D(20_000))
    assert compute(flat, D("1.1")).amount == D(16_500)  # 110 % × 1.5
    capped = compute(flat, D("1.3"))
    assert capped.amount == D(20_000) and capped.capped and capped.multiplier == 2
    assert compute(flat, None).amount == 0


def test_split_shares_add_up_exactly_with_the_rounding_rule() -> None:
    terms = Terms(ISSUE_TIERS, D("333.33"), "USD", Mode.FLAT, funder=Funder.SPLIT, vendor_percent=D("33.3"))
    payout = compute(terms, D("1"))  # 333.33 × 1.5 × 1.00 = 499.995 → 500.00
    assert payout.amount == D("500.00") and payout.vendor == D("166.50") and payout.client == D("333.50")
    yen = Terms(ISSUE_TIERS, D(1001), "JPY", Mode.FLAT, funder=Funder.SPLIT, vendor_percent=D(50))
    shares = compute(yen, D("0.95"))  # 950.95 → 951; the vendor's half 475.5 → 476, the client 475
    assert (shares.amount, shares.vendor, shares.client) == (D(951), D(476), D(475))
    assert rounded(D("0.125"), "USD") == D("0.13") and rounded(D("2.5"), "JPY") == D(3)


def test_overlaps_and_gaps_are_named_by_row() -> None:
    overlap = (Tier(D(80), D(100), D(1)), Tier(D(0), D(85), D(0)))
    assert [(e.key, e.values) for e in check_tiers(overlap)] == [
        ("incentives.tiers.overlap", {"first": 2, "second": 1})
    ]
    gap = (Tier(D(0), D(80), D(0)), Tier(D(90), None, D(1)))
    assert [(e.key, e.values) for e in check_tiers(gap)] == [
        ("incentives.tiers.gap", {"first": 1, "second": 2, "start": D(80), "end": D(90)})
    ]
    open_early = (Tier(D(0), None, D(1)), Tier(D(100), D(120), D(2)))
    assert [e.key for e in check_tiers(open_early)] == ["incentives.tiers.overlap"]
    assert [e.key for e in check_tiers((Tier(D(50), D(50), D(1)),))] == ["incentives.tiers.empty"]
    assert [e.key for e in check_tiers((Tier(D(-1), D(50), D(1)),))] == ["incentives.tiers.out_of_range"]
    assert [e.key for e in check_tiers((Tier(D(0), D(50), D(-1)),))] == ["incentives.tiers.multiplier"]
    assert [e.key for e in check_tiers(())] == ["incentives.tiers.none"]


@pytest.mark.parametrize(
    ("attainment", "multiplier", "percent", "amount"),
    [
        (D("0.5"), D(1), D(30), D(3000)),  # below the first paying tier: to 1×
        (D("0.9"), D("1.5"), D(10), D(1000)),
        (D("1.0177"), D(2), D("18.23"), D("1823")),  # 1,823.00: exactly enough
        (D("1.01771"), D(2), D("18.229"), D("1822.90")),
    ],
)
def test_what_it_takes_to_reach_the_next_tier(
    attainment: Decimal, multiplier: Decimal, percent: Decimal, amount: Decimal
) -> None:
    found = next_tier(sorted_tiers(ISSUE_TIERS), attainment, target=D(10_000), step=D("0.01"))
    assert found is not None and found.tier.multiplier == multiplier
    assert found.percent_more == percent and found.amount_more == amount
    assert next_tier(sorted_tiers(ISSUE_TIERS), D("1.2")) is None  # at the top
    counted = next_tier(sorted_tiers(ISSUE_TIERS), D("0.85"), target=D(7), step=D(1))
    assert counted is not None and counted.amount_more == 2  # 1.05 more deals: 2 whole ones


def test_the_amount_to_the_next_tier_comes_from_the_figures_not_the_rounded_attainment() -> None:
    """10,000 of 30,000 is 33.3333 % (kept to 6 decimals): 80 % takes exactly 14,000 more, not 14,000.01."""
    attainment = (D(10_000) / D(30_000)).quantize(D("0.000001"))
    rough = next_tier(sorted_tiers(ISSUE_TIERS), attainment, target=D(30_000), step=D("0.01"))
    exact = next_tier(
        sorted_tiers(ISSUE_TIERS), attainment, target=D(30_000), result=D(10_000), step=D("0.01")
    )
    assert rough is not None and rough.amount_more == D("14000.01")  # what the demo showed
    assert exact is not None and exact.amount_more == D("14000.00")
