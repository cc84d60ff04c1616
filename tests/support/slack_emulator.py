"""A local Slack Web API emulator for tests and benchmarks.

Point a ``slack_sdk.WebClient`` at ``emulator.api_url``. It serves real HTTP on 127.0.0.1 from a
daemon thread, records every call, keeps the messages and views the app produced, enforces Slack's
Block Kit limits and can inject rate limits and server errors.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import itertools
import json
import math
import random
import secrets
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from tests.support.block_kit import (
    SlackError,
    validate_message,
    validate_view,
)

APP_ID = "A0PACER"
AUTHORIZE_PATH = "/oauth/v2/authorize"  # the stand-in for https://slack.com/oauth/v2/authorize
BOT_ID = "B0PACER1"
_JSON_FIELDS = ("blocks", "view", "attachments", "metadata")  # JSON strings in form bodies
_MESSAGE_FIELDS = ("text", "blocks", "attachments", "metadata")  # what chat.update replaces
_FIRST_TS = 1_700_000_000_000_000  # microseconds

Params = dict[str, Any]


@dataclass
class Team:
    """One workspace the emulator serves: its bot user and the tokens that act in it."""

    team_id: str
    name: str
    bot_user_id: str
    tokens: dict[str, float | None] = field(default_factory=dict)  # bot token → expiry (by clock) or None
    refresh_tokens: set[str] = field(default_factory=set)
    expire_after: int | None = None  # calls left before the current tokens expire (see expire_after)
    revoke_after: int | None = None  # calls left before the app is uninstalled (see revoke)
    enterprise_id: str | None = None  # an Enterprise Grid org's workspace: oauth.v2.access names the org

    @property
    def enterprise(self) -> dict[str, str] | None:
        """`enterprise` as oauth.v2.access answers it: the org, or None outside Enterprise Grid."""
        return {"id": self.enterprise_id, "name": "Grid Org"} if self.enterprise_id else None


@dataclass
class OAuthApp:
    """The app's OAuth credentials as Slack knows them (see `SlackEmulator.configure_oauth`)."""

    client_id: str
    client_secret: str
    scopes: str
    rotation: bool
    expires_in: int
    redirect_uri: str = ""  # the app's configured redirect URL, used when a request names none


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    token: str | None
    status: int
    response: dict[str, Any]


# --- HTTP plumbing ---------------------------------------------------------------------------------


def _parse_params(query: str, body: bytes, content_type: str) -> Params:
    """Merge query string and body (JSON or form); decode JSON-string form fields."""
    params: Params = dict(parse_qsl(query, keep_blank_values=True))
    try:
        if body and "json" in content_type:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("a JSON body must be an object")
            params.update(data)
        elif body:
            params.update(parse_qsl(body.decode(), keep_blank_values=True))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SlackError("invalid_json" if "json" in content_type else "invalid_form_data") from exc
    for key in _JSON_FIELDS:
        if isinstance(params.get(key), str):
            with contextlib.suppress(ValueError):  # a bad string is left for validation to report
                params[key] = json.loads(params[key])
    return params


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, status: int, response: dict[str, Any], retry_after: int = 0) -> _Reply:
        """200 and 429 carry Slack's JSON; other statuses a plain body, as Slack's edge does."""
        if status not in (200, 429):
            return cls(status, HTTPStatus(status).phrase.encode())
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        return cls(status, json.dumps(response).encode(), "application/json; charset=utf-8", headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, emulator: SlackEmulator) -> None:
        self.emulator = emulator
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging."""

    def do_GET(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        reply = self.server.emulator.dispatch(self.path, dict(self.headers.items()), body)
        self.send_response(reply.status)
        for name, value in {"Content-Type": reply.content_type, **reply.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_POST = do_GET


# --- The emulator ----------------------------------------------------------------------------------


class SlackEmulator:
    def __init__(
        self,
        *,
        team_id: str = "T0000001",
        bot_token: str = "xoxb-test-token",
        bot_user_id: str = "UBOT0001",
        trigger_ttl: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.team_id, self.bot_token, self.bot_user_id = team_id, bot_token, bot_user_id
        self.trigger_ttl, self.clock = trigger_ttl, clock
        # Several workspaces: each token acts in its own team only. The first is the one made here.
        self.teams: dict[str, Team] = {team_id: Team(team_id, "Acme", bot_user_id, {bot_token: None})}
        self.oauth_app: OAuthApp | None = None
        self._codes: dict[str, tuple[str, str]] = {}  # authorization code → (team id, redirect_uri)
        self._team = team_id  # the team of the call being answered (set with the lock held)
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._fail_queue: dict[str, deque[tuple[int, int, str | None]]] = {}
        self._stalls: dict[str, deque[float]] = {}
        self.broken_images: set[str] = set()  # image URLs Slack cannot download: a message with one fails
        self._chaos: tuple[float, tuple[int, ...], random.Random, set[str] | None, int] | None = None
        self._limits: dict[str, tuple[float, bool]] = {}
        self._team_limits: dict[tuple[str, str], tuple[float, bool]] = {}  # (team, method) → override
        self._bursts: dict[tuple[str | None, str], float] = {}  # (team or None, method) → bucket size
        self._refusing: dict[str, int] = {}  # team → Retry-After: every call of that team is answered 429
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._handlers: dict[str, Callable[[Params], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }
        self._tokenless: dict[str, Callable[[Params, str | None], dict[str, Any]]] = {
            "oauth.v2.access": self._oauth_v2_access,
        }
        self.reset()
        self.add_user(bot_user_id, name="pacer", real_name="Pacer", is_bot=True)
        self.add_channel("C0GENERAL", "general")

    def reset(self) -> None:
        """Forget calls, messages, views, responses, triggers and pending fail_next.

        Users, channels, rate limits (their buckets refill) and the failure rate are kept.
        """
        with self._lock:
            self.calls: list[ApiCall] = []
            self.warnings: list[ApiCall] = []  # calls Slack answered with a warning
            self.errors: list[str] = []  # tracebacks of emulator bugs, answered with HTTP 500
            self.messages: dict[str, list[dict[str, Any]]] = {}
            self.ephemerals: list[dict[str, Any]] = []  # messages plus "channel" and "recipient"
            self.views: dict[str, dict[str, Any]] = {}  # modals and home tabs
            self.home_tabs: dict[str, dict[str, Any]] = {}
            self.responses: list[tuple[str, dict[str, Any]]] = []
            self._triggers: dict[str, float] = {}
            self._response_urls: set[str] = set()
            self._external_ids: dict[str, str] = {}
            self._last_modal = ""
            self._buckets: dict[tuple[str, str, str], tuple[float, float]] = {}  # team, method, channel
            self._fail_queue.clear()
            self._stalls.clear()
            self.files: dict[
                str, dict[str, Any]
            ] = {}  # file id → {"filename", "length", "content", "shared"}

    # -- lifecycle --

    def start(self) -> SlackEmulator:
        if self._server is None:
            self._server = _Server(self)
            self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the SlackEmulator is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # -- setup and inspection --

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "UTC",
        locale: str = "en-US",
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
        team_id: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Add a user; returns it as users.info shows it with include_locale=true. `extra` adds fields
        such as is_restricted, is_ultra_restricted, is_stranger or enterprise_user (guests, externals).

        tz_label is the zone's abbreviation ("CET") and tz_offset its current UTC offset in seconds.
        """
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        real = name if real_name is None else real_name
        user: dict[str, Any] = {"id": user_id, "team_id": team_id or self.team_id, "name": name}
        user |= {"real_name": real, "deleted": deleted, "is_admin": is_admin, "is_owner": is_owner}
        user |= {"is_bot": is_bot, "tz": tz, "tz_label": now.tzname() or tz}
        user |= {"tz_offset": int(offset.total_seconds()) if offset else 0, "locale": locale}
        user["profile"] = {"display_name": name, "real_name": real}
        user |= {"is_restricted": False, "is_ultra_restricted": False} | extra
        with self._lock:
            self.users[user_id] = user
        return copy.deepcopy(user)

    def add_channel(
        self, channel_id: str, name: str, *, is_private: bool = False, team_id: str | None = None
    ) -> None:
        channel = {"id": channel_id, "name": name, "is_channel": not is_private, "is_group": is_private}
        channel["context_team_id"] = team_id or self.team_id
        channel |= {"is_im": False, "is_private": is_private, "is_archived": False, "is_member": True}
        with self._lock:
            self.channels[channel_id] = channel

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def last_view(self) -> dict[str, Any] | None:
        """A copy of the most recently opened, pushed or updated modal, as currently stored."""
        with self._lock:
            view = self.views.get(self._last_modal)
            return copy.deepcopy(view) if view is not None else None

    def issue_trigger_id(self) -> str:
        """A trigger_id valid for ``trigger_ttl`` seconds (by ``clock``), single use."""
        trigger_id = f"{next(self._ids)}.{self._team[1:]}.{secrets.token_hex(16)}"
        with self._lock:
            self._triggers[trigger_id] = self.clock()
        return trigger_id

    def new_response_url(self) -> str:
        url = f"{self.base_url}/response/{next(self._ids)}/{secrets.token_hex(8)}"
        with self._lock:
            self._response_urls.add(url)
        return url

    # -- fault injection --

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        error: str | None = None,
    ) -> None:
        """The next `count` calls to `method` fail with `status` (and `error`, e.g. `account_inactive`
        with status 200; by default `ratelimited` or `http_<status>`)."""
        with self._lock:
            self._fail_queue.setdefault(method, deque()).extend([(status, retry_after, error)] * count)

    def stall_next(self, method: str, seconds: float, *, count: int = 1) -> None:
        """The next `count` calls to `method` are carried out, then answered only after `seconds`:
        the window in which a client that dies has done the work without knowing it."""
        with self._lock:
            self._stalls.setdefault(method, deque()).extend([seconds] * count)

    def set_failure_rate(
        self,
        rate: float,
        *,
        statuses: tuple[int, ...] = (429, 500, 503),
        seed: int = 0,
        methods: set[str] | None = None,
        retry_after: int = 1,
    ) -> None:
        """Fail a ``rate`` share of the calls (to ``methods``, default all); rate 0 turns it off."""
        with self._lock:
            self._chaos = (rate, statuses, random.Random(seed), methods, retry_after) if rate > 0 else None

    def set_rate_limit(
        self,
        method: str,
        per_second: float,
        *,
        per_channel: bool = False,
        team_id: str | None = None,
        burst: float | None = None,
    ) -> None:
        """A token bucket (burst max(1, per_second), or `burst`); calls beyond it are answered 429. As
        Slack's, the buckets are per workspace: each team has its own. `team_id` sets that team's alone."""
        with self._lock:
            self._bursts[(team_id, method)] = burst or max(1.0, per_second)
            if team_id is None:
                self._limits[method] = (per_second, per_channel)
            else:
                self._team_limits[(team_id, method)] = (per_second, per_channel)
            self._buckets = {
                key: bucket
                for key, bucket in self._buckets.items()
                if key[1] != method or team_id not in (None, key[0])
            }

    def refuse(self, team_id: str, *, retry_after: int = 30) -> None:
        """Every call made in `team_id` is answered 429 with this Retry-After (0: no longer): a workspace
        over its limits, or whose Slack is down for the app."""
        with self._lock:
            if retry_after:
                self._refusing[team_id] = retry_after
            else:
                self._refusing.pop(team_id, None)

    def _injected_failure(self, method: str, params: Params) -> tuple[int, int, str | None] | None:
        """(status, Retry-After, error) when this call is to fail: refuse, fail_next, failure rate, rate
        limit."""
        if self._team in self._refusing:
            return 429, self._refusing[self._team], None
        if queue := self._fail_queue.get(method):
            return queue.popleft()
        if self._chaos is not None:
            rate, statuses, rng, methods, retry_after = self._chaos
            if (methods is None or method in methods) and rng.random() < rate:
                return rng.choice(statuses), retry_after, None
        limit = self._team_limits.get((self._team, method)) or self._limits.get(method)
        if limit is None:
            return None
        rate, per_channel = limit
        key = (self._team, method, str(params.get("channel", "")) if per_channel else "")
        now = self.clock()
        capacity = (
            self._bursts.get((self._team, method)) or self._bursts.get((None, method)) or max(1.0, rate)
        )
        tokens, last = self._buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * rate)
        self._buckets[key] = (tokens - 1.0, now) if tokens >= 1.0 else (tokens, now)
        return None if tokens >= 1.0 else (429, max(1, math.ceil((1.0 - tokens) / rate)), None)

    # -- request dispatch --

    def dispatch(self, path: str, headers: dict[str, str], body: bytes) -> _Reply:
        """Answer one HTTP request (called from the server's threads)."""
        url = urlsplit(path)
        try:
            if url.path.startswith("/api/"):
                return self._api(url.path.removeprefix("/api/"), url.query, headers, body)
            if url.path.startswith("/response/"):
                return self._response_url(f"{self.base_url}{path}", body)
            if url.path.startswith("/upload/"):
                return self._receive_upload(url.path.removeprefix("/upload/"), body)
            if url.path.startswith("/files-pri/"):
                return self._serve_file(url.path.removeprefix("/files-pri/"), headers)
            if url.path == AUTHORIZE_PATH:
                return self._authorize_page(url.query)
            return _Reply(404, b"not found")
        except Exception:  # a bug in the emulator: keep serving, let the test see it
            self.errors.append(traceback.format_exc())
            return _Reply(500, b"emulator error")

    def _api(self, method: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
        lower = {name.lower(): value for name, value in headers.items()}
        auth = lower.get("authorization", "")
        bearer = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        if auth.startswith("Basic "):  # oauth.v2.access: the app's client id and secret
            bearer = auth
        with self._lock:
            try:
                params = _parse_params(query, body, lower.get("content-type", ""))
                token_param = params.pop("token", None)
                token = bearer or token_param
                status, response, retry_after = self._answer(method, params, token)
            except SlackError as exc:  # an unparseable body
                params, token, status, response, retry_after = {}, bearer, 200, exc.body(), 0
            call = ApiCall(method, params, token, status, response)
            self.calls.append(call)
            if response.get("warning"):
                self.warnings.append(call)
            stalls = self._stalls.get(method)
            stall = stalls.popleft() if stalls else 0.0
        if stall:
            time.sleep(stall)
        return _Reply.of(status, response, retry_after)

    def _answer(self, method: str, params: Params, token: str | None) -> tuple[int, dict[str, Any], int]:
        """(HTTP status, response, Retry-After) for one Web API call, in the team of its token."""
        self._team = self._token_team(token) or self.team_id
        try:
            return self._answer_in_team(method, params, token)
        finally:
            self._team = self.team_id

    def _answer_in_team(
        self, method: str, params: Params, token: str | None
    ) -> tuple[int, dict[str, Any], int]:
        injected = self._injected_failure(method, params)
        if injected is not None:
            status, retry_after, code = injected
            error = code or ("ratelimited" if status == 429 else f"http_{status}")
            return status, {"ok": False, "error": error}, retry_after
        try:
            if method in self._tokenless:
                return 200, self._tokenless[method](params, token), 0
            if method not in self._handlers:
                raise SlackError("unknown_method")
            if not token:
                raise SlackError("not_authed")
            self._check_token(token)
            return 200, self._handlers[method](params), 0
        except SlackError as exc:
            return 200, exc.body(), 0

    def _response_url(self, url: str, body: bytes) -> _Reply:
        """A POST to a response_url: recorded in ``responses`` when Slack would accept it."""
        if url not in self._response_urls:
            return _Reply(404, b"expired_url")
        try:
            payload = json.loads(body or b"{}")
            if not isinstance(payload, dict):
                raise ValueError("the payload must be an object")
            if not payload.get("delete_original"):
                validate_message(payload)
        except ValueError:
            return _Reply(400, b"invalid_payload")
        except SlackError as exc:
            return _Reply(400, exc.error.encode())
        with self._lock:
            self.responses.append((url, payload))
        return _Reply(200, b"ok")

    # -- Web API methods (called with the lock held) --

    def _next_ts(self) -> str:
        micros = _FIRST_TS + 100 * next(self._ids)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _resolve_channel(self, value: Any, *, allow_user: bool = True) -> str:
        """A channel id, "#name", DM id, or (when allowed) a user id mapped to the DM's id."""
        channel = str(value or "")
        if channel.startswith("#"):
            named = [cid for cid in self._team_channels() if self.channels[cid]["name"] == channel[1:]]
            channel = named[0] if named else channel
        if allow_user and self._sees_user(channel):
            channel = "D" + channel
        if channel in self._team_channels():
            return channel
        if channel.startswith("D") and self._sees_user(channel[1:]):
            if self.users[channel[1:]]["deleted"]:
                raise SlackError("user_disabled")
            return channel
        raise SlackError("channel_not_found")

    def _auth_test(self, params: Params) -> dict[str, Any]:
        team = self.teams[self._team]
        bot = self.users[team.bot_user_id]["name"]
        ids = {"team_id": team.team_id, "user_id": team.bot_user_id, "bot_id": self._bot_id(team.team_id)}
        url = f"https://{team.name.lower()}.slack.com/"
        return {"ok": True, "url": url, "team": team.name, "user": bot, **ids}

    def _users_info(self, params: Params) -> dict[str, Any]:
        user_id = str(params.get("user", ""))
        user = copy.deepcopy(self.users[user_id]) if self._sees_user(user_id) else None
        if user is None:
            raise SlackError("user_not_found")
        if str(params.get("include_locale")).lower() not in ("1", "true"):
            del user["locale"]
        return {"ok": True, "user": user}

    def _conversations_open(self, params: Params) -> dict[str, Any]:
        users = params.get("users") or ""
        ids = [u.strip() for u in (users.split(",") if isinstance(users, str) else users) if u.strip()]
        if len(ids) != 1:  # group DMs are not emulated
            raise SlackError("not_supported" if ids else "users_list_not_supplied")
        if not self._sees_user(ids[0]):
            raise SlackError("user_not_found")
        return {"ok": True, "channel": {"id": "D" + ids[0]}}

    def _conversations_info(self, params: Params) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"), allow_user=False)
        info = self.channels.get(channel) or {"id": channel, "is_im": True, "user": channel[1:]}
        return {"ok": True, "channel": copy.deepcopy(info)}

    def _conversations_history(self, params: Params) -> dict[str, Any]:
        """Newest first, between `oldest` and `latest` (exclusive), metadata only when asked for."""
        channel = self._resolve_channel(params.get("channel"), allow_user=False)
        oldest, latest = float(params.get("oldest") or 0), float(params.get("latest") or "inf")
        limit = int(params.get("limit") or 100)
        metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        found = [m for m in reversed(self.messages.get(channel, [])) if oldest < float(m["ts"]) < latest]
        shown = [m if metadata else {k: v for k, v in m.items() if k != "metadata"} for m in found[:limit]]
        return self._ok(messages=shown, has_more=len(found) > limit)

    def _conversations_replies(self, params: Params) -> dict[str, Any]:
        """The thread under `ts`: the parent first, then its replies, oldest first."""
        channel = self._resolve_channel(params.get("channel"), allow_user=False)
        parent = self._find_message(channel, params.get("ts"))
        metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        thread = [parent] + [m for m in self.messages.get(channel, []) if m.get("thread_ts") == parent["ts"]]
        shown = [m if metadata else {k: v for k, v in m.items() if k != "metadata"} for m in thread]
        return self._ok(messages=shown, has_more=False)

    def _files_get_upload_url(self, params: Params) -> dict[str, Any]:
        """Step one of Slack's external upload: a URL on this server to POST the bytes to."""
        length = int(params.get("length") or 0)
        if not params.get("filename") or length <= 0:
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self.files[file_id] = {
            "filename": params["filename"],
            "length": length,
            "content": None,
            "shared": None,
        }
        return self._ok(upload_url=f"{self.base_url}/upload/{file_id}", file_id=file_id)

    def _receive_upload(self, file_id: str, body: bytes) -> _Reply:
        with self._lock:
            entry = self.files.get(file_id)
            if entry is None:
                return _Reply(404, b"not found")
            entry["content"] = body
        return _Reply(200, b"OK - " + str(len(body)).encode())

    def share_file(self, user_id: str, name: str, content: bytes, *, filetype: str = "") -> str:
        """A file a person shared (in a DM with the app, say): ``files.info`` describes it and its
        ``url_private_download`` serves its bytes to the bot token only, as Slack's file server does.
        Returns the file id for the ``file_shared`` event."""
        with self._lock:
            file_id = f"F{next(self._ids):08d}"
            self.files[file_id] = {
                "filename": name,
                "length": len(content),
                "content": content,
                "shared": None,
                "user": user_id,
                "filetype": filetype or name.rsplit(".", 1)[-1].lower(),
            }
        return file_id

    def _files_info(self, params: Params) -> dict[str, Any]:
        entry = self.files.get(str(params.get("file") or ""))
        if entry is None:
            raise SlackError("file_not_found")
        file_id = str(params["file"])
        url = f"{self.base_url}/files-pri/{self._team}-{file_id}/{quote(entry['filename'])}"
        info = {"id": file_id, "name": entry["filename"], "title": entry["filename"], "size": entry["length"]}
        info |= {"user": entry.get("user"), "filetype": entry.get("filetype", ""), "url_private": url}
        return self._ok(file=info | {"url_private_download": f"{url}?download=1"})

    def _serve_file(self, path: str, headers: dict[str, str]) -> _Reply:
        """A file's bytes, for the bot token only (Slack answers others with its login page)."""
        auth = {name.lower(): value for name, value in headers.items()}.get("authorization", "")
        team_id, _, file_id = path.split("/", 1)[0].partition("-")
        with self._lock:
            entry = self.files.get(file_id)
            token_team = self._token_team(auth.removeprefix("Bearer "))
            valid = self._token_valid(auth.removeprefix("Bearer "))
        if not valid or token_team != team_id or entry is None or entry["content"] is None:
            return _Reply(404, b"not found")
        return _Reply(200, entry["content"], content_type="application/octet-stream")

    def _files_complete_upload(self, params: Params) -> dict[str, Any]:
        """Step three: share the uploaded files in a channel (and thread); a file never uploaded fails."""
        files = params.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        channel = self._resolve_channel(params.get("channel_id")) if params.get("channel_id") else None
        shared = []
        for item in files:
            entry = self.files.get(str(item.get("id")))
            if entry is None or entry["content"] is None:
                raise SlackError("file_not_found")
            entry["shared"] = {
                "channel": channel,
                "thread_ts": params.get("thread_ts"),
                "title": item.get("title"),
            }
            shared.append({"id": item["id"], "title": item.get("title") or entry["filename"]})
        if channel is not None:
            message = self._new_message({"text": "", "thread_ts": params.get("thread_ts")})
            message["files"] = shared
            self.messages.setdefault(channel, []).append(message)
        return self._ok(files=shared)

    def _new_message(self, params: Params) -> dict[str, Any]:
        bot_user_id, bot_id = self.teams[self._team].bot_user_id, self._bot_id(self._team)
        message: dict[str, Any] = {"type": "message", "ts": self._next_ts(), "user": bot_user_id}
        message |= {"bot_id": bot_id, "app_id": APP_ID, "team": self._team, "text": "", "blocks": []}
        return message | {key: params[key] for key in ("thread_ts", *_MESSAGE_FIELDS) if params.get(key)}

    def _find_message(self, channel: str, ts: Any) -> dict[str, Any]:
        found = [message for message in self.messages.get(channel, []) if message["ts"] == str(ts)]
        if not found:
            raise SlackError("message_not_found")
        return found[0]

    @staticmethod
    def _ok(warning: str | None = None, **fields: Any) -> dict[str, Any]:
        response = {"ok": True, **copy.deepcopy(fields)}
        return response | {"warning": warning} if warning else response

    def _check_images(self, params: Params) -> None:
        """Slack downloads a message's images and refuses the message when one does not load."""
        for block in params.get("blocks") or []:
            if isinstance(block, dict) and block.get("image_url") in self.broken_images:
                raise SlackError("invalid_blocks", f"downloading image failed [{block['image_url']}]")

    def _chat_post_message(self, params: Params) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        warning = validate_message(params)
        self._check_images(params)
        message = self._new_message(params)
        self.messages.setdefault(channel, []).append(message)
        return self._ok(warning, channel=channel, ts=message["ts"], message=message)

    def _chat_post_ephemeral(self, params: Params) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        recipient = str(params.get("user") or "")
        if not self._sees_user(recipient):
            raise SlackError("user_not_found")
        warning = validate_message(params)
        message = self._new_message(params) | {"channel": channel, "recipient": recipient}
        self.ephemerals.append(message)
        return self._ok(warning, message_ts=message["ts"])

    def _chat_update(self, params: Params) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        message = self._find_message(channel, params.get("ts"))
        warning = validate_message(params)
        self._check_images(params)
        message |= {key: params[key] for key in _MESSAGE_FIELDS if key in params}
        message["edited"] = {"user": self.teams[self._team].bot_user_id, "ts": self._next_ts()}
        return self._ok(warning, channel=channel, ts=message["ts"], text=message["text"], message=message)

    def _chat_delete(self, params: Params) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        message = self._find_message(channel, params.get("ts"))
        self.messages[channel].remove(message)
        return self._ok(channel=channel, ts=message["ts"])

    def _store_view(self, view: dict[str, Any], view_id: str | None) -> dict[str, Any]:
        """Store (or replace in place) a validated view; returns the response with a copy."""
        view_id = view_id or f"V{next(self._ids):08d}"
        external_id = view.get("external_id")
        if external_id and self._external_ids.setdefault(external_id, view_id) != view_id:
            raise SlackError("duplicate_external_id")
        stored = self.views.setdefault(view_id, {})
        stored.clear()
        stored |= {"callback_id": "", "private_metadata": "", "external_id": ""} | copy.deepcopy(view)
        stored |= {"id": view_id, "team_id": self._team, "app_id": APP_ID, "bot_id": self._bot_id(self._team)}
        stored |= {"root_view_id": view_id, "previous_view_id": None, "state": {"values": {}}}
        stored["hash"] = f"{1_700_000_000 + next(self._ids)}.{secrets.token_hex(4)}"
        if stored["type"] == "modal":
            self._last_modal = view_id
        return self._ok(view=stored)

    def _views_open(self, params: Params) -> dict[str, Any]:
        """views.open and views.push: a modal, given a fresh unused trigger_id."""
        trigger_id = str(params.get("trigger_id") or "")
        issued = self._triggers.get(trigger_id)
        if issued is None:
            raise SlackError("invalid_trigger_id")
        if self.clock() - issued > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        validate_view(params.get("view"), "modal")
        response = self._store_view(params["view"], None)
        del self._triggers[trigger_id]
        return response

    def _replace_view(self, current: dict[str, Any] | None, params: Params, kind: str) -> dict[str, Any]:
        """views.update and views.publish: check the optional hash, then store."""
        if current is not None and params.get("hash") and params["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        validate_view(params.get("view"), kind)
        return self._store_view(params["view"], current["id"] if current else None)

    def _views_update(self, params: Params) -> dict[str, Any]:
        view_id = params.get("view_id") or self._external_ids.get(params.get("external_id") or "")
        current = self.views.get(str(view_id or ""))
        if current is None:
            raise SlackError("not_found" if view_id or params.get("external_id") else "invalid_arguments")
        return self._replace_view(current, params, current["type"])

    def _views_publish(self, params: Params) -> dict[str, Any]:
        user_id = str(params.get("user_id") or "")
        if not self._sees_user(user_id):
            raise SlackError("user_not_found")
        response = self._replace_view(self.home_tabs.get(user_id), params, "home")
        self.home_tabs[user_id] = self.views[response["view"]["id"]]
        return response

    # -- several workspaces, OAuth and token rotation --

    def add_team(
        self,
        team_id: str,
        *,
        name: str,
        bot_token: str | None = None,
        bot_user_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> Team:
        """Another workspace. With `bot_token` the app is installed there already; else install it by
        OAuth (`configure_oauth`, then the authorize stand-in). Its bot user is added as a user of it.
        `enterprise_id`: a workspace of that Enterprise Grid org (installed per workspace all the same)."""
        bot_user_id = bot_user_id or f"UBOT{team_id[-4:]}"
        team = Team(team_id, name, bot_user_id, {bot_token: None} if bot_token else {})
        team.enterprise_id = enterprise_id
        with self._lock:
            self.teams[team_id] = team
        self.add_user(bot_user_id, name="pacer", real_name="Pacer", is_bot=True, team_id=team_id)
        return team

    def configure_oauth(
        self,
        client_id: str,
        client_secret: str,
        *,
        scopes: str = "commands,chat:write",
        rotation: bool = False,
        expires_in: int = 43_200,
        redirect_uri: str = "",
    ) -> None:
        """The app's OAuth credentials. With `rotation`, tokens expire after `expires_in` seconds (by
        `clock`) and come with a refresh token, as with Slack's token rotation turned on."""
        with self._lock:
            self.oauth_app = OAuthApp(client_id, client_secret, scopes, rotation, expires_in, redirect_uri)
            self.installing_team = self.team_id  # the workspace the next person on the authorize page picks

    def authorize(self, team_id: str, redirect_uri: str = "") -> str:
        """What a person's "Allow" in `team_id` yields: a single-use code for `oauth.v2.access`."""
        if team_id not in self.teams:
            raise KeyError(f"no team {team_id}: add_team first")
        code = f"{next(self._ids)}.{secrets.token_hex(12)}"
        with self._lock:
            self._codes[code] = (team_id, redirect_uri)
        return code

    def authorize_url(self) -> str:
        """The stand-in for https://slack.com/oauth/v2/authorize: a GET with client_id, scope, state,
        redirect_uri and `team` (the workspace the person picks) redirects to redirect_uri with a code."""
        return f"{self.base_url}{AUTHORIZE_PATH}"

    def revoke(self, team_id: str, *, after_calls: int = 0) -> None:
        """The app is uninstalled from `team_id` (or its tokens revoked): every token of it stops working,
        now or after `after_calls` more calls made with them (an uninstall in the middle of a fan-out)."""
        with self._lock:
            team = self.teams[team_id]
            if after_calls > 0:
                team.revoke_after = after_calls
                return
            team.tokens.clear()
            team.refresh_tokens.clear()

    def expire_tokens(self, team_id: str, *, after_calls: int = 0) -> None:
        """The team's current bot tokens expire now, or after `after_calls` more calls made with them
        (a token that runs out in the middle of a fan-out)."""
        with self._lock:
            team = self.teams[team_id]
            if after_calls > 0:
                team.expire_after = after_calls
                return
            team.tokens = dict.fromkeys(team.tokens, self.clock() - 1.0)

    def bot_tokens(self, team_id: str) -> list[str]:
        """The team's bot tokens still valid, newest last."""
        with self._lock:
            return [token for token in self.teams[team_id].tokens if self._token_valid(token)]

    def _bot_id(self, team_id: str) -> str:
        return BOT_ID if team_id == self.team_id else f"B{team_id}"

    def _team_channels(self) -> list[str]:
        return [cid for cid, info in self.channels.items() if info.get("context_team_id") == self._team]

    def _sees_user(self, user_id: str) -> bool:
        """A user of the caller's team, or of a team this emulator does not serve (an external user)."""
        user = self.users.get(user_id)
        return user is not None and (user["team_id"] == self._team or user["team_id"] not in self.teams)

    def _token_team(self, token: str | None) -> str | None:
        for team in self.teams.values():
            if token in team.tokens:
                return team.team_id
        return None

    def _token_valid(self, token: str) -> bool:
        team_id = self._token_team(token)
        if team_id is None:
            return False
        expires = self.teams[team_id].tokens[token]
        return expires is None or self.clock() < expires

    def _check_token(self, token: str) -> None:
        """invalid_auth for a token no team knows (or revoked); token_expired once it ran out."""
        team_id = self._token_team(token)
        if team_id is None:
            raise SlackError("invalid_auth")
        if not self._token_valid(token):
            raise SlackError("token_expired")
        team = self.teams[team_id]
        if team.revoke_after is not None:
            team.revoke_after -= 1
            if team.revoke_after <= 0:
                team.revoke_after = None
                self.revoke(team_id)
        if team.expire_after is not None:
            team.expire_after -= 1
            if team.expire_after <= 0:
                team.expire_after = None
                team.tokens = dict.fromkeys(team.tokens, self.clock() - 1.0)

    def _authorize_page(self, query: str) -> _Reply:
        """GET /oauth/v2/authorize: redirect (302) to redirect_uri with a code for the chosen team and
        the state, as Slack does after "Allow"; an unknown client id gets a 400 page."""
        params = dict(parse_qsl(query, keep_blank_values=True))
        app, team_id = self.oauth_app, params.get("team") or getattr(self, "installing_team", self.team_id)
        if app is None or params.get("client_id") != app.client_id or team_id not in self.teams:
            return _Reply(400, b"invalid_client_id")
        target = params.get("redirect_uri") or app.redirect_uri
        code = self.authorize(team_id, params.get("redirect_uri", ""))
        sep = "&" if "?" in target else "?"
        location = f"{target}{sep}{urlencode({'code': code, 'state': params.get('state', '')})}"
        return _Reply(302, b"", headers={"Location": location})

    def _client_ok(self, params: Params, auth: str | None) -> bool:
        app = self.oauth_app
        if auth and auth.startswith("Basic "):
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                params = {"client_id": client_id, "client_secret": secret}
        return app is not None and (params.get("client_id"), params.get("client_secret")) == (
            app.client_id,
            app.client_secret,
        )

    def _oauth_v2_access(self, params: Params, auth: str | None) -> dict[str, Any]:
        """A code (single use, for its redirect_uri) for a bot token, or with grant_type=refresh_token a
        refresh token (single use too) for a new token and refresh token."""
        if not self._client_ok(params, auth):
            raise SlackError("invalid_client_id" if self.oauth_app is None else "bad_client_secret")
        if params.get("grant_type") == "refresh_token":
            return self._refresh(str(params.get("refresh_token") or ""))
        found = self._codes.pop(str(params.get("code") or ""), None)
        if found is None:
            raise SlackError("invalid_code")
        team_id, redirect_uri = found
        if redirect_uri and params.get("redirect_uri") not in (None, redirect_uri):
            raise SlackError("bad_redirect_uri")
        team = self.teams[team_id]
        assert self.oauth_app is not None
        response = self._ok(scope=self.oauth_app.scopes, bot_user_id=team.bot_user_id, app_id=APP_ID)
        response |= {"team": {"id": team_id, "name": team.name}, "enterprise": team.enterprise}
        response |= {"authed_user": {"id": f"U{team_id[1:]}I"}, "is_enterprise_install": False}
        return response | self._issue(team)

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        team = next((t for t in self.teams.values() if refresh_token in t.refresh_tokens), None)
        if team is None:
            raise SlackError("invalid_refresh_token")
        team.refresh_tokens.discard(refresh_token)
        response = self._ok(team={"id": team.team_id, "name": team.name}, enterprise=team.enterprise)
        return response | {"bot_user_id": team.bot_user_id, "app_id": APP_ID} | self._issue(team)

    def _issue(self, team: Team) -> dict[str, Any]:
        """A new bot token for `team` (and, with rotation, its refresh token and lifetime)."""
        assert self.oauth_app is not None
        app = self.oauth_app
        prefix = "xoxe.xoxb-1-" if app.rotation else "xoxb-"
        token = f"{prefix}{team.team_id}-{next(self._ids)}-{secrets.token_hex(12)}"
        team.tokens[token] = self.clock() + app.expires_in if app.rotation else None
        issued: dict[str, Any] = {"access_token": token, "token_type": "bot"}
        if app.rotation:
            refresh = f"xoxe-1-{team.team_id}-{secrets.token_hex(16)}"
            team.refresh_tokens.add(refresh)
            issued |= {"refresh_token": refresh, "expires_in": app.expires_in}
        return issued
