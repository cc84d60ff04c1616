"""Roster rules: who is who, who may do what, and who reports to whom. No Slack imports here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, object_session, selectinload

from bot import calendar
from bot.db import utcnow
from bot.db.engine import upsert_statement
from bot.errors import Conflict, Invalid, NotAllowed, NotFound
from bot.i18n import Locale, is_locale, locale_from_slack
from bot.roster.models import Member, Role, TeamMembership, Vendor
from bot.roster.policy import Caller as Caller  # noqa: PLC0414 - re-exported: most code imports it from here
from bot.roster.policy import can_act_for, can_move_rep, can_route_vendor, can_take_off_team
from bot.roster.snapshot import Known, WorkspaceRow
from bot.workspaces.models import Workspace

PROFILE_MAX_AGE = timedelta(days=1)
VENDOR_NAME_MAX = 80


@dataclass(frozen=True)
class SlackProfile:
    """What Pacer keeps of a Slack user, already translated from `users.info`."""

    user_id: str
    display_name: str
    timezone: str | None
    slack_locale: str | None
    is_admin: bool  # a Slack workspace owner or admin
    deleted: bool
    is_bot: bool
    # A full member of the installing workspace: not a guest, not someone from another organisation
    # met in a shared channel. Only full members may be admins or managers (see `full_member_of`).
    full_member: bool = False


def find_member(session: Session, *, team_id: str, user_id: str) -> Member | None:
    return session.scalar(select(Member).where(Member.team_id == team_id, Member.user_id == user_id))


def profile_is_stale(member: Known, now: datetime) -> bool:
    return member.refreshed_at is None or now - member.refreshed_at > PROFILE_MAX_AGE


def save_profile(session: Session, *, team_id: str, profile: SlackProfile, now: datetime) -> Member:
    """Create or refresh the member for a Slack user (an upsert: two first requests at once are fine);
    a deleted user or a bot becomes inactive."""
    facts = {
        "display_name": profile.display_name[:120],
        "timezone": profile.timezone,
        "slack_locale": profile.slack_locale,
        "is_slack_admin": profile.is_admin,
        "full_member": profile.full_member,
        "active": not (profile.deleted or profile.is_bot),
        "refreshed_at": now,
    }
    statement = upsert_statement(session, Member).values(
        team_id=team_id, user_id=profile.user_id, role=Role.REP, on_team=False, created_at=now, **facts
    )
    session.execute(statement.on_conflict_do_update(index_elements=["team_id", "user_id"], set_=facts))
    member = session.execute(
        select(Member)
        .where(Member.team_id == team_id, Member.user_id == profile.user_id)
        .execution_options(populate_existing=True)
    ).scalar_one()
    if member.role is Role.MANAGER and not member.full_member:
        remove_manager(session, member, now=now)  # became a guest, or left for another organisation
    return member


def full_member_of(user: dict[str, object], team_id: str) -> bool:
    """Whether a Slack user object (`users.info`, `user_change`) is a full member of workspace `team_id`:
    its team id is the workspace's, it is no single- or multi-channel guest, and it is no external user
    of a shared channel (a "stranger", or an Enterprise Grid user whose teams do not include this one)."""
    if user.get("team_id") != team_id:
        return False
    if user.get("is_restricted") or user.get("is_ultra_restricted") or user.get("is_stranger"):
        return False
    enterprise = user.get("enterprise_user")
    if isinstance(enterprise, dict) and "teams" in enterprise:
        teams = enterprise.get("teams")
        return isinstance(teams, list) and team_id in teams
    return True


def role_of(member: Known, admins: frozenset[str]) -> Role:
    """The role a request is served in. A guest or an external user is a rep whatever else is true of
    them (in PACER_ADMINS, a Slack admin of their own organisation, or once made a manager)."""
    if not member.full_member:
        return Role.REP
    if member.is_slack_admin or member.user_id in admins:
        return Role.ADMIN
    return member.role


def locale_of(member: Known | None, workspace: Workspace | WorkspaceRow) -> Locale:
    """The one rule for the language Pacer speaks to someone: the one they chose (`/pacer language`), else
    their Slack language, else the workspace's default, which is also the language of a channel and of
    someone Pacer does not know (`member` None)."""
    if member is not None and is_locale(member.language):
        return member.language
    from_slack = locale_from_slack(member.slack_locale) if member is not None else None
    if from_slack is not None:
        return from_slack
    return workspace.language if is_locale(workspace.language) else "en"


def caller_for(member: Known, workspace: Workspace | WorkspaceRow, admins: frozenset[str]) -> Caller:
    return Caller(member=member, role=role_of(member, admins), locale=locale_of(member, workspace))


def set_language(member: Member, language: str) -> None:
    if not is_locale(language):
        raise Invalid("language.unknown", language=language)
    member.language = language


def deactivate(session: Session, member_id: int) -> None:
    """Slack says this person is gone (deleted, deactivated): stop addressing them."""
    member = session.get(Member, member_id)
    if member is not None:
        member.active = False


def country_code(code: str) -> str | None:
    """A country Pacer knows public holidays for ("CN", "US", …), or None for "none"."""
    if code.upper() == "NONE":
        return None
    if not calendar.knows_holidays(code.upper()):
        raise Invalid("country.unknown", code=code)
    return code.upper()


def current_manager(session: Session, rep: Member) -> Member | None:
    """The manager whose team the rep is on now, if any."""
    if not rep.on_team or rep.manager_id is None:
        return None
    return session.get(Member, rep.manager_id)


def rep_and_manager(session: Session, rep: Member) -> list[str]:
    """The Slack ids of a rep and their manager: who sees a change to the rep's goals or check-ins."""
    manager = current_manager(session, rep)
    return [rep.user_id, *([manager.user_id] if manager is not None else [])]


def require_active(members: Iterable[Member]) -> None:
    for member in members:
        if not member.active:
            raise NotFound("member.inactive", user=member.user_id)


# --- managers -------------------------------------------------------------------------------


def add_manager(member: Member) -> None:
    require_active([member])
    if not member.full_member:
        raise NotAllowed("manager.not_full_member", user=member.user_id)
    if member.role is Role.MANAGER:
        raise Conflict("manager.already", user=member.user_id)
    member.role = Role.MANAGER
    member.on_team = False
    member.manager_id = None


def remove_manager(session: Session, member: Member, *, now: datetime | None = None) -> int:
    """Make a manager a rep again; their reps are left without a manager. Returns how many."""
    if member.role is not Role.MANAGER:
        raise Conflict("manager.not_one", user=member.user_id)
    reps = team_members(session, team_id=member.team_id, manager_id=member.id)
    for rep in reps:
        _leave_team(session, rep, now or utcnow())
        rep.manager_id = None
    member.role = Role.REP
    return len(reps)


# --- vendors --------------------------------------------------------------------------------


def vendor_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def add_vendor(session: Session, *, team_id: str, name: str, contact_user_id: str | None) -> Vendor:
    name = " ".join(name.split())
    if not name or len(name) > VENDOR_NAME_MAX:
        raise Invalid("vendor.name_length", max=VENDOR_NAME_MAX)
    existing = find_vendor(session, team_id=team_id, name=name)
    if existing is not None:
        raise Conflict("vendor.duplicate", name=existing.name)
    vendor = Vendor(team_id=team_id, name=name, name_key=vendor_key(name), contact_user_id=contact_user_id)
    session.add(vendor)
    session.flush()
    return vendor


def find_vendor(session: Session, *, team_id: str, name: str) -> Vendor | None:
    return session.scalar(
        select(Vendor).where(Vendor.team_id == team_id, Vendor.name_key == vendor_key(name))
    )


def vendor_named(session: Session, *, team_id: str, name: str) -> Vendor:
    vendor = find_vendor(session, team_id=team_id, name=name)
    if vendor is None:
        known = ", ".join(v.name for v, _ in list_vendors(session, team_id=team_id)) or "—"
        raise NotFound("vendor.unknown", name=name, known=known)
    return vendor


def vendor_reps(session: Session, vendor: Vendor) -> list[Member]:
    """The reps on a team whom this vendor employs: whose digest and escalations its channel receives."""
    return list(
        session.scalars(
            select(Member).where(
                Member.team_id == vendor.team_id, Member.vendor_id == vendor.id, Member.on_team.is_(True)
            )
        )
    )


def route_vendor(session: Session, caller: Caller, vendor: Vendor, channel_id: str) -> None:
    """Post the vendor's digest and send its escalations to `channel_id`, if the caller may decide that."""
    if vendor.team_id != caller.team_id:
        raise NotFound("vendor.unknown", name=vendor.name, known="—")
    if not can_route_vendor(caller, vendor_reps(session, vendor)):
        raise NotAllowed("vendor.channel_not_yours", vendor=vendor.name)
    vendor.channel_id = channel_id


def list_vendors(session: Session, *, team_id: str) -> list[tuple[Vendor, int]]:
    """Vendors with how many active reps on a team each employs."""
    reps = (
        select(Member.vendor_id, func.count().label("reps"))
        .where(Member.team_id == team_id, Member.on_team.is_(True), Member.active.is_(True))
        .group_by(Member.vendor_id)
        .subquery()
    )
    rows = session.execute(
        select(Vendor, func.coalesce(reps.c.reps, 0))
        .outerjoin(reps, reps.c.vendor_id == Vendor.id)
        .where(Vendor.team_id == team_id)
        .order_by(Vendor.name_key)
    )
    return [(vendor, int(count)) for vendor, count in rows]


# --- teams ----------------------------------------------------------------------------------


def team_members(session: Session, *, team_id: str, manager_id: int | None = None) -> Sequence[Member]:
    """Reps on a team (one manager's, or every team's), with manager and vendor loaded."""
    query = (
        select(Member)
        .where(Member.team_id == team_id, Member.on_team.is_(True))
        .options(selectinload(Member.manager), selectinload(Member.vendor))
        .order_by(Member.manager_id, Member.display_name)
    )
    if manager_id is not None:
        query = query.where(Member.manager_id == manager_id)
    return session.scalars(query).all()


def managing(caller: Caller, manager: Member | None) -> Known:
    """The manager a team command acts for: the caller, or (admins only) the one they named."""
    if manager is None:
        if caller.role is Role.MANAGER:
            return caller.member
        raise Invalid("team.which_manager")
    if not can_act_for(caller, manager):
        raise NotAllowed("team.only_admin_other_manager")
    if manager.role is not Role.MANAGER:
        raise Invalid("team.not_a_manager", user=manager.user_id)
    require_active([manager])
    return manager


def add_to_team(
    caller: Caller,
    *,
    reps: Sequence[Member],
    manager: Known,
    vendor: Vendor | None,
    now: datetime | None = None,
) -> None:
    require_active(reps)
    for rep in reps:
        if rep.id == manager.id or rep.role is Role.MANAGER:
            raise Invalid("team.is_manager", user=rep.user_id)
        if not can_move_rep(caller, rep, manager):
            raise NotAllowed("team.on_other_team", user=rep.user_id)
    for rep in reps:
        if not (rep.on_team and rep.manager_id == manager.id):
            session = object_session(rep)
            if session is not None:
                _leave_team(session, rep, now or utcnow())
                session.add(
                    TeamMembership(
                        team_id=rep.team_id, rep_id=rep.id, manager_id=manager.id, started_at=now or utcnow()
                    )
                )
        rep.on_team = True
        rep.manager_id = manager.id
        if vendor is not None:
            rep.vendor_id = vendor.id


def remove_from_team(caller: Caller, rep: Member, *, now: datetime | None = None) -> None:
    if not rep.on_team:
        raise Conflict("team.not_on_team", user=rep.user_id)
    if not can_take_off_team(caller, rep):
        raise NotAllowed("team.not_your_rep", user=rep.user_id)
    session = object_session(rep)
    if session is not None:
        _leave_team(session, rep, now or utcnow())
    rep.on_team = False
    rep.manager_id = None


def _leave_team(session: Session, rep: Member, now: datetime) -> None:
    session.execute(
        update(TeamMembership)
        .where(TeamMembership.rep_id == rep.id, TeamMembership.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )


def team_size_at(session: Session, *, team_id: str, manager_id: int, at: datetime) -> int:
    """How many reps were on the manager's team at `at` (from the membership record, not today's team)."""
    return int(
        session.scalar(
            select(func.count(func.distinct(TeamMembership.rep_id))).where(
                TeamMembership.team_id == team_id,
                TeamMembership.manager_id == manager_id,
                TeamMembership.started_at <= at,
                or_(TeamMembership.ended_at.is_(None), TeamMembership.ended_at > at),
            )
        )
        or 0
    )
