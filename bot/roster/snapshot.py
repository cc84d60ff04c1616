"""What a request knows of its caller: frozen copies of their member row and workspace row, read with one
Core statement (no Session, no identity map, no instance state: a third of the CPU of reading them as ORM
objects). They live as long as the request (in its Bolt context), never across requests.

`Known` is what code reads of a caller's member: the ORM `Member` and the `MemberRow` copy both have it,
so the rules (`role_of`, `locale_of`, the policies) and tests take either. Code that changes the member,
or needs its relationships, loads it in its own session: `session.get_one(Member, caller.member.id)`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, and_, bindparam, select

from bot.roster.models import Member, Role
from bot.workspaces.models import Workspace


class Known(Protocol):
    """A member as a request reads it (an ORM `Member` or a `MemberRow`): who they are, what decides their
    role (`role_of`), their language (`locale_of`) and zone, and whether their profile is stale."""

    @property
    def id(self) -> int: ...
    @property
    def team_id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def is_slack_admin(self) -> bool: ...
    @property
    def full_member(self) -> bool: ...
    @property
    def timezone(self) -> str | None: ...
    @property
    def slack_locale(self) -> str | None: ...
    @property
    def language(self) -> str | None: ...
    @property
    def refreshed_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A copy of the `members` columns of `Known` (the columns of the same names), nothing more: every
    column read costs CPU on every request (PostgreSQL's driver describes each one)."""

    id: int
    team_id: str
    user_id: str
    role: Role
    is_slack_admin: bool
    full_member: bool
    timezone: str | None
    slack_locale: str | None
    language: str | None
    refreshed_at: datetime | None

    @classmethod
    def of(cls, member: Known) -> MemberRow:
        return cls(*(getattr(member, name) for name in MEMBER_COLUMNS))


@dataclass(frozen=True, slots=True)
class WorkspaceRow:
    """A copy of the `workspaces` columns a request reads of its caller's workspace: the fallback language
    and zone."""

    team_id: str
    language: str
    timezone: str

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
