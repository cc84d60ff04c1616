"""What every listener needs, built once by the app factory and handed to each feature's `register`."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot import calendar
from bot.config import Settings
from bot.db import SessionFactory, utcnow
from bot.events import Events
from bot.i18n import DEFAULT_LOCALE, Locale
from bot.roster.service import Caller, caller_for, find_member, locale_of
from bot.roster.snapshot import WorkspaceRow
from bot.slack.directory import Directory
from bot.slack.sections import Pages
from bot.workspaces.models import Workspace

if TYPE_CHECKING:
    from bot.slack.clients import Clients

CALLER_KEY = "pacer_caller"  # the Bolt context's slot for the request's resolved caller


@dataclass(frozen=True)
class _Resolved:
    """A request's caller and their workspace, kept in the Bolt context for the rest of the request."""

    team_id: str
    user_id: str
    caller: Caller
    workspace: WorkspaceRow


def _caller_ids(body: dict[str, Any]) -> tuple[str, str]:
    """Team and user of a verified payload: a slash command names them at the top, an interaction in
    `team` and `user`."""
    if "command" in body:
        return str(body["team_id"]), str(body["user_id"])
    return str(body["team"]["id"]), str(body["user"]["id"])


@dataclass
class Deps:
    settings: Settings
    session_factory: SessionFactory
    client: WebClient
    directory: Directory
    kick: Callable[[], None] = lambda: None  # wakes the outbox sender after something was queued
    clock: Callable[[], datetime] = utcnow  # what time listeners believe it is (tests move it)
    # Called after a listener changed data that people see elsewhere (the Home tab): team id, user ids.
    on_change: Callable[[str, list[str]], None] = lambda team_id, user_ids: None
    pages: Pages = field(
        default_factory=Pages
    )  # the Home, digest and setup sections of every feature in the list
    # Domain events (bot/events.py): features subscribe here; the app factory attaches it to the sessions.
    events: Events = field(default_factory=Events)
    # A client per workspace (OAuth mode): what code outside Bolt's request (after-commit handlers,
    # event subscribers, error reports) acts with. None: `client` for every workspace.
    clients: Clients | None = None

    def client_for(self, team_id: str) -> WebClient:
        """The client that acts in `team_id` (its own token in OAuth mode); NotInstalled when Pacer is
        not installed there."""
        return self.clients.for_team(team_id) if self.clients is not None else self.client

    def caller(self, team_id: str, user_id: str) -> Caller:
        """The verified user behind a request, as a member of `team_id` (created on first sight)."""
        member, workspace = self.directory.caller(team_id, user_id)
        return caller_for(member, workspace, self.settings.pacer_admins)

    def caller_of(self, body: dict[str, Any], context: MutableMapping[str, Any]) -> Caller:
        """The caller of a request (a slash command, a button, a modal), resolved once per request with
        one query: later calls in the same request (middleware, the listener, the error handler, which
        also takes their language from it) reuse it from the Bolt `context`, which is the request's own."""
        team_id, user_id = _caller_ids(body)
        resolved = _resolved(context, team_id, user_id)
        if resolved is not None:
            return resolved.caller
        member, workspace = self.directory.caller(team_id, user_id)
        caller = caller_for(member, workspace, self.settings.pacer_admins)
        context[CALLER_KEY] = _Resolved(team_id, user_id, caller, workspace)
        context["pacer_locale"] = caller.locale
        return caller

    def zone_of(
        self, team_id: str | None, user_id: str | None, context: MutableMapping[str, Any] | None = None
    ) -> ZoneInfo:
        """The user's time zone (else the workspace's, else UTC), for moments in a reply; from the
        request's resolved caller when there is one (see `caller_of`), else from the database."""
        resolved = _resolved(context, team_id, user_id)
        if resolved is not None:
            return calendar.first_zone(resolved.caller.member.timezone, resolved.workspace.timezone)
        with self.session_factory() as session:
            workspace = session.get(Workspace, team_id) if team_id else None
            member = find_member(session, team_id=team_id, user_id=user_id) if team_id and user_id else None
            if workspace is None or member is None:
                return calendar.UTC
            return calendar.member_zone(member, workspace)

    def locale_of(
        self, team_id: str | None, user_id: str | None, context: MutableMapping[str, Any] | None = None
    ) -> Locale:
        """The user's language for a reply (e.g. in the error handler): the resolved caller's when the
        request has one (see `caller_of`), else the one rule, `roster.service.locale_of`."""
        resolved = _resolved(context, team_id, user_id)
        if resolved is not None:
            return resolved.caller.locale
        if not team_id or not user_id:
            return DEFAULT_LOCALE
        with self.session_factory() as session:
            workspace = session.get(Workspace, team_id)
            member = find_member(session, team_id=team_id, user_id=user_id)
            if workspace is None or member is None:
                return DEFAULT_LOCALE
            return locale_of(member, workspace)


def _resolved(
    context: MutableMapping[str, Any] | None, team_id: str | None, user_id: str | None
) -> _Resolved | None:
    """The request's resolved caller, if it is the one asked about."""
    resolved = context.get(CALLER_KEY) if context is not None else None
    if isinstance(resolved, _Resolved) and (resolved.team_id, resolved.user_id) == (team_id, user_id):
        return resolved
    return None
