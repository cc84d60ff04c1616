"""The one error handler: a domain error becomes a clear, translated reply; anything else is logged with
a request id that the person is given too, so support can find the log line."""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.error import URLError
from zoneinfo import ZoneInfo

from slack_bolt import App, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import calendar
from bot.errors import PacerError, Term
from bot.i18n import Locale, moment, t
from bot.slack import blocks
from bot.slack.deps import Deps
from bot.text import one_line

logger = logging.getLogger(__name__)
UTC_ZONE = calendar.UTC


def message_for(error: Exception, locale: Locale, request_id: str, zone: ZoneInfo | None = None) -> str:
    if isinstance(error, PacerError):
        # What a person typed (a word, a name) is shown on one line; t() escapes it. A moment (when a goal
        # was agreed, a week closed) is shown in the person's time zone and language.
        values = {
            k: t(v, locale)
            if isinstance(v, Term)
            else one_line(v)
            if type(v) is str
            else moment(v, zone or UTC_ZONE, locale)
            if isinstance(v, datetime)
            else v
            for k, v in error.values.items()
        }
        return t(error.key, locale, **values)
    if _slack_unavailable(error):
        return t("error.slack_unavailable", locale, request_id=request_id)
    return t("error.unexpected", locale, request_id=request_id)


def _slack_unavailable(error: Exception) -> bool:
    """Slack rate-limited us, failed, or did not answer in time: worth trying again in a moment."""
    if isinstance(error, SlackApiError):
        status = int(error.response.status_code)
        return status == 429 or status >= 500
    return isinstance(error, (URLError, TimeoutError, ConnectionError))


def _ids(body: dict[str, Any]) -> tuple[str | None, str | None]:
    team = (
        body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    )
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    return team, user


def _error_view(text: str, locale: Locale) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": blocks.plain(t("error.title", locale)),
        "close": blocks.plain(t("common.close", locale)),
        "blocks": [blocks.section(text)],
    }


def _explain(
    deps: Deps, error: Exception, body: dict[str, Any], context: BoltContext
) -> tuple[str, Locale, str]:
    """The translated message for `error`, logged once with a request id; also returns the locale and kind."""
    request_id = uuid.uuid4().hex[:12]
    team_id, user_id = _ids(body)
    locale: Locale = context.get("pacer_locale") or deps.locale_of(team_id, user_id, context)
    timed = isinstance(error, PacerError) and any(isinstance(v, datetime) for v in error.values.values())
    zone = deps.zone_of(team_id, user_id, context) if timed else None
    kind = str(body.get("type") or ("slash_command" if "command" in body else "event"))
    if isinstance(error, PacerError):
        logger.info("request %s refused (%s): %s", request_id, kind, error.key)
    else:
        logger.error(
            "request %s failed (%s, team %s, user %s)", request_id, kind, team_id, user_id, exc_info=error
        )
    return message_for(error, locale, request_id, zone), locale, kind


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


Listener = Callable[..., None]


def reported_after_ack(deps: Deps) -> Callable[[Listener], Listener]:
    """Wrap a listener so that a failure after its `ack()` is still explained to the person.

    Bolt's own error handler can only answer in the acknowledgement; once that has been sent (for
    instance before `views.open`), the message goes through the response URL or a DM instead.
    """

    def decorate(listener: Listener) -> Listener:
        @functools.wraps(listener)
        def guarded(
            **kwargs: Any,
        ) -> None:  # Bolt passes the arguments `listener` names: ack and body at least
            try:
                listener(**kwargs)
            except Exception as error:
                if kwargs["ack"].response is None:
                    raise  # not acknowledged yet: the app's error handler answers in the ack
                body = kwargs["body"]
                text, _, _ = _explain(deps, error, body, kwargs.get("context") or BoltContext())
                team_id, user_id = _ids(body)
                client = kwargs.get("client") or (deps.client_for(team_id) if team_id else deps.client)
                _tell(text, respond=kwargs.get("respond"), client=client, user_id=user_id)

        return guarded

    return decorate


def register(app: App, deps: Deps) -> None:
    @app.error
    def on_error(  # noqa: PLR0917 - Bolt injects arguments by positional name
        error: Exception,
        body: dict[str, Any],
        response: BoltResponse | None,
        respond: Respond | None,
        client: WebClient,
        context: BoltContext,
    ) -> BoltResponse | None:
        text, locale, kind = _explain(deps, error, body, context)
        if response is not None and kind == "slash_command":  # not acknowledged yet: answer in the ack
            return _json({"response_type": "ephemeral", "text": text})
        if response is not None and kind == "view_submission":
            return _json({"response_action": "push", "view": _error_view(text, locale)})
        if kind == "block_suggestion":  # a menu asking for options as the person types: no DM per keystroke
            return _json({"options": []}) if response is not None else None
        _tell(text, respond=respond, client=client, user_id=_ids(body)[1])
        return BoltResponse(status=200, body="") if response is not None else None


def _tell(text: str, *, respond: Respond | None, client: WebClient, user_id: str | None) -> None:
    """After the ack: through the response URL when there is one, else a DM. Never raises."""
    try:
        if respond is not None and respond.response_url:
            respond(text=text, response_type="ephemeral", replace_original=False)
        elif user_id:
            client.chat_postMessage(channel=user_id, text=text)
    except Exception:
        logger.exception("could not tell %s about an error", user_id)
