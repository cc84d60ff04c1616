"""The voice of the field: one month of reps' feedback to the company, summarised for the digest channel.
No Slack imports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback.anonymity import shown_anonymous, shuffled
from bot.feedback.models import FieldFeedback
from bot.feedback.themes import THEMES, theme_counts
from bot.roster.models import Member


@dataclass
class FieldSummary:
    team_id: str
    month: date
    items: int = 0
    themes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(THEMES, 0))
    competitors: list[tuple[str, int]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # named: text, author's Slack id
    anonymous_problems: list[str] = field(default_factory=list)  # shuffled, apart from the named ones


def field_summary(session: Session, *, team_id: str, month: date) -> FieldSummary:
    """Counts by theme, the most mentioned competitors and the open problems of one month's feedback.
    Anonymous items count only under the anonymity rules (at least three of them, workspace-wide), never
    carry a name, and their problems are quoted apart from the named ones, in a random order."""
    summary = FieldSummary(team_id, month)
    rows = session.execute(
        select(FieldFeedback, Member.user_id)
        .outerjoin(Member, Member.id == FieldFeedback.author_id)
        .where(FieldFeedback.team_id == team_id, FieldFeedback.month == month)
        .order_by(FieldFeedback.id)
    ).all()
    named = [(item, user_id) for item, user_id in rows if not item.anonymous and user_id is not None]
    anonymous = shown_anonymous(
        (item for item, _ in rows if item.anonymous),
        group_of=lambda item: item.manager_id,
        month_of=lambda item: item.month,
    ).workspace
    names: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    shown = [*(item for item, _ in named), *anonymous]
    summary.items = len(shown)
    summary.themes.update(theme_counts(shown))
    for item in shown:
        if item.competitor:
            spelled.setdefault(item.competitor.casefold(), item.competitor)
            names[item.competitor.casefold()] += 1
    summary.competitors = [(spelled[key], count) for key, count in names.most_common(5)]
    summary.problems = [(item.problems, str(user_id)) for item, user_id in named if item.problems]
    summary.anonymous_problems = shuffled([item.problems for item in anonymous if item.problems])
    return summary
