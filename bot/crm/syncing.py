"""One `crm-sync` unit: a workspace's connection whose next try has come, synced incrementally.

The connector is built from the sealed credentials (`sync.connector_for`); the CRM's users are kept and
new ones matched to members by their Slack email (`users.info`); an owner linked so has had their rows
skipped before, so that sync reads the whole window (`owners` resets the cursor). Then
`sync.sync_connection` reads from the stored cursor and hands the rows to `record_rows`. A failure is
stored on the connection (backed off by `sync.py`) and reported to the admins once a day: the outbox
key names the workspace, connector and day, so the next failures of that day find it taken.
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
from bot.crm.integrations.fxiaoke import FxiaokeConnector
from bot.crm.integrations.models import CrmConnection, CrmOwner, Provider
from bot.crm.integrations.sync import SyncResult, Window, connector_for, failed, sync_connection
from bot.crm.integrations.zoho import ZohoConnector
from bot.crm.settings import CrmSettings
from bot.delivery.service import enqueue
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.secrets import Vault
from bot.workspaces.models import Workspace

logger = logging.getLogger(__name__)
MAX_EMAIL_LOOKUPS = 300  # users.info calls for one matching; more members are looked up in turns
TURN_SECONDS = 15 * 60  # a matching in another quarter hour looks up the next members
EmailsOf = Callable[[str, Collection[str]], Mapping[str, str]]  # team, user ids → {email: user id}


def slack_emails(client_for: Callable[[str], WebClient]) -> EmailsOf:
    """Members' Slack emails by `users.info` (needs `users:read.email`); a failed call is skipped."""

    def emails(team_id: str, user_ids: Collection[str]) -> Mapping[str, str]:
        client, found = client_for(team_id), {}
        for user_id in list(user_ids)[:MAX_EMAIL_LOOKUPS]:
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
    """(connection id, team id) of each connection whose next try has come (and that has credentials:
    none after an uninstall, `connecting.forget`)."""
    query = select(CrmConnection.id, CrmConnection.team_id).where(
        or_(CrmConnection.next_try_at.is_(None), CrmConnection.next_try_at <= now),
        CrmConnection.credentials != "",
    )
    return [(row.id, row.team_id) for row in session.execute(query.order_by(CrmConnection.id))]


def match_members(session: Session, team_id: str, emails_of: EmailsOf, *, now: datetime) -> int:
    """Unlinked owners matched to members by Slack email; no Slack call when none is unlinked. Only the
    active members no owner counts for yet are looked up, at most `MAX_EMAIL_LOOKUPS` (`this_turn`)."""
    if not owners.unlinked_emails(session, team_id):
        return 0
    linked = select(CrmOwner.member_id).where(CrmOwner.team_id == team_id, CrmOwner.member_id.is_not(None))
    query = select(Member.user_id).where(Member.team_id == team_id, Member.active, Member.id.not_in(linked))
    user_ids = this_turn(sorted(session.scalars(query)), now)
    if not user_ids:
        return 0
    return owners.match_by_email(session, team_id, emails_of(team_id, user_ids), now=now)


def this_turn(user_ids: list[str], now: datetime) -> list[str]:
    """At most `MAX_EMAIL_LOOKUPS` of the ids: in a workspace of more, each quarter hour the next slice
    (round the list), so that every member is looked up in turn, not only the first ones."""
    if len(user_ids) <= MAX_EMAIL_LOOKUPS:
        return user_ids
    turns = -(-len(user_ids) // MAX_EMAIL_LOOKUPS)
    start = int(now.timestamp()) // TURN_SECONDS % turns * MAX_EMAIL_LOOKUPS
    return (user_ids[start:] + user_ids[:start])[:MAX_EMAIL_LOOKUPS]


def window(workspace: Workspace, now: datetime) -> Window:
    """From the start of last year to today, in the workspace's zone; the cursor narrows what is read."""
    today = calendar.local_date(now, calendar.workspace_zone(workspace))
    return Window(date(today.year - 1, 1, 1), today, today)


def sync_one(session: Session, connection_id: int, tools: SyncTools, *, now: datetime) -> SyncResult:
    connection = session.get_one(CrmConnection, connection_id)
    options: dict[str, object] = {}
    if connection.provider is Provider.FXIAOKE:
        options["clouds"] = tools.settings.clouds()

    def build() -> ZohoConnector | FxiaokeConnector:
        return connector_for(
            connection,
            tools.vault,
            tools.http,
            zoho_app=tools.settings.zoho_app(),
            caches=tools.caches,
            centres=tools.settings.centres(),
            **options,
        )

    try:
        connector, cursor = build(), connection.cursor
        new = owners.remember(session, connection.team_id, connection.provider, connector.list_owners())
        linked = match_members(session, connection.team_id, tools.emails_of, now=now) if new else 0
        if linked and cursor and not connection.cursor:  # their earlier rows too: from the window's start
            connector = build()
    except ConnectorError as error:
        failed(connection, error, now)
        session.flush()
        result = SyncResult(0, connection.last_error)
    else:
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
