"""The arithmetic of a scorecard, as pure functions: sales attainment banded into a level, the teamwork
level from peer ratings, a level from a figure on a scale, and the weighted overall score.

Missing data is never a zero: each function answers None ("no data", "not enough input"), and the overall
score is re-weighted over the dimensions that have a level — their weights are scaled up to 100 % — and
says which those were, so the evidence can tell the reader."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from bot.reviews.models import DIMENSIONS, Dimension

MIN_PEER_RATINGS = 3  # fewer is "not enough input", never a guess
LEVELS = range(1, 6)
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


def attainment(targets: Mapping[str, Decimal], results: Mapping[str, Decimal]) -> Decimal | None:
    """Results ÷ targets per unit ("USD", "count"…), averaged over the units with a target (as the digest
    does: amounts in different units are never added). None when nothing had a target."""
    ratios = [results.get(unit, Decimal(0)) / target for unit, target in targets.items() if target > 0]
    return sum(ratios, Decimal(0)) / len(ratios) if ratios else None


def sales_level(ratio: Decimal | None, bands: Sequence[int]) -> int | None:
    """The level of an attainment ratio (1.0 = 100 %): 1 below the first band, then one more for each band
    reached. With the default bands 70, 90, 100, 120: <70 % → 1, 70–89 → 2, 90–99 → 3, 100–119 → 4,
    ≥120 → 5. A band is reached at exactly its percentage. None (no data) stays None."""
    if ratio is None:
        return None
    percent = ratio * HUNDRED
    return 1 + sum(1 for band in bands if percent >= band)


def peer_median(ratings: Sequence[int]) -> Decimal | None:
    """The median of the peer ratings, or None with fewer than `MIN_PEER_RATINGS`."""
    if len(ratings) < MIN_PEER_RATINGS:
        return None
    return Decimal(str(median(ratings)))


def teamwork_level(ratings: Sequence[int]) -> int | None:
    """The median of at least three 1–5 ratings as a level; an even count's median between two levels
    (3.5) rounds half up (4). None: not enough input."""
    middle = peer_median(ratings)
    return None if middle is None else int(middle.to_integral_value(ROUND_HALF_UP))


def scaled_level(value: Decimal | None, scale: Decimal | None) -> int | None:
    """A figure out of a scale (4.2 of 5, 86 of 100) as a 1–5 level: its share of 5, rounded half up,
    at least 1. None without a figure or a scale (a count has no level of its own; the manager sets it)."""
    if value is None or scale is None or scale <= 0:
        return None
    level = int((value / scale * 5).to_integral_value(ROUND_HALF_UP))
    return min(max(level, 1), 5)


@dataclass(frozen=True)
class Overall:
    """The weighted score (1.0–5.0, to one decimal), None when no dimension has a level; `counted` are
    the dimensions it stands on, `reweighted` whether some were left out for having no data."""

    score: Decimal | None
    counted: tuple[Dimension, ...]
    reweighted: bool


def overall(levels: Mapping[Dimension, int | None], weights: Mapping[Dimension, int]) -> Overall:
    """Σ level × weight over the dimensions that have a level, ÷ their weights' sum: with every dimension
    in, the plain weighted sum (the weights add up to 100 %); without some, the others' weights are scaled
    up to 100 % rather than a missing dimension counting as zero."""
    counted = tuple(d for d in DIMENSIONS if levels.get(d) is not None and weights.get(d, 0) > 0)
    total = sum(weights[d] for d in counted)
    if not total:
        return Overall(None, (), any(weights.get(d, 0) > 0 for d in DIMENSIONS))
    score = sum((Decimal(levels[d] or 0) * weights[d] for d in counted), Decimal(0)) / total
    left_out = any(weights.get(d, 0) > 0 and d not in counted for d in DIMENSIONS)
    return Overall(score.quantize(TENTH, ROUND_HALF_UP), counted, left_out)


def weights_of(weights: Sequence[int]) -> dict[Dimension, int]:
    """{dimension: weight} from the settings' four weights, in the order of DIMENSIONS."""
    return dict(zip(DIMENSIONS, weights, strict=True))
