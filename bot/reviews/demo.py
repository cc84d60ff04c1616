"""The demo's quarterly review (`pacer demo`, bot/demo/seed.py calls `seed_review`): this quarter's cycle
in calibration, through the review's own services, so a newcomer sees scorecards at once with
`/pacer scorecards` (as Alex the admin, or a manager for their team) and can lock and publish them.

Each rep gets three peer ratings from teammates, a customer-satisfaction score (an upload) and a
market-expansion count; one manager review raises a level, with its reason (an outlier to calibrate)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.reviews import inputs, peers, reviewing, service
from bot.reviews.models import Dimension, InputKind, InputSource, ReviewCycle, Stage
from bot.reviews.scorecards import build_scorecards
from bot.roster.models import Member

SATISFACTION = ("4.6", "3.9", "4.2", "2.8", "4.8", "3.5", "4.1", "3.2")  # of 5, rep by rep
EXPANSION = ("4", "2", "3", "1", "5", "3", "2", "4")  # new accounts (a count: the manager sets its level)


def seed_review(session: Session, admin: Member, teams: Sequence[Sequence[Member]], *, now: datetime) -> None:
    """This quarter's review in calibration for `teams` (each a manager's reps, at least 4 each)."""
    quarter = service.quarter_of(now.date())
    cycle = service.open_cycle(session, admin.team_id, quarter, by=admin.id, now=now)
    everyone = [rep for team in teams for rep in team]
    for team in teams:
        for n, rep in enumerate(team):
            for offset in (1, 2, 3):
                rater = team[(n + offset) % len(team)]
                peers.ask_peer(session, cycle, rep, rater, by=admin.id, now=now)
                rating = 3 + (n + offset) % 3
                peers.rate(session, cycle, rep, rater, rating=rating, comment="", now=now)
    for n, rep in enumerate(everyone):
        satisfaction = inputs.Figure(InputKind.SATISFACTION, Decimal(SATISFACTION[n % 8]), Decimal(5))
        expansion = inputs.Figure(InputKind.EXPANSION, Decimal(EXPANSION[n % 8]))
        for figure in (satisfaction, expansion):
            inputs.record_input(
                session, rep, quarter, figure, source=InputSource.UPLOAD, by=admin.id, now=now
            )
    while cycle.stage is not Stage.MANAGER_REVIEW:
        service.advance(session, cycle, by=admin.id, now=now)
    _raise_one(session, cycle, everyone[0], admin, now=now)
    service.advance(session, cycle, by=admin.id, now=now)  # to calibration


def _raise_one(session: Session, cycle: ReviewCycle, rep: Member, by: Member, *, now: datetime) -> None:
    """A manager review that sets sales two levels above the data's, with the reason."""
    card = next(c for c in build_scorecards(session, rep.team_id, cycle.quarter) if c.rep_id == rep.id)
    auto = {d: level.level for d, level in card.levels.items()}
    levels = dict(auto)
    levels[Dimension.SALES] = min(5, (auto[Dimension.SALES] or 1) + 2)
    answers = reviewing.ManagerAnswers(
        levels=levels,
        reasons={Dimension.SALES: "Closed the Globex framework deal, booked next quarter"},
        strengths="Persistent with large accounts",
        improvements="Log calls in the CRM the same day",
        development_action="Negotiation training in January",
    )
    reviewing.save_manager_review(session, cycle, rep, answers, auto=auto, by=by.id, now=now)
