"""What the links tests share: a course of the training feature, and the hooks connected."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.links.handlers import connect
from bot.training.models import Category, Course
from tests.factories import TEAM


def add_course(
    session: Session, title: str = "Negotiation", *, slug: str = "negotiation", language: str = "en"
) -> Course:
    course = Course(
        team_id=TEAM,
        slug=slug,
        language=language,
        title=title,
        category=Category.SALES_SKILLS,
        content_hash="0" * 64,
        lesson_count=1,
    )
    session.add(course)
    session.flush()
    return course


def connected() -> None:
    connect()
