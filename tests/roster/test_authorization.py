"""The authorization rules themselves: who is a full member, who is an admin, who manages a rep, who may
route a vendor's messages, and what happens to a manager who becomes a guest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.errors import NotAllowed
from bot.roster import policy, service
from bot.roster.models import Member, Role
from bot.roster.service import Caller, caller_for
from bot.slack.directory import profile_from_user
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member, profile

OURS = "T0000001"


def user(**fields: Any) -> dict[str, Any]:
    return {"id": "U1", "team_id": OURS, "is_restricted": False, "is_ultra_restricted": False} | fields


@pytest.mark.parametrize(
    ("fields", "full"),
    [
        ({}, True),
        ({"is_restricted": True}, False),
        ({"is_ultra_restricted": True}, False),
        ({"is_stranger": True}, False),
        ({"team_id": "T0OTHER"}, False),
        ({"team_id": None}, False),
        ({"enterprise_user": {"enterprise_id": "E1", "teams": [OURS, "T2"]}}, True),
        ({"enterprise_user": {"enterprise_id": "E1", "teams": ["T2"]}}, False),
        ({"enterprise_user": {"enterprise_id": "E1", "teams": None}}, False),
    ],
)
def test_full_member_of(fields: dict[str, Any], full: bool) -> None:
    assert service.full_member_of(user(**fields), OURS) is full
    assert profile_from_user(user(**fields), OURS).full_member is full


def test_a_profile_without_word_from_slack_is_not_a_full_member() -> None:
    assert service.SlackProfile("U1", "x", None, None, False, False, False).full_member is False


def as_caller(session: Session, m: Member, admins: frozenset[str] = frozenset()) -> Caller:
    return caller_for(m, ensure_workspace(session, TEAM), admins)


def test_guests_are_never_admins_or_managers(session: Session) -> None:
    listed = member(session, "UADMIN", full_member=False)
    slack_admin = member(session, "USLACK", is_admin=True, full_member=False)
    manager = member(session, "UMGR", role=Role.MANAGER, full_member=False)
    admins = frozenset({"UADMIN"})
    assert as_caller(session, listed, admins).role is Role.REP
    assert as_caller(session, slack_admin, admins).role is Role.REP
    assert as_caller(session, manager, admins).role is Role.REP
    full = member(session, "UFULL")
    assert as_caller(session, full, frozenset({"UFULL"})).role is Role.ADMIN


def test_a_guest_cannot_be_made_a_manager(session: Session) -> None:
    guest = member(session, "UGUEST", full_member=False)
    with pytest.raises(NotAllowed) as refused:
        service.add_manager(guest)
    assert refused.value.key == "manager.not_full_member"
    assert guest.role is Role.REP


def test_a_manager_who_becomes_a_guest_loses_the_role_and_their_team(session: Session) -> None:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    rep = member(session, "UREP")
    service.add_to_team(as_caller(session, boss), reps=[rep], manager=boss, vendor=None)
    session.flush()
    now = datetime(2026, 11, 1, tzinfo=UTC)
    demoted = service.save_profile(
        session, team_id=TEAM, profile=profile("UBOSS", full_member=False), now=now
    )
    assert demoted.role is Role.REP
    session.flush()
    assert rep.manager_id is None
    assert service.team_size_at(session, team_id=TEAM, manager_id=boss.id, at=now) == 0


def test_can_manage_is_the_reps_current_manager_or_an_admin(session: Session) -> None:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    other = member(session, "UOTHER", role=Role.MANAGER)
    rep = member(session, "UREP")
    service.add_to_team(as_caller(session, boss), reps=[rep], manager=boss, vendor=None)
    admin = as_caller(session, member(session, "UADMIN"), frozenset({"UADMIN"}))
    assert policy.can_manage(as_caller(session, boss), rep)
    assert not policy.can_manage(as_caller(session, other), rep)
    assert policy.can_manage(admin, rep)
    assert not policy.can_manage(as_caller(session, rep), rep)
    service.add_to_team(admin, reps=[rep], manager=other, vendor=None)  # moved
    assert not policy.can_manage(as_caller(session, boss), rep)
    assert policy.can_manage(as_caller(session, other), rep)
    stranger = member(session, "UELSE", team_id="T0OTHER")
    assert not policy.can_manage(admin, stranger)  # another workspace's member


def test_can_route_vendor(session: Session) -> None:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    other = member(session, "UOTHER", role=Role.MANAGER)
    acme = service.add_vendor(session, team_id=TEAM, name="Acme", contact_user_id=None)
    reps = [member(session, "UREP1"), member(session, "UREP2")]
    admin = as_caller(session, member(session, "UADMIN"), frozenset({"UADMIN"}))
    assert not policy.can_route_vendor(as_caller(session, boss), [])  # no reps: admins only
    assert policy.can_route_vendor(admin, [])
    service.add_to_team(as_caller(session, boss), reps=reps, manager=boss, vendor=acme)
    session.flush()
    assert service.vendor_reps(session, acme) == reps
    assert policy.can_route_vendor(as_caller(session, boss), reps)
    assert not policy.can_route_vendor(as_caller(session, other), reps)
    assert not policy.can_route_vendor(as_caller(session, reps[0]), reps)
    service.add_to_team(admin, reps=[reps[1]], manager=other, vendor=None)
    assert not policy.can_route_vendor(as_caller(session, boss), reps)
    with pytest.raises(NotAllowed):
        service.route_vendor(session, as_caller(session, boss), acme, "C1")
    assert acme.channel_id is None
    service.route_vendor(session, admin, acme, "C1")
    assert acme.channel_id == "C1"


def test_team_size_is_read_from_the_membership_at_a_moment(session: Session) -> None:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    reps = [member(session, f"UREP{n}") for n in range(4)]
    caller = as_caller(session, boss)
    first, later = datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 11, 15, tzinfo=UTC)
    service.add_to_team(caller, reps=reps[:2], manager=boss, vendor=None, now=first)
    service.add_to_team(caller, reps=reps[2:], manager=boss, vendor=None, now=later)  # padding
    service.remove_from_team(caller, reps[0], now=later)
    session.flush()
    size = service.team_size_at
    assert size(session, team_id=TEAM, manager_id=boss.id, at=datetime(2026, 11, 1, tzinfo=UTC)) == 2
    assert size(session, team_id=TEAM, manager_id=boss.id, at=datetime(2026, 12, 1, tzinfo=UTC)) == 3
    assert size(session, team_id=TEAM, manager_id=boss.id, at=datetime(2026, 10, 1, tzinfo=UTC)) == 0


def test_the_migration_records_todays_teams_and_asks_slack_again(tmp_path: Path) -> None:
    from sqlalchemy import text

    from bot.db import make_engine
    from bot.db.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    upgrade(engine, "0003")
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO workspaces (team_id, timezone, nudge_weekday, nudge_time, reminder_delay_hours,"
                " feedback_day, language, created_at, updated_at) VALUES ('T0000001', 'UTC', 0, '09:00:00',"
                " 24, 0, 'en', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        for n, (user, role, manager) in enumerate((("UBOSS", "manager", None), ("UREP", "rep", 1)), 1):
            db.execute(
                text(
                    "INSERT INTO members (id, team_id, user_id, display_name, role, is_slack_admin, on_team,"
                    " manager_id, active, refreshed_at, created_at) VALUES (:id, 'T0000001', :user, '',"
                    " :role, 0, :on_team, :manager, 1, '2026-11-30 00:00:00', '2026-02-01 00:00:00')"
                ),
                {"id": n, "user": user, "role": role, "on_team": manager is not None, "manager": manager},
            )
    upgrade(engine)
    with engine.connect() as db:
        members = db.execute(text("SELECT user_id, full_member, refreshed_at FROM members")).all()
        assert {(user, bool(full), at) for user, full, at in members} == {
            ("UBOSS", False, None),
            ("UREP", False, None),
        }
        (membership,) = db.execute(
            text("SELECT rep_id, manager_id, started_at, ended_at FROM team_memberships")
        )
        assert tuple(membership)[:2] == (2, 1) and membership[3] is None
        assert str(membership[2]).startswith("2026-02-01")
    engine.dispose()
