"""OAuth mode end to end: the real app (create_app, WSGI, waitress, the outbox sender) installed in two
workspaces through /slack/install and /slack/oauth_redirect against the emulator, on SQLite and
PostgreSQL. Tokens are stored encrypted, never logged, rotated when they run out mid fan-out, and an
uninstall mid fan-out cancels that workspace's queued messages only."""

from __future__ import annotations

import http.cookiejar
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, func, select, text

from bot.db import make_session_factory
from bot.delivery import service
from bot.delivery.models import Delivery, DeliveryStatus
from bot.scheduler import active_workspaces
from bot.slack.clients import NotInstalled
from bot.workspaces.models import Workspace
from tests.conftest import SIGNING_SECRET, make_settings, wipe
from tests.support.app_server import AppServer
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
CLIENT_ID, CLIENT_SECRET = "1111.2222", "oauth-client-secret"
ACME, BETA = "T0000001", "T0000002"


@pytest.fixture
def oauth_server(engine: Engine, emulator: SlackEmulator) -> Iterator[AppServer]:
    wipe(engine)
    _wipe_oauth(engine)
    emulator.add_team(BETA, name="Beta")
    for team, prefix in ((ACME, "UA"), (BETA, "UB")):
        for n in range(12):
            emulator.add_user(f"{prefix}{n:03d}", name=f"rep{prefix}{n}", team_id=team)
    settings = make_settings(
        emulator,
        engine.url.render_as_string(hide_password=False),
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_scopes="commands,chat:write,im:write",
        slack_authorize_url=emulator.authorize_url(),
        pacer_secret_keys=Fernet.generate_key().decode(),
    )
    assert settings.oauth_mode
    server = AppServer(settings, make_session_factory(engine))
    emulator.configure_oauth(
        CLIENT_ID, CLIENT_SECRET, rotation=True, redirect_uri=f"{server.base_url}/slack/oauth_redirect"
    )
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    server.wait_ready()
    yield server
    server.close()
    thread.join(timeout=5)
    wipe(engine)
    _wipe_oauth(engine)


def _wipe_oauth(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in ("slack_installations", "slack_bots", "slack_oauth_states"):
            connection.execute(text(f"DELETE FROM {table}"))


class _Loopback(http.cookiejar.DefaultCookiePolicy):
    """Bolt's state cookie is Secure (HTTPS in production); the test's browser talks to loopback HTTP."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return True


def _jar() -> http.cookiejar.CookieJar:
    return http.cookiejar.CookieJar(policy=_Loopback())


def _browser(jar: http.cookiejar.CookieJar | None = None) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar if jar is not None else _jar()))


def _get(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str, str]:
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.geturl(), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.geturl(), error.read().decode()


def install(server: AppServer, emulator: SlackEmulator, team_id: str) -> tuple[int, str, str]:
    """A person opens /slack/install, picks `team_id` on Slack's page and allows."""
    emulator.installing_team = team_id
    return _get(_browser(), f"{server.base_url}/slack/install")


def _bots(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT team_id, bot_token, bot_refresh_token FROM slack_bots"))
        return [(str(a), str(b), str(c)) for a, b, c in rows]


def _queue(server: AppServer, team_id: str, users: list[str], tag: str) -> None:
    with server.session_factory.begin() as session:
        messages = [
            service.Outgoing(
                team_id=team_id, key=f"{tag}:{u}", kind="test", channel=u, payload={"text": f"{tag} {u}"}
            )
            for u in users
        ]
        service.enqueue(session, messages, now=datetime.now(UTC))


def test_two_workspaces_install_by_oauth_with_tokens_encrypted_and_never_logged(
    oauth_server: AppServer, emulator: SlackEmulator, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for chatty in ("slack_sdk", "slack_bolt"):  # the worst case: `pacer run` keeps these at INFO or above
        caplog.set_level(logging.DEBUG, logger=chatty)
    for team in (ACME, BETA):
        status, url, page = install(oauth_server, emulator, team)
        assert status == 200 and url.startswith(f"{oauth_server.base_url}/slack/oauth_redirect?code=")
        assert "Thank you" in page
    bots = _bots(engine)
    assert sorted(team for team, _, _ in bots) == [ACME, BETA]
    tokens = [t for t in emulator.bot_tokens(ACME) + emulator.bot_tokens(BETA) if t.startswith("xoxe.")]
    assert len(tokens) == 2
    for _, token, refresh in bots:
        assert token.startswith("enc:") and refresh.startswith("enc:")
        assert token not in tokens
    logged = caplog.text
    assert [t for t in tokens if t in logged] == []
    refresh = [r for team in (ACME, BETA) for r in emulator.teams[team].refresh_tokens]
    assert len(refresh) == 2 and [r for r in refresh if r in logged] == []
    assert "redacted" in logged  # slack_sdk did log the oauth.v2.access response: scrubbed
    with oauth_server.session_factory() as session:
        assert {w.team_id: w.active for w in session.scalars(select(Workspace))} == {ACME: True, BETA: True}
    # each workspace's messages go out with its own token, into its own team
    _queue(oauth_server, ACME, ["UA000", "UA001"], "hello")
    _queue(oauth_server, BETA, ["UB000"], "hello")
    report = oauth_server.sender.drain()
    assert report.sent == 3
    teams = {m["team"] for m in emulator.messages["DUA000"] + emulator.messages["DUB000"]}
    assert teams == {ACME, BETA}
    by_token = {c.token for c in emulator.calls_to("chat.postMessage")}
    assert by_token == set(tokens)


def test_a_forged_state_or_a_used_code_installs_nothing(
    oauth_server: AppServer, emulator: SlackEmulator, engine: Engine
) -> None:
    code = emulator.authorize(BETA)
    status, _, page = _get(
        _browser(), f"{oauth_server.base_url}/slack/oauth_redirect?code={code}&state=forged"
    )
    assert status == 400 and "Something Went Wrong" in page and _bots(engine) == []
    status, url, _ = install(oauth_server, emulator, BETA)
    assert status == 200 and len(_bots(engine)) == 1
    used = url.split("code=", 1)[1].split("&", 1)[0]
    jar = _jar()  # a fresh, valid state, with the code already exchanged
    no_redirect = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(jar))
    with pytest.raises(urllib.error.HTTPError):
        no_redirect.open(f"{oauth_server.base_url}/slack/install", timeout=10)
    state = next(c.value for c in jar if c.name == "slack-app-oauth-state")
    browser = _browser(jar)
    status, _, page = _get(browser, f"{oauth_server.base_url}/slack/oauth_redirect?code={used}&state={state}")
    assert status == 401 and "invalid_code" in page  # Bolt's failure page: the code was refused
    assert [team for team, _, _ in _bots(engine)] == [BETA]


def test_an_expired_state_gets_a_clear_page_and_installs_nothing(
    oauth_server: AppServer, emulator: SlackEmulator, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The person took longer than SLACK_STATE_EXPIRATION_SECONDS on Slack's page: the state (in the
    cookie and the database alike) is refused, the code is never exchanged, nothing is installed."""
    jar = _jar()
    no_redirect = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(jar))
    with pytest.raises(urllib.error.HTTPError):
        no_redirect.open(f"{oauth_server.base_url}/slack/install", timeout=10)
    state = next(c.value for c in jar if c.name == "slack-app-oauth-state")
    past = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)  # stored as naive UTC
    with engine.begin() as connection:
        expired = connection.execute(text("UPDATE slack_oauth_states SET expire_at = :past"), {"past": past})
        assert expired.rowcount == 1
    code = emulator.authorize(BETA)
    status, _, page = _get(
        _browser(jar), f"{oauth_server.base_url}/slack/oauth_redirect?code={code}&state={state}"
    )
    assert status == 401 and "Something Went Wrong" in page and "invalid_state" in page
    assert "an install failed: invalid_state" in caplog.text
    assert emulator.calls_to("oauth.v2.access") == [] and _bots(engine) == []
    with oauth_server.session_factory() as session:
        assert session.scalars(select(Workspace)).all() == []
    status, _, page = install(oauth_server, emulator, BETA)  # a fresh start installs as usual
    assert status == 200 and "Thank you" in page and [team for team, _, _ in _bots(engine)] == [BETA]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_a_token_expiring_mid_fan_out_is_rotated_and_nothing_is_lost_or_doubled(
    oauth_server: AppServer, emulator: SlackEmulator
) -> None:
    install(oauth_server, emulator, BETA)
    first = emulator.bot_tokens(BETA)
    users = [f"UB{n:03d}" for n in range(12)]
    _queue(oauth_server, BETA, users, "nudge")
    emulator.expire_tokens(BETA, after_calls=5)
    report = oauth_server.sender.drain()
    assert report.sent == 12 and report.failed == 0
    assert [len(emulator.messages.get("D" + u, [])) for u in users] == [1] * 12
    refreshes = [c for c in emulator.calls_to("oauth.v2.access") if c.params.get("grant_type")]
    assert len(refreshes) == 1
    assert set(emulator.bot_tokens(BETA)) - set(first)  # a new token, saved (encrypted) for later


def test_an_uninstall_mid_fan_out_cancels_that_workspace_only(
    oauth_server: AppServer, emulator: SlackEmulator, engine: Engine
) -> None:
    install(oauth_server, emulator, ACME)
    install(oauth_server, emulator, BETA)
    _queue(oauth_server, ACME, [f"UA{n:03d}" for n in range(10)], "digest")
    _queue(oauth_server, BETA, [f"UB{n:03d}" for n in range(10)], "digest")
    emulator.revoke(BETA, after_calls=3)  # Slack revokes Beta's token during the fan-out…
    oauth_server.sender.drain()
    peer = SlackPeer(oauth_server.events_url, SIGNING_SECRET, emulator, team_id=BETA)
    assert peer.event({"type": "app_uninstalled"}).status == 200  # …then tells the app
    wait_for(lambda: _active(oauth_server) == [ACME], what="the workspace left")
    oauth_server.sender.drain()
    assert _status(oauth_server, ACME) == {DeliveryStatus.SENT: 10}
    beta = _status(oauth_server, BETA)
    assert beta == {DeliveryStatus.SENT: 3, DeliveryStatus.CANCELLED: 7}
    posted = [u for n in range(10) for u in [f"UB{n:03d}"] if emulator.messages.get("D" + u)]
    assert len(posted) == 3 and all(len(emulator.messages["D" + u]) == 1 for u in posted)
    assert [team for team, _, _ in _bots(engine)] == [ACME]


def _active(server: AppServer) -> list[str]:
    with server.session_factory() as session:
        return [w.team_id for w in active_workspaces(session)]


def _status(server: AppServer, team_id: str) -> dict[DeliveryStatus, int]:
    with server.session_factory() as session:
        rows = session.execute(
            select(Delivery.status, func.count()).where(Delivery.team_id == team_id).group_by(Delivery.status)
        ).all()
    return {DeliveryStatus(status): count for status, count in rows}


def test_each_workspace_is_served_with_its_own_token_and_an_unknown_one_gets_a_200(
    oauth_server: AppServer, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    install(oauth_server, emulator, ACME)
    install(oauth_server, emulator, BETA)
    for team, user in ((ACME, "UA000"), (BETA, "UB000")):
        peer = SlackPeer(oauth_server.events_url, SIGNING_SECRET, emulator, team_id=team)
        assert peer.command("help", user_id=user).status == 200
        (lookup,) = [c for c in emulator.calls_to("users.info") if c.params.get("user") == user]
        assert lookup.token in emulator.bot_tokens(team) and lookup.response["ok"]
    with oauth_server.session_factory() as session:
        members = session.execute(text("SELECT team_id, user_id FROM members ORDER BY user_id")).all()
    assert [tuple(m) for m in members] == [(ACME, "UA000"), (BETA, "UB000")]
    emulator.add_team("T0000009", name="Stranger")
    emulator.add_user("UZ000", name="zed", team_id="T0000009")
    stranger = SlackPeer(oauth_server.events_url, SIGNING_SECRET, emulator, team_id="T0000009")
    caplog.set_level(logging.DEBUG)  # the worst case: everything a request may log
    caplog.clear()
    assert stranger.command("help", user_id="UZ000").status == 200
    assert not [c for c in emulator.calls_to("users.info") if c.params.get("user") == "UZ000"]
    logged = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert (
        "slack_bolt.MultiTeamsAuthorization",
        logging.ERROR,
        "Although the app should be installed into this workspace, the AuthorizeResult (returned value"
        " from authorize) for it was not found.",
    ) in logged
    assert (
        "bot.slack.oauth",
        logging.DEBUG,
        "No installation data found for enterprise_id: None team_id: T0000009",
    ) in logged
    tokens = [*emulator.bot_tokens(ACME), *emulator.bot_tokens(BETA), *emulator.bot_tokens("T0000009")]
    refresh = [r for team in (ACME, BETA) for r in emulator.teams[team].refresh_tokens]
    said = caplog.text
    assert (
        len(tokens) >= 3
        and [t for t in [*tokens, *refresh, SIGNING_SECRET, CLIENT_SECRET] if t in said] == []
    )
    assert "xox" not in said


def test_revoking_the_bot_token_leaves_the_workspace_and_jobs_skip_it(
    oauth_server: AppServer, emulator: SlackEmulator, engine: Engine
) -> None:
    install(oauth_server, emulator, ACME)
    install(oauth_server, emulator, BETA)
    peer = SlackPeer(oauth_server.events_url, SIGNING_SECRET, emulator, team_id=BETA)
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT0002"]}}
    assert peer.event(event).status == 200
    wait_for(lambda: _active(oauth_server) == [ACME], what="the workspace left")
    assert [team for team, _, _ in _bots(engine)] == [ACME]
    context = oauth_server.job_context()
    assert context.client_for(ACME).auth_test()["team_id"] == ACME
    with pytest.raises(NotInstalled):
        context.client_for(BETA)
    install(oauth_server, emulator, BETA)  # installing again makes it active again
    assert _active(oauth_server) == [ACME, BETA]


def test_a_long_lived_job_client_takes_the_new_token_after_a_reinstall(
    oauth_server: AppServer, emulator: SlackEmulator
) -> None:
    """`pacer run` makes the jobs' clients once: after an uninstall and a reinstall, the workspace's cached
    client meets `invalid_auth`, drops its token and calls again with the one the reinstall stored. While
    the token is revoked and nothing new is stored, the error stands, after a single call."""
    install(oauth_server, emulator, ACME)
    install(oauth_server, emulator, BETA)
    context = oauth_server.job_context()  # made once, as `pacer run` does
    held = context.client_for(BETA)  # a job may keep the client it was given
    assert held.auth_test()["team_id"] == BETA
    emulator.revoke(BETA)
    peer = SlackPeer(oauth_server.events_url, SIGNING_SECRET, emulator, team_id=BETA)
    assert peer.event({"type": "app_uninstalled"}).status == 200
    wait_for(lambda: _active(oauth_server) == [ACME], what="the workspace left")
    install(oauth_server, emulator, BETA)
    assert _active(oauth_server) == [ACME, BETA]
    (token,) = [t for t in emulator.bot_tokens(BETA) if t.startswith("xoxe.")]
    emulator.reset()
    assert context.client_for(BETA).auth_test()["team_id"] == BETA
    assert [(c.token == token, c.response.get("error")) for c in emulator.calls_to("auth.test")] == [
        (False, "invalid_auth"),
        (True, None),
    ]
    assert context.client_for(BETA).token == token  # cached again, with the new token
    assert held.auth_test()["team_id"] == BETA and held.token == token
    assert context.client_for(ACME).auth_test()["team_id"] == ACME  # the other workspace untouched
    emulator.revoke(BETA)  # revoked again, nothing new stored yet
    emulator.reset()
    with pytest.raises(SlackApiError) as refused:
        context.client_for(BETA).auth_test()
    assert refused.value.response["error"] == "invalid_auth"
    assert len(emulator.calls_to("auth.test")) == 1  # the store holds the same token: no second try


GRID, ORG = "T0000003", "E0000001"


def _installations(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT team_id, enterprise_id FROM slack_installations"))
        return [(str(a), str(b)) for a, b in rows]


def test_a_workspace_of_an_enterprise_grid_org_is_served_and_left_like_any_other(
    oauth_server: AppServer, emulator: SlackEmulator, engine: Engine
) -> None:
    """oauth.v2.access names the org for a Grid workspace and the store keeps its enterprise id: the
    outbox and the jobs still find the workspace's token by its team id, and leaving deletes it."""
    emulator.add_team(GRID, name="Grid West", enterprise_id=ORG)
    for n in range(3):
        emulator.add_user(f"UG{n:03d}", name=f"grid{n}", team_id=GRID)
    install(oauth_server, emulator, ACME)
    status, _, _ = install(oauth_server, emulator, GRID)
    assert status == 200 and (GRID, ORG) in _installations(engine)
    _queue(oauth_server, GRID, ["UG000", "UG001"], "hello")
    report = oauth_server.sender.drain()
    assert report.sent == 2 and report.cancelled == 0
    assert [m["team"] for m in emulator.messages["DUG000"]] == [GRID]
    assert oauth_server.job_context().client_for(GRID).auth_test()["team_id"] == GRID

    peer = SlackPeer(oauth_server.events_url, SIGNING_SECRET, emulator, team_id=GRID, enterprise_id=ORG)
    assert peer.event({"type": "app_uninstalled"}).status == 200
    wait_for(lambda: _active(oauth_server) == [ACME], what="the workspace left")
    assert [team for team, _, _ in _bots(engine)] == [ACME]
    assert [team for team, _ in _installations(engine)] == [ACME]
    with pytest.raises(NotInstalled):
        oauth_server.job_context().client_for(GRID)
