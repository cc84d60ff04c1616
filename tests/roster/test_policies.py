"""Who may do what (bot/roster/policy.py), for every role of the caller and every relation of the member
concerned: the caller themself, a rep on the caller's team, a rep on another manager's team, a rep on no
team, a manager, and a member of another workspace. Plain values, no database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.errors import PacerError
from bot.roster import policy
from bot.roster.models import Member, Role
from bot.roster.policy import Caller

TEAM, OTHER_TEAM = "T0000001", "T0OTHER"
ROLES = (Role.ADMIN, Role.MANAGER, Role.REP)
RELATIONS = ("self", "my_rep", "others_rep", "off_team", "a_manager", "other_workspace")
CALLER_ID, OTHER_MANAGER_ID = 1, 99


def caller(role: Role) -> Caller:
    # A Pacer admin is stored as a rep or manager (admin is never stored); here, as a rep on no team.
    stored = Role.MANAGER if role is Role.MANAGER else Role.REP
    me = Member(id=CALLER_ID, team_id=TEAM, user_id="UME", role=stored, on_team=False, manager_id=None)
    return Caller(member=me, role=role, locale="en")


def target(relation: str, who: Caller) -> Member:
    if relation == "self":
        return who.member
    rep = {"id": 2, "team_id": TEAM, "user_id": "UREP", "role": Role.REP, "on_team": True}
    return Member(
        **rep
        | {
            "my_rep": {"manager_id": CALLER_ID},
            "others_rep": {"manager_id": OTHER_MANAGER_ID},
            "off_team": {"on_team": False, "manager_id": None},
            "a_manager": {"role": Role.MANAGER, "on_team": False, "manager_id": None},
            "other_workspace": {"team_id": OTHER_TEAM, "manager_id": CALLER_ID},
        }[relation]
    )


def table(**rows: str) -> dict[tuple[Role, str], bool]:
    """{(role, relation): allowed} from one row per role: "Y"/"-" per relation, in RELATIONS' order."""
    expected: dict[tuple[Role, str], bool] = {}
    for role_name, row in rows.items():
        marks = row.split()
        assert len(marks) == len(RELATIONS)
        for relation, mark in zip(RELATIONS, marks, strict=True):
            expected[(Role(role_name), relation)] = mark == "Y"
    return expected


#                          self my   other off  mgr  other-ws
CAN_MANAGE = table(
    admin="Y    Y    Y     Y    Y    -", manager="-    Y    -     -    -    -", rep="- - - - - -"
)
CAN_SET_GOAL = table(admin="Y Y Y - - -", manager="- Y - - - -", rep="Y - - - - -")
CAN_GIVE_FEEDBACK = table(admin="- Y Y - - -", manager="- Y - - - -", rep="- - - - - -")
CAN_SEE_GOALS = table(admin="Y Y Y Y Y -", manager="Y Y - - - -", rep="Y - - - - -")
CAN_CHANGE_PROPOSAL = table(admin="Y Y Y Y Y -", manager="Y Y - - - -", rep="Y - - - - -")
CAN_SEE_FEEDBACK = table(admin="Y Y Y Y Y -", manager="- Y - - - -", rep="Y - - - - -")
CAN_TAKE_OFF_TEAM = table(admin="Y Y Y Y Y -", manager="- Y - - - -", rep="- - - - - -")
EVERY_CASE = [(role, relation) for role in ROLES for relation in RELATIONS]


@pytest.mark.parametrize(("role", "relation"), EVERY_CASE)
def test_who_manages_sets_goals_and_gives_feedback(role: Role, relation: str) -> None:
    who = caller(role)
    rep = target(relation, who)
    assert policy.can_manage(who, rep) is CAN_MANAGE[(role, relation)]
    assert policy.can_set_goal(who, rep) is CAN_SET_GOAL[(role, relation)]
    assert policy.can_give_feedback(who, rep) is CAN_GIVE_FEEDBACK[(role, relation)]
    assert policy.can_escalate(who, rep) is CAN_GIVE_FEEDBACK[(role, relation)]  # the same people
    assert policy.can_see_goals(who, rep) is CAN_SEE_GOALS[(role, relation)]
    assert policy.can_change_goal(who, rep, proposed=True) is CAN_CHANGE_PROPOSAL[(role, relation)]
    assert policy.can_change_goal(who, rep, proposed=False) is CAN_MANAGE[(role, relation)]
    assert policy.can_take_off_team(who, rep) is CAN_TAKE_OFF_TEAM[(role, relation)]


@pytest.mark.parametrize(("role", "relation"), EVERY_CASE)
def test_the_checks_refuse_exactly_what_the_rules_deny(role: Role, relation: str) -> None:
    """`check_*` say why; they refuse exactly when the yes-or-no rule says no."""
    who = caller(role)
    rep = target(relation, who)
    for check, allowed in (
        (lambda: policy.check_set_goal(who, rep), CAN_SET_GOAL[(role, relation)]),
        (lambda: policy.check_manages(who, rep, refusals="feedback"), CAN_GIVE_FEEDBACK[(role, relation)]),
    ):
        try:
            check()
            refused = False
        except PacerError:
            refused = True
        assert refused is not allowed


@pytest.mark.parametrize(("role", "relation"), EVERY_CASE)
def test_who_sees_a_managers_feedback(role: Role, relation: str) -> None:
    who = caller(role)
    rep = target(relation, who)
    item = GivenFeedback(team_id=rep.team_id, rep_id=rep.id)
    assert policy.can_see_feedback(who, item, rep) is CAN_SEE_FEEDBACK[(role, relation)]


@dataclass(frozen=True)
class GivenFeedback:
    team_id: str
    rep_id: int


@dataclass(frozen=True)
class SharedFeedback:
    team_id: str
    anonymous: bool
    manager_id: int | None


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("anonymous", [False, True])
@pytest.mark.parametrize("own", [False, True])
@pytest.mark.parametrize("group", ["mine", "another", "none", "other_workspace"])
def test_who_sees_a_reps_feedback(role: Role, anonymous: bool, own: bool, group: str) -> None:
    """A rep sees only their own; a manager their team's named items; an admin every named item; an
    anonymous item is never seen on its own, and nothing crosses workspaces."""
    manager_id = {"mine": CALLER_ID, "another": OTHER_MANAGER_ID}.get(group)
    item = SharedFeedback(OTHER_TEAM if group == "other_workspace" else TEAM, anonymous, manager_id)
    if group == "other_workspace":
        expected = False
    elif role is Role.REP:
        expected = own
    elif anonymous:
        expected = False
    else:
        expected = role is Role.ADMIN or group == "mine"
    assert policy.can_see_shared(caller(role), item, own=own) is expected


@pytest.mark.parametrize(("role", "relation"), EVERY_CASE)
@pytest.mark.parametrize("vendor_contact", [False, True])
def test_who_answers_an_escalation(role: Role, relation: str, vendor_contact: bool) -> None:
    who = caller(role)
    rep = target(relation, who)
    expected = vendor_contact or CAN_MANAGE[(role, relation)]
    assert policy.can_answer_escalation(who, rep, vendor_contact=vendor_contact) is expected


@pytest.mark.parametrize("role", ROLES)
def test_role_only_rules(role: Role) -> None:
    who = caller(role)
    assert policy.can_post_digest(who) is (role is not Role.REP)
    assert policy.can_change_setup(who) is (role is Role.ADMIN)
    assert policy.can_share_feedback(who) is (role is Role.REP)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("reps", ["none", "all_mine", "one_elsewhere"])
def test_who_routes_a_vendor(role: Role, reps: str) -> None:
    """An admin always; a manager whose team has every one of the vendor's reps (at least one)."""
    who = caller(role)
    relations = {"none": [], "all_mine": ["my_rep", "my_rep"], "one_elsewhere": ["my_rep", "others_rep"]}
    members = [target(relation, who) for relation in relations[reps]]
    expected = role is Role.ADMIN or (role is Role.MANAGER and reps == "all_mine")
    assert policy.can_route_vendor(who, members) is expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", ["my_rep", "others_rep", "off_team"])
def test_who_acts_for_a_team_and_moves_reps(role: Role, relation: str) -> None:
    """Team commands for one's own team, or any team as an admin; moving a rep off another manager's
    team is for admins."""
    who = caller(role)
    other_manager = Member(id=OTHER_MANAGER_ID, team_id=TEAM, user_id="UBOSS", role=Role.MANAGER)
    assert policy.can_act_for(who, who.member)
    assert policy.can_act_for(who, other_manager) is (role is Role.ADMIN)
    rep = target(relation, who)
    assert policy.can_move_rep(who, rep, who.member) is (role is Role.ADMIN or relation != "others_rep")
    assert policy.can_move_rep(who, rep, other_manager) is (role is Role.ADMIN or relation != "my_rep")
