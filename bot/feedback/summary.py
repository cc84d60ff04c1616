"""The voice of the field: one month of reps' feedback to the company, summarised for the digest channel.
No Slack imports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback.models import FieldFeedback
from bot.feedback.service import ANONYMITY_MIN_TEAM, THEMES, team_reps, themes_of
from bot.roster.models import Member


@dataclass
class FieldSummary:
    team_id: str
    month: date
    items: int = 0
    themes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(THEMES, 0))
    competitors: list[tuple[str, int]] = field(default_factory=list)
    problems: list[tuple[str, str | None]] = field(default_factory=list)  # text, author's Slack id or None


def field_summary(session: Session, *, team_id: str, month: date) -> FieldSummary:
    """Counts by theme, the most mentioned competitors and the open problems of one month's feedback.
    Anonymous items count only when the workspace has at least three reps, and never carry a name."""
    summary = FieldSummary(team_id, month)
    include_anonymous = len(team_reps(session, team_id=team_id)) >= ANONYMITY_MIN_TEAM
    rows = session.execute(
        select(FieldFeedback, Member.user_id)
        .outerjoin(Member, Member.id == FieldFeedback.author_id)
        .where(FieldFeedback.team_id == team_id, FieldFeedback.month == month)
        .order_by(FieldFeedback.id)
    )
    names: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for item, user_id in rows:
        # An anonymous item counts only from a team of three or more (its manager_id is kept only then).
        if item.anonymous and (not include_anonymous or item.manager_id is None):
            continue
        summary.items += 1
        for theme in themes_of(item):
            summary.themes[theme] += 1
        if item.competitor:
            spelled.setdefault(item.competitor.casefold(), item.competitor)
            names[item.competitor.casefold()] += 1
        if item.problems:
            summary.problems.append((item.problems, None if item.anonymous else user_id))
    summary.competitors = [(spelled[key], count) for key, count in names.most_common(5)]
    return summary
