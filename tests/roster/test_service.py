"""Roster rules against a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.errors import Conflict, Invalid, NotAllowed, NotFound
from bot.roster import service
from bot.roster.models import Role
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member, profile


def caller(session: Session, user_id: str, role: Role = Role.MANAGER, admins: frozenset[str] = frozenset()):
    m = member(session, user_id, role=role)
    return service.caller_for(m, ensure_workspace(session, TEAM), admins)


def test_admin_comes_from_slack_or_pacer_admins(session: Session) -> None:
    workspace = ensure_workspace(session, TEAM)
    owner = member(session, "UOWNER", is_admin=True)
    listed = member(session, "ULISTED")
    plain = member(session, "UPLAIN")
    admins = frozenset({"ULISTED"})
    assert service.caller_for(owner, workspace, admins).role is Role.ADMIN
    assert service.caller_for(listed, workspace, admins).role is Role.ADMIN
    assert service.caller_for(plain, workspace, admins).role is Role.REP


def test_language_override_then_slack_then_workspace(session: Session) -> None:
    workspace = ensure_workspace(session, TEAM)
    workspace.language = "zh"
    french = member(session, "UFR", slack_locale="fr-FR")
    chinese = member(session, "UZH", slack_locale="zh-CN")
    assert service.locale_of(french, workspace) == "zh"  # no Pacer language for French: workspace default
    assert service.locale_of(chinese, workspace) == "zh"
    service.set_language(chinese, "en")
    assert service.locale_of(chinese, workspace) == "en"
    with pytest.raises(Invalid):
        service.set_language(chinese, "fr")


def test_deleted_or_bot_users_become_inactive(session: Session) -> None:
    rep = member(session, "UREP")
    assert rep.active
    service.save_profile(session, team_id=TEAM, profile=profile("UREP", deleted=True), now=utcnow())
    assert not rep.active
    with pytest.raises(NotFound):
        service.require_active([rep])


def test_profile_staleness(session: Session) -> None:
    rep = member(session, "UREP")
    assert not service.profile_is_stale(rep, utcnow())
    assert service.profile_is_stale(rep, utcnow() + timedelta(days=2))


def test_vendors_are_unique_case_insensitively(session: Session) -> None:
    ensure_workspace(session, TEAM)
    vendor = service.add_vendor(session, team_id=TEAM, name="  Acme   Sales ", contact_user_id=None)
    assert vendor.name == "Acme Sales"
    with pytest.raises(Conflict):
        service.add_vendor(session, team_id=TEAM, name="ACME sales", contact_user_id=None)
    with pytest.raises(NotFound) as missing:
        service.vendor_named(session, team_id=TEAM, name="Globex")
    assert missing.value.values["known"] == "Acme Sales"
    with pytest.raises(Invalid):
        service.add_vendor(session, team_id=TEAM, name="x" * 81, contact_user_id=None)


def test_vendors_are_scoped_to_the_workspace(session: Session) -> None:
    ensure_workspace(session, TEAM)
    ensure_workspace(session, "T0OTHER")
    service.add_vendor(session, team_id="T0OTHER", name="Acme", contact_user_id=None)
    assert service.list_vendors(session, team_id=TEAM) == []
    service.add_vendor(session, team_id=TEAM, name="Acme", contact_user_id=None)  # no clash across workspaces


def test_manager_builds_a_team_with_vendor_counts(session: Session) -> None:
    boss = caller(session, "UBOSS")
    acme = service.add_vendor(session, team_id=TEAM, name="Acme", contact_user_id="UCONTACT")
    reps = [member(session, f"UREP{i}") for i in range(3)]
    service.add_to_team(boss, reps=reps, manager=service.managing(boss, None), vendor=acme)
    session.flush()
    team = service.team_members(session, team_id=TEAM, manager_id=boss.member.id)
    assert [rep.user_id for rep in team] == ["UREP0", "UREP1", "UREP2"]
    assert team[0].vendor is not None and team[0].vendor.name == "Acme"
    assert service.list_vendors(session, team_id=TEAM) == [(acme, 3)]


def test_managers_cannot_take_other_teams_reps_but_admins_can_move_them(session: Session) -> None:
    first = caller(session, "UBOSS1")
    second = caller(session, "UBOSS2")
    admin = caller(session, "UADMIN", role=Role.REP, admins=frozenset({"UADMIN"}))
    rep = member(session, "UREP")
    service.add_to_team(first, reps=[rep], manager=first.member, vendor=None)
    with pytest.raises(NotAllowed):
        service.add_to_team(second, reps=[rep], manager=second.member, vendor=None)
    with pytest.raises(NotAllowed):
        service.managing(second, first.member)
    with pytest.raises(NotAllowed):
        service.remove_from_team(second, rep)
    service.add_to_team(admin, reps=[rep], manager=service.managing(admin, second.member), vendor=None)
    assert rep.manager_id == second.member.id


def test_team_rules(session: Session) -> None:
    boss = caller(session, "UBOSS")
    admin = caller(session, "UADMIN", role=Role.REP, admins=frozenset({"UADMIN"}))
    other_manager = member(session, "UMGR2", role=Role.MANAGER)
    with pytest.raises(Invalid):
        service.managing(admin, None)  # an admin must say whose team
    with pytest.raises(Invalid):
        service.add_to_team(boss, reps=[other_manager], manager=boss.member, vendor=None)
    with pytest.raises(Invalid):
        service.managing(admin, member(session, "UREPX"))  # not a manager
    rep = member(session, "UREP")
    with pytest.raises(Conflict):
        service.remove_from_team(boss, rep)


def test_removing_a_manager_leaves_reps_without_one(session: Session) -> None:
    boss = caller(session, "UBOSS")
    reps = [member(session, "UREP1"), member(session, "UREP2")]
    service.add_to_team(boss, reps=reps, manager=boss.member, vendor=None)
    session.flush()
    assert service.remove_manager(session, boss.member) == 2
    assert boss.member.role is Role.REP
    assert all(rep.manager_id is None and rep.on_team for rep in reps)
    with pytest.raises(Conflict):
        service.remove_manager(session, boss.member)
    service.add_manager(boss.member)
    with pytest.raises(Conflict):
        service.add_manager(boss.member)
