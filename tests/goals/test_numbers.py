"""Reading the amounts people type and writing amounts back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.goals.numbers import format_amount, format_ratio, parse_amount, plain_amount

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12500", "12500"),
        ("  12500\n", "12500"),
        ("12,500", "12500"),
        ("1,234,567", "1234567"),
        ("12 500", "12500"),
        ("12\u00a0500", "12500"),  # a no-break space, as some keyboards group digits
        ("12.5", "12.5"),
        ("0.10", "0.1"),
        ("12,500.75", "12500.75"),
        ("12.5k", "12500"),
        ("12.5K", "12500"),
        ("1.2m", "1200000"),
        ("1.2M", "1200000"),
        ("1.2万", "12000"),
        ("3亿", "300000000"),
        ("1.2万元", "12000"),
        ("¥12,500", "12500"),
        ("￥12,500", "12500"),  # the full-width yen sign
        ("$1,200", "1200"),
        ("USD 1200", "1200"),
        ("usd1200", "1200"),
        ("1200 usd", "1200"),
        ("1200 USD", "1200"),
        ("12,500.00 USD", "12500"),
        ("US$12,500", "12500"),
        ("CN¥1,200.50", "1200.5"),
        ("-$1,200.50", "-1200.5"),
        ("$28.2K", "28200"),
        ("１２５００", "12500"),  # full-width digits
        ("１２，５００．５", "12500.5"),
        ("-5", "-5"),
        ("−5", "-5"),  # the minus sign U+2212
        ("-$5", "-5"),
        ("$-5", "-5"),
        ("+7", "7"),
        ("0", "0"),
    ],
)
def test_parse_amount_reads(text: str, expected: str) -> None:
    value = parse_amount(text)
    assert value is not None
    assert value == D(expected)
    assert str(value) == expected  # exact and normalised: no exponent, no trailing zeros


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "k",
        "12..5",
        "1,2,3.4.5",
        "12k5",
        "1e5",
        "1E5",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "12 13",  # two numbers
        "12 and 13",
        "12-13",
        "1,23",  # a comma groups exactly three digits
        "1,2345",
        "12,5",  # a decimal comma is ambiguous
        "12,500,",
        ",500",
        "1,234 567",  # two grouping styles
        ".5",
        "5.",
        "--5",
        "-$-5",
        "$12 usd",  # two currency marks
        "12kk",
        "12 k m",
        "1" * 70,
    ],
)
def test_parse_amount_refuses(text: str) -> None:
    assert parse_amount(text) is None


def test_parse_amount_is_exact_beyond_float_precision() -> None:
    assert parse_amount("12,345,678,901,234,567.89") == D("12345678901234567.89")
    assert parse_amount("0.1") == D("0.1")
    assert parse_amount("1.23456789012345678901234567890亿") == D("123456789.012345678901234567890")


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("0123456789,. -+$¥kmKM万亿元usdUSD１２，e"), max_size=16))
def test_parse_amount_never_raises(text: str) -> None:
    value = parse_amount(text)
    assert value is None or (value.is_finite() and "E" not in str(value))


@settings(max_examples=200)
@given(st.integers(-(10**15), 10**15))
def test_counts_round_trip(number: int) -> None:
    assert parse_amount(format_amount(D(number), "count", "en")) == number
    assert parse_amount(format_amount(D(number), "count", "zh")) == number


@settings(max_examples=200)
@given(st.integers(-(10**15), 10**15), st.sampled_from(["USD", "CNY", "eur"]))
def test_currency_amounts_round_trip(cents: int, unit: str) -> None:
    value = D(cents).scaleb(-2)
    assert parse_amount(format_amount(value, unit, "en")) == value
    assert parse_amount(format_amount(value, unit, "zh")) == value


@pytest.mark.parametrize(
    ("value", "unit", "english", "chinese"),
    [
        (D(12500), "count", "12,500", "12,500"),
        (D(0), "count", "0", "0"),
        (D(999), "count", "999", "999"),
        (D(1234567), "count", "1,234,567", "1,234,567"),
        (D("12.5"), "count", "13", "13"),  # half-up
        (D("-12500"), "count", "-12,500", "-12,500"),
        (D("-0.4"), "count", "0", "0"),
        # Each language's own symbol (CLDR): "$" is the US dollar to an English reader, "¥" the yuan to a
        # Chinese one; a whole amount shows no ".00", one with cents shows them.
        (D(12500), "USD", "$12,500", "US$12,500"),
        (D("1234567.891"), "CNY", "CN¥1,234,567.89", "¥1,234,567.89"),
        (D("0.005"), "USD", "$0.01", "US$0.01"),
        (D("-1200.5"), "USD", "-$1,200.50", "-US$1,200.50"),
        (D("1.25E+4"), "usd", "$12,500", "US$12,500"),
        (D("7000.00"), "EUR", "€7,000", "€7,000"),
        (D("12500.4"), "JPY", "¥12,500", "JP¥12,500"),  # the yen has no decimals
        (D("-0.001"), "USD", "$0", "US$0"),
    ],
)
def test_format_amount(value: Decimal, unit: str, english: str, chinese: str) -> None:
    assert format_amount(value, unit, "en") == english
    assert format_amount(value, unit, "zh") == chinese


@pytest.mark.parametrize(
    ("value", "unit", "english", "chinese"),
    [
        (D(28150), "USD", "$28.2K", "US$2.8万"),
        (D(28150), "count", "28.2K", "2.8万"),
        (D(950), "USD", "$950", "US$950"),
        (D(2815000), "CNY", "CN¥2.8M", "¥281.5万"),
    ],
)
def test_compact_amounts_for_summaries(value: Decimal, unit: str, english: str, chinese: str) -> None:
    assert format_amount(value, unit, "en", compact=True) == english
    assert format_amount(value, unit, "zh", compact=True) == chinese
    assert parse_amount(english) is not None and parse_amount(chinese) is not None  # a person may paste them


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (D("0.87"), "87%"),
        (D("0.875"), "88%"),
        (D("0.8749"), "87%"),
        (D("0.125"), "13%"),  # half-up, not to even
        (D(1), "100%"),
        (D("1.5"), "150%"),
        (D(0), "0%"),
        (D("-0.001"), "0%"),
        (None, "—"),
    ],
)
def test_format_ratio(ratio: Decimal | None, expected: str) -> None:
    assert format_ratio(ratio) == expected


def test_an_answer_given_before_is_prefilled_as_a_person_types_it() -> None:
    """The check-in modal shows the result given before: no symbol, no grouping, read back exactly."""
    for value, shown in ((D("7250.50"), "7250.5"), (D("12500.00"), "12500"), (D(0), "0")):
        assert plain_amount(value) == shown and parse_amount(shown) == value
    assert plain_amount(D("NaN")) == ""
