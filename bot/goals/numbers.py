"""Amounts as people type them ("12,500", "12.5k", "1.2万", "¥12,500", "USD 1200") and as Pacer writes them.

Parsing is strict: anything that could be read two ways (a decimal comma, "1,23", two numbers) is
refused rather than guessed, so the caller can ask again.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Context, Decimal, localcontext

from bot import format as fmt

# An amount column is `Numeric(18, 2)`. PostgreSQL holds 16 integer digits and 2 decimals in it; SQLite
# enforces nothing and keeps a float, exact to 15 significant digits. Every amount a person enters is
# checked against what both hold exactly (`read_amount`) before any work: 13 integer digits, 2 decimals.
AMOUNT_PRECISION, AMOUNT_SCALE = 18, 2
EXACT_DIGITS = 15  # significant digits that survive a float (SQLite) unchanged
AMOUNT_STEP = Decimal(1).scaleb(-AMOUNT_SCALE)  # 0.01
MAX_AMOUNT = Decimal(10) ** (EXACT_DIGITS - AMOUNT_SCALE) - AMOUNT_STEP  # 9,999,999,999,999.99
ID_RANGE = range(1, 2**31)  # what an id column (a 32-bit integer on PostgreSQL) holds
# Arithmetic on amounts (sums, pace, projections, formatting) runs in this context: wide enough for any
# value a database can hand back (a float's range on SQLite), so rounding never raises.
WIDE = Context(prec=1000, Emax=10_000, Emin=-10_000)

_MULTIPLIERS = {"k": 10**3, "千": 10**3, "m": 10**6, "万": 10**4, "亿": 10**8}
_SYMBOLS = "$¥€£₹"
_MAX_LENGTH = 64

# A whole part is plain digits, or digits grouped by threes with commas or with spaces (one style).
# Digits are ASCII after NFKC (which maps full-width "１２" to "12"); other scripts' digits are refused.
_NUMBER = r"""
    (?P<whole> [0-9]{1,3}(?:,[0-9]{3})+ | [0-9]{1,3}(?:[ ][0-9]{3})+ | [0-9]+ )
    (?:\.(?P<fraction>[0-9]+))?
"""
_AMOUNT = re.compile(
    rf"""
    (?P<sign>[-+]?) [ ]*
    (?: (?P<symbol>(?:[a-z]{{1,2}})?[{_SYMBOLS}]) [ ]* | (?P<prefix>[a-z]{{3}}) [ ]* )?
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
    a currency symbol or code before or after ("$1,200", "USD 1200", "1200 usd", and the symbols Pacer
    writes: "US$1,200", "CN¥1,200", "A$1.2K"), full-width digits and
    a leading minus ("-5" is returned; rejecting it is the caller's business). The result has no exponent.
    """
    if len(text) > 4 * _MAX_LENGTH:  # bounded work whatever was pasted
        return None
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
    with localcontext(WIDE):
        value = Decimal(digits) * _MULTIPLIERS.get(match["multiplier"] or "", 1)
        return _plain(-value if negative else value)


def fits_column(value: Decimal) -> bool:
    """Whether an amount column holds `value` exactly: finite, at most `MAX_AMOUNT` either way, 2 decimals."""
    return value.is_finite() and abs(value) <= MAX_AMOUNT and value % AMOUNT_STEP == 0


def stored(value: Decimal | float | None) -> Decimal:
    """An amount as read back from the database, for arithmetic: 0 for none, and for a value no amount
    column should hold (PostgreSQL's numeric keeps NaN, SQLite keeps infinities) rather than raising."""
    amount = Decimal(value) if value is not None else Decimal(0)
    return amount if amount.is_finite() else Decimal(0)


def read_amount(text: str | None, *, step: Decimal = AMOUNT_STEP, positive: bool = False) -> Decimal | None:
    """What a person typed as an amount, when a column holds it and it is a whole number of `step`s
    (1 for a count): never negative, and above zero when `positive`. None otherwise (a field error)."""
    value = parse_amount(text or "")
    if value is None or not fits_column(value) or value < 0 or (positive and value == 0):
        return None
    with localcontext(WIDE):
        return value if value % step == 0 else None


def read_whole(text: str | None, allowed: range) -> int | None:
    """A small whole number typed or chosen (a rating, a weight, a day, an id): ASCII digits only, at
    most as many as the range's largest member has, and in `allowed`. None otherwise."""
    raw = (text or "").strip().lstrip("+")
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(max(allowed.stop - 1, 1))):
        return None
    value = int(raw)
    return value if value in allowed else None


def format_amount(value: Decimal, unit: str, locale: str, *, compact: bool = False) -> str:
    """`value` for people, per `locale` (`bot.format.amount`): "12,500" for a count, "$12,500" /
    "US$12,500" for a currency, "$12,500.50" with cents; `compact` for summaries ("$12.5K", "US$1.3万").

    Rounded half-up; "—" for a value no column should hold; never "-0".
    """
    return fmt.amount(value, unit, locale, compact=compact)


def format_ratio(ratio: Decimal | None, locale: str = "en") -> str:
    """A ratio as a whole percentage rounded half-up ("87%"), or "—" when there is none."""
    return fmt.percent(ratio, locale)


def plain_amount(value: Decimal) -> str:
    """An amount as a person would type it back into a field: "12500", "12500.5" (no grouping, no unit)."""
    if not value.is_finite():
        return ""
    with localcontext(WIDE):
        return f"{_plain(value):f}"


def _plain(value: Decimal) -> Decimal:
    """`value` without trailing fractional zeros and without an exponent: 12500.0 → 12500."""
    if value == value.to_integral_value():
        return _no_negative_zero(value.quantize(Decimal(1)))
    return value.normalize()


def _no_negative_zero(value: Decimal) -> Decimal:
    return abs(value) if value.is_zero() else value
