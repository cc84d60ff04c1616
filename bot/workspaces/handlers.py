"""`/pacer setup`: open the settings modal, validate and save what comes back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.errors import NotAllowed
from bot.i18n import t
from bot.roster.models import Role
from bot.slack import blocks
from bot.slack.commands import ADMINS, CommandRequest, Commands, role_names
from bot.slack.deps import Deps
from bot.slack.errors import reported_after_ack
from bot.slack.idempotency import acts_once, claim
from bot.slack.ids import CallbackId
from bot.slack.sections import SetupSection, Values
from bot.slack.state import values_of
from bot.workspaces import views
from bot.workspaces.service import (
    SetupForm,
    WorkspaceSettings,
    save_settings,
    validate_setup,
)


def register(app: App, deps: Deps, commands: Commands) -> None:
    def open_setup(request: CommandRequest) -> None:
        view = views.setup_view(deps, request.caller, response_url=str(request.body.get("response_url", "")))
        request.ack()
        request.client.views_open(trigger_id=request.body["trigger_id"], view=view)

    commands.add("setup", help_key="help.setup", roles=ADMINS, handler=open_setup)

    @app.view(CallbackId.SETUP.value)
    @reported_after_ack(deps)
    @acts_once(deps)
    def submit_setup(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        caller = deps.caller_of(body, context)
        if not caller.is_admin():
            raise NotAllowed(
                "error.only_roles", who=role_names(frozenset({Role.ADMIN}), caller.locale), command="setup"
            )
        values = values_of(view)
        result = validate_setup(SetupForm(**_form_fields(values)))
        errors = _section_errors(deps.pages.setup, values)
        if not isinstance(result, WorkspaceSettings) or errors:
            problems = ({} if isinstance(result, WorkspaceSettings) else result) | errors
            ack(**blocks.field_errors({field: t(key, caller.locale) for field, key in problems.items()}))
            return
        with deps.session_factory.begin() as session:
            claim(session)
            save_settings(session, team_id=caller.team_id, settings=result)
            for section in deps.pages.setup:
                section.save(session, caller.team_id, values)
        ack()
        _confirm(
            view, views.saved_message(result, caller.locale), client=client, user_id=caller.member.user_id
        )


def _section_errors(sections: Sequence[SetupSection], values: Values) -> dict[str, str]:
    """The problems each feature's own setup section finds in what it asked for (the workspace row's
    settings are checked by `validate_setup`)."""
    return {block: key for section in sections for block, key in section.validate(values).items()}


def _form_fields(values: dict[str, str | None]) -> dict[str, str | None]:
    return {name: values.get(name) for name in SetupForm.__dataclass_fields__}


def _confirm(view: dict[str, Any], text: str, *, client: WebClient, user_id: str) -> None:
    """Tell the admin where they ran `/pacer setup` (its response URL), or by DM."""
    response_url = json.loads(view.get("private_metadata") or "{}").get("response_url")
    if response_url:
        WebhookClient(response_url, timeout=10).send(text=text, response_type="ephemeral")
    else:
        client.chat_postMessage(channel=user_id, text=text)
