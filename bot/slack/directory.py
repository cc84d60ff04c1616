"""Slack users → members: read the database first, ask `users.info` only for unknown or stale profiles."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Connection, and_, bindparam, select

from bot.db import SessionFactory, utcnow
from bot.errors import NotFound
from bot.roster import snapshot
from bot.roster.models import Member
from bot.roster.service import (
    SlackProfile,
    find_member,
    full_member_of,
    profile_is_stale,
    save_profile,
)
from bot.roster.snapshot import MemberRow, WorkspaceRow
from bot.workspaces.models import Workspace
from bot.workspaces.service import ensure_workspace

logger = logging.getLogger(__name__)
LOOKUPS_AT_ONCE = 8  # users.info calls in parallel for one command (Slack allows 100+ a minute)
# Every request's first statement: the workspace and, when Pacer knows them, the member, as frozen copies
# (bot/roster/snapshot.py). Built once, as building it cost more CPU than running it; both lookups are
# unique indexes (the workspace's primary key, and members' (team_id, user_id)).
_CALLER_ROWS = snapshot.caller_rows()
_MEMBER_AND_WORKSPACE = (  # the same, as ORM rows
    select(Workspace, Member)
    .outerjoin(Member, and_(Member.team_id == Workspace.team_id, Member.user_id == bindparam("user_id")))
    .where(Workspace.team_id == bindparam("team_id"))
)
_AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}


def profile_from_user(user: dict[str, Any], team_id: str) -> SlackProfile:
    """Translate a Slack user object (users.info, user_change) into the profile Pacer keeps in workspace
    `team_id`; a guest or an external user is no full member there."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    )
    return SlackProfile(
        user_id=str(user["id"]),
        display_name=str(name or user["id"]),
        timezone=user.get("tz") or None,
        slack_locale=user.get("locale") or None,
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        deleted=bool(user.get("deleted")),
        is_bot=bool(user.get("is_bot")) or user.get("id") == "USLACKBOT",
        full_member=full_member_of(user, team_id),
    )


class Directory:
    def __init__(
        self,
        client: WebClient,
        session_factory: SessionFactory,
        client_for: Callable[[str], WebClient] | None = None,
    ) -> None:
        self.client = client
        self.session_factory = session_factory
        self.client_for = client_for or (lambda team_id: client)  # a workspace's client (OAuth mode)

    def fetch(self, user_id: str, *, team_id: str) -> SlackProfile | None:
        """The user's profile from Slack, or None when Slack does not know them."""
        try:
            response = self.client_for(team_id).users_info(user=user_id, include_locale=True)
        except SlackApiError as error:
            if error.response.get("error") in {"user_not_found", "users_not_found"}:
                return None
            raise
        return profile_from_user(response["user"], team_id)

    def caller(self, team_id: str, user_id: str) -> tuple[MemberRow, WorkspaceRow]:
        """The member for a Slack user and their workspace, as frozen copies: one Core statement on a pooled
        connection (no Session) when Pacer knows them and their profile is fresh; otherwise asked of Slack
        (outside any transaction) and saved. Raises NotFound."""
        now = utcnow()
        engine = self.session_factory.kw["bind"]
        with engine.connect() as connection:
            row = (
                _autocommit(connection)
                .execute(_CALLER_ROWS, {"team_id": team_id, "user_id": user_id})
                .first()
            )
        if row is not None:
            member, workspace = snapshot.from_row(row, team_id, user_id)
            if member is not None and not profile_is_stale(member, now):
                return member, workspace
        saved, known = self._first_sight(team_id, user_id, now)
        return MemberRow.of(saved), WorkspaceRow.of(known)

    def member_and_workspace(self, team_id: str, user_id: str) -> tuple[Member, Workspace]:
        """`caller`, as ORM rows (detached) for code that goes on to use them in a session."""
        now = utcnow()
        with self.session_factory() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.connection(execution_options=_AUTOCOMMIT)  # see `_autocommit`
            row = session.execute(_MEMBER_AND_WORKSPACE, {"team_id": team_id, "user_id": user_id}).first()
        if row is not None and row[1] is not None and not profile_is_stale(row[1], now):
            return row[1], row[0]
        return self._first_sight(team_id, user_id, now)

    def _first_sight(self, team_id: str, user_id: str, now: datetime) -> tuple[Member, Workspace]:
        """An unknown or stale member: their profile from Slack, saved with their workspace."""
        profile = self.fetch(user_id, team_id=team_id)
        if profile is None:
            raise NotFound("member.unknown", user=user_id)
        with self.session_factory.begin() as session:
            workspace = ensure_workspace(session, team_id)
            return save_profile(session, team_id=team_id, profile=profile, now=now), workspace

    def member(self, team_id: str, user_id: str) -> Member:
        """The member for a Slack user, created or refreshed from Slack when needed. Raises NotFound."""
        return self.member_and_workspace(team_id, user_id)[0]

    def members(self, team_id: str, user_ids: list[str]) -> list[Member]:
        """`member` for several people at once, within Slack's 3 seconds: one query for those Pacer knows
        with a fresh profile, `users.info` for the others at the same time, one transaction to save them.
        Raises NotFound for the first person Slack does not know."""
        now = utcnow()
        wanted = list(dict.fromkeys(user_ids))
        with self.session_factory() as session:
            known = {
                m.user_id: m
                for m in session.scalars(
                    select(Member).where(Member.team_id == team_id, Member.user_id.in_(wanted))
                )
                if not profile_is_stale(m, now)
            }
        missing = [user_id for user_id in wanted if user_id not in known]
        if missing:
            with ThreadPoolExecutor(max_workers=min(LOOKUPS_AT_ONCE, len(missing))) as pool:
                profiles = list(pool.map(lambda user_id: self.fetch(user_id, team_id=team_id), missing))
            found = [profile for profile in profiles if profile is not None]
            if len(found) < len(missing):
                unknown = next(u for u, profile in zip(missing, profiles, strict=True) if profile is None)
                raise NotFound("member.unknown", user=unknown)
            with self.session_factory.begin() as session:
                ensure_workspace(session, team_id)
                for profile in found:
                    known[profile.user_id] = save_profile(session, team_id=team_id, profile=profile, now=now)
        return [known[user_id] for user_id in wanted]

    def active_member(self, team_id: str, user_id: str) -> Member:
        member = self.member(team_id, user_id)
        if not member.active:
            raise NotFound("member.inactive", user=user_id)
        return member

    def refresh(self, team_id: str, user: dict[str, Any]) -> None:
        """Apply a `user_change` event (only for users Pacer already knows)."""
        with self.session_factory.begin() as session:
            if find_member(session, team_id=team_id, user_id=str(user.get("id"))) is None:
                return
            save_profile(session, team_id=team_id, profile=profile_from_user(user, team_id), now=utcnow())


def _autocommit(connection: Connection) -> Connection:
    """On PostgreSQL, a lone read needs no transaction: in autocommit there is no BEGIN, and no ROLLBACK
    round trip when the connection goes back to the pool (measured: a quarter of the request's CPU, a
    third of its time); the pool puts the connection back in transactions for its next user. SQLite has no
    round trip to save, and switching its connection's mode costs more than it saves, so it keeps the
    default."""
    if connection.dialect.name == "postgresql":
        return connection.execution_options(**_AUTOCOMMIT)
    return connection
