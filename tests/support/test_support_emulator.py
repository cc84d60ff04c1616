"""Tests of the test support: the Slack Web API emulator and the Slack peer."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond, Say
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier

from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer, sign, state_values

SECRET = "test-signing-secret"
OPTIONS = [{"text": {"type": "plain_text", "text": t}, "value": t.lower()} for t in ("Low", "High")]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def slack(clock: FakeClock) -> Iterator[SlackEmulator]:
    with SlackEmulator(clock=clock) as emulator:
        emulator.add_user("U1", name="ada", real_name="Ada Lovelace", tz="Europe/London", locale="en-GB")
        emulator.add_channel("C1", "sales")
        yield emulator
        assert emulator.errors == []


@pytest.fixture
def client(slack: SlackEmulator) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


def error_of(call: Any, *args: Any, **kwargs: Any) -> str:
    """The Slack error code a WebClient call fails with."""
    with pytest.raises(SlackApiError) as raised:
        call(*args, **kwargs)
    return str(raised.value.response["error"])


def section(i: int, text: str = "hello") -> dict[str, Any]:
    return {"type": "section", "block_id": f"s{i}", "text": {"type": "mrkdwn", "text": text}}


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    title = {"type": "plain_text", "text": "Pacer"}
    return {"type": "modal", "callback_id": "goal", "title": title, "blocks": blocks, **extra}


def submit_button() -> dict[str, str]:
    return {"type": "plain_text", "text": "Save"}


def input_block(block_id: str, element_type: str, action_id: str, **element: Any) -> dict[str, Any]:
    label = {"type": "plain_text", "text": block_id}
    element = {"type": element_type, "action_id": action_id, **element}
    return {"type": "input", "block_id": block_id, "label": label, "element": element}


# --- the Web API -----------------------------------------------------------------------------------


def test_auth_test_names_the_bot(client: WebClient, slack: SlackEmulator) -> None:
    response = client.auth_test()
    assert (response["team_id"], response["user_id"]) == (slack.team_id, slack.bot_user_id)
    assert response["bot_id"]
    assert slack.calls_to("auth.test")[0].token == slack.bot_token


def test_users_info_has_locale_only_when_asked(client: WebClient) -> None:
    user = client.users_info(user="U1")["user"]
    assert "locale" not in user
    assert (user["name"], user["real_name"], user["tz"], user["profile"]["real_name"]) == (
        "ada",
        "Ada Lovelace",
        "Europe/London",
        "Ada Lovelace",
    )
    assert user["tz_offset"] in (0, 3600)
    assert client.users_info(user="U1", include_locale=True)["user"]["locale"] == "en-GB"
    assert error_of(client.users_info, user="U404") == "user_not_found"


def test_tokens_are_checked(slack: SlackEmulator) -> None:
    assert error_of(WebClient(base_url=slack.api_url).auth_test) == "not_authed"
    assert error_of(WebClient(token="xoxb-wrong", base_url=slack.api_url).auth_test) == "invalid_auth"


def test_unknown_methods_are_answered_and_recorded(client: WebClient, slack: SlackEmulator) -> None:
    assert error_of(client.api_call, "reactions.add", json={"name": "tada"}) == "unknown_method"
    call = slack.calls_to("reactions.add")[0]
    assert (call.status, call.params) == (200, {"name": "tada"})


def test_posting_to_a_user_opens_their_dm(client: WebClient, slack: SlackEmulator) -> None:
    first = client.chat_postMessage(channel="U1", text="one")
    second = client.chat_postMessage(channel="DU1", text="two", thread_ts=first["ts"])
    assert first["channel"] == second["channel"] == client.conversations_open(users="U1")["channel"]["id"]
    assert float(first["ts"]) < float(second["ts"])
    assert [m["text"] for m in slack.messages["DU1"]] == ["one", "two"]
    assert slack.messages["DU1"][1]["thread_ts"] == first["ts"]
    assert slack.messages["DU1"][0]["user"] == slack.bot_user_id
    assert client.conversations_info(channel="DU1")["channel"]["is_im"] is True
    assert client.conversations_info(channel="C1")["channel"]["name"] == "sales"
    assert error_of(client.chat_postMessage, channel="C404", text="x") == "channel_not_found"
    assert error_of(client.chat_postMessage, channel="U404", text="x") == "channel_not_found"
    assert error_of(client.conversations_info, channel="C404") == "channel_not_found"


def test_update_edits_in_place_and_delete_removes(client: WebClient, slack: SlackEmulator) -> None:
    ts = client.chat_postMessage(channel="C1", text="draft")["ts"]
    updated = client.chat_update(channel="C1", ts=ts, text="final", blocks=[section(1, "final")])
    assert updated["message"]["text"] == "final"
    assert [(m["ts"], m["text"]) for m in slack.messages["C1"]] == [(ts, "final")]
    assert slack.messages["C1"][0]["blocks"][0]["block_id"] == "s1"
    client.chat_delete(channel="C1", ts=ts)
    assert slack.messages["C1"] == []
    assert error_of(client.chat_update, channel="C1", ts=ts, text="again") == "message_not_found"


def test_ephemeral_messages_need_a_user(client: WebClient, slack: SlackEmulator) -> None:
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    assert [(m["recipient"], m["text"]) for m in slack.ephemerals] == [("U1", "psst")]
    assert "C1" not in slack.messages
    no_user = {"channel": "C1", "text": "x"}
    assert error_of(client.api_call, "chat.postEphemeral", json=no_user) == "user_not_found"


def test_form_bodies_are_decoded(slack: SlackEmulator) -> None:
    blocks = [section(1)]
    form = {"token": slack.bot_token, "channel": "C1", "text": "hi", "blocks": json.dumps(blocks)}
    url = f"{slack.api_url}chat.postMessage"
    with urllib.request.urlopen(url, data=urlencode(form).encode(), timeout=5) as response:
        assert json.load(response)["ok"] is True
    call = slack.calls_to("chat.postMessage")[0]
    assert call.params == {"channel": "C1", "text": "hi", "blocks": blocks}
    assert call.token == slack.bot_token


# --- Block Kit limits ------------------------------------------------------------------------------


def test_a_message_takes_at_most_50_blocks(client: WebClient) -> None:
    assert client.chat_postMessage(channel="C1", text="ok", blocks=[section(i) for i in range(50)])["ok"]
    blocks = [section(i) for i in range(51)]
    assert error_of(client.chat_postMessage, channel="C1", text="x", blocks=blocks) == "invalid_blocks"


@pytest.mark.parametrize(
    ("block", "limit"),
    [
        (lambda text: section(1, text), 3000),
        (lambda text: {"type": "header", "text": {"type": "plain_text", "text": text}}, 150),
        (lambda text: {"type": "section", "fields": [{"type": "mrkdwn", "text": text}]}, 2000),
    ],
    ids=["section", "header", "field"],
)
def test_block_text_limits(client: WebClient, block: Any, limit: int) -> None:
    assert client.chat_postMessage(channel="C1", text="ok", blocks=[block("x" * limit)])["ok"]
    too_long = [block("x" * (limit + 1))]
    assert error_of(client.chat_postMessage, channel="C1", text="x", blocks=too_long) == "invalid_blocks"


def test_ids_must_be_unique_and_inputs_stay_in_modals(client: WebClient, slack: SlackEmulator) -> None:
    button = {"type": "button", "action_id": "go", "text": {"type": "plain_text", "text": "Go"}}
    same_block_id = [section(1), section(1)]
    same_action_id = [{"type": "actions", "elements": [button, button]}]
    an_input = input_block("i", "plain_text_input", "v")
    for blocks in (same_block_id, same_action_id, [an_input]):
        assert error_of(client.chat_postMessage, channel="C1", text="x", blocks=blocks) == "invalid_blocks"
    inputs = [an_input, {**an_input, "block_id": "j"}]  # one action_id in two blocks: fine, as on Slack
    view = modal(inputs, submit=submit_button())
    assert client.views_open(trigger_id=slack.issue_trigger_id(), view=view)["ok"]
    duplicate_block = modal([an_input, an_input], submit=submit_button())
    assert (
        error_of(client.views_open, trigger_id=slack.issue_trigger_id(), view=duplicate_block)
        == "invalid_blocks"
    )


def test_blocks_without_text_warn_about_the_fallback(client: WebClient, slack: SlackEmulator) -> None:
    client.chat_postMessage(channel="C1", text="fine", blocks=[section(1)])
    assert slack.warnings == []
    with pytest.warns(UserWarning, match="text"):  # slack_sdk warns too
        response = client.chat_postMessage(channel="C1", blocks=[section(2)])
    assert response["warning"] == "missing_text_fallback"
    assert slack.warnings == [slack.calls_to("chat.postMessage")[1]]


def test_empty_and_oversized_text(client: WebClient) -> None:
    with pytest.warns(UserWarning, match="text"):
        assert error_of(client.chat_postMessage, channel="C1", text="") == "no_text"
    assert error_of(client.chat_postMessage, channel="C1", text="x" * 40_001) == "msg_too_long"


def test_a_modal_takes_at_most_100_blocks(client: WebClient, slack: SlackEmulator) -> None:
    view = modal([section(i) for i in range(100)])
    assert client.views_open(trigger_id=slack.issue_trigger_id(), view=view)["view"]["id"].startswith("V")
    view = modal([section(i) for i in range(101)])
    assert error_of(client.views_open, trigger_id=slack.issue_trigger_id(), view=view) == "invalid_arguments"


@pytest.mark.parametrize(
    "extra",
    [
        {"title": {"type": "plain_text", "text": "x" * 25}},
        {"submit": {"type": "plain_text", "text": "x" * 25}},
        {"close": {"type": "plain_text", "text": "x" * 25}},
        {"blocks": [{"type": "input", "label": {"type": "plain_text", "text": "Goal"}, "element": {}}]},
        {"type": "home"},
    ],
    ids=["title", "submit", "close", "input-without-submit", "not-a-modal"],
)
def test_modal_arguments(client: WebClient, slack: SlackEmulator, extra: dict[str, Any]) -> None:
    view = modal([section(1)]) | extra
    assert error_of(client.views_open, trigger_id=slack.issue_trigger_id(), view=view) == "invalid_arguments"


# --- views -----------------------------------------------------------------------------------------


def test_trigger_ids_expire(client: WebClient, slack: SlackEmulator, clock: FakeClock) -> None:
    stale, fresh = slack.issue_trigger_id(), None
    clock.advance(2.5)
    fresh = slack.issue_trigger_id()
    clock.advance(0.6)  # stale is 3.1 s old, fresh 0.6 s
    assert error_of(client.views_open, trigger_id=stale, view=modal([section(1)])) == "expired_trigger_id"
    assert client.views_open(trigger_id=fresh, view=modal([section(1)]))["ok"]


def test_trigger_ids_are_single_use(client: WebClient, slack: SlackEmulator) -> None:
    trigger_id, view = slack.issue_trigger_id(), modal([section(1)])
    client.views_open(trigger_id=trigger_id, view=view)
    assert error_of(client.views_open, trigger_id=trigger_id, view=view) == "invalid_trigger_id"
    assert error_of(client.views_push, trigger_id="1.2.3", view=view) == "invalid_trigger_id"
    pushed = client.views_push(trigger_id=slack.issue_trigger_id(), view=modal([section(2)]))
    assert slack.last_view() == pushed["view"]


def test_views_update_checks_the_hash(client: WebClient, slack: SlackEmulator) -> None:
    view = modal([section(1)], external_id="goal-1", private_metadata="42")
    opened = client.views_open(trigger_id=slack.issue_trigger_id(), view=view)["view"]
    assert opened["state"] == {"values": {}} and opened["team_id"] == slack.team_id
    assert opened["private_metadata"] == "42"
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal([section(2)]))["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert slack.last_view() == updated
    stale = {"view_id": opened["id"], "hash": opened["hash"], "view": modal([section(3)])}
    assert error_of(client.views_update, **stale) == "hash_conflict"
    by_external_id = client.views_update(external_id="goal-1", view=modal([section(4)]))["view"]
    assert slack.views[opened["id"]]["blocks"] == by_external_id["blocks"] == [section(4)]
    assert error_of(client.views_update, view_id="V404", view=modal([section(1)])) == "not_found"


def test_views_publish_keeps_one_home_per_user(client: WebClient, slack: SlackEmulator) -> None:
    home = {"type": "home", "blocks": [section(1)]}
    first = client.views_publish(user_id="U1", view=home)["view"]
    second = client.views_publish(user_id="U1", view=home | {"blocks": [section(2)]})["view"]
    assert first["id"] == second["id"]
    assert slack.home_tabs["U1"]["blocks"] == [section(2)]
    assert slack.last_view() is None  # home tabs are not modals
    big = home | {"blocks": [section(i) for i in range(101)]}
    assert error_of(client.views_publish, user_id="U1", view=big) == "invalid_arguments"
    assert error_of(client.views_publish, user_id="U1", view=modal([section(1)])) == "invalid_arguments"


def test_response_urls_record_what_the_app_sends(slack: SlackEmulator) -> None:
    url = slack.new_response_url()

    def post(target: str, payload: dict[str, Any]) -> tuple[int, str]:
        request = urllib.request.Request(
            target, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    assert post(url, {"text": "done", "response_type": "ephemeral"}) == (200, "ok")
    assert post(url, {"text": "x", "blocks": [section(i) for i in range(51)]}) == (400, "invalid_blocks")
    assert post(f"{slack.base_url}/response/1/nope", {"text": "x"}) == (404, "expired_url")
    assert slack.responses == [(url, {"text": "done", "response_type": "ephemeral"})]


def test_reset_forgets_traffic_but_keeps_people(client: WebClient, slack: SlackEmulator) -> None:
    client.chat_postMessage(channel="C1", text="hi")
    slack.reset()
    assert (slack.calls, slack.messages, slack.views) == ([], {}, {})
    assert client.users_info(user="U1")["ok"] and client.chat_postMessage(channel="C1", text="hi")["ok"]


# --- fault injection -------------------------------------------------------------------------------


def test_fail_next_429_carries_retry_after(client: WebClient, slack: SlackEmulator) -> None:
    slack.fail_next("chat.postMessage", retry_after=7, count=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel="C1", text="hi")
        assert raised.value.response.status_code == 429
        assert raised.value.response.headers["Retry-After"] == "7"
        assert raised.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 429, 200]


def test_rate_limit_retry_handler_recovers(slack: SlackEmulator) -> None:
    handler = RateLimitErrorRetryHandler(max_retry_count=1)
    retrying = WebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[handler])
    slack.fail_next("chat.postMessage", retry_after=1)
    started = time.monotonic()
    assert retrying.chat_postMessage(channel="C1", text="hi")["ok"]
    assert time.monotonic() - started >= 1
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]
    assert len(slack.messages["C1"]) == 1


def test_server_errors_have_plain_bodies(client: WebClient, slack: SlackEmulator) -> None:
    slack.fail_next("auth.test", status=503)
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{slack.api_url}auth.test", data=b"", timeout=5)
    assert raised.value.code == 503
    assert raised.value.headers["Content-Type"].startswith("text/plain")
    assert raised.value.read() == b"Service Unavailable"
    slack.fail_next("auth.test", status=500)
    with pytest.raises(SlackApiError) as api_error:
        client.auth_test()
    assert api_error.value.response.status_code == 500
    slack.fail_next("auth.test", status=500)
    retry = ServerErrorRetryHandler(interval_calculator=FixedValueRetryIntervalCalculator(0.01))
    assert WebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[retry]).auth_test()["ok"]


def test_failure_rate_is_reproducible(slack: SlackEmulator) -> None:
    def statuses(emulator: SlackEmulator) -> list[int]:
        emulator.set_failure_rate(0.3, seed=7, methods={"chat.postMessage"}, statuses=(429, 500))
        web = WebClient(token=emulator.bot_token, base_url=emulator.api_url)
        for _ in range(40):
            with contextlib.suppress(SlackApiError):
                web.chat_postMessage(channel="C0GENERAL", text="hi")
        assert web.auth_test()["ok"]  # other methods are spared
        return [c.status for c in emulator.calls_to("chat.postMessage")]

    with SlackEmulator() as other:
        first, second = statuses(slack), statuses(other)
    assert first == second
    assert {429, 500, 200} == set(first)
    assert 4 <= sum(s != 200 for s in first) <= 20
    slack.set_failure_rate(0)
    web = WebClient(token=slack.bot_token, base_url=slack.api_url)
    assert all(web.chat_postMessage(channel="C1", text="x")["ok"] for _ in range(10))


def test_rate_limit_per_channel(client: WebClient, slack: SlackEmulator, clock: FakeClock) -> None:
    slack.set_rate_limit("chat.postMessage", 1, per_channel=True)
    assert client.chat_postMessage(channel="C1", text="1")["ok"]
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="2")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C0GENERAL", text="elsewhere")["ok"]
    clock.advance(1.0)
    assert client.chat_postMessage(channel="C1", text="3")["ok"]
    assert [m["text"] for m in slack.messages["C1"]] == ["1", "3"]


# --- the peer --------------------------------------------------------------------------------------


def test_sign_matches_slack_sdk() -> None:
    body = b"token=x&text=%2Fpacer+help"
    headers = sign(SECRET, body, timestamp=1_700_000_000)
    verifier = SignatureVerifier(SECRET)
    ts, signature = headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    assert verifier.generate_signature(timestamp=ts, body=body) == signature
    assert SignatureVerifier(SECRET).is_valid_request(body, sign(SECRET, body))
    assert not verifier.is_valid_request(body + b"x", sign(SECRET, body))
    assert not verifier.is_valid_request(body, sign("other-secret", body))


def test_peer_response_json() -> None:
    assert PeerResponse(200, b"").json() == {}
    assert PeerResponse(200, b'{"a": 1}').json() == {"a": 1}
    assert PeerResponse(200, b"ok").text == "ok"


def test_state_values_for_every_element_type() -> None:
    kinds = {
        "text": "plain_text_input",
        "number": "number_input",
        "mail": "email_text_input",
        "link": "url_text_input",
        "user": "users_select",
        "users": "multi_users_select",
        "conv": "conversations_select",
        "chan": "channels_select",
        "date": "datepicker",
        "time": "timepicker",
    }
    with_options = {"select": "static_select", "radio": "radio_buttons", "boxes": "checkboxes"}
    blocks = [input_block(f"b_{action_id}", kind, action_id) for action_id, kind in kinds.items()]
    blocks += [input_block(f"b_{a}", kind, a, options=OPTIONS) for a, kind in with_options.items()]
    blocks.append(input_block("b_multi", "multi_static_select", "multi", options=OPTIONS))
    blocks.append(input_block("b_grouped", "static_select", "grouped", option_groups=[{"options": OPTIONS}]))
    answers = {
        "text": "Close 10 deals",
        "b_number": 12,  # by block_id
        "mail": "a@example.com",
        "link": "https://example.com",
        "select": "high",
        "radio": "low",
        "boxes": ["low", "high"],
        "multi": ["high"],
        "user": "U1",
        "users": ["U1", "U2"],
        "conv": "C1",
        "chan": "C2",
        "date": dt.date(2025, 3, 31),
        "time": "09:30",
        "grouped": "high",
    }
    values = state_values(modal(blocks), answers)
    assert set(values) == {block["block_id"] for block in blocks}
    flat = {action_id: state for by_action in values.values() for action_id, state in by_action.items()}
    assert flat["select"]["type"] == "static_select" and flat["boxes"]["type"] == "checkboxes"
    assert {
        action_id: {k: v for k, v in state.items() if k != "type"} for action_id, state in flat.items()
    } == {
        "text": {"value": "Close 10 deals"},
        "number": {"value": "12"},
        "mail": {"value": "a@example.com"},
        "link": {"value": "https://example.com"},
        "select": {"selected_option": OPTIONS[1]},
        "radio": {"selected_option": OPTIONS[0]},
        "boxes": {"selected_options": OPTIONS},
        "multi": {"selected_options": [OPTIONS[1]]},
        "user": {"selected_user": "U1"},
        "users": {"selected_users": ["U1", "U2"]},
        "conv": {"selected_conversation": "C1"},
        "chan": {"selected_channel": "C2"},
        "date": {"selected_date": "2025-03-31"},
        "time": {"selected_time": "09:30"},
        "grouped": {"selected_option": OPTIONS[1]},
    }


def test_state_values_defaults_and_errors() -> None:
    users_select = {"type": "users_select", "action_id": "e"}
    blocks = [
        input_block("a", "plain_text_input", "a"),
        input_block("b", "static_select", "b", options=OPTIONS, initial_option=OPTIONS[1]),
        input_block("c", "checkboxes", "c", options=OPTIONS),
        input_block("d", "datepicker", "d"),
        {
            "type": "section",
            "block_id": "e",
            "text": {"type": "mrkdwn", "text": "Who?"},
            "accessory": users_select,
        },
        {"type": "actions", "block_id": "g", "elements": [{"type": "button", "action_id": "go"}]},
        input_block("f", "plain_text_input", "f", initial_value="keep"),
    ]
    assert state_values(modal(blocks), {"f": None}) == {
        "a": {"a": {"type": "plain_text_input", "value": None}},
        "b": {"b": {"type": "static_select", "selected_option": OPTIONS[1]}},
        "c": {"c": {"type": "checkboxes", "selected_options": []}},
        "d": {"d": {"type": "datepicker", "selected_date": None}},
        "e": {"e": {"type": "users_select", "selected_user": None}},
        "f": {"f": {"type": "plain_text_input", "value": None}},  # answered None: cleared
    }
    assert state_values(modal(blocks), {})["f"]["f"]["value"] == "keep"
    with pytest.raises(ValueError, match="no option"):
        state_values(modal(blocks), {"b": "medium"})
    with pytest.raises(ValueError, match="nope"):
        state_values(modal(blocks), {"nope": "x"})
    with pytest.raises(ValueError, match="rich_text_input"):
        state_values(modal([input_block("r", "rich_text_input", "r")]), {})


# --- the peer against a real Bolt app --------------------------------------------------------------


class BoltServer:
    """A Bolt app on a loopback port (the way the real app is served, minus WSGI)."""

    def __init__(self, app: App) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {name.lower(): value for name, value in self.headers.items()}
                response = app.dispatch(BoltRequest(body=body.decode(), headers=dict(headers)))
                payload = response.body.encode()
                self.send_response(response.status)
                for name, values in response.headers.items():
                    for value in values:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


Bolt = tuple[SlackPeer, list[Any]]
GOAL_MODAL = modal(
    [
        input_block("title", "plain_text_input", "title_input"),
        input_block("level", "static_select", "level_select", options=OPTIONS),
    ],
    submit=submit_button(),
    private_metadata="goal-7",
    notify_on_close=True,
)


@pytest.fixture
def bolt(slack: SlackEmulator) -> Iterator[Bolt]:
    """A tiny Bolt app against the emulator, and a SlackPeer talking to it; the list collects what it saw."""
    seen: list[Any] = []
    web = WebClient(token=slack.bot_token, base_url=slack.api_url)
    app = App(signing_secret=SECRET, client=web, process_before_response=True)

    @app.command("/pacer")
    def on_command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=GOAL_MODAL)

    @app.view("goal")
    def on_submit(ack: Ack, view: dict[str, Any], body: dict[str, Any]) -> None:
        title = view["state"]["values"]["title"]["title_input"]["value"]
        if not title:
            ack(response_action="errors", errors={"title": "Name the goal"})
            return
        ack()
        seen.append((body["user"]["id"], view["private_metadata"], view["state"]["values"]))

    @app.view_closed("goal")
    def on_close(ack: Ack, view: dict[str, Any]) -> None:
        ack()
        seen.append(("closed", view["id"]))

    @app.action("done")
    def on_done(ack: Ack, respond: Respond, action: dict[str, Any]) -> None:
        ack()
        respond(f"marked {action['value']}")

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], say: Say) -> None:
        say(f"hi <@{event['user']}>")

    server = BoltServer(app)
    yield SlackPeer(server.url, SECRET, slack), seen
    server.close()


def test_peer_drives_a_modal_through_bolt(slack: SlackEmulator, bolt: Bolt) -> None:
    peer, seen = bolt
    response = peer.command("goal new", user_id="U1")
    assert response.status == 200
    opened = slack.calls_to("views.open")[0]
    assert opened.response["ok"] and opened.params["trigger_id"] == response.trigger_id
    view = slack.last_view()
    assert view is not None
    rejected = peer.view_submission(view, {"level": "high"}, user_id="U1")
    assert rejected.json() == {"response_action": "errors", "errors": {"title": "Name the goal"}}
    accepted = peer.view_submission(view, {"title_input": "Close 10 deals", "level": "high"}, user_id="U1")
    assert (accepted.status, accepted.body) == (200, b"")
    user, metadata, values = seen[0]
    assert (user, metadata) == ("U1", "goal-7")
    assert values["title"]["title_input"]["value"] == "Close 10 deals"
    assert values["level"]["level_select"]["selected_option"]["value"] == "high"
    assert peer.view_closed(view, user_id="U1").status == 200
    assert seen[1] == ("closed", view["id"])
    assert slack.warnings == []


def test_peer_sends_actions_and_events_through_bolt(slack: SlackEmulator, bolt: Bolt) -> None:
    peer, _ = bolt
    message = {"ts": "1700000000.000100", "text": "Goal", "blocks": []}
    clicked = peer.block_action(user_id="U1", action_id="done", value="g7", message=message, channel_id="C1")
    assert clicked.status == 200
    assert slack.responses == [(clicked.response_url, {"text": "marked g7"})]
    mention = {"type": "app_mention", "user": "U1", "channel": "C1", "text": "<@UBOT0001> hi"}
    assert peer.event(mention).status == 200
    assert [m["text"] for m in slack.messages["C1"]] == ["hi <@U1>"]


def test_bolt_rejects_bad_signatures(bolt: Bolt) -> None:
    peer, _ = bolt
    body = b"command=%2Fother&text=help"  # no listener: Bolt answers 404 once the signature checks out
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert peer.post_raw(body, form | sign("wrong-secret", body)).status == 401
    assert peer.post_raw(body, form | sign(SECRET, body, int(time.time()) - 600)).status == 401
    assert peer.post_raw(body, form | sign(SECRET, body)).status == 404
