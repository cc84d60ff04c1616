"""Who sees what of a scorecard and who may rate whom (bot/reviews/policy.py), for the rep, a peer, the
manager, another manager, the vendor's contact and an admin. Plain values, no database."""

from __future__ import annotations

import pytest

from bot.errors import Invalid
from bot.reviews import policy
from bot.reviews.models import STAGES, Stage
from bot.reviews.policy import Part, Viewer
from bot.roster.models import Member, Role
from bot.roster.policy import Caller

TEAM, OTHER_TEAM = "T0000001", "T0OTHER"
BOSS, OTHER_BOSS, REP, PEER, CONTACT, ADMIN, STRANGER = 1, 2, 10, 11, 20, 30, 40
CONTACT_USER = "UCONTACT"


def person(
    member_id: int, role: Role = Role.REP, *, manager_id: int | None = None, **values: object
) -> Member:
    row = {"team_id": TEAM, "user_id": f"U{member_id}", "on_team": manager_id is not None, "active": True}
    return Member(id=member_id, role=role, manager_id=manager_id, **(row | values))


THE_REP = person(REP, manager_id=BOSS, vendor_id=5)


def caller_of(viewer: str) -> Caller:
    members = {
        "rep": (person(REP, manager_id=BOSS), Role.REP),
        "peer": (person(PEER, manager_id=BOSS), Role.REP),
        "manager": (person(BOSS, Role.MANAGER), Role.MANAGER),
        "other_manager": (person(OTHER_BOSS, Role.MANAGER), Role.MANAGER),
        "vendor_contact": (person(CONTACT, user_id=CONTACT_USER), Role.REP),
        "admin": (person(ADMIN), Role.ADMIN),
        "none": (person(STRANGER, Role.MANAGER, team_id=OTHER_TEAM), Role.ADMIN),
    }
    member, role = members[viewer]
    return Caller(member=member, role=role, locale="en")


@pytest.mark.parametrize("viewer", list(Viewer))
def test_each_viewer_is_told_apart(viewer: Viewer) -> None:
    assert policy.viewer_of(caller_of(viewer.value), THE_REP, vendor_contact=CONTACT_USER) is viewer


BEFORE = Stage.CALIBRATION
AFTER = Stage.PUBLISHED
LEVELS_ETC = {Part.LEVELS, Part.EVIDENCE, Part.PEER_MEDIAN, Part.MANAGER_REVIEW}


@pytest.mark.parametrize(
    ("viewer", "stage", "comments", "expected"),
    [
        (Viewer.REP, BEFORE, 5, {Part.SELF_REVIEW}),
        (Viewer.REP, AFTER, 2, {Part.SELF_REVIEW, *LEVELS_ETC}),
        (Viewer.REP, AFTER, 3, {Part.SELF_REVIEW, *LEVELS_ETC, Part.COMMENT_SUMMARY}),
        (Viewer.REP, Stage.CLOSED, 3, {Part.SELF_REVIEW, *LEVELS_ETC, Part.COMMENT_SUMMARY}),
        (Viewer.PEER, AFTER, 5, set()),
        (Viewer.MANAGER, BEFORE, 0, set(Part)),
        (Viewer.MANAGER, AFTER, 5, set(Part)),
        (Viewer.OTHER_MANAGER, AFTER, 5, set()),
        (Viewer.VENDOR_CONTACT, BEFORE, 5, set()),
        (Viewer.VENDOR_CONTACT, AFTER, 5, {Part.LEVELS}),
        (Viewer.ADMIN, BEFORE, 2, set(Part) - {Part.PEER_COMMENTS, Part.COMMENT_SUMMARY}),
        (Viewer.ADMIN, AFTER, 3, set(Part) - {Part.PEER_COMMENTS}),
        (Viewer.NONE, AFTER, 5, set()),
    ],
)
def test_who_sees_which_parts(viewer: Viewer, stage: Stage, comments: int, expected: set[Part]) -> None:
    assert policy.visible(viewer, stage, comments=comments) == expected


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("viewer", list(Viewer))
def test_only_the_manager_ever_sees_comments_or_raters_are_hidden_from_the_rep(
    viewer: Viewer, stage: Stage
) -> None:
    parts = policy.visible(viewer, stage, comments=5)
    assert (Part.PEER_COMMENTS in parts) is (viewer is Viewer.MANAGER)
    if viewer in (Viewer.REP, Viewer.PEER, Viewer.VENDOR_CONTACT, Viewer.OTHER_MANAGER, Viewer.NONE):
        assert Part.PEER_RATERS not in parts and Part.HISTORY not in parts
    if viewer is Viewer.VENDOR_CONTACT:
        assert Part.SELF_REVIEW not in parts and Part.COMMENT_SUMMARY not in parts


def test_a_rep_may_not_rate_themself() -> None:
    assert not policy.can_rate(THE_REP, THE_REP)
    with pytest.raises(Invalid) as refused:
        policy.check_can_rate(THE_REP, THE_REP)
    assert refused.value.key == "reviews.errors.self_rating"


@pytest.mark.parametrize(
    ("rater", "allowed"),
    [
        (person(PEER, manager_id=BOSS), True),
        (person(PEER, manager_id=OTHER_BOSS), False),  # another manager's team
        (person(PEER), False),  # on no team
        (person(PEER, manager_id=BOSS, active=False), False),
        (person(PEER, manager_id=BOSS, team_id=OTHER_TEAM), False),
        (person(PEER, Role.MANAGER, manager_id=BOSS), False),  # a manager is not a peer
    ],
)
def test_only_a_teammate_may_rate(rater: Member, allowed: bool) -> None:
    assert policy.can_rate(rater, THE_REP) is allowed
    if allowed:
        policy.check_can_rate(rater, THE_REP)
    else:
        with pytest.raises(Invalid) as refused:
            policy.check_can_rate(rater, THE_REP)
        assert refused.value.key == "reviews.errors.not_teammate"


@pytest.mark.parametrize(
    ("viewer", "ask", "self_review", "manager_review", "reopen"),
    [
        ("rep", True, True, False, False),
        ("peer", False, False, False, False),
        ("manager", True, False, True, False),
        ("other_manager", False, False, False, False),
        ("vendor_contact", False, False, False, False),
        ("admin", True, False, True, True),
        ("none", False, False, False, False),
    ],
)
def test_who_may_act(viewer: str, ask: bool, self_review: bool, manager_review: bool, reopen: bool) -> None:
    who = caller_of(viewer)
    assert policy.can_ask_peers(who, THE_REP) is ask
    assert policy.can_self_review(who, THE_REP) is self_review
    assert policy.can_manager_review(who, THE_REP) is manager_review
    assert policy.can_calibrate(who, THE_REP) is manager_review
    assert policy.can_reopen(who, TEAM) is reopen


def test_the_comment_summary_needs_three() -> None:
    assert [policy.comment_summary_shown(n) for n in range(5)] == [False, False, False, True, True]
