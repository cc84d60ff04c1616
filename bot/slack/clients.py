"""A Web API client per workspace. Single-workspace mode: the one client of SLACK_BOT_TOKEN. OAuth mode: the
workspace's bot token from the installation store, rotated with slack_sdk's `TokenRotator` before use when
it is near expiry (Bolt rotates only for incoming requests; jobs and the outbox sender rotate here), and
rotated at once when Slack answers `token_expired`. Clients are cached per workspace, thread-safely, and
a workspace's rotation happens once at a time: refresh tokens are single-use.

A cached client may outlive its token: after an uninstall and a reinstall the store holds a new token,
while a long-lived `Clients` (the jobs' in `pacer run`) still has the old, revoked one. When Slack answers
one of `REVOKED`, the cached client is dropped and, if the store now holds a different token, the call is
tried once more with it; else the error stands (the workspace left: the caller decides)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine

from bot.config import Settings
from bot.slack.client import Purpose, make_client
from bot.slack.oauth import EncryptedInstallationStore, installation_store, token_rotator

logger = logging.getLogger(__name__)
ROTATE_MINUTES = 120  # rotate a token that expires within this (TokenRotator's default)
EXPIRED = "token_expired"
# What Slack answers for a token that no longer works (revoked, its workspace left or disabled); the
# outbox sender cancels a workspace's messages on these once its installation is gone.
REVOKED = frozenset({"invalid_auth", "account_inactive", "token_revoked", "not_authed", "team_disabled"})


class NotInstalled(Exception):
    """Pacer is not installed in (or was removed from) this workspace."""

    def __init__(self, team_id: str) -> None:
        super().__init__(f"Pacer is not installed in workspace {team_id}")
        self.team_id = team_id


class _TeamClient(WebClient):
    """A workspace's client: when Slack says its token expired, rotate and try the call once more; when
    Slack says it was revoked and the store holds another (a reinstall), try once more with that one
    (Slack refused the call either way, so nothing was done twice)."""

    owner: Clients
    team_id: str

    def api_call(self, api_method: str, **kwargs: Any) -> Any:
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            code = error.response.get("error")
            if code == EXPIRED:
                self.token = self.owner.refresh(self.team_id, stale=self.token)
            elif code in REVOKED:
                newer = self.owner.reload(self.team_id, stale=self.token)
                if newer is None:
                    raise
                logger.info("workspace %s has a new bot token (reinstalled): calling again", self.team_id)
                self.token = newer
            else:
                raise
            return super().api_call(api_method, **kwargs)


class Clients:
    def __init__(
        self,
        *,
        single: WebClient | None = None,
        store: EncryptedInstallationStore | None = None,
        rotator: TokenRotator | None = None,
        template: WebClient | None = None,
        rotate_minutes: int = ROTATE_MINUTES,
    ) -> None:
        """`single`: the one client (single-workspace mode). Else `store` and `rotator` (OAuth mode), and
        `template`, whose base URL, timeout and retry handlers each workspace's client copies."""
        if single is None and (store is None or rotator is None):
            raise ValueError("either the single client or an installation store and a rotator")
        self.single, self.store, self.rotator = single, store, rotator
        self.template = template or WebClient()
        self.rotate_minutes = rotate_minutes
        self._lock = threading.Lock()
        self._team_locks: dict[str, threading.Lock] = {}
        self._cache: dict[str, tuple[_TeamClient, float | None]] = {}  # team → client, token expiry

    @property
    def multi(self) -> bool:
        return self.single is None

    def for_team(self, team_id: str) -> WebClient:
        """The client that acts in `team_id`; NotInstalled when Pacer is not installed there."""
        if self.single is not None:
            return self.single
        with self._lock:
            cached = self._cache.get(team_id)
            team_lock = self._team_locks.setdefault(team_id, threading.Lock())
        if cached is not None and not self._near_expiry(cached[1]):
            return cached[0]
        with team_lock:
            bot = self._bot(team_id)
            if bot.bot_token_expires_at is not None and self._near_expiry(bot.bot_token_expires_at):
                bot = self._rotate(bot)
            return self._remember(team_id, bot)

    def refresh(self, team_id: str, *, stale: str | None) -> str:
        """A fresh token after Slack said `stale` expired: another thread (or process) may have rotated
        it already; else rotate now, whatever its recorded expiry."""
        with self._lock:
            team_lock = self._team_locks.setdefault(team_id, threading.Lock())
        with team_lock:
            bot = self._bot(team_id)
            if bot.bot_token == stale:
                bot = self._rotate(bot, force=True)
            self._remember(team_id, bot)
            return str(bot.bot_token)

    def reload(self, team_id: str, *, stale: str | None) -> str | None:
        """After Slack refused `stale` as revoked: drop the cached client and return the token the store
        holds now when it is another one (Pacer was installed again), else None."""
        self.forget(team_id)
        try:
            token = self.for_team(team_id).token
        except NotInstalled:
            return None
        if token == stale:
            self.forget(team_id)  # still the refused token: read the store again next time
            return None
        return token

    def forget(self, team_id: str) -> None:
        """Drop the cached client (after an uninstall)."""
        with self._lock:
            self._cache.pop(team_id, None)

    def _near_expiry(self, expires_at: float | None) -> bool:
        return expires_at is not None and expires_at <= time.time() + self.rotate_minutes * 60

    def _bot(self, team_id: str) -> Bot:
        assert self.store is not None  # noqa: S101 - OAuth mode
        bot = self.store.find_bot_by_team(team_id)  # an Enterprise Grid org's workspace too
        if bot is None or not bot.bot_token:
            raise NotInstalled(team_id)
        return bot

    def _rotate(self, bot: Bot, *, force: bool = False) -> Bot:
        assert self.rotator is not None and self.store is not None  # noqa: S101 - OAuth mode
        minutes = 60 * 24 * 366 if force else self.rotate_minutes
        try:
            rotated = self.rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=minutes)
        except SlackTokenRotationError as error:
            # Another process (or Bolt, for an incoming request) used the refresh token first and saved
            # what it got: take that.
            latest = self._bot(str(bot.team_id))
            code = error.api_error.response.get("error")
            if code != "invalid_refresh_token" or latest.bot_token == bot.bot_token:
                raise
            return latest
        if rotated is None:
            return bot
        self.store.save_bot(rotated)
        logger.info("rotated the bot token of workspace %s", bot.team_id)
        return rotated

    def _remember(self, team_id: str, bot: Bot) -> _TeamClient:
        client = _TeamClient(
            token=bot.bot_token,
            base_url=self.template.base_url,
            timeout=self.template.timeout,
            retry_handlers=list(self.template.retry_handlers),
        )
        client.owner, client.team_id = self, team_id
        expires = float(bot.bot_token_expires_at) if bot.bot_token_expires_at is not None else None
        with self._lock:
            self._cache[team_id] = (client, expires)
        return client


def make_clients(settings: Settings, engine: Engine, *, purpose: Purpose = "job") -> Clients:
    """The clients of this deployment's mode, each with `make_client`'s settings for `purpose`."""
    template = make_client(settings, purpose=purpose)
    if not settings.oauth_mode:
        return Clients(single=template)
    store = installation_store(settings, engine)
    return Clients(store=store, rotator=token_rotator(settings), template=template)
