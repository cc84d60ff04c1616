"""Connecting a workspace to a CRM (no Slack here).

Zoho: `start_zoho` keeps a pending authorization — a random state, of which only the SHA-256 is stored,
bound to the workspace and the admin, valid `STATE_LIFETIME` — and `take_state` gives it back once, on
the callback, if it has not expired (both are given the database's clock: the callback may reach another
process). `save` stores the credentials sealed with the vault (never plain), resetting the sync's state
so the next `crm-sync` tick reads everything again, and records who connected it in the audit log
(where the CRM lives, never a credential). `forget` (Pacer removed from the workspace) deletes
them: a connection without credentials is never synced.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.crm.integrations.models import CrmConnection, CrmConnectState, Provider
from bot.crm.integrations.zoho import Grant
from bot.secrets import Secret, Vault

STATE_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class Pending:
    """Whom a callback's state belongs to."""

    team_id: str
    user_id: str
    provider: Provider


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def start_zoho(session: Session, team_id: str, user_id: str, *, now: datetime) -> str:
    """A new state for the admin's authorization; expired ones of every workspace are dropped."""
    session.execute(delete(CrmConnectState).where(CrmConnectState.expires_at <= now))
    state = secrets.token_urlsafe(32)
    session.add(
        CrmConnectState(
            digest=_digest(state),
            team_id=team_id,
            user_id=user_id,
            provider=Provider.ZOHO,
            expires_at=now + STATE_LIFETIME,
            created_at=now,
        )
    )
    session.flush()
    return state


def take_state(session: Session, state: str, *, now: datetime) -> Pending | None:
    """The pending authorization the state proves, used up; None if unknown, used or expired."""
    if not state or len(state) > 200:
        return None
    found = session.scalars(
        select(CrmConnectState).where(CrmConnectState.digest == _digest(state)).with_for_update()
    ).one_or_none()
    if found is None:
        return None
    session.delete(found)
    session.flush()
    if found.expires_at <= now:
        return None
    return Pending(found.team_id, found.user_id, found.provider)


def zoho_fields(grant: Grant) -> dict[str, Secret]:
    return {"refresh_token": grant.refresh_token}


def fxiaoke_fields(app_id: str, app_secret: str, permanent_code: str, open_user_id: str) -> dict[str, Secret]:
    return {
        "app_id": Secret(app_id),
        "app_secret": Secret(app_secret),
        "permanent_code": Secret(permanent_code),
        "current_open_user_id": Secret(open_user_id),
    }


@dataclass(frozen=True)
class Where:
    """Where a connection's CRM lives: Zoho's data centre and API domain, or the Fxiaoke cloud."""

    api_domain: str
    data_centre: str = ""


def save(
    session: Session,
    vault: Vault,
    pending: Pending,
    fields: Mapping[str, Secret],
    where: Where,
    *,
    now: datetime,
    actor: int | None,
) -> CrmConnection:
    """The workspace's connection to the provider, made or replaced; the next sync is due at once."""
    connection = session.scalars(
        select(CrmConnection).where(
            CrmConnection.team_id == pending.team_id, CrmConnection.provider == pending.provider
        )
    ).one_or_none()
    if connection is None:
        connection = CrmConnection(team_id=pending.team_id, provider=pending.provider)
        session.add(connection)
    connection.credentials = vault.seal(fields)
    connection.api_domain, connection.data_centre = where.api_domain, where.data_centre
    connection.connected_by = pending.user_id
    connection.cursor, connection.last_error = "", ""
    connection.failures, connection.rows_read = 0, 0
    connection.next_try_at, connection.updated_at = now, now
    session.flush()
    place = {"api_domain": where.api_domain, "data_centre": where.data_centre}
    audit.record(session, pending.team_id, actor, "crm.connect", pending.provider.value, **place)
    return connection


def forget(session: Session, team_id: str) -> int:
    """The workspace's CRM credentials deleted and its syncs stopped (Pacer was uninstalled); the
    connections' history, the owners and the figures stay. Returns how many connections there were."""
    found = session.execute(
        update(CrmConnection)
        .where(CrmConnection.team_id == team_id)
        .values(credentials="", next_try_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(found, "rowcount", 0) or 0)


def connections(session: Session, team_id: str) -> list[CrmConnection]:
    return list(
        session.scalars(
            select(CrmConnection).where(CrmConnection.team_id == team_id).order_by(CrmConnection.provider)
        )
    )
