"""Slack's options requests (`block_suggestion`) for the external_select menus of `bot.slack.menus`.

Every modal input's element has the action id VALUE_ACTION, so a listener is picked by the modal's
callback id and the input's block id. It reads the choices the caller may pick, exactly as the modal's
static list would (the same function, so the same workspace and role), and acknowledges at once with the
first 100 whose label holds what the person typed. Nothing is written: no unit of work, no claim."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Ack, App, BoltContext
from sqlalchemy.orm import Session

from bot.roster.policy import Caller
from bot.slack.deps import Deps
from bot.slack.ids import VALUE_ACTION
from bot.slack.menus import QUERY_MAX, Choice, matching
from bot.slack.state import clean

Choices = Callable[[Session, Caller], Sequence[Choice]]


def typed(body: dict[str, Any]) -> str:
    """What the person typed into the menu, made safe and bounded (`bot.slack.state.clean`)."""
    return clean(str(body.get("value") or ""), QUERY_MAX)


def suggest(app: App, deps: Deps, *, callback_id: str, block_id: str, choices: Choices) -> None:
    """Answer the options requests of the menu in block `block_id` of the modal `callback_id` with
    `choices(session, caller)` that match the typed text."""

    def for_this_menu(body: dict[str, Any]) -> bool:
        view = body.get("view") or {}
        return view.get("callback_id") == callback_id and body.get("block_id") == block_id

    def suggest_options(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        caller = deps.caller_of(body, context)
        with deps.session_factory() as session:
            found = choices(session, caller)
        ack(options=matching(found, typed(body)))

    suggest_options.__name__ = suggest_options.__qualname__ = f"suggest_{callback_id}_{block_id}"
    app.options(VALUE_ACTION, matchers=[for_this_menu])(suggest_options)
