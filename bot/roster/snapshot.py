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
# What the statement reads: not the keys it looks up by (`MemberRow` starts with id, team_id, user_id;
# `WorkspaceRow` with team_id), which the caller knows already.
_MEMBER_READ, _WORKSPACE_READ = (MEMBER_COLUMNS[0], *MEMBER_COLUMNS[3:]), WORKSPACE_COLUMNS[1:]


def caller_rows() -> Select[Any]:
    """The workspace `:team_id` and, when Pacer knows them, its member `:user_id`: both by unique index,
    the workspace's columns first, then the member's, each in its copy's order, without the keys."""
    members, workspaces = Member.__table__, Workspace.__table__
    return (
        select(*(workspaces.c[name] for name in _WORKSPACE_READ), *(members.c[name] for name in _MEMBER_READ))
        .select_from(workspaces)
        .outerjoin(
            members,
            and_(members.c.team_id == workspaces.c.team_id, members.c.user_id == bindparam("user_id")),
        )
        .where(workspaces.c.team_id == bindparam("team_id"))
    )


def from_row(row: Any, team_id: str, user_id: str) -> tuple[MemberRow | None, WorkspaceRow]:
    """The copies from a row of `caller_rows()` for `team_id` and `user_id` (no member when Pacer does not
    know them yet)."""
    split = len(_WORKSPACE_READ)
    workspace = WorkspaceRow(team_id, *row[:split])
    if row[split] is None:
        return None, workspace
    return MemberRow(row[split], team_id, user_id, *row[split + 1 :]), workspace
