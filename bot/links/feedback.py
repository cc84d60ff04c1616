"""A manager's feedback that names a training course: the course is assigned to the rep once. No Slack."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.feedback import development
from bot.feedback.models import ManagerFeedback
from bot.roster.models import Member
from bot.training import service as training


def connect() -> None:
    """Offer the workspace's courses in the manager's feedback modal (idempotent)."""
    if training.course_choices not in development.CHOOSERS:
        development.CHOOSERS.append(training.course_choices)


def assign_named(session: Session, team_id: str, feedback_id: int, *, now: datetime) -> bool:
    """The course a manager's feedback names, assigned to its rep once; True when new."""
    item = session.get(ManagerFeedback, feedback_id)
    if item is None or item.team_id != team_id or item.course_id is None:
        return False
    rep = session.get(Member, item.rep_id)
    if rep is None:
        return False
    return training.grant(session, team_id, rep, item.course_id, by_id=item.manager_id, now=now)
