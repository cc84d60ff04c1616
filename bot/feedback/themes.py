"""What a rep's feedback to the company speaks to: its themes, and counts of them. No Slack imports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from bot.feedback.models import FieldFeedback

THEMES = ("market", "competitors", "customers", "problems", "suggestions")


def themes_of(item: FieldFeedback) -> list[str]:
    """The themes an item speaks to: market, competitors, customers, problems, suggestions."""
    present = {
        "market": item.market,
        "competitors": item.competitor or item.competitor_moves,
        "customers": item.customers,
        "problems": item.problems,
        "suggestions": item.suggestions,
    }
    return [theme for theme, text in present.items() if text]


def theme_counts(items: Iterable[FieldFeedback]) -> Counter[str]:
    """How many of `items` speak to each theme."""
    return Counter(theme for item in items for theme in themes_of(item))
