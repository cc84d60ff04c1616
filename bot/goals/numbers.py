"""Amounts as people type them ("12,500", "12.5k", "1.2万", "¥12,500", "USD 1200") and as Pacer writes them.

Parsing is strict: anything that could be read two ways (a decimal comma, "1,23", two numbers) is
refused rather than guessed, so the caller can ask again.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

_MULTIPLIERS = {"k": 10**3, "千": 10**3, "m": 10**6, "万": 10**4, "亿": 10**8}
_SYMBOLS = "$¥€£"
_MAX_LENGTH = 64

# A whole part is plain digits, or digits grouped by threes with commas or with spaces (one style).
_NUMBER = r"""
    (?P<whole> \d{1,3}(?:,\d{3})+ | \d{1,3}(?:[ ]\d{3})+ | \d+ )
    (?:\.(?P<fraction>\d+))?
"""
_AMOUNT = re.compile(
    rf"""
    (?P<sign>[-+]?) [ ]*
    (?: (?P<symbol>[{_SYMBOLS}]) [ ]* | (?P<prefix>[a-z]{{3}}) [ ]* )?
    (?P<inner_sign>[-+]?) [ ]*
    {_NUMBER}
    [ ]* (?P<multiplier>k|m|千|万|亿)?
    (?: [ ]* (?P<suffix>[a-z]{{3}}|元) )?
    """,
    re.VERBOSE,
)


def parse_amount(text: str) -> Decimal | None:
    """The number in `text`, exactly, or None when it cannot be read unambiguously.

    Accepts thousands separators ("12,500", "12 500"), a decimal point, a multiplier (k, m, 千, 万, 亿),
    a currency symbol or code before or after ("$1,200", "USD 1200", "1200 usd"), full-width digits and
    a leading minus ("-5" is returned; rejecting it is the caller's business). The result has no exponent.
    """
    normalised = unicodedata.normalize("NFKC", text).strip().lower().replace("\u2212", "-")
    normalised = re.sub(r"\s+", " ", normalised)
    if not normalised or len(normalised) > _MAX_LENGTH:
        return None
    match = _AMOUNT.fullmatch(normalised)
    if match is None or (match["sign"] and match["inner_sign"]):
        return None
    if (match["symbol"] or match["prefix"]) and match["suffix"]:
        return None  # one currency mark is enough: "$12 usd" is refused
    digits = re.sub("[, ]", "", match["whole"])
    if match["fraction"] is not None:
        digits += "." + match["fraction"]
    negative = "-" in (match["sign"], match["inner_sign"])
    with localcontext(Context(prec=200)):
        value = Decimal(digits) * _MULTIPLIERS.get(match["multiplier"] or "", 1)
        return _plain(-value if negative else value)


def format_amount(value: Decimal, unit: str, locale: str) -> str:
    """`value` for people: "12,500" for a count, "12,500.00 USD" for a currency, in every locale.

    Counts are rounded half-up to whole numbers; negative amounts get a leading minus.
    """
    del locale  # English and Chinese write amounts the same way in Pacer
    with localcontext(Context(prec=200)):
        if unit == "count":
            return f"{_no_negative_zero(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"
        amount = _no_negative_zero(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return f"{amount:,.2f} {unit.upper()}"


def format_ratio(ratio: Decimal | None) -> str:
    """A ratio as a whole percentage rounded half-up ("87%"), or "—" when there is none."""
    if ratio is None:
        return "—"
    percent = _no_negative_zero((ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{percent}%"


def _plain(value: Decimal) -> Decimal:
    """`value` without trailing fractional zeros and without an exponent: 12500.0 → 12500."""
    if value == value.to_integral_value():
        return _no_negative_zero(value.quantize(Decimal(1)))
    return value.normalize()


def _no_negative_zero(value: Decimal) -> Decimal:
    return abs(value) if value.is_zero() else value
