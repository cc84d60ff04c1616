"""Build members and profiles for tests through the real services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn, Confidence
from bot.db import utcnow
from bot.goals.models import Goal, GoalStatus, Metric, PeriodKind, WeeklyTarget
from bot.roster.models import Member, Role, Vendor
from bot.roster.service import SlackProfile, save_profile
from bot.workspaces.service import ensure_workspace

TEAM = "T0000001"


def profile(user_id: str, **overrides: object) -> SlackProfile:
    values: dict[str, object] = {
        "user_id": user_id,
        "display_name": user_id.lower(),
        "timezone": "UTC",
        "slack_locale": "en-US",
        "is_admin": False,
        "deleted": False,
        "is_bot": False,
        "full_member": True,
    }
    values.update(overrides)
    return SlackProfile(**values)  # type: ignore[arg-type]


def member(
    session: Session, user_id: str, *, role: Role = Role.REP, team_id: str = TEAM, **profile_values: object
) -> Member:
    ensure_workspace(session, team_id)
    saved = save_profile(session, team_id=team_id, profile=profile(user_id, **profile_values), now=utcnow())
    saved.role = role
    session.flush()
    return saved


def rep_with_goal(
    session: Session,
    user_id: str,
    boss: Member,
    vendor: Vendor | None,
    targets: dict[date, int],
    results: dict[date, tuple[int, Confidence, bool, str]],
) -> Member:
    rep = member(session, user_id)
    rep.on_team, rep.manager_id, rep.vendor_id = True, boss.id, vendor.id if vendor else None
    goal = Goal(
        team_id=TEAM,
        rep_id=rep.id,
        manager_id=boss.id,
        title="Accounts opened this quarter",
        metric=Metric.NEW_ACCOUNTS,
        unit="count",
        target=Decimal(sum(targets.values())),
        why="growth",
        period_kind=PeriodKind.CUSTOM,
        start_date=min(targets),
        end_date=max(targets) + timedelta(days=6),
        status=GoalStatus.ACTIVE,
    )
    session.add(goal)
    session.flush()
    for week, target in targets.items():
        iso = week.isocalendar()
        session.add(
            WeeklyTarget(
                team_id=TEAM,
                goal_id=goal.id,
                week_start=week,
                iso_year=iso.year,
                iso_week=iso.week,
                target=Decimal(target),
            )
        )
    for week, (result, confidence, help_, blockers) in results.items():
        session.add(
            CheckIn(
                team_id=TEAM,
                goal_id=goal.id,
                rep_id=rep.id,
                week_start=week,
                result=Decimal(result),
                confidence=confidence,
                needs_help=help_,
                blockers=blockers,
            )
        )
    session.flush()
    return rep
