"""When anonymous feedback may be shown, so that no one can work out who wrote it by elimination.
Pure functions over plain values; no database, no Slack.

- A group (a team; the workspace as the fallback) shows its anonymous items for a month only when it
  has at least `MIN_ANONYMOUS` of them that month, even as counts by theme.
- Items of smaller groups are folded into the workspace-wide figures, when the workspace has at least
  `MIN_ANONYMOUS` that month and the folded ones are themselves at least `MIN_ANONYMOUS` (otherwise the
  workspace figure minus a team's would single them out); else they are held back.
- Anonymous free text is quoted only beside at least `MIN_ANONYMOUS` anonymous items, in an order drawn
  afresh for each summary from the operating system's randomness, never by time or id.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Generic, TypeVar

MIN_ANONYMOUS = 3

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass(frozen=True)
class Release(Generic[K]):
    """What one month's anonymous items may be shown as."""

    groups: frozenset[K] = frozenset()  # groups shown as themselves: at least MIN_ANONYMOUS each
    workspace: bool = False  # the workspace-wide figures include anonymous items at all
    folded: bool = False  # ...including those of groups too small to be shown as themselves


def release(group_counts: dict[K | None, int], minimum: int = MIN_ANONYMOUS) -> Release[K]:
    """The rule for one month, from how many anonymous items each group has (None: no group kept)."""
    shown = frozenset(g for g, n in group_counts.items() if g is not None and n >= minimum)
    total = sum(group_counts.values())
    rest = total - sum(group_counts[g] for g in shown)
    folded = rest >= minimum
    return Release(shown, workspace=bool(shown) or folded, folded=folded)


@dataclass
class Shown(Generic[K, T]):
    """Anonymous items that may be shown: per group, and workspace-wide."""

    by_group: dict[K, list[T]] = field(default_factory=dict)
    workspace: list[T] = field(default_factory=list)


def shown_anonymous(
    items: Iterable[T],
    *,
    group_of: Callable[[T], K | None],
    month_of: Callable[[T], date],
    minimum: int = MIN_ANONYMOUS,
) -> Shown[K, T]:
    """Apply the rule month by month to anonymous items."""
    months: dict[date, list[T]] = defaultdict(list)
    for item in items:
        months[month_of(item)].append(item)
    out: Shown[K, T] = Shown()
    for month_items in months.values():
        counts: Counter[K | None] = Counter(group_of(item) for item in month_items)
        rule = release(dict(counts), minimum)
        for item in month_items:
            group = group_of(item)
            if group is not None and group in rule.groups:
                out.by_group.setdefault(group, []).append(item)
                out.workspace.append(item)
            elif rule.folded:
                out.workspace.append(item)
    return out


def shuffled(texts: Sequence[str]) -> list[str]:
    """A fresh random order for each summary (the OS's randomness): says nothing of time, id or author."""
    order = list(texts)
    secrets.SystemRandom().shuffle(order)
    return order


def month_start(month: date) -> datetime:
    """The moment a month starts, for "the team as it was at the start of the month" (UTC)."""
    return datetime(month.year, month.month, 1, tzinfo=UTC)
