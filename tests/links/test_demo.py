"""The demo's links (bot/links/demo.py through bot/demo/seed.py): the raised manager review links to the
"Discovery calls" course, named on the scorecard, and the incentive plan gives a seat in it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.demo.people import TEAM_ID
from bot.demo.seed import seed
from bot.incentives.models import IncentivePlan
from bot.reviews import development
from bot.reviews.models import ManagerReview, ReviewChange
from tests.conftest import wipe


def test_the_demo_links_its_review_and_plan_to_a_course(engine: Engine) -> None:
    wipe(engine)
    seed(engine, now=datetime(2026, 12, 1, 9, tzinfo=UTC), anonymity_key=b"k" * 32)
    with Session(engine) as session:
        review = session.scalars(select(ManagerReview)).one()
        link = development.stored(review.development_kind, review.development_ref)
        assert development.name_of(session, TEAM_ID, link) == "Discovery calls"
        assert session.scalars(
            select(ReviewChange.after).where(ReviewChange.what == "development")
        ).one() == (f"training:{review.development_ref}")
        plans = session.scalars(select(IncentivePlan)).all()
        assert plans and all(p.seat_course_id == review.development_ref for p in plans)
    wipe(engine)
