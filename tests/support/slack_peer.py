"""Talk to the app as Slack does: signed slash commands, interactivity payloads (and the options requests
of external selects) and Events API calls.

Trigger ids and response URLs come from the SlackEmulator, so what the app does with them (open a
modal, respond) lands in the emulator where the test can look at it.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.support.slack_emulator import APP_ID, SlackEmulator

VERIFICATION_TOKEN = "legacy-verification-token"  # deprecated by Slack, still sent; Bolt ignores it


def sign(signing_secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request signing headers (v0 HMAC-SHA256 of "v0:{timestamp}:{body}")."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(signing_secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


@dataclass
class PeerResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    trigger_id: str | None = None  # the trigger_id / response_url sent with the request, if any
    response_url: str | None = None

    def json(self) -> Any:
        return json.loads(self.body) if self.body.strip() else {}

    @property
    def text(self) -> str:
        return self.body.decode()


class SlackPeer:
    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        emulator: SlackEmulator,
        *,
        team_id: str = "T0000001",
        team_domain: str = "acme",
        timeout: float = 10.0,
        enterprise_id: str | None = None,
    ) -> None:
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.emulator = emulator
        self.team_id = team_id
        self.team_domain = team_domain
        self.timeout = timeout
        self.enterprise_id = enterprise_id  # a workspace of an Enterprise Grid org: events name the org
        self._event_ids = itertools.count(1)

    # -- what Slack sends --

    def command(
        self, text: str, *, user_id: str, channel_id: str = "C0GENERAL", command: str = "/pacer"
    ) -> PeerResponse:
        trigger_id, response_url = self.emulator.issue_trigger_id(), self.emulator.new_response_url()
        form = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": self._channel_name(channel_id),
            "user_id": user_id,
            "user_name": self._user(user_id)["username"],
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
        response = self._post(urlencode(form).encode(), "application/x-www-form-urlencoded")
        response.trigger_id, response.response_url = trigger_id, response_url
        return response

    def view_submission(self, view: dict[str, Any], values: dict[str, Any], *, user_id: str) -> PeerResponse:
        """Submit ``view`` (as stored by the emulator) with ``values`` answered (see state_values)."""
        submitted = copy.deepcopy(view)
        submitted["state"] = {"values": state_values(view, values)}
        return self._interaction("view_submission", user_id, view=submitted, response_urls=[])

    def view_closed(self, view: dict[str, Any], *, user_id: str) -> PeerResponse:
        return self._interaction("view_closed", user_id, view=copy.deepcopy(view), is_cleared=False)

    def block_action(
        self,
        *,
        user_id: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "b",
        container: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        channel_id: str | None = None,
        selected: dict[str, Any] | None = None,
    ) -> PeerResponse:
        """A click (or, with ``selected``, e.g. ``{"type": "static_select", "selected_option": …}``).

        Like Slack, actions in a view carry no response_url; actions in messages do.
        """
        action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "type": "button"}
        action |= {"action_ts": f"{time.time():.6f}"} | ({"value": value} if value is not None else {})
        action |= selected or {}
        extra: dict[str, Any] = {"actions": [action]}
        if view is not None:
            extra["view"] = copy.deepcopy(view)
            extra["container"] = container or {"type": "view", "view_id": view.get("id")}
        else:
            extra["response_url"] = self.emulator.new_response_url()
            message_container = {"type": "message", "message_ts": (message or {}).get("ts")}
            extra["container"] = container or message_container | {"channel_id": channel_id}
        if message is not None:
            extra["message"] = copy.deepcopy(message)
        if channel_id is not None:
            extra["channel"] = {"id": channel_id, "name": self._channel_name(channel_id)}
        return self._interaction("block_actions", user_id, **extra)

    def suggestion(
        self,
        view: dict[str, Any],
        block_id: str,
        typed: str = "",
        *,
        user_id: str,
        values: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """What Slack asks when the person opens the external select in block `block_id` of `view` (as
        stored by the emulator) or types `typed` into it: a signed `block_suggestion` carrying the view
        with its state so far (`values`, see state_values). Returns the options the app answered, each
        checked as Slack checks them (at most 100, labels of at most 75 characters, values of 150);
        option groups are flattened."""
        block = next((b for b in view.get("blocks") or [] if b.get("block_id") == block_id), None)
        element = (block or {}).get("element") or (block or {}).get("accessory") or {}
        if element.get("type") not in ("external_select", "multi_external_select"):
            raise AssertionError(f"block {block_id!r} holds no external select: {element.get('type')!r}")
        if len(typed) < int(element.get("min_query_length", 3)):  # Slack's default is 3
            raise AssertionError(f"Slack asks only once {element.get('min_query_length', 3)} are typed")
        sent = copy.deepcopy(view)
        sent["state"] = {"values": state_values(view, values or {})}
        payload = {
            "type": "block_suggestion",
            "token": VERIFICATION_TOKEN,
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": self._user(user_id),
            "api_app_id": APP_ID,
            "enterprise": None,
            "is_enterprise_install": False,
            "container": {"type": "view", "view_id": view.get("id")},
            "view": sent,
            "action_id": element.get("action_id"),
            "block_id": block_id,
            "value": typed,
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        response = self._post(body, "application/x-www-form-urlencoded")
        assert response.status == 200, (response.status, response.text)
        return suggested(response.json())

    def opened_view(self, response: PeerResponse, *, timeout: float = 15.0) -> dict[str, Any]:
        """The modal the app opened with the trigger id of `response`'s request (perhaps after the ack)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.emulator.calls_to("views.open"):
                if call.params.get("trigger_id") == response.trigger_id and call.response.get("ok"):
                    return dict(call.response["view"])
            time.sleep(0.02)
        raise AssertionError(f"no modal was opened for trigger {response.trigger_id} within {timeout}s")

    def open_modal(self, text: str, *, user_id: str) -> dict[str, Any]:
        """Run `/pacer text` and return the modal it opened."""
        return self.opened_view(self.command(text, user_id=user_id))

    def click(
        self, message: dict[str, Any], action_id: str, *, user_id: str, channel_id: str
    ) -> PeerResponse:
        """Click the button `action_id` in a message the app posted, as Slack reports it."""
        for block in message.get("blocks") or []:
            for element in block.get("elements") or []:
                if element.get("action_id") == action_id:
                    return self.block_action(
                        user_id=user_id,
                        action_id=action_id,
                        value=element.get("value"),
                        block_id=block.get("block_id", "b"),
                        message=message,
                        channel_id=channel_id,
                    )
        raise ValueError(f"no button {action_id!r} in the message")

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: tuple[int, str] | None = None
    ) -> PeerResponse:
        """Deliver ``event`` in an Events API ``event_callback`` envelope; ``retry`` (number, reason) sends
        it as Slack sends it again, with ``X-Slack-Retry-Num`` and ``X-Slack-Retry-Reason``."""
        now = int(time.time())
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "api_app_id": APP_ID,
            "event": {"event_ts": f"{now}.000100", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._event_ids):08d}",
            "event_time": now,
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
            "authorizations": [
                {
                    "enterprise_id": self.enterprise_id,
                    "team_id": self.team_id,
                    "user_id": self.emulator.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        body = json.dumps(envelope).encode()
        retried = {"X-Slack-Retry-Num": str(retry[0]), "X-Slack-Retry-Reason": retry[1]} if retry else {}
        return self.post_raw(
            body, {"Content-Type": "application/json", **sign(self.signing_secret, body), **retried}
        )

    def post_raw(self, body: bytes, headers: dict[str, str]) -> PeerResponse:
        """POST ``body`` with exactly ``headers`` (no signing): for tests of bad requests."""
        request = urllib.request.Request(self.app_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return PeerResponse(response.status, response.read(), dict(response.headers.items()))
        except urllib.error.HTTPError as error:
            return PeerResponse(error.code, error.read(), dict(error.headers.items()))

    # -- helpers --

    def _post(self, body: bytes, content_type: str) -> PeerResponse:
        return self.post_raw(body, {"Content-Type": content_type, **sign(self.signing_secret, body)})

    def _interaction(self, kind: str, user_id: str, **fields: Any) -> PeerResponse:
        trigger_id = self.emulator.issue_trigger_id()
        payload = {
            "type": kind,
            "token": VERIFICATION_TOKEN,
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": self._user(user_id),
            "api_app_id": APP_ID,
            "trigger_id": trigger_id,
            "enterprise": None,
            "is_enterprise_install": False,
            **fields,
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        response = self._post(body, "application/x-www-form-urlencoded")
        response.trigger_id, response.response_url = trigger_id, fields.get("response_url")
        return response

    def _user(self, user_id: str) -> dict[str, str]:
        name = self.emulator.users.get(user_id, {}).get("name", user_id.lower())
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _channel_name(self, channel_id: str) -> str:
        if channel_id.startswith("D"):
            return "directmessage"
        return str(self.emulator.channels.get(channel_id, {}).get("name", channel_id.lower()))


def suggested(answer: Any) -> list[dict[str, Any]]:
    """The options of an app's answer to an options request, refused as Slack refuses them: neither or
    both of `options` and `option_groups`, more than 100 of either, over-long labels or values."""
    if not isinstance(answer, dict) or ("options" in answer) == ("option_groups" in answer):
        raise AssertionError(f"an options answer needs options or option_groups: {answer!r}")
    groups = answer.get("option_groups") or [{"options": answer.get("options") or []}]
    if len(groups) > 100:
        raise AssertionError(f"{len(groups)} option groups: Slack shows at most 100")
    found = [option for group in groups for option in group.get("options") or []]
    if any(len(group.get("options") or []) > 100 for group in groups):
        raise AssertionError("more than 100 options: Slack shows none of them")
    for option in found:
        text = option.get("text") or {}
        if text.get("type") != "plain_text" or not 0 < len(str(text.get("text") or "")) <= 75:
            raise AssertionError(f"an option's text must be plain_text of 1 to 75 characters: {option!r}")
        if not 0 < len(str(option.get("value") or "")) <= 150:
            raise AssertionError(f"an option's value must be 1 to 150 characters: {option!r}")
    return found


# --- view.state.values -----------------------------------------------------------------------------

# element type -> (state key, initial key, holds a list)
_ELEMENT_STATE: dict[str, tuple[str, str, bool]] = {
    "plain_text_input": ("value", "initial_value", False),
    "number_input": ("value", "initial_value", False),
    "email_text_input": ("value", "initial_value", False),
    "url_text_input": ("value", "initial_value", False),
    "static_select": ("selected_option", "initial_option", False),
    "external_select": ("selected_option", "initial_option", False),
    "radio_buttons": ("selected_option", "initial_option", False),
    "checkboxes": ("selected_options", "initial_options", True),
    "multi_static_select": ("selected_options", "initial_options", True),
    "multi_external_select": ("selected_options", "initial_options", True),
    "users_select": ("selected_user", "initial_user", False),
    "multi_users_select": ("selected_users", "initial_users", True),
    "conversations_select": ("selected_conversation", "initial_conversation", False),
    "multi_conversations_select": ("selected_conversations", "initial_conversations", True),
    "channels_select": ("selected_channel", "initial_channel", False),
    "multi_channels_select": ("selected_channels", "initial_channels", True),
    "datepicker": ("selected_date", "initial_date", False),
    "timepicker": ("selected_time", "initial_time", False),
    "datetimepicker": ("selected_date_time", "initial_date_time", False),
}


def _option(element: dict[str, Any], answer: Any) -> dict[str, Any]:
    """The option of ``element`` whose value is ``answer`` (an option dict is taken as is)."""
    if isinstance(answer, dict):
        return answer
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    if element["type"].endswith("external_select") and not options:
        return {"text": {"type": "plain_text", "text": str(answer)}, "value": str(answer)}
    for option in options:
        if option.get("value") == answer:
            return copy.deepcopy(option)
    raise ValueError(f"{element.get('action_id')!r} has no option with value {answer!r}")


def _convert(element: dict[str, Any], key: str, answer: Any) -> Any:
    """One submitted answer in Slack's shape for the state ``key``."""
    if key.startswith("selected_option"):
        return _option(element, answer)
    if key == "value":
        return str(answer)
    if key == "selected_date" and isinstance(answer, dt.date):
        return answer.strftime("%Y-%m-%d")
    if key == "selected_time" and isinstance(answer, dt.time):
        return answer.strftime("%H:%M")
    if key == "selected_date_time" and isinstance(answer, dt.datetime):
        return int(answer.timestamp())
    return answer


def _element_state(element: dict[str, Any], answer: Any, answered: bool) -> dict[str, Any]:
    kind = element.get("type", "")
    if kind not in _ELEMENT_STATE:
        raise ValueError(f"state_values does not know element type {kind!r}")
    key, initial_key, many = _ELEMENT_STATE[kind]
    if not answered:
        answer = copy.deepcopy(element.get(initial_key))  # already in Slack's shape
    elif answer is not None:
        answer = [_convert(element, key, a) for a in answer] if many else _convert(element, key, answer)
    return {"type": kind, key: ([] if many else None) if answer is None else answer}


def state_values(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Slack's ``view.state.values`` for ``view``'s inputs: {block_id: {action_id: state}}.

    ``answers`` maps an action_id or a block_id to the answer: a string for text inputs, an option
    value (or a list of them) for selects, radio buttons and checkboxes, ids for user/conversation/
    channel pickers, "YYYY-MM-DD" (or a date) and "HH:MM" (or a time) for date and time pickers.
    Unanswered elements submit their initial value, else their empty state; an answer of None
    submits the empty state (a cleared field). Answers matching no element raise ValueError.
    """
    values: dict[str, dict[str, dict[str, Any]]] = {}
    used: set[str] = set()
    for index, block in enumerate(view.get("blocks") or []):
        block_id = str(block.get("block_id") or index)
        if block.get("type") == "input":
            elements = [block.get("element") or {}]  # must be a type we know: _element_state checks
        elif block.get("type") in ("section", "actions"):
            found = [block.get("accessory"), *(block.get("elements") or [])]
            elements = [e for e in found if isinstance(e, dict) and e.get("type") in _ELEMENT_STATE]
        else:
            continue
        for element in elements:
            action_id = str(element.get("action_id") or "")
            key = action_id if action_id in answers else block_id
            answered = key in answers
            if answered:
                used.add(key)
            state = _element_state(element, answers.get(key), answered)
            values.setdefault(block_id, {})[action_id] = state
    unknown = set(answers) - used
    if unknown:
        raise ValueError(f"answers for no input of the view: {sorted(unknown)}")
    return values
