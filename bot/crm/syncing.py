"""One `crm-sync` unit: a workspace's connection whose next try has come, synced incrementally.

The connector is built from the sealed credentials (`sync.connector_for`); the CRM's users are kept and
new ones matched to members by their Slack email (`users.info`); then `sync.sync_connection` reads from
the stored cursor and hands the rows to `record_rows`. A failure is stored on the connection (backed off
by `sync.py`) and reported to the admins once a day: the outbox key names the workspace, connector and
day, so the next failures of that day find it taken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.crm import messages, owners
from bot.crm.actuals import record_rows
from bot.crm.integrations.base import TOKEN_CACHES, ConnectorError, TokenCaches
from bot.crm.integrations.models import CrmConnection, Provider
from bot.crm.integrations.sync import SyncResult, Window, connector_for, failed, sync_connection
from bot.crm.settings import CrmSettings
from bot.delivery.service import enqueue
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.secrets import Vault
from bot.workspaces.models import Workspace

logger = logging.getLogger(__name__)
MAX_EMAIL_LOOKUPS = 300  # users.info calls for one sync that met new CRM users
EmailsOf = Callable[[str, Collection[str]], Mapping[str, str]]  # team, user ids → {email: user id}


def slack_emails(client_for: Callable[[str], WebClient]) -> EmailsOf:
    """Members' Slack emails by `users.info` (needs `users:read.email`); a failed call is skipped."""

    def emails(team_id: str, user_ids: Collection[str]) -> Mapping[str, str]:
        client, found = client_for(team_id), {}
        for user_id in sorted(user_ids)[:MAX_EMAIL_LOOKUPS]:
            try:
                user = client.users_info(user=user_id).get("user") or {}
            except SlackApiError as error:
                logger.info("users.info failed: %s", error.response.get("error"))
                continue
            email = str((user.get("profile") or {}).get("email") or "").strip().lower()
            if email and not user.get("deleted"):
                found[email] = user_id
        return found

    return emails


@dataclass
class SyncTools:
    vault: Vault
    settings: CrmSettings
    http: httpx.Client
    emails_of: EmailsOf
    caches: TokenCaches = field(default_factory=lambda: TOKEN_CACHES)


def due(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(connection id, team id) of each connection whose next try has come."""
    query = select(CrmConnection.id, CrmConnection.team_id).where(
        or_(CrmConnection.next_try_at.is_(None), CrmConnection.next_try_at <= now)
    )
    return [(row.id, row.team_id) for row in session.execute(query.order_by(CrmConnection.id))]


def match_members(session: Session, team_id: str, emails_of: EmailsOf) -> int:
    """Unlinked owners matched to members by Slack email; no Slack call when none is unlinked."""
    if not owners.unlinked_emails(session, team_id):
        return 0
    user_ids = set(session.scalars(select(Member.user_id).where(Member.team_id == team_id, Member.active)))
    return owners.match_by_email(session, team_id, emails_of(team_id, user_ids))


def window(workspace: Workspace, now: datetime) -> Window:
    """From the start of last year to today, in the workspace's zone; the cursor narrows what is read."""
    today = calendar.local_date(now, calendar.workspace_zone(workspace))
    return Window(date(today.year - 1, 1, 1), today, today)


def sync_one(session: Session, connection_id: int, tools: SyncTools, *, now: datetime) -> SyncResult:
    connection = session.get_one(CrmConnection, connection_id)
    options: dict[str, object] = {}
    if connection.provider is Provider.FXIAOKE:
        options["clouds"] = tools.settings.clouds()
    try:
        connector = connector_for(
            connection,
            tools.vault,
            tools.http,
            zoho_app=tools.settings.zoho_app(),
            caches=tools.caches,
            centres=tools.settings.centres(),
            **options,
        )
        new = owners.remember(session, connection.team_id, connection.provider, connector.list_owners())
    except ConnectorError as error:
        failed(connection, error, now)
        session.flush()
        result = SyncResult(0, connection.last_error)
    else:
        if new:
            match_members(session, connection.team_id, tools.emails_of)
        result = sync_connection(
            session,
            connection,
            connector,
            owner_map=owners.owner_map(session, connection.team_id, connection.provider),
            record_rows=record_rows,
            window=window(session.get_one(Workspace, connection.team_id), now),
            now=now,
        )
    if result.error:
        report_failure(session, connection, now=now)
    return result


def report_failure(session: Session, connection: CrmConnection, *, now: datetime) -> int:
    """The failure to the admin who connected (else the workspace's Slack admins), once a day."""
    workspace = session.get_one(Workspace, connection.team_id)
    day = calendar.local_date(now, calendar.workspace_zone(workspace))
    query = select(Member).where(Member.team_id == connection.team_id, Member.active)
    admins = [m for m in session.scalars(query) if m.user_id == connection.connected_by] or [
        m for m in session.scalars(query.where(Member.is_slack_admin))
    ]
    provider = connection.provider.value
    outgoing = [
        messages.sync_failed(
            admin, provider, connection.last_error, day=day, locale=locale_of(admin, workspace)
        )
        for admin in admins
    ]
    return enqueue(session, outgoing, now=now)
