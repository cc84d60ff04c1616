"""One way to handle an interaction (a button press or a modal submission).

A listener is decorated once, under its `@app.action` or `@app.view`:

    @app.view(CallbackId.GOAL.value)
    @acts(deps, GoalMetadata)
    def submit_goal(request: Interaction[GoalMetadata]) -> None:
        ...

- `acts(deps, Metadata)` is for a listener that changes something: it acts once (`acts_once`: its unit
  of work calls `claim(session)` first), and a failure after `ack()` is still explained to the person
  (`reported_after_ack`). `opens(deps, Metadata)` is the same without `acts_once`, for a button that only
  opens a modal (the modal's submission is what acts) or whose effect is keyed in the outbox already.
- `request.caller` is the verified caller, resolved once on first use with `deps.caller_of` (which also
  gives the error handler their language); a button that acknowledges at once calls `request.ack()` first.
- `request.metadata` is the modal's `private_metadata` read into the given pydantic model, and
  `request.value(parse)` the button's value read by `parse`. Anything malformed or forged becomes the
  usual `Stale` reply, never a `KeyError`.
- Modal answers are read with a `Form` (bot/slack/forms.py) and refused with `reject`.

Listener names: every function registered with `@app.action` or `@app.view` is `<verb>_<noun>` (what
the person did, to what): `open_goal_edit`, `submit_goal`, `answer_goal`, `acknowledge_feedback`. An
`@app.event` listener is `on_<event>` (`on_home_opened`); the `/pacer` command's listener is `dispatch`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import Any, Generic, TypeVar, overload

from pydantic import BaseModel, ConfigDict, ValidationError
from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.errors import Stale
from bot.i18n import Locale
from bot.roster.service import Caller
from bot.slack.deps import Deps
from bot.slack.errors import reported_after_ack
from bot.slack.idempotency import acts_once

M = TypeVar("M", bound=BaseModel)
V = TypeVar("V")
Listener = Callable[..., None]


class Metadata(BaseModel):
    """What a modal carries in `private_metadata`: subclass per modal, one typed field per key."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class NoMetadata(Metadata):
    """For a listener that reads no metadata."""


class Interaction(Generic[M]):
    """One button press or modal submission, as its listener sees it."""

    def __init__(
        self,
        deps: Deps,
        *,
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        respond: Respond | None,
        context: BoltContext,
        metadata: M,
    ) -> None:
        self.deps, self.ack, self.body, self.client = deps, ack, body, client
        self.respond, self.context, self.metadata = respond, context, metadata

    @cached_property
    def caller(self) -> Caller:
        return self.deps.caller_of(self.body, self.context)

    @property
    def locale(self) -> Locale:
        return self.caller.locale

    @property
    def view(self) -> dict[str, Any]:
        view: dict[str, Any] = self.body.get("view") or {}
        return view

    @property
    def action_id(self) -> str:
        return str(self._action.get("action_id") or "")

    def value(self, parse: Callable[[str], V]) -> V:
        """The button's value read by `parse` (`int`, `date.fromisoformat`, a dataclass's `parse`); a
        value that does not read (an old or forged button) is `Stale`."""
        try:
            return parse(str(self._action["value"]))
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise Stale() from error

    def replace_message(self, message: dict[str, Any]) -> None:
        """Replace the message whose button was pressed (through its response URL) with `message`; a
        button on a view (the Home tab) has no message to replace: its view is published again instead."""
        if self.respond is not None and self.body.get("response_url"):
            self.respond(**message, replace_original=True)

    def open(self, view: dict[str, Any]) -> None:
        """Acknowledge, then open `view` as a modal (build it first: a refusal is then said in the ack)."""
        self.ack()
        self.client.views_open(trigger_id=self.body["trigger_id"], view=view)

    @property
    def _action(self) -> dict[str, Any]:
        try:
            action: dict[str, Any] = self.body["actions"][0]
        except (KeyError, IndexError, TypeError) as error:
            raise Stale() from error
        return action


def read_metadata(model: type[M], view: dict[str, Any]) -> M:
    """A modal's `private_metadata` as `model`; malformed or forged metadata is `Stale`."""
    try:
        return model.model_validate(json.loads(view.get("private_metadata") or "{}"))
    except (ValueError, TypeError, ValidationError) as error:  # JSONDecodeError is a ValueError
        raise Stale() from error


Handler = Callable[[Interaction[M]], None]


@overload
def acts(deps: Deps) -> Callable[[Handler[NoMetadata]], Listener]: ...
@overload
def acts(deps: Deps, metadata: type[M]) -> Callable[[Handler[M]], Listener]: ...
def acts(deps: Deps, metadata: type[Any] | None = None) -> Callable[[Handler[Any]], Listener]:
    """A listener that changes something: once per interaction, errors explained after the ack."""
    return lambda handler: _listener(deps, handler, metadata, once=True)


@overload
def opens(deps: Deps) -> Callable[[Handler[NoMetadata]], Listener]: ...
@overload
def opens(deps: Deps, metadata: type[M]) -> Callable[[Handler[M]], Listener]: ...
def opens(deps: Deps, metadata: type[Any] | None = None) -> Callable[[Handler[Any]], Listener]:
    """A button that only opens a modal (or whose effect is keyed in the outbox): errors explained."""
    return lambda handler: _listener(deps, handler, metadata, once=False)


def _listener(deps: Deps, handler: Handler[Any], metadata: type[Any] | None, *, once: bool) -> Listener:
    def run(**kwargs: Any) -> None:  # what the guards pass on: ack and respond may be recording ones
        body = kwargs["body"]
        parsed = read_metadata(metadata, body.get("view") or {}) if metadata else NoMetadata()
        handler(
            Interaction(
                deps,
                ack=kwargs["ack"],
                body=body,
                client=kwargs["client"],
                respond=kwargs.get("respond"),
                context=kwargs["context"],
                metadata=parsed,
            )
        )

    guarded = reported_after_ack(deps)(acts_once(deps)(run) if once else run)

    # Bolt passes the arguments a listener names. Only an acting button answers through `respond` (its
    # message is replaced; the guards explain a late failure there); a modal, or a button that opens
    # one, is answered in its ack, or by DM after it.
    def listener(
        ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond | None
    ) -> None:
        button = once and body.get("type") == "block_actions"
        extra = {"respond": respond} if button and respond is not None else {}
        guarded(ack=ack, body=body, client=client, context=context, **extra)

    listener.__name__ = listener.__qualname__ = handler.__name__
    listener.__doc__ = handler.__doc__
    return listener
