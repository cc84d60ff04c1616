"""The scorecard's arithmetic (bot/reviews/scoring.py): band edges, the peer median, no data, and the
overall score re-weighted when a dimension has none."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.reviews import scoring
from bot.reviews.models import Dimension
from bot.reviews.settings import DEFAULT_BANDS, DEFAULT_WEIGHTS

WEIGHTS = scoring.weights_of(DEFAULT_WEIGHTS)


@pytest.mark.parametrize(
    ("percent", "level"),
    [
        ("0", 1),
        ("69.99", 1),
        ("70", 2),
        ("89.99", 2),
        ("90", 3),
        ("99.99", 3),
        ("100", 4),
        ("119.99", 4),
        ("120", 5),
        ("500", 5),
    ],
)
def test_default_bands_start_at_their_percentage(percent: str, level: int) -> None:
    assert scoring.sales_level(Decimal(percent) / 100, DEFAULT_BANDS) == level


def test_bands_are_the_workspaces_own() -> None:
    bands = (50, 60, 80, 150)
    assert [scoring.sales_level(Decimal(p) / 100, bands) for p in (49, 50, 79, 80, 149, 150)] == [
        1,
        2,
        3,
        4,
        4,
        5,
    ]


def test_no_data_stays_no_data() -> None:
    assert scoring.sales_level(None, DEFAULT_BANDS) is None
    assert scoring.attainment({}, {}) is None
    assert scoring.attainment({"USD": Decimal(0)}, {"USD": Decimal(5)}) is None


def test_attainment_averages_units_never_adds_them() -> None:
    targets = {"USD": Decimal(10000), "count": Decimal(10)}
    results = {"USD": Decimal(5000)}  # no accounts checked in: 0 % of that goal, not left out
    assert scoring.attainment(targets, results) == Decimal("0.25")
    assert scoring.attainment(targets, {"USD": Decimal(10000), "count": Decimal(20)}) == Decimal("1.5")


@pytest.mark.parametrize(
    ("ratings", "median", "level"),
    [
        ([], None, None),
        ([5], None, None),
        ([5, 4], None, None),  # two ratings: not enough input, never a guess
        ([1, 5, 4], Decimal(4), 4),
        ([3, 4, 4, 2], Decimal("3.5"), 4),  # between two levels: half up
        ([2, 3, 3, 5, 1], Decimal(3), 3),
    ],
)
def test_teamwork_is_the_median_of_at_least_three(
    ratings: list[int], median: Decimal | None, level: int | None
) -> None:
    assert scoring.peer_median(ratings) == median
    assert scoring.teamwork_level(ratings) == level


@pytest.mark.parametrize(
    ("value", "scale", "level"),
    [("4.2", "5", 4), ("4.5", "5", 5), ("86", "100", 4), ("0", "5", 1), ("9", "5", 5), ("3", None, None)],
)
def test_a_figure_on_a_scale_becomes_a_level(value: str, scale: str | None, level: int | None) -> None:
    assert scoring.scaled_level(Decimal(value), Decimal(scale) if scale else None) == level


def test_overall_is_the_weighted_sum_to_one_decimal() -> None:
    levels = {Dimension.SALES: 4, Dimension.SATISFACTION: 3, Dimension.EXPANSION: 5, Dimension.TEAMWORK: 2}
    result = scoring.overall(levels, WEIGHTS)  # 4×.4 + 3×.2 + 5×.2 + 2×.2 = 3.6
    assert (result.score, result.reweighted) == (Decimal("3.6"), False)
    assert result.counted == tuple(Dimension)
    odd = scoring.overall({**levels, Dimension.SALES: 3}, scoring.weights_of((33, 33, 33, 1)))
    assert odd.score == Decimal("3.7")  # (99 + 99 + 165 + 2) / 100 = 3.65, half up


def test_a_dimension_without_data_is_left_out_and_the_rest_reweighted() -> None:
    levels = {
        Dimension.SALES: 4,
        Dimension.SATISFACTION: None,
        Dimension.EXPANSION: None,
        Dimension.TEAMWORK: 2,
    }
    result = scoring.overall(levels, WEIGHTS)  # (4×40 + 2×20) / 60 = 3.33…
    assert (result.score, result.counted, result.reweighted) == (
        Decimal("3.3"),
        (Dimension.SALES, Dimension.TEAMWORK),
        True,
    )


def test_no_level_at_all_is_no_score_never_zero() -> None:
    result = scoring.overall(dict.fromkeys(Dimension), WEIGHTS)
    assert (result.score, result.counted, result.reweighted) == (None, (), True)


def test_a_zero_weight_dimension_is_not_a_reweighting() -> None:
    weights = scoring.weights_of((50, 50, 0, 0))
    result = scoring.overall({Dimension.SALES: 5, Dimension.SATISFACTION: 3}, weights)
    assert (result.score, result.reweighted) == (Decimal("4.0"), False)
