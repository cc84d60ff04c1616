"""`app_uninstalled` and `tokens_revoked`: Pacer leaves a workspace. Its tokens are deleted, its queued
messages cancelled, its CRM credentials deleted (no more syncing) and the workspace marked inactive so
jobs skip it; its data is kept for the workspace's `after_uninstall_days` (30 unless set) and then purged
by the `uninstalled-purge` job (see `bot.exports.uninstalled`). Installing again makes it active again and
calls the purge off (the CRM is connected again by an admin)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy import update

from bot.crm import connecting as crm
from bot.db import SessionFactory
from bot.db.engine import upsert_statement
from bot.delivery import service as outbox
from bot.exports import uninstalled
from bot.slack.clients import Clients
from bot.slack.oauth import EncryptedInstallationStore
from bot.workspaces.models import Workspace

logger = logging.getLogger(__name__)


def set_active(session_factory: SessionFactory, team_id: str, *, active: bool) -> None:
    """Mark the workspace (in)active, creating its row on a first install. Leaving schedules the purge of
    its data (by its setting) once — Slack sends both `app_uninstalled` and `tokens_revoked`, handled at
    once: only the one whose conditional UPDATE changed the row schedules — and coming back calls a
    pending purge off."""
    with session_factory.begin() as session:
        insert = upsert_statement(session, Workspace).values(team_id=team_id, active=active)
        created = session.scalar(insert.on_conflict_do_nothing().returning(Workspace.team_id))
        changed = created is not None
        if not changed:
            flip = update(Workspace).where(Workspace.team_id == team_id, Workspace.active != active)
            changed = session.scalar(flip.values(active=active).returning(Workspace.team_id)) is not None
        if active:
            uninstalled.cancel(session, team_id)
        elif changed:
            uninstalled.schedule(session, team_id)


def leave(
    team_id: str,
    session_factory: SessionFactory,
    store: EncryptedInstallationStore | None,
    clients: Clients | None,
) -> int:
    """Delete the workspace's tokens, cancel its queued messages, mark it inactive; returns how many
    messages were cancelled."""
    if store is not None:
        store.delete_team(team_id)  # by the workspace alone: an Enterprise Grid org's workspace too
    if clients is not None:
        clients.forget(team_id)
    with session_factory.begin() as session:
        cancelled = outbox.cancel_workspace(session, team_id=team_id, reason="Pacer was uninstalled")
        crm.forget(session, team_id)  # no more reading its CRM: the credentials go, the figures stay
    set_active(session_factory, team_id, active=False)
    logger.info("left workspace %s: tokens deleted, %d queued messages cancelled", team_id, cancelled)
    return cancelled


def register(
    app: App,
    session_factory: SessionFactory,
    store: EncryptedInstallationStore | None,
    clients: Clients | None,
) -> None:
    @app.event("app_uninstalled")
    def leave_workspace(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        leave(str(body.get("team_id") or ""), session_factory, store, clients)

    @app.event("tokens_revoked")
    def revoke_tokens(ack: Ack, body: dict[str, Any], event: dict[str, Any]) -> None:
        ack()
        team_id = str(body.get("team_id") or "")
        if event.get("tokens", {}).get("bot"):
            leave(team_id, session_factory, store, clients)
        elif store is not None:
            for user_id in event.get("tokens", {}).get("oauth") or []:
                store.delete_team(team_id, user_id=str(user_id))
