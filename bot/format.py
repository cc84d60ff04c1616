"""Figures and moments as people read them, per language, with Babel (the CLDR data): no Slack here.

Amounts. A currency is written with the symbol CLDR gives it in the reader's language, which never gives
two currencies the same symbol within one language: "$28,150" is US dollars to an English reader ("A$",
"CN¥", "HK$" are the others), "US$28,150" and "¥28,150" (yuan) to a Chinese one ("JP¥" is the yen).
So "$" alone is never ambiguous to the person reading it. A whole amount has no decimals ("$7,000", not
"$7,000.00"); an amount with cents has the currency's decimals ("$7,000.50"). A count is a grouped
integer ("12,500"). Summaries use the compact forms ("$28.2K", "US$2.8万", "2.8万"); details the full ones.

Dates and times shown in mrkdwn go through Slack's date formatting, `<!date^{unix}^{tokens}|{fallback}>`,
which each reader's Slack renders in their own zone and language; the fallback (and every plain_text
field, where `<!date>` does not work) is written by Babel in the reader's zone and language. Neither
ever names a zone ("UTC", "CST").

Every figure is computed in a wide decimal context, so a value a database hands back (a float's range on
SQLite) never raises; a value no column should hold (NaN, infinity) is shown as "—"; no "-0".
"""

from __future__ import annotations

from copy import copy
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from bot.text import Mrkdwn, escape

# Wide enough for any value a database can hand back, so rounding never raises (as bot.goals.numbers);
# Babel rounds in the current context, so its compact forms round half-up like every figure of Pacer's.
WIDE = Context(prec=1000, Emax=10_000, Emin=-10_000, rounding=ROUND_HALF_UP)
NONE = "—"  # shown for a figure there is none of, or that no column should hold
COUNT = "count"  # the unit of a goal counted in things (deals, calls), not money
# Pacer's languages as CLDR locales: American English, Simplified Chinese as written in China.
CLDR_LOCALES = {"en": "en_US", "zh": "zh_Hans_CN"}
DateStyle = Literal["day", "weekday", "year", "long"]
# Babel skeletons (CLDR picks the order and words per language) and the Slack tokens that match them.
_SKELETONS: dict[DateStyle, str] = {"day": "MMMd", "weekday": "MMMEd", "year": "yMMMd", "long": "yMMMEd"}
SLACK_TOKENS: dict[DateStyle, str] = {
    "day": "{date_short_pretty}",
    "weekday": "{date_short_pretty}",
    "year": "{date_short}",
    "long": "{date_long_pretty}",
}


@cache
def babel_locale(locale: str) -> BabelLocale:
    """The Babel locale for one of Pacer's languages (anything else reads as English). Cached: parsing
    loads CLDR data."""
    return BabelLocale.parse(CLDR_LOCALES.get(locale, CLDR_LOCALES["en"]))


@cache
def _whole_pattern(locale: str) -> babel_numbers.NumberPattern:
    """The locale's currency pattern without decimals, for whole amounts."""
    pattern: babel_numbers.NumberPattern = copy(babel_locale(locale).currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern


def _no_negative_zero(value: Decimal) -> Decimal:
    return abs(value) if value.is_zero() else value


def _rounded(value: Decimal, places: int) -> Decimal:
    return _no_negative_zero(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# Below these a compact form is the whole number itself: "950" / "8,000" (English shortens from a
# thousand, Chinese from 万), so compact figures are whole and grouped there too, never "$8122.23".
_COMPACT_FROM = {"en": Decimal(1000), "zh": Decimal(10000)}


def _compacts(whole: Decimal, locale: str) -> bool:
    return abs(whole) >= _COMPACT_FROM.get(locale, _COMPACT_FROM["en"])


def count(value: Decimal | int, locale: str, *, compact: bool = False) -> str:
    """A count as a grouped whole number ("12,500"), rounded half-up; compact: "12.5K" / "1.3万"."""
    value = Decimal(value)
    if not value.is_finite():
        return NONE
    with localcontext(WIDE):
        whole = _rounded(value, 0)
        if compact and _compacts(whole, locale):
            return babel_numbers.format_compact_decimal(whole, locale=babel_locale(locale), fraction_digits=1)
        return babel_numbers.format_decimal(whole, locale=babel_locale(locale))


def money(value: Decimal, currency: str, locale: str, *, compact: bool = False) -> str:
    """An amount of `currency` ("USD"): "$28,150" / "US$28,150", "$28,150.50" with cents, compact
    "$28.2K" / "US$2.8万". Rounded half-up to the currency's decimals (none for the yen)."""
    if not value.is_finite():
        return NONE
    code, where = currency.upper(), babel_locale(locale)
    with localcontext(WIDE):
        amount = _rounded(value, babel_numbers.get_currency_precision(code))
        if compact:
            amount = _rounded(value, 0)  # a summary has no cents
            if _compacts(amount, locale):
                return babel_numbers.format_compact_currency(amount, code, locale=where, fraction_digits=1)
        if amount == amount.to_integral_value():
            return babel_numbers.format_currency(
                amount, code, format=_whole_pattern(locale), locale=where, currency_digits=False
            )
        return babel_numbers.format_currency(amount, code, locale=where)


def amount(value: Decimal, unit: str, locale: str, *, compact: bool = False) -> str:
    """A goal's figure in its unit: a count ("12,500") or an amount of money ("$12,500")."""
    if unit == COUNT:
        return count(value, locale, compact=compact)
    return money(value, unit, locale, compact=compact)


def percent(ratio: Decimal | None, locale: str) -> str:
    """A ratio as a whole percentage rounded half-up ("87%"), or "—" when there is none."""
    if ratio is None or not ratio.is_finite():
        return NONE
    with localcontext(WIDE):
        whole = _rounded(ratio * 100, 0)
        return babel_numbers.format_percent(whole / 100, locale=babel_locale(locale))


# --- dates and times ----------------------------------------------------------------------------------


def day_text(day: date, locale: str, style: DateStyle = "day") -> str:
    """A calendar day in words: "Mar 31" / "3月31日"; "Wed, Mar 31" (weekday); "Wed, Mar 31, 2027" (long)."""
    return babel_dates.format_skeleton(_SKELETONS[style], day, locale=babel_locale(locale))


def time_text(at: datetime | time, locale: str) -> str:
    """A time of day as the language writes it ("4:00 PM" / "16:00"), never with a zone's name."""
    return babel_dates.format_time(at, format="short", locale=babel_locale(locale))


def month_text(month: date, locale: str) -> str:
    """A month and its year: "Mar 2027" / "2027年3月"."""
    return babel_dates.format_skeleton("yMMM", month, locale=babel_locale(locale))


def year_text(day: date, locale: str) -> str:
    """The year of `day`: "2027" / "2027年"."""
    return babel_dates.format_skeleton("y", day, locale=babel_locale(locale))


def quarter_text(day: date, locale: str) -> str:
    """The quarter of `day` with its year: "Q1 2027" / "2027年第1季度"."""
    return babel_dates.format_skeleton("yQQQ", day, locale=babel_locale(locale))


_SLACK_DATES = {"on": True}


def use_slack_dates(enabled: bool) -> None:
    """Whether dates in mrkdwn go through Slack's `<!date>` (Slack: yes) or are the fallback alone
    (local-slack, the demo's Slack, whose renderer does not know `<!date>`). Set at start-up from
    `Settings.pacer_plain_dates`; Slack's formatting is the default."""
    _SLACK_DATES["on"] = enabled


def slack_date(at: datetime, tokens: str, fallback: str) -> Mrkdwn:
    """Slack's date formatting: `tokens` ("{date_short_pretty} {time}") rendered by each reader's Slack
    in their own zone and language; `fallback` where it can't (a notification, an old client)."""
    if at.tzinfo is None:
        raise ValueError("a moment shown to people must carry its zone")
    shown = escape(fallback)  # a `Mrkdwn` fallback (from `t()`) is escaped already
    if not _SLACK_DATES["on"]:
        return Mrkdwn(shown)
    return Mrkdwn(f"<!date^{int(at.timestamp())}^{tokens}|{shown.replace('|', '·')}>")


def slack_day(day: date, zone: ZoneInfo, locale: str, style: DateStyle = "day") -> Mrkdwn:
    """A calendar day (a due date) through Slack's date formatting: noon of that day in the reader's zone,
    so every reader within 11 hours of them sees the same day; the fallback is `day_text`."""
    noon = datetime.combine(day, time(12, 0), tzinfo=zone)
    return slack_date(noon, SLACK_TOKENS[style], day_text(day, locale, style))
