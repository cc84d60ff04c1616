"""The emulator serves several workspaces: each token acts in its own team only, OAuth hands out tokens
for the team a person picks, and rotating tokens expire and refresh as Slack's do."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.support.slack_emulator import SlackEmulator

CLIENT_ID, CLIENT_SECRET = "1111.2222", "client-secret-abc"


class _Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> _Ticks:
    return _Ticks()


@pytest.fixture
def slack(ticks: _Ticks) -> Iterator[SlackEmulator]:
    with SlackEmulator(clock=ticks) as emulator:
        emulator.add_team("T0000002", name="Beta", bot_token="xoxb-beta")
        emulator.add_user("UBETA1", name="bea", team_id="T0000002")
        emulator.add_channel("CBETA", "beta-general", team_id="T0000002")
        emulator.add_user("UACME1", name="ann")
        yield emulator


def _client(slack: SlackEmulator, token: str) -> WebClient:
    return WebClient(token=token, base_url=slack.api_url)


def _error(call: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()  # type: ignore[operator]
    return str(raised.value.response["error"])


def test_each_token_answers_for_its_own_team_only(slack: SlackEmulator) -> None:
    acme, beta = _client(slack, slack.bot_token), _client(slack, "xoxb-beta")
    assert acme.auth_test()["team_id"] == "T0000001"
    assert (beta.auth_test()["team_id"], beta.auth_test()["user_id"]) == ("T0000002", "UBOT0002")
    assert beta.users_info(user="UBETA1")["user"]["name"] == "bea"
    assert _error(lambda: beta.users_info(user="UACME1")) == "user_not_found"
    assert _error(lambda: acme.chat_postMessage(channel="CBETA", text="x")) == "channel_not_found"
    posted = beta.chat_postMessage(channel="CBETA", text="hi")
    assert posted["message"]["team"] == "T0000002" and posted["message"]["user"] == "UBOT0002"
    assert _error(lambda: _client(slack, "xoxb-nobody").auth_test()) == "invalid_auth"


def test_a_revoked_team_gets_invalid_auth_and_the_others_go_on(slack: SlackEmulator) -> None:
    slack.revoke("T0000002")
    assert _error(lambda: _client(slack, "xoxb-beta").auth_test()) == "invalid_auth"
    assert _client(slack, slack.bot_token).auth_test()["ok"]


def test_rate_limits_are_per_workspace(slack: SlackEmulator) -> None:
    slack.set_rate_limit("chat.postMessage", 1)
    acme, beta = _client(slack, slack.bot_token), _client(slack, "xoxb-beta")
    acme.chat_postMessage(channel="C0GENERAL", text="1")
    assert _error(lambda: acme.chat_postMessage(channel="C0GENERAL", text="2")) == "ratelimited"
    assert beta.chat_postMessage(channel="CBETA", text="1")["ok"]  # its own bucket
    slack.set_rate_limit("chat.postMessage", 0.001, team_id="T0000002")  # a fresh bucket of one
    beta.chat_postMessage(channel="CBETA", text="2")
    assert _error(lambda: beta.chat_postMessage(channel="CBETA", text="3")) == "ratelimited"
    assert _error(lambda: acme.chat_postMessage(channel="C0GENERAL", text="3")) == "ratelimited"


def _install(slack: SlackEmulator, team_id: str) -> dict[str, object]:
    code = slack.authorize(team_id, "https://pacer.example/slack/oauth_redirect")
    anonymous = WebClient(base_url=slack.api_url)
    return dict(
        anonymous.oauth_v2_access(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            code=code,
            redirect_uri="https://pacer.example/slack/oauth_redirect",
        ).data  # type: ignore[arg-type]
    )


def test_a_code_is_exchanged_once_for_a_bot_token_of_the_chosen_team(slack: SlackEmulator) -> None:
    slack.configure_oauth(CLIENT_ID, CLIENT_SECRET, scopes="commands,chat:write")
    slack.add_team("T0000003", name="Gamma")
    code = slack.authorize("T0000003")
    anonymous = WebClient(base_url=slack.api_url)
    response = anonymous.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)
    assert response["team"] == {"id": "T0000003", "name": "Gamma"} and response["token_type"] == "bot"
    assert response["scope"] == "commands,chat:write" and response["bot_user_id"] == "UBOT0003"
    assert "refresh_token" not in response.data  # type: ignore[operator]
    assert _client(slack, str(response["access_token"])).auth_test()["team_id"] == "T0000003"
    again = lambda: anonymous.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)  # noqa: E731
    assert _error(again) == "invalid_code"
    fresh = slack.authorize("T0000003")
    wrong = lambda: anonymous.oauth_v2_access(client_id=CLIENT_ID, client_secret="nope", code=fresh)  # noqa: E731
    assert _error(wrong) == "bad_client_secret"


def test_rotating_tokens_expire_and_refresh_once(slack: SlackEmulator, ticks: _Ticks) -> None:
    slack.configure_oauth(CLIENT_ID, CLIENT_SECRET, rotation=True, expires_in=600)
    response = _install(slack, "T0000002")
    token, refresh = str(response["access_token"]), str(response["refresh_token"])
    assert response["expires_in"] == 600 and token.startswith("xoxe.xoxb-")
    ticks.now += 601
    assert _error(lambda: _client(slack, token).auth_test()) == "token_expired"
    anonymous = WebClient(base_url=slack.api_url)
    rotated = anonymous.oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token", refresh_token=refresh
    )
    assert _client(slack, str(rotated["access_token"])).auth_test()["team_id"] == "T0000002"
    assert rotated["refresh_token"] != refresh
    reuse = lambda: anonymous.oauth_v2_access(  # noqa: E731
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token", refresh_token=refresh
    )
    assert _error(reuse) == "invalid_refresh_token"


def test_a_token_can_run_out_after_some_calls(slack: SlackEmulator) -> None:
    beta = _client(slack, "xoxb-beta")
    slack.expire_tokens("T0000002", after_calls=2)
    beta.auth_test()
    beta.auth_test()
    assert _error(beta.auth_test) == "token_expired"


def test_the_authorize_page_redirects_with_a_code_and_the_state(slack: SlackEmulator) -> None:
    slack.configure_oauth(CLIENT_ID, CLIENT_SECRET)
    query = urlencode(
        {"client_id": CLIENT_ID, "state": "s1", "team": "T0000002", "redirect_uri": "http://x/r"}
    )

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as raised:
        opener.open(f"{slack.authorize_url()}?{query}")
    assert raised.value.code == 302
    location = urlsplit(raised.value.headers["Location"])
    found = parse_qs(location.query)
    assert location.path == "/r" and found["state"] == ["s1"]
    anonymous = WebClient(base_url=slack.api_url)
    response = anonymous.oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=found["code"][0]
    )
    assert response["team"]["id"] == "T0000002"
    bad = urlencode({"client_id": "other", "state": "s1"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"{slack.authorize_url()}?{bad}")
    assert refused.value.code == 400
