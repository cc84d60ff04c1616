"""What a request knows of its caller: frozen copies of their member row and workspace row, read with one
Core statement (no Session, no identity map, no instance state: a third of the CPU of reading them as ORM
objects). They live as long as the request (in its Bolt context), never across requests.

`Known` is what code reads of a caller's member: the ORM `Member` and the `MemberRow` copy both have it,
so the rules (`role_of`, `locale_of`, the policies) and tests take either. Code that changes the member,
or needs its relationships, loads it in its own session: `session.get_one(Member, caller.member.id)`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Any, Protocol

from sqlalchemy import Select, and_, bindparam, select

from bot.roster.models import Member, Role
from bot.workspaces.models import Workspace


class Known(Protocol):
    """A member as a request reads it (an ORM `Member` or a `MemberRow`)."""

    @property
    def id(self) -> int: ...
    @property
    def team_id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def is_slack_admin(self) -> bool: ...
    @property
    def full_member(self) -> bool: ...
    @property
    def on_team(self) -> bool: ...
    @property
    def manager_id(self) -> int | None: ...
    @property
    def vendor_id(self) -> int | None: ...
    @property
    def timezone(self) -> str | None: ...
    @property
    def slack_locale(self) -> str | None: ...
    @property
    def language(self) -> str | None: ...
    @property
    def active(self) -> bool: ...
    @property
    def away_from(self) -> date | None: ...
    @property
    def away_until(self) -> date | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def team_channel_id(self) -> str | None: ...
    @property
    def refreshed_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A copy of a `members` row (its columns of the same names, but `created_at`)."""

    id: int
    team_id: str
    user_id: str
    display_name: str
    role: Role
    is_slack_admin: bool
    full_member: bool
    on_team: bool
    manager_id: int | None
    vendor_id: int | None
    timezone: str | None
    slack_locale: str | None
    language: str | None
    active: bool
    away_from: date | None
    away_until: date | None
    country: str | None
    team_channel_id: str | None
    refreshed_at: datetime | None

    @classmethod
    def of(cls, member: Member) -> MemberRow:
        return cls(*(getattr(member, name) for name in MEMBER_COLUMNS))


@dataclass(frozen=True, slots=True)
class WorkspaceRow:
    """A copy of a `workspaces` row (its settings; not its timestamps)."""

    team_id: str
    digest_channel_id: str | None
    timezone: str
    nudge_weekday: int
    nudge_time: time
    reminder_delay_hours: int
    feedback_day: int
    language: str
    country: str | None
    report_current_week: bool
    digest_weekday: int
    digest_time: time

    @classmethod
    def of(cls, workspace: Workspace) -> WorkspaceRow:
        return cls(*(getattr(workspace, name) for name in WORKSPACE_COLUMNS))


MEMBER_COLUMNS = tuple(field.name for field in fields(MemberRow))
WORKSPACE_COLUMNS = tuple(field.name for field in fields(WorkspaceRow))


def caller_rows() -> Select[Any]:
    """The workspace `:team_id` and, when Pacer knows them, its member `:user_id`: both by unique index,
    the workspace's columns first (in `WorkspaceRow`'s order), then the member's (in `MemberRow`'s)."""
    members, workspaces = Member.__table__, Workspace.__table__
    return (
        select(
            *(workspaces.c[name] for name in WORKSPACE_COLUMNS), *(members.c[name] for name in MEMBER_COLUMNS)
        )
        .select_from(workspaces)
        .outerjoin(
            members,
            and_(members.c.team_id == workspaces.c.team_id, members.c.user_id == bindparam("user_id")),
        )
        .where(workspaces.c.team_id == bindparam("team_id"))
    )


def from_row(row: Any) -> tuple[MemberRow | None, WorkspaceRow]:
    """The copies from a row of `caller_rows()` (no member when Pacer does not know them yet)."""
    split = len(WORKSPACE_COLUMNS)
    workspace = WorkspaceRow(*row[:split])
    return (MemberRow(*row[split:]) if row[split] is not None else None), workspace
