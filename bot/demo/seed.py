"""Seed the demo database through Pacer's own services: roster, SMART goals, eight weeks of check-ins."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins.models import Confidence
from bot.checkins.service import Answer, save_checkin
from bot.crm.demo import seed_actuals
from bot.db import make_session_factory
from bot.demo.people import DIGEST_CHANNEL, GENERAL_CHANNEL, PEOPLE, TEAM_ID, VENDORS, Person, reps
from bot.exports.demo import seed_lifecycle
from bot.feedback import service as feedback
from bot.goals import form as goal_form
from bot.goals import service as goals
from bot.goals.models import Goal
from bot.incentives.demo import seed_incentives
from bot.links.demo import seed_links
from bot.recognition.demo import seed_recognition
from bot.reviews.demo import seed_review
from bot.roster import service as roster
from bot.roster.models import Member
from bot.training.demo import seed_training
from bot.workspaces.models import Workspace
from bot.workspaces.service import WorkspaceSettings, save_settings

ADMINS = frozenset(p.user_id for p in PEOPLE if p.role == "admin")
WORKSPACE_ZONE = "Europe/Berlin"
HISTORY_WEEKS = 8
# Reps who have not checked in for last week yet: the digest lists them, and they can click Check in.
SILENT_LAST_WEEK = {"U0REP3", "U0REP4", "U0REP8"}
BLOCKERS = (
    "Procurement freeze at two key accounts",
    "Waiting for the new price list",
    "CRM access still missing",
    "",
)


def this_week(now: datetime) -> date:
    return calendar.iso_week_start(now.date())


def seed(engine: Engine, *, now: datetime, anonymity_key: bytes) -> None:
    """Everything the demo shows, as of `now` (UTC). Runs once on an empty, migrated database."""
    factory = make_session_factory(engine)
    week = this_week(now)
    with factory.begin() as session:
        _settings(session)
        members = _members(session, now=now)
        workspace = _teams(session, members)
        session.flush()
        for index, rep in enumerate(reps()):
            _goal_and_history(session, members, workspace, rep, index, week=week, now=now)
        _feedback(session, members, workspace, now=now, anonymity_key=anonymity_key)
        teams = [[members[r.user_id] for r in reps() if r.manager == boss] for boss in ("U0MARIA", "U0JAMES")]
        seed_review(session, members["U0ADMIN"], teams, now=now)
        seed_recognition(session, members["U0ADMIN"], teams, channel=GENERAL_CHANNEL, now=now)
        seed_incentives(session, roster.caller_for(members["U0ADMIN"], workspace, ADMINS), now=now)
        seed_actuals(session, [members[r.user_id] for r in reps()], week - calendar.WEEK, now=now)
        seed_training(session, members["U0ADMIN"], teams, now=now)
        seed_lifecycle(session, members["U0ADMIN"], [members["U0MARIA"], members["U0JAMES"]])
        seed_links(session, workspace.team_id, by=members["U0ADMIN"].id, now=now)


def _settings(session: Session) -> None:
    """The demo workspace's schedule: Monday nudges, the digest late on Sunday."""
    save_settings(
        session,
        team_id=TEAM_ID,
        settings=WorkspaceSettings(
            digest_channel_id=DIGEST_CHANNEL,
            timezone=WORKSPACE_ZONE,
            nudge_weekday=0,
            nudge_time=time(9, 0),
            reminder_delay_hours=24,
            feedback_day=1,
            language="en",
            # Sunday night: last week's check-ins stay open all week, so a rep can answer the nudge.
            digest_weekday=6,
            digest_time=time(23, 0),
        ),
    )


def _members(session: Session, *, now: datetime) -> dict[str, Member]:
    """Everyone in PEOPLE as Slack would show them, with their language; the managers made managers."""
    members: dict[str, Member] = {}
    for person in PEOPLE:
        members[person.user_id] = roster.save_profile(
            session,
            team_id=TEAM_ID,
            profile=roster.SlackProfile(
                user_id=person.user_id,
                display_name=person.real_name,
                timezone=person.tz,
                slack_locale=None,
                is_admin=False,
                deleted=False,
                is_bot=False,
                full_member=True,
            ),
            now=now,
        )
        if person.language:
            roster.set_language(members[person.user_id], person.language)
    for person in PEOPLE:
        if person.role == "manager":
            roster.add_manager(members[person.user_id])
    return members


def _teams(session: Session, members: dict[str, Member]) -> Workspace:
    """The vendors, and each rep put on their manager's team by the admin. Returns the workspace."""
    vendors = {
        name: roster.add_vendor(session, team_id=TEAM_ID, name=name, contact_user_id=contact)
        for name, contact in VENDORS.items()
    }
    workspace = session.get_one(Workspace, TEAM_ID)
    admin = roster.caller_for(members["U0ADMIN"], workspace, ADMINS)
    for rep in reps():
        roster.add_to_team(
            admin,
            reps=[members[rep.user_id]],
            manager=members[rep.manager or ""],
            vendor=vendors[rep.vendor or ""],
        )
    return workspace


FIELD_NOTES = (
    ("Budgets frozen until Q1 at two big accounts", "Globex", "cut prices 10 % in Shanghai", "Faster quotes"),
    ("Demand for bundles is up", "", "", "Offer a starter bundle"),
    ("Retail customers ask for monthly billing", "Initech", "launched monthly plans", ""),
)


def _feedback(
    session: Session,
    members: dict[str, Member],
    workspace: Workspace,
    *,
    now: datetime,
    anonymity_key: bytes,
) -> None:
    """Last month's feedback both ways, through the feedback service: a manager's note to each of the
    first reps, and what three reps told the company (one of them anonymously)."""
    month = calendar.previous_month(calendar.month_of(now.date()))
    for rep in reps()[:3]:
        manager = roster.caller_for(members[rep.manager or ""], workspace, ADMINS)
        feedback.give(
            session,
            caller=manager,
            rep=members[rep.user_id],
            month=month,
            answers=(
                "Thorough account plans",
                "Follow up within 48 hours",
                "Book two demos with the Munich prospects",
                4,
            ),
        )
    for index, (rep, notes) in enumerate(zip(reps()[3:6], FIELD_NOTES, strict=True)):
        market, competitor, moves, suggestions = notes
        key = feedback.author_key(anonymity_key, team_id=TEAM_ID, user_id=rep.user_id, month=month)
        values: dict[str, str | bool] = {
            "market": market,
            "competitor": competitor,
            "competitor_moves": moves,
            "customers": "",
            "problems": "Quotes take two weeks to approve" if index == 0 else "",
            "suggestions": suggestions,
            "anonymous": index == 1,
        }
        feedback.share(session, rep=members[rep.user_id], key=key, month=month, values=values)


def _goal_and_history(
    session: Session,
    members: dict[str, Member],
    workspace: Workspace,
    rep: Person,
    index: int,
    *,
    week: date,
    now: datetime,
) -> None:
    """The rep's revenue goal, agreed HISTORY_WEEKS ago, and a check-in for most weeks since."""
    weekly = 5000 + 1000 * (index % 4)
    goal = _agreed_goal(session, members, workspace, rep, weekly=weekly, week=week, now=now)
    _history(session, members[rep.user_id], rep, goal, index, weekly=weekly, week=week, now=now)


def _goal_form(rep: Person, *, weekly: int, start: date, end: date) -> goal_form.GoalForm:
    """A revenue goal for the rep's region, as the goal modal would send it."""
    return goal_form.GoalForm(
        title=f"Grow new-business revenue in {rep.tz.split('/')[-1].replace('_', ' ')}",
        description="New customers only; renewals are counted elsewhere.",
        metric="revenue",
        metric_label=None,
        unit="USD",
        target=str(weekly * 17),
        why="The region's share of this year's growth plan.",
        period_kind="custom",
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        quarter_weights=None,
    )


def _agreed_goal(
    session: Session,
    members: dict[str, Member],
    workspace: Workspace,
    rep: Person,
    *,
    weekly: int,
    week: date,
    now: datetime,
) -> Goal:
    """The goal set by the rep's manager through the goal service, and agreed by the rep back then."""
    manager = roster.caller_for(members[rep.manager or ""], workspace, ADMINS)
    start, end = week - timedelta(weeks=HISTORY_WEEKS), week + timedelta(weeks=8, days=4)
    data = goal_form.validate(_goal_form(rep, weekly=weekly, start=start, end=end), today=now.date())
    if isinstance(data, dict):
        raise ValueError(f"demo goal for {rep.name} is invalid: {data}")
    goal = goals.create(session, caller=manager, rep=members[rep.user_id], data=data)
    goals.agree(goal, members[rep.user_id], version=goal.version, now=now - timedelta(weeks=HISTORY_WEEKS))
    session.flush()
    return goal


def _history(
    session: Session,
    member: Member,
    rep: Person,
    goal: Goal,
    index: int,
    *,
    weekly: int,
    week: date,
    now: datetime,
) -> None:
    """A check-in for each past week, the day after it ended, with figures that fit the rep's skill;
    now and then a week is missed, and a few reps have not checked in for last week yet."""
    rng = random.Random(index)  # noqa: S311  (demo figures, not security)
    skill = (0.7, 1.1, 0.95, 0.85, 1.2, 0.9, 1.0, 0.8)[index % 8]
    for back in range(HISTORY_WEEKS, 0, -1):
        week_start = week - timedelta(weeks=back)
        if back == 1 and rep.user_id in SILENT_LAST_WEEK:
            continue
        if back > 1 and rng.random() < 0.12:  # now and then a missed week
            continue
        save_checkin(
            session,
            rep=member,
            week_start=week_start,
            answers=[_answer(goal, rng, skill=skill, weekly=weekly, last_week=back == 1)],
            now=datetime.combine(week_start + calendar.WEEK, time(10, 0), tzinfo=now.tzinfo),
        )


def _answer(goal: Goal, rng: random.Random, *, skill: float, weekly: int, last_week: bool) -> Answer:
    """One week's answer; a rep with blockers last week asks for help."""
    result = Decimal(round(weekly * skill * rng.uniform(0.6, 1.4) / 50) * 50)
    blockers = rng.choice(BLOCKERS) if skill < 1 else ""
    confidence = (
        Confidence.ON_TRACK if skill >= 1 else Confidence.AT_RISK if skill >= 0.8 else Confidence.OFF_TRACK
    )
    return Answer(
        goal_id=goal.id,
        result=result,
        confidence=confidence,
        highlights=rng.choice(("Two demos booked", "Closed a pilot", "Strong pipeline", "")),
        blockers=blockers,
        needs_help=bool(blockers) and last_week,
    )
