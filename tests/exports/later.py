"""The data the later export sets read, on top of `support.seed`: a course assigned to Rita (Acme) and Sam
(Beta) with their progress and quiz scores, a study log and a CRM figure each, a Q4 incentive plan
computed for the three reps (its ledger: created, computed, each payout approved by the rep's manager),
Q4's review (manager and self reviews, a peer's comment),
and the secrets no export may hold: a CRM connection's credentials (sealed, as stored) and a Slack
installation's tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.crm.integrations.models import CrmConnection, Provider
from bot.crm.models import Actual
from bot.goals.models import Metric
from bot.incentives import ledger, plans
from bot.incentives.computing import compute_plan
from bot.installs.models import INSTALLATIONS
from bot.reviews.models import ManagerReview, PeerRating, ReviewCycle, Scorecard, SelfReview, Stage
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.secrets import Secret, Vault
from bot.training.models import Assignment, Category, Course, Progress, StudyLog
from tests.factories import TEAM

COMPUTED = datetime(2027, 1, 1, 12, tzinfo=UTC)
CRM_REFRESH = "1000.18e983526f0ca8575ea9c53b0cd5bb58.1bd83a6f2e22c3a7e1309d96ae439cc1"
BOT_TOKEN = "xoxb-1111-2222-exportsmustneverholdthis"
BOT_REFRESH = "xoxe-1-exportsmustneverholdthiseither"
PEER_COMMENT = "between us, rita talks too much"
PLAN = plans.PlanAnswers(
    name="Q4 accounts",
    period="2026Q4",
    audience="all",
    metric="new_accounts",
    tiers="0-80: 0\n80-100: 1\n100-120: 1.5\n120+: 2",
    base="1000",
    currency="USD",
    funder="vendor",
)


def review(session: Session, people: dict[str, Member], stage: Stage = Stage.MANAGER_REVIEW) -> ReviewCycle:
    """Q4's review, not yet published: Rita's and Sam's scorecards, each with their manager's review and
    their self review, and a peer's comment on Rita (which no export may hold)."""
    cycle = ReviewCycle(
        team_id=TEAM,
        quarter="2026Q4",
        stage=stage,
        opens_on=date(2026, 12, 1),
        self_due=date(2026, 12, 8),
        peer_due=date(2026, 12, 15),
        manager_due=date(2026, 12, 22),
    )
    session.add(cycle)
    session.flush()
    for key, boss in (("rita", "maria"), ("sam", "ben")):
        rep = people[key]
        session.add(Scorecard(team_id=TEAM, cycle_id=cycle.id, rep_id=rep.id, overall=Decimal("3.5")))
        session.add(
            ManagerReview(
                team_id=TEAM,
                cycle_id=cycle.id,
                rep_id=rep.id,
                manager_id=people[boss].id,
                sales_level=4,
                strengths=f"{key} closes well",
            )
        )
        session.add(SelfReview(team_id=TEAM, cycle_id=cycle.id, rep_id=rep.id, wins=f"{key} won Acme"))
    session.add(
        PeerRating(
            team_id=TEAM,
            cycle_id=cycle.id,
            rep_id=people["rita"].id,
            rater_id=people["li"].id,
            rating=3,
            comment=PEER_COMMENT,
        )
    )
    session.flush()
    return cycle


def seed_later(session: Session, people: dict[str, Member]) -> list[str]:
    """The later sets' rows; returns the secrets stored (each must be in no export)."""
    course = Course(
        team_id=TEAM,
        slug="objections",
        language="en",
        title="Handling objections",
        category=Category.SALES_SKILLS,
        pass_mark=80,
        content_hash="0" * 64,
        lesson_count=3,
    )
    session.add(course)
    session.flush()
    for key, score in (("rita", 90), ("sam", 60)):
        rep = people[key]
        assigned = datetime(2026, 11, 2, 9, tzinfo=UTC)
        session.add(
            Assignment(
                team_id=TEAM, course_id=course.id, rep_id=rep.id, due=date(2026, 11, 30), assigned_at=assigned
            )
        )
        session.add(
            Progress(
                team_id=TEAM,
                rep_id=rep.id,
                course_id=course.id,
                version=1,
                next_position=3,
                started_at=assigned,
                completed_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                score=score,
                confidence_before=2,
                confidence_after=4,
            )
        )
        logged = datetime(2026, 11, 10, 9, tzinfo=UTC)
        session.add(
            StudyLog(
                team_id=TEAM, rep_id=rep.id, what=f"{key} read", minutes=30, takeaway="ask", logged_at=logged
            )
        )
        session.add(
            Actual(
                team_id=TEAM,
                rep_id=rep.id,
                week_start=date(2026, 11, 2),
                day=date(2026, 11, 3),
                metric=Metric.NEW_ACCOUNTS,
                amount=Decimal(3),
                currency="count",
                source="zoho",
                external_id=f"deal-{key}",
            )
        )
    sealed = Vault([Vault.new_key()]).seal({"refresh_token": Secret(CRM_REFRESH)})
    session.add(
        CrmConnection(
            team_id=TEAM,
            provider=Provider.ZOHO,
            data_centre="eu",
            api_domain="https://www.zohoapis.eu",
            credentials=sealed,
            connected_by=people["admin"].user_id,
        )
    )
    row = {"client_id": "C1", "app_id": "A1", "user_id": "U1", "is_enterprise_install": False}
    session.execute(
        insert(INSTALLATIONS).values(
            team_id=TEAM,
            bot_token=BOT_TOKEN,
            bot_refresh_token=BOT_REFRESH,
            installed_at=COMPUTED.replace(tzinfo=None),
            **row,
        )
    )
    admin = Caller(member=people["admin"], role=Role.ADMIN, locale="en")
    data = plans.check_plan(PLAN)
    assert isinstance(data, plans.PlanInput)
    plan = plans.save_plan(session, admin, data, plan_id=None, now=COMPUTED)
    compute_plan(session, plan.id, now=COMPUTED)
    for boss in ("maria", "ben"):  # each approves their team's payouts: a ledger line per payout
        ledger.approve(
            session, Caller(member=people[boss], role=Role.MANAGER, locale="en"), plan, now=COMPUTED
        )
    review(session, people)
    session.flush()
    return [CRM_REFRESH, sealed, sealed[4:40], BOT_TOKEN, BOT_REFRESH]
