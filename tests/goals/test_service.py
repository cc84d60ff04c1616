"""Goal rules against a real database: validation, breakdown, edits with history, who sees what."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn, Confidence
from bot.digests import service as digests
from bot.errors import Invalid, NotAllowed
from bot.goals import form, service
from bot.goals.models import Goal, GoalRevision, GoalStatus, Metric, PeriodKind, WeeklyTarget
from bot.roster.models import Member, Role
from bot.roster.service import Caller, caller_for
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
FORM = form.GoalForm(
    title="Grow enterprise revenue in the east",
    description="",
    metric="revenue",
    metric_label=None,
    unit="usd",
    target="1.2m",
    why="East is the growth plan",
    period_kind="year",
    start_date="2026-03-15",
    end_date=None,
    quarter_weights="20/25/25/30",
)


def as_caller(session: Session, m: Member, admins: frozenset[str] = frozenset()) -> Caller:
    return caller_for(m, ensure_workspace(session, TEAM), admins)


@pytest.fixture
def people(session: Session) -> dict[str, Member]:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    other = member(session, "UOTHER", role=Role.MANAGER)
    rep = member(session, "UREP")
    outsider = member(session, "UOUT")
    rep.on_team, rep.manager_id = True, boss.id
    outsider.on_team, outsider.manager_id = True, other.id
    return {
        "boss": boss,
        "other": other,
        "rep": rep,
        "outsider": outsider,
        "admin": member(session, "UADMIN"),
    }


def test_approval_follows_the_reps_current_manager(session: Session, people: dict[str, Member]) -> None:
    data = form.validate(FORM, today=NOW.date())
    assert isinstance(data, form.GoalInput)
    rep = people["rep"]
    proposal = service.create(session, caller=as_caller(session, rep), rep=rep, data=data)
    assert proposal.manager_id == people["boss"].id
    rep.manager_id = people["other"].id  # the rep moved to another team after proposing
    boss, other = as_caller(session, people["boss"]), as_caller(session, people["other"])
    with pytest.raises(NotAllowed):
        service.approve(proposal, boss, rep, version=1, now=NOW)
    with pytest.raises(NotAllowed):
        service.goal_for_caller(session, boss, proposal.id)
    assert service.goal_for_caller(session, other, proposal.id) is proposal
    service.approve(proposal, other, rep, version=1, now=NOW)
    assert proposal.status is GoalStatus.ACTIVE


def test_validation_reads_the_smart_fields() -> None:
    data = form.validate(FORM, today=NOW.date())
    assert isinstance(data, form.GoalInput)
    assert (data.unit, data.target, data.start_date, data.end_date) == (
        "USD",
        Decimal(1200000),
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert data.quarter_weights == (20, 25, 25, 30)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"title": "short"}, {"title"}),
        ({"target": "0"}, {"target"}),
        ({"target": "12.5", "unit": "count"}, {"target"}),
        ({"target": "twelve"}, {"target"}),
        ({"unit": "dollars"}, {"unit"}),
        ({"metric": "custom"}, {"metric_label"}),
        ({"why": " "}, {"why"}),
        ({"quarter_weights": "20/20/20/20"}, {"quarter_weights"}),
        ({"period_kind": "custom", "end_date": "2026-03-01"}, {"end_date", "quarter_weights"}),
        ({"title": "x", "target": "-1", "why": None}, {"title", "target", "why"}),
    ],
)
def test_validation_names_every_bad_field(changes: dict[str, str | None], errors: set[str]) -> None:
    result = form.validate(form.GoalForm(**{**FORM.__dict__, **changes}), today=NOW.date())
    assert isinstance(result, dict) and set(result) == errors


def test_create_splits_the_target_exactly(session: Session, people: dict[str, Member]) -> None:
    data = form.validate(FORM, today=NOW.date())
    assert isinstance(data, form.GoalInput)
    goal = service.create(session, caller=as_caller(session, people["boss"]), rep=people["rep"], data=data)
    assert goal.status is GoalStatus.AWAITING_AGREEMENT and goal.manager_id == people["boss"].id
    weeks = session.scalars(select(WeeklyTarget).where(WeeklyTarget.goal_id == goal.id)).all()
    assert sum(w.target for w in weeks) == Decimal(1200000)
    q1 = sum(w.target for w in weeks if w.week_start < date(2026, 3, 30))  # ISO W13 starts 2026-03-23
    assert Decimal(220000) < q1 < Decimal(250000)  # ~20 % plus the shared week into Q2


def test_who_may_set_goals_for_whom(session: Session, people: dict[str, Member]) -> None:
    boss, rep = as_caller(session, people["boss"]), people["rep"]
    service.check_can_set(boss, rep)
    with pytest.raises(NotAllowed):
        service.check_can_set(boss, people["outsider"])
    with pytest.raises(NotAllowed):
        service.check_can_set(as_caller(session, rep), people["outsider"])
    service.check_can_set(as_caller(session, people["admin"], frozenset({"UADMIN"})), people["outsider"])
    with pytest.raises(Invalid):
        service.check_can_set(boss, people["boss"])  # managers have no goals of their own
    service.check_can_set(as_caller(session, rep), rep)  # a rep proposes for themself


def test_proposal_approval_and_agreement(session: Session, people: dict[str, Member]) -> None:
    data = form.validate(FORM, today=NOW.date())
    assert isinstance(data, form.GoalInput)
    rep_caller, boss = as_caller(session, people["rep"]), as_caller(session, people["boss"])
    proposal = service.create(session, caller=rep_caller, rep=people["rep"], data=data)
    assert proposal.status is GoalStatus.PROPOSED
    with pytest.raises(NotAllowed):
        service.approve(proposal, as_caller(session, people["other"]), people["rep"], version=1, now=NOW)
    service.approve(proposal, boss, people["rep"], version=1, now=NOW)
    assert proposal.status is GoalStatus.ACTIVE
    with pytest.raises(Invalid):
        service.approve(proposal, boss, people["rep"], version=1, now=NOW)  # answered already: stale
    goal = service.create(session, caller=boss, rep=people["rep"], data=data)
    with pytest.raises(NotAllowed):
        service.agree(goal, people["boss"], version=1, now=NOW)  # only the rep agrees
    service.discuss(goal, people["rep"], version=1)
    service.agree(goal, people["rep"], version=1, now=NOW)
    assert goal.status is GoalStatus.ACTIVE and goal.agreed_at == NOW


def test_edit_keeps_the_past_and_history(session: Session, people: dict[str, Member]) -> None:
    data = form.validate(FORM, today=NOW.date())
    assert isinstance(data, form.GoalInput)
    boss = as_caller(session, people["boss"])
    goal = service.create(session, caller=boss, rep=people["rep"], data=data)
    goal.status = GoalStatus.ACTIVE
    before = {w.week_start: w.target for w in service.weeks_of(session, goal)}
    bigger = form.validate(form.GoalForm(**{**FORM.__dict__, "target": "1,500,000"}), today=NOW.date())
    assert isinstance(bigger, form.GoalInput)
    service.edit(session, caller=boss, goal=goal, data=bigger, today=date(2026, 11, 26))
    session.flush()
    after = {w.week_start: w.target for w in service.weeks_of(session, goal)}
    assert sum(after.values()) == Decimal(1500000)
    assert all(after[week] == before[week] for week in before if week < date(2026, 11, 23))
    assert goal.version == 2 and goal.status is GoalStatus.AWAITING_AGREEMENT
    (revision,) = session.scalars(select(GoalRevision).where(GoalRevision.goal_id == goal.id)).all()
    assert (revision.version, revision.target) == (1, Decimal(1200000))
    tiny = form.validate(form.GoalForm(**{**FORM.__dict__, "target": "100"}), today=NOW.date())
    assert isinstance(tiny, form.GoalInput)
    goal.status = GoalStatus.ACTIVE
    with pytest.raises(Invalid) as below:
        service.edit(session, caller=boss, goal=goal, data=tiny, today=date(2026, 11, 26))
    assert below.value.key == "goal.error.below_past"


def test_stretch_compares_with_the_best_earlier_period(session: Session, people: dict[str, Member]) -> None:
    boss, rep = as_caller(session, people["boss"]), people["rep"]
    q3 = form.GoalInput(
        "Close third-quarter deals fast",
        "",
        Metric.DEALS_CLOSED,
        "",
        "count",
        Decimal(40),
        "Pipeline",
        PeriodKind.QUARTER,
        date(2026, 7, 1),
        date(2026, 9, 30),
        None,
    )
    old = service.create(session, caller=boss, rep=rep, data=q3)
    old.status = GoalStatus.CLOSED
    session.add(
        CheckIn(
            team_id=TEAM,
            goal_id=old.id,
            rep_id=rep.id,
            week_start=date(2026, 7, 6),
            result=Decimal(30),
            confidence=Confidence.ON_TRACK,
        )
    )
    session.flush()
    q4 = form.GoalInput(
        "Close fourth-quarter deals fast",
        "",
        Metric.DEALS_CLOSED,
        "",
        "count",
        Decimal(46),
        "Pipeline",
        PeriodKind.QUARTER,
        date(2026, 10, 1),
        date(2026, 12, 31),
        None,
    )
    best = service.best_comparable(session, rep_id=rep.id, data=q4)
    assert best == Decimal(30)
    assert service.is_stretch(best, Decimal(46)) and not service.is_stretch(best, Decimal(45))


def test_visibility(session: Session, people: dict[str, Member]) -> None:
    data = form.validate(FORM, today=NOW.date())
    assert isinstance(data, form.GoalInput)
    service.create(session, caller=as_caller(session, people["boss"]), rep=people["rep"], data=data)
    service.create(session, caller=as_caller(session, people["other"]), rep=people["outsider"], data=data)
    through = date(2026, 11, 16)

    def seen(caller: Caller, rep: Member | None = None) -> list[str]:
        return [
            row.rep.user_id for row in service.visible_goals(session, caller=caller, rep=rep, through=through)
        ]

    assert seen(as_caller(session, people["rep"])) == ["UREP"]
    assert seen(as_caller(session, people["rep"]), people["outsider"]) == [
        "UREP"
    ]  # a rep sees only their own
    assert seen(as_caller(session, people["boss"])) == ["UREP"]
    with pytest.raises(NotAllowed):
        seen(as_caller(session, people["boss"]), people["outsider"])
    assert sorted(seen(as_caller(session, people["admin"], frozenset({"UADMIN"})))) == ["UOUT", "UREP"]
    assert session.scalar(select(Goal.id).where(Goal.team_id != TEAM)) is None


def test_a_pending_goal_is_listed_but_never_counted(session: Session, people: dict[str, Member]) -> None:
    """A goal waiting for agreement is listed (as pending) but counts nothing: no result, no pace, no
    weekly need, not in the digest's figures, until the rep agrees."""
    data = form.validate(FORM, today=NOW.date())
    assert isinstance(data, form.GoalInput)
    boss = as_caller(session, people["boss"])
    goal = service.create(session, caller=boss, rep=people["rep"], data=data)
    week = date(2026, 11, 16)
    session.add(
        CheckIn(
            team_id=TEAM,
            goal_id=goal.id,
            rep_id=people["rep"].id,
            week_start=week,
            result=Decimal(5000),
            confidence=Confidence.ON_TRACK,
        )
    )  # e.g. given before the manager's edit sent it back for agreement
    session.flush()
    (row,) = service.visible_goals(session, caller=boss, rep=None, through=week)
    assert row.pending and service.active([row]) == [] and service.pending([row]) == [row]
    assert (row.pace.result_to_date, row.pace.ratio, row.weekly_needed) == (0, None, None)
    assert row.target_of(week) is not None  # its breakdown is known, only not counted
    assert digests.build(session, digests.own_scope(boss), week).lines == []
    assert service.open_goals_of(session, team_id=TEAM, rep_ids=digests.own_scope(boss).rep_ids()) == {
        people["rep"].id: [goal]
    }
    service.agree(goal, people["rep"], version=1, now=NOW)
    (row,) = service.visible_goals(session, caller=boss, rep=None, through=week)
    assert not row.pending and row.pace.result_to_date == 5000 and row.pace.ratio is not None
    (line,) = digests.build(session, digests.own_scope(boss), week).lines
    assert line.by_unit["USD"].week_result == 5000
