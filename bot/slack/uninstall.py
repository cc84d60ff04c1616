"""`app_uninstalled` and `tokens_revoked`: Pacer leaves a workspace. Its tokens are deleted, its queued
messages cancelled and the workspace marked inactive so jobs skip it. Each feature does its own part
through its `on_leave` hooks (the features list), in the same transaction: the CRM's credentials are
deleted (no more syncing); the exports feature keeps the data for the workspace's `after_uninstall_days`
(30 unless set) and has the `uninstalled-purge` job purge it then. Installing again makes the workspace
active again and runs the `on_return` hooks (the purge is called off; an admin connects the CRM again).
This module imports no feature: the app factory hands it the hooks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.db.engine import upsert_statement
from bot.delivery import service as outbox
from bot.slack.clients import Clients
from bot.slack.oauth import EncryptedInstallationStore
from bot.workspaces.models import Workspace

logger = logging.getLogger(__name__)
# What a feature does when Pacer leaves a workspace or comes back: given the session and the team id.
WorkspaceHook = Callable[[Session, str], object]


def set_active(
    session_factory: SessionFactory,
    team_id: str,
    *,
    active: bool,
    hooks: Sequence[WorkspaceHook] = (),
    cancel_queued: bool = False,
) -> int:
    """Mark the workspace (in)active, creating its row on a first install, and run `hooks` in the same
    transaction: on leaving only when this call changed the row (Slack sends both `app_uninstalled` and
    `tokens_revoked`, handled at once: only the one whose conditional UPDATE changed the row acts), on
    coming back every time (they are idempotent). With `cancel_queued`, the workspace's queued messages
    are cancelled too; returns how many."""
    with session_factory.begin() as session:
        cancelled = 0
        if cancel_queued:
            cancelled = outbox.cancel_workspace(session, team_id=team_id, reason="Pacer was uninstalled")
        insert = upsert_statement(session, Workspace).values(team_id=team_id, active=active)
        created = session.scalar(insert.on_conflict_do_nothing().returning(Workspace.team_id))
        changed = created is not None
        if not changed:
            flip = update(Workspace).where(Workspace.team_id == team_id, Workspace.active != active)
            changed = session.scalar(flip.values(active=active).returning(Workspace.team_id)) is not None
        if active or changed:
            for hook in hooks:
                hook(session, team_id)
    return cancelled


def leave(
    team_id: str,
    session_factory: SessionFactory,
    store: EncryptedInstallationStore | None,
    clients: Clients | None,
    hooks: Sequence[WorkspaceHook] = (),
) -> int:
    """Cancel the workspace's queued messages, mark it inactive and run the features' `on_leave` hooks
    (one transaction), then delete its tokens; returns how many messages were cancelled. The tokens go
    last: when a hook fails nothing has changed, and Slack's retry of the event (or the other of the
    pair) finds the workspace as it was."""
    cancelled = set_active(session_factory, team_id, active=False, hooks=hooks, cancel_queued=True)
    if store is not None:
        store.delete_team(team_id)  # by the workspace alone: an Enterprise Grid org's workspace too
    if clients is not None:
        clients.forget(team_id)
    logger.info("left workspace %s: tokens deleted, %d queued messages cancelled", team_id, cancelled)
    return cancelled


def register(
    app: App,
    session_factory: SessionFactory,
    store: EncryptedInstallationStore | None,
    clients: Clients | None,
    hooks: Sequence[WorkspaceHook] = (),
) -> None:
    """`hooks`: every feature's `on_leave`, run when Pacer leaves a workspace."""

    @app.event("app_uninstalled")
    def leave_workspace(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        leave(str(body.get("team_id") or ""), session_factory, store, clients, hooks)

    @app.event("tokens_revoked")
    def revoke_tokens(ack: Ack, body: dict[str, Any], event: dict[str, Any]) -> None:
        ack()
        team_id = str(body.get("team_id") or "")
        if event.get("tokens", {}).get("bot"):
            leave(team_id, session_factory, store, clients, hooks)
        elif store is not None:
            for user_id in event.get("tokens", {}).get("oauth") or []:
                store.delete_team(team_id, user_id=str(user_id))
