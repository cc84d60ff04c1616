"""The sender: drains the outbox into Slack within its rate limits, retrying what may succeed later.

Exactly once: a claimed message is marked `sending` (committed) before the Slack call and `sent` after.
A sender that dies in between leaves it `sending`; once its lease runs out, the next sender first looks
in the conversation for a message carrying the delivery's key (message metadata) before posting again.
Leases and retry times are kept on the database's clock (see `service`), never on this process's."""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import SessionFactory
from bot.delivery import service
from bot.delivery.pacing import CLAIM_EVERY, HORIZON, PUT_BACK, Paced, Paused
from bot.delivery.ratelimit import RateLimiter
from bot.roster.service import deactivate
from bot.slack.clients import REVOKED, Clients, NotInstalled

logger = logging.getLogger(__name__)
METADATA_TYPE = "pacer_delivery"
POSTING = ("chat.postMessage", "chat.update", "files.getUploadURLExternal", "files.completeUploadExternal")
HISTORY_PAGES = 5  # how far back a recovering sender looks: 1,000 messages
# Errors that no retry will cure; the first group also means the person left Slack. Not `account_inactive`:
# Slack says it of the token (a deleted workspace or bot user), never of the recipient; see REVOKED.
GONE = {"user_disabled", "user_not_found", "cannot_dm_bot"}
PERMANENT = GONE | {
    "channel_not_found",
    "is_archived",
    "not_in_channel",
    "invalid_blocks",
    "msg_too_long",
    "no_text",
    "messages_tab_disabled",
    "restricted_action",
    "invalid_arguments",
    "message_not_found",
    "cant_update_message",
}


def without_images(blocks: list[Any] | None) -> list[Any] | None:
    """The blocks less their image blocks, or None when there are none to drop."""
    kept = [b for b in blocks or [] if not (isinstance(b, dict) and b.get("type") == "image")]
    return kept if blocks and len(kept) < len(blocks) else None


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    recovered: int = 0  # found already in Slack after a sender died mid-send
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, outcome: str) -> None:
        with self._lock:
            setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.recovered} found already sent, {self.retried} to retry, "
            f"{self.failed} failed, {self.cancelled} cancelled"
        )


_SQLITE_CLAIMS = threading.Lock()


def _claim_lock(session_factory: SessionFactory) -> contextlib.AbstractContextManager[object]:
    """SQLite has no row locks: in its single supported process, claims take turns. PostgreSQL needs
    nothing here (FOR UPDATE SKIP LOCKED)."""
    if session_factory.kw["bind"].dialect.name == "sqlite":
        return _SQLITE_CLAIMS
    return contextlib.nullcontext()


class Sender:
    def __init__(
        self,
        session_factory: SessionFactory,
        client: WebClient,
        limiter: RateLimiter,
        *,
        workers: int = 4,
        lease: timedelta = timedelta(seconds=60),
        backoff: Callable[[int], timedelta] = service.backoff,
        clients: Clients | None = None,
        window: int = 256,
    ) -> None:
        """`clients`: a client per workspace (OAuth mode); without it every message goes by `client`.
        `window`: how many claimed messages may wait for their slot or be sent at once."""
        self.session_factory, self.client, self.limiter = session_factory, client, limiter
        self.clients = clients
        self._current = threading.local()  # the client of the message this thread is sending
        self.workers, self.lease, self.backoff = workers, lease, backoff
        self.window = max(window, workers * 4)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"

    def drain(self, *, linger: timedelta = timedelta(0), stop: threading.Event | None = None) -> DrainReport:
        """Send everything due. With `linger`, keep waiting for retries due within that time.

        Each workspace is paced on its own (`RateLimiter`): a claim takes only the messages whose
        workspace has a slot within HORIZON seconds, each is given its slot as it is claimed, and it goes
        to a sending thread only when that slot comes, so no thread ever sleeps on one workspace's limit
        (or its 429 pause) while another workspace's messages wait."""
        report = DrainReport()
        stop = stop or threading.Event()
        paced = Paced()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="sender") as pool:
            while not stop.is_set():
                claimed = None  # not tried: a claim that found less than it could waits CLAIM_EVERY
                if paced.room(self.window) and self.limiter.clock() >= paced.next_claim:
                    claimed = self._claim_paced(paced)
                for item, slot in paced.ready(self.limiter.clock()):
                    paced.running.add(pool.submit(lambda i, s: report.add(self._deliver(i, s)), item, slot))
                if claimed is None or claimed or paced.busy():
                    stop.wait(paced.pause(self.limiter.clock(), claimed=bool(claimed)))
                    continue
                wait = self._next_due_within(linger)
                if wait is None:
                    break
                stop.wait(wait)
            wait_futures(paced.running)
        for _, _, item in paced.waiting:  # stopped before their slot: back to the outbox, due now
            self._retry_later(item, "the sender stopped", delay=timedelta(0), count_attempt=False)
        return report

    def _claim_paced(self, paced: Paced) -> int:
        """Claim what the workspaces' free slots allow, each message given its slot; how many."""
        horizon = max(HORIZON, 2 * self.limiter.interval)
        limit = paced.free(self.window)
        with _claim_lock(self.session_factory), self.session_factory.begin() as session:
            batch = service.claim(
                session,
                worker=self.worker_id,
                limit=limit,
                lease=self.lease,
                per_team=self.limiter.per_claim(horizon),
                skip_teams=self.limiter.busy(horizon),
            )
        now = self.limiter.clock()
        if len(batch) < limit:  # nothing more due for now: the next claim need not come at once
            paced.next_claim = now + CLAIM_EVERY
        within = min(self.lease.total_seconds() / 2, PUT_BACK)
        for item in batch:
            slot = self.limiter.reserve(item.channel, item.team_id, within=within)
            if slot - now > within:
                # paused since the claim, or a busy channel: back to the outbox until then, not held here
                self._retry_later(item, "paced", delay=timedelta(seconds=slot - now), count_attempt=False)
            else:
                paced.add(slot, item)
        return len(batch)

    def _next_due_within(self, linger: timedelta) -> float | None:
        if linger <= timedelta(0):
            return None
        with self.session_factory() as session:
            due_in = service.next_due_in(session)
        if due_in is None or due_in > linger:
            return None
        return max(0.05, min(due_in.total_seconds(), 1.0))

    def _client(self) -> WebClient:
        client: WebClient = getattr(self._current, "client", None) or self.client
        return client

    def _deliver(self, item: service.Claimed, slot: float | None = None) -> str:
        """Send one claimed message in its slot (reserved now when none was given)."""
        self._current.slot = slot if slot is not None else self.limiter.reserve(item.channel, item.team_id)
        try:
            self._current.client = self.clients.for_team(item.team_id) if self.clients else self.client
        except NotInstalled:
            with self.session_factory.begin() as session:
                service.mark_cancelled(session, item.id, reason="Pacer is not installed in the workspace")
            return "cancelled"
        try:
            return self._attempt(item)
        except Paused as paused:  # the workspace got a 429 after this slot was handed out
            return self._retry_later(item, "ratelimited", delay=paused.delay, count_attempt=False)
        except SlackApiError as error:
            return self._after_slack_error(item, error)
        except (URLError, TimeoutError, ConnectionError) as error:
            return self._retry_later(item, f"connection: {error}", maybe_sent=True)
        except Exception as error:  # a bug: keep the row, retry later, and say so loudly
            logger.exception("delivery %s (%s) failed unexpectedly", item.id, item.key)
            return self._retry_later(item, f"unexpected: {error!r}", maybe_sent=True)

    def _attempt(self, item: service.Claimed) -> str:
        """Post, update or upload, depending on the payload; see `Delivery.payload`. A message kept up to
        date (`service.revise`) that went out before is updated where it went."""
        if item.sent_channel is not None and item.sent_ts is not None:
            return self._update(item, item.sent_channel, item.sent_ts)
        parent_key = item.payload.get("update_of") or item.payload.get("thread_of")
        channel, thread_ts = item.channel, None
        if parent_key:
            parent = self._parent(item, str(parent_key))
            if isinstance(parent, str):
                return parent
            channel, thread_ts = parent
        if "update_of" in item.payload:
            return self._update(item, channel, str(thread_ts))
        if item.uncertain and (found := self._find_in_slack(item, channel, thread_ts)) is not None:
            # An earlier try posted it, perhaps an older revision of a revised message: update it next.
            self._finish(item, *found, revision=item.revision if item.revision == 0 else -1)
            logger.info("delivery %s was already in Slack (%s)", item.key, found[1])
            return "recovered"
        self._wait_for_slot(item, channel)
        if "upload" in item.payload:
            return self._upload(item, channel, thread_ts)
        try:
            response = self._post(item, channel, thread_ts, item.payload.get("blocks"))
        except SlackApiError as error:
            images = without_images(item.payload.get("blocks"))
            if error.response.get("error") != "invalid_blocks" or images is None:
                raise
            # Slack refuses the whole message when it cannot download an image: say it without them.
            logger.warning("delivery %s: an image did not load; sent without its images", item.key)
            response = self._post(item, channel, thread_ts, images)
        self._finish(item, str(response["channel"]), str(response["ts"]))
        return "sent"

    def _post(
        self, item: service.Claimed, channel: str, thread_ts: str | None, blocks: list[Any] | None
    ) -> Any:
        return self._client().chat_postMessage(
            channel=channel,
            text=item.payload["text"],
            blocks=blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            metadata={"event_type": METADATA_TYPE, "event_payload": {"key": item.key}},
        )

    def _wait_for_slot(self, item: service.Claimed, channel: str) -> None:
        """Sleep until the message's slot (its workspace's pace); `Paused` when Slack paused the
        workspace after the slot was handed out, so this thread does not sit out the pause."""
        slot: float | None = self._current.slot
        if slot is None:  # a second call for one message: a slot of its own
            slot = self.limiter.reserve(channel, item.team_id)
        self._current.slot = None
        delay = slot - self.limiter.clock()
        if delay > 0:
            self.limiter.sleep(delay)
        if left := self.limiter.paused(item.team_id, since=slot):
            raise Paused(timedelta(seconds=max(1.0, left)))

    def _update(self, item: service.Claimed, channel: str, ts: str) -> str:
        self._wait_for_slot(item, channel)
        self._client().chat_update(
            channel=channel, ts=ts, text=item.payload["text"], blocks=item.payload.get("blocks")
        )
        self._finish(item, channel, ts)
        return "sent"

    def _parent(self, item: service.Claimed, parent_key: str) -> tuple[str, str] | str:
        """The channel and ts of the message this one updates or replies to, or an outcome when that
        message will never exist (cancel this one) or is not out yet (wait for it)."""
        with self.session_factory() as session:
            parent = service.find(session, team_id=item.team_id, key=parent_key)
        if parent is None or parent.status in {"failed", "cancelled"}:
            with self.session_factory.begin() as session:
                what = "update" if "update_of" in item.payload else "reply to"
                service.mark_cancelled(session, item.id, reason=f"nothing to {what}: {parent_key}")
            return "cancelled"
        if parent.sent_ts is None or parent.sent_channel is None:
            return self._retry_later(item, f"waiting for {parent_key}", count_attempt=False)
        return parent.sent_channel, parent.sent_ts

    def _upload(self, item: service.Claimed, channel: str, thread_ts: str | None) -> str:
        """A file (e.g. a digest chart) through Slack's external upload flow, in a thread if given."""
        upload = item.payload["upload"]
        response = self._client().files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            content=base64.b64decode(upload["content_b64"]),
            filename=upload["filename"],
            title=upload.get("title"),
            alt_txt=upload.get("alt_text"),
        )
        files: list[dict[str, Any]] = response.get("files") or [{}]
        file_id = str(files[0].get("id", ""))
        self._finish(item, channel, file_id)
        return "sent"

    def _find_in_slack(
        self, item: service.Claimed, channel: str, thread_ts: str | None
    ) -> tuple[str, str] | None:
        """The message an earlier try may have posted, found by the delivery key in its metadata
        (newest first, up to HISTORY_PAGES pages of the conversation or the thread)."""
        if channel.startswith(("U", "W")):
            channel = str(self._client().conversations_open(users=channel)["channel"]["id"])
        latest: str | None = None
        for _ in range(HISTORY_PAGES):
            if thread_ts is not None:
                page = self._client().conversations_replies(
                    channel=channel, ts=thread_ts, limit=200, include_all_metadata=True, latest=latest
                )
            else:
                page = self._client().conversations_history(
                    channel=channel, limit=200, include_all_metadata=True, latest=latest
                )
            messages: list[dict[str, Any]] = page.get("messages", [])
            for message in messages:
                metadata: dict[str, Any] = message.get("metadata") or {}
                if (
                    metadata.get("event_type") == METADATA_TYPE
                    and metadata.get("event_payload", {}).get("key") == item.key
                ):
                    return channel, str(message["ts"])
            if not page.get("has_more") or not messages:
                return None
            latest = min(str(m["ts"]) for m in messages)
        return None

    def _finish(self, item: service.Claimed, channel: str, ts: str, *, revision: int | None = None) -> None:
        with self.session_factory.begin() as session:
            sent = item.revision if revision is None else revision
            service.mark_sent(session, item.id, channel=channel, ts=ts, revision=sent)

    def _after_slack_error(self, item: service.Claimed, error: SlackApiError) -> str:
        code = str(error.response.get("error") or "")
        status = int(error.response.status_code)
        if status == 429 and not str(error.response.api_url).endswith(POSTING):
            # A look-up (conversations.history …) was limited: Slack limits each method on its own,
            # so posting goes on; this message waits its turn.
            return self._retry_later(
                item, "ratelimited lookup", delay=timedelta(seconds=5), count_attempt=False
            )
        if status == 429:
            retry_after = int(
                error.response.headers.get("Retry-After", error.response.headers.get("retry-after", 1))
            )
            self.limiter.pause(retry_after, item.team_id)
            return self._retry_later(
                item, "ratelimited", delay=timedelta(seconds=retry_after), count_attempt=False
            )
        if code in REVOKED and self._left(item.team_id):  # the token refused, and its installation gone
            with self.session_factory.begin() as session:
                service.mark_cancelled(session, item.id, reason=f"the workspace's token is gone: {code}")
            return "cancelled"
        if status >= 500 or code not in PERMANENT:  # Slack may or may not have taken it
            return self._retry_later(item, f"{status} {code}".strip(), maybe_sent=True)
        with self.session_factory.begin() as session:
            service.mark_failed(session, item.id, error=code)
            if code in GONE and item.member_id is not None:
                deactivate(session, item.member_id)
        logger.warning("delivery %s failed for good: %s", item.key, code)
        return "failed"

    def _left(self, team_id: str) -> bool:
        """Pacer was uninstalled from the workspace (OAuth mode: its installation is gone)."""
        if self.clients is None or not self.clients.multi:
            return False
        self.clients.forget(team_id)
        try:
            self.clients.for_team(team_id)
        except NotInstalled:
            return True
        return False

    def _retry_later(
        self,
        item: service.Claimed,
        error: str,
        *,
        delay: timedelta | None = None,
        count_attempt: bool = True,
        maybe_sent: bool = False,
    ) -> str:
        with self.session_factory.begin() as session:
            if count_attempt and item.attempts >= service.MAX_ATTEMPTS:
                service.mark_failed(session, item.id, error=f"gave up after {item.attempts} tries: {error}")
                logger.warning("delivery %s gave up after %s tries: %s", item.key, item.attempts, error)
                return "failed"
            service.mark_retry(
                session,
                item.id,
                error=error,
                delay=delay if delay is not None else self.backoff(item.attempts),
                count_attempt=count_attempt,
                maybe_sent=maybe_sent,
            )
        return "retried"
