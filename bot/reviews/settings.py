"""A workspace's review settings — the sales bands, the dimension weights and how many days before the
quarter ends a cycle opens — read with their defaults, checked field by field, and saved. No Slack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy.orm import Session

from bot.errors import FieldErrors, Invalid
from bot.goals.numbers import read_whole
from bot.reviews.models import DIMENSIONS, Dimension, ReviewSettings

DEFAULT_BANDS = (70, 90, 100, 120)  # the attainment % where levels 2, 3, 4 and 5 start
DEFAULT_WEIGHTS = (40, 20, 20, 20)  # % per dimension, in the order of DIMENSIONS
DEFAULT_DAYS_BEFORE = 10
DAYS_BEFORE_MAX = 45

# The block ids of the settings' fields (a `/pacer setup reviews` modal uses them as they are).
BANDS_FIELD = "reviews_bands"
WEIGHTS_FIELD = "reviews_weights"
DAYS_FIELD = "reviews_days_before"


@dataclass(frozen=True)
class ReviewConfig:
    bands: tuple[int, ...] = DEFAULT_BANDS
    weights: tuple[int, ...] = DEFAULT_WEIGHTS
    days_before: int = DEFAULT_DAYS_BEFORE

    def weight(self, dimension: Dimension) -> int:
        return self.weights[DIMENSIONS.index(dimension)]

    def as_text(self) -> dict[str, str]:
        """The settings as the fields show them: {block id: "70, 90, 100, 120", …}."""
        return {
            BANDS_FIELD: ", ".join(map(str, self.bands)),
            WEIGHTS_FIELD: ", ".join(map(str, self.weights)),
            DAYS_FIELD: str(self.days_before),
        }


DEFAULTS = ReviewConfig()


def load_config(session: Session, team_id: str) -> ReviewConfig:
    """The workspace's settings, or the defaults when it has saved none (one statement)."""
    row = session.get(ReviewSettings, team_id)
    if row is None:
        return DEFAULTS
    return ReviewConfig(
        _numbers(row.bands) or DEFAULT_BANDS, _numbers(row.weights) or DEFAULT_WEIGHTS, row.days_before
    )


def _numbers(text: str | None) -> tuple[int, ...] | None:
    """Four whole numbers written with commas, spaces or "%" between them; None for anything else."""
    parts = (text or "").replace("%", " ").replace(",", " ").replace("，", " ").split()
    numbers = [read_whole(part, range(10_000)) for part in parts]
    if len(numbers) != 4 or None in numbers:
        return None
    return tuple(n for n in numbers if n is not None)


def check_config(values: Mapping[str, str | None]) -> ReviewConfig | FieldErrors:
    """The settings typed in the fields, or a field error under each wrong one: bands must be four
    increasing percentages, weights four that add up to 100, days a whole number from 1 to 45."""
    errors = FieldErrors()
    bands, weights = _numbers(values.get(BANDS_FIELD)), _numbers(values.get(WEIGHTS_FIELD))
    if bands is None or any(low >= high for low, high in pairwise(bands)) or bands[0] < 1:
        errors[BANDS_FIELD] = "reviews.setup.bands_invalid"
    if weights is None:
        errors[WEIGHTS_FIELD] = "reviews.setup.weights_invalid"
    elif sum(weights) != 100:
        errors[WEIGHTS_FIELD] = Invalid("reviews.setup.weights_sum", total=sum(weights))
    days = read_whole(values.get(DAYS_FIELD), range(1, DAYS_BEFORE_MAX + 1))
    if days is None:
        errors[DAYS_FIELD] = "reviews.setup.days_invalid"
    if errors or bands is None or weights is None or days is None:
        return errors
    return ReviewConfig(bands, weights, days)


def save_config(session: Session, team_id: str, config: ReviewConfig) -> None:
    """Keep `config` as the workspace's settings (checked by `check_config` first)."""
    row = session.get(ReviewSettings, team_id) or ReviewSettings(team_id=team_id)
    row.bands, row.weights = ",".join(map(str, config.bands)), ",".join(map(str, config.weights))
    row.days_before = config.days_before
    session.add(row)
    session.flush()
