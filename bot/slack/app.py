"""The app factory: one Bolt `App` with every feature registered. No global app."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.config import Settings
from bot.db import SessionFactory, utcnow
from bot.events import Events
from bot.features import FEATURES, Feature, all_uploads, leave_hooks, pages, return_hooks
from bot.i18n import add_catalogs
from bot.slack import commands, errors, oauth, retries, uninstall, uploads
from bot.slack.client import make_client
from bot.slack.clients import Clients
from bot.slack.deps import Deps
from bot.slack.directory import Directory

logger = logging.getLogger(__name__)


def _bolt_app(settings: Settings, client: WebClient, oauth: OAuthSettings | None = None) -> App:
    """Bolt itself: HTTP mode verifies every request's signature; Socket Mode needs no secret. In OAuth
    mode Bolt finds each request's workspace token in the installation store."""
    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    return App(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=False,  # no auth.test on start-up; `pacer run` checks the token itself
        logger=logging.getLogger("slack_bolt.App"),
        oauth_settings=oauth,
    )


def _oauth_app(
    settings: Settings,
    session_factory: SessionFactory,
    client: WebClient,
    features: Sequence[Feature],
) -> tuple[App, Clients]:
    """OAuth mode: Bolt's install flow over the encrypted store, and a client per workspace. An install
    makes the workspace active and runs the features' `on_return` hooks."""
    engine = session_factory.kw["bind"]
    store = oauth.installation_store(settings, engine)
    app = _bolt_app(settings, client, oauth.oauth_settings(settings, engine, store))
    flow = app.oauth_flow
    assert flow is not None  # noqa: S101 - built from the OAuth settings
    hooks = return_hooks(features)

    def installed(team_id: str) -> None:
        uninstall.set_active(session_factory, team_id, active=True, hooks=hooks)

    oauth.on_install(flow, installed)
    clients = Clients(store=store, rotator=oauth.token_rotator(settings), template=client)
    return app, clients


def _bolt_and_clients(
    settings: Settings, session_factory: SessionFactory, client: WebClient, features: Sequence[Feature]
) -> tuple[App, Clients]:
    if settings.oauth_mode:
        return _oauth_app(settings, session_factory, client, features)
    return _bolt_app(settings, client), Clients(single=client)


def create_app(
    settings: Settings,
    *,
    session_factory: SessionFactory,
    client: WebClient | None = None,
    kick: Callable[[], None] = lambda: None,
    clock: Callable[[], datetime] = utcnow,
    features: Sequence[Feature] = FEATURES,
    events: Events | None = None,
) -> App:
    """Build the Bolt app. HTTP mode verifies every request's signature; Socket Mode needs no secret.
    `events` runs the features' event subscribers; whoever passes it shuts it down with the app."""
    settings.require_slack()
    client = client or make_client(settings, purpose="listener")
    app, clients = _bolt_and_clients(settings, session_factory, client, features)
    deps = Deps(
        settings=settings,
        session_factory=session_factory,
        client=client,
        directory=Directory(client, session_factory, client_for=clients.for_team),
        kick=kick,
        clock=clock,
        pages=pages(features),
        events=events or Events(),
        clients=clients if clients.multi else None,
    )
    deps.events.attach(session_factory)  # events raised in the listeners' sessions reach the subscribers
    router = commands.Commands()
    errors.register(app, deps)
    retries.register(app, deps)
    commands.register(app, deps, router)
    uploads.register(app, deps, all_uploads(features))
    multi = clients if clients.multi else None
    uninstall.register(app, session_factory, clients.store, multi, leave_hooks(features))
    for feature in features:
        if feature.catalogs is not None:
            add_catalogs(feature.catalogs)
        if feature.register is not None:
            feature.register(app, deps, router)
    return app
