"""`GET /crm/zoho/callback`: where Zoho sends the admin's browser back after consent. Not a Slack request
(no signature): the state is the proof — stored hashed, bound to the workspace and the admin, expiring,
used once. The code is exchanged at the data centre the callback names (`location`, `accounts-server`),
allow-listed by the connector; the refresh token is sealed into the workspace's `CrmConnection`, and the
admin is told in Slack through the outbox. Nothing secret is logged or shown on the page."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.config import ConfigError, Settings
from bot.crm import connecting, messages
from bot.crm.integrations.base import ConnectorError
from bot.crm.integrations.models import Provider
from bot.crm.integrations.zoho import ZohoOAuth
from bot.crm.settings import CrmSettings
from bot.db import database_now, make_session_factory, utcnow
from bot.delivery.service import enqueue
from bot.i18n import DEFAULT_LOCALE, Locale, t
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.secrets import Vault
from bot.workspaces.models import Workspace

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)
MAX_QUERY = 4096


def _page(start_response: StartResponse, status: str, key: str, locale: Locale) -> list[bytes]:
    title, body = t("crm.connect.page_title", locale), t(key, locale)
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),
        ],
    )
    page = f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title><p>{html.escape(body)}</p>"
    return [page.encode()]


def zoho_callback(
    engine: Engine, settings: Settings, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    raw = str(environ.get("QUERY_STRING", ""))[:MAX_QUERY]
    query = {name: values[0] for name, values in parse_qs(raw).items()}
    factory = make_session_factory(engine)
    now = utcnow()
    with factory.begin() as session:  # the state's expiry on the clock the process that made it used
        pending = connecting.take_state(session, query.get("state", ""), now=database_now(session))
        admin = _admin(session, pending) if pending is not None else None
        locale = locale_of(admin, session.get_one(Workspace, pending.team_id)) if pending else DEFAULT_LOCALE
    if pending is None or admin is None or pending.provider is not Provider.ZOHO:
        return _page(start_response, "400 Bad Request", "crm.connect.expired", locale)
    crm = CrmSettings()
    app = crm.zoho_app()
    if "code" not in query or app is None:
        return _page(start_response, "400 Bad Request", "crm.connect.refused", locale)
    try:
        vault = Vault.from_settings(settings, purpose="CRM credentials are encrypted with it")
        with httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0)) as http:
            grant = ZohoOAuth(app, http, crm.centres()).exchange(
                query["code"], query.get("location"), query.get("accounts-server")
            )
    except (ConnectorError, ConfigError) as error:
        logger.warning("Zoho connection of %s failed: %s", pending.team_id, type(error).__name__)
        return _page(start_response, "502 Bad Gateway", "crm.connect.refused", locale)
    where = connecting.Where(grant.api_domain, grant.location)
    with factory.begin() as session:
        fields = connecting.zoho_fields(grant)
        connecting.save(session, vault, pending, fields, where, now=now, actor=admin.id)
        admin = session.get_one(Member, admin.id)
        enqueue(session, [messages.connected(admin, "zoho", now=now, locale=locale)], now=now)
    return _page(start_response, "200 OK", "crm.connect.done", locale)


def _admin(session: Session, pending: connecting.Pending) -> Member | None:
    return session.scalars(
        select(Member).where(Member.team_id == pending.team_id, Member.user_id == pending.user_id)
    ).one_or_none()
