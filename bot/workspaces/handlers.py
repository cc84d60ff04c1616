"""`/pacer setup`: open the settings modal, validate and save what comes back."""

from __future__ import annotations

from collections.abc import Sequence

from slack_bolt import App

from bot.audit import service as audit
from bot.errors import FieldErrors, NotAllowed
from bot.roster.models import Role
from bot.roster.policy import can_change_setup
from bot.slack.answers import tell
from bot.slack.commands import ADMINS, CommandRequest, Commands, Group, role_names
from bot.slack.deps import Deps
from bot.slack.forms import Form, reject
from bot.slack.idempotency import claim
from bot.slack.ids import CallbackId
from bot.slack.interaction import Interaction, Metadata, acts
from bot.slack.sections import SetupSection, Values
from bot.slack.state import submitted_values
from bot.workspaces import views
from bot.workspaces.service import SetupForm, save_settings, validate_setup

SETUP_FORM = Form.of(SetupForm, validate_setup)


class SetupMetadata(Metadata):
    """Where the admin ran `/pacer setup` (its response URL), so the confirmation goes there."""

    response_url: str = ""


def register(app: App, deps: Deps, commands: Commands) -> None:
    def open_setup(request: CommandRequest) -> None:
        view = views.setup_view(deps, request.caller, response_url=str(request.body.get("response_url", "")))
        request.ack()
        request.client.views_open(trigger_id=request.body["trigger_id"], view=view)

    commands.add_group(Group.SETTINGS, (10, "setup", "help.setup", ADMINS, open_setup))

    @app.view(CallbackId.SETUP.value)
    @acts(deps, SetupMetadata)
    def submit_setup(request: Interaction[SetupMetadata]) -> None:
        save_setup(deps, request)


def save_setup(deps: Deps, request: Interaction[SetupMetadata]) -> None:
    """The setup modal's submission: every section's fields checked, then all saved in one unit of work."""
    caller = request.caller
    if not can_change_setup(caller):
        raise NotAllowed(
            "error.only_roles", who=role_names(frozenset({Role.ADMIN}), caller.locale), command="setup"
        )
    values = submitted_values(request.view, required_texts=True)  # an untouched zone in local-slack too
    result = SETUP_FORM.check(SETUP_FORM.read(values))
    errors = _section_errors(deps.pages.setup, values)
    if isinstance(result, FieldErrors) or errors:
        reject(
            request.ack,
            FieldErrors(errors) | (result if isinstance(result, FieldErrors) else {}),
            caller.locale,
        )
        return
    with deps.session_factory.begin() as session:
        claim(session)
        save_settings(session, team_id=caller.team_id, settings=result)
        audit.record(session, caller.team_id, caller.member.id, "settings.workspace", "setup")
        for section in deps.pages.setup:
            section.save(session, caller.team_id, values)
    request.ack()
    _confirm(request, views.saved_message(result, caller.locale))


def _section_errors(sections: Sequence[SetupSection], values: Values) -> dict[str, str]:
    """The problems each feature's own setup section finds in what it asked for (the workspace row's
    settings are checked by `validate_setup`)."""
    return {block: key for section in sections for block, key in section.validate(values).items()}


def _confirm(request: Interaction[SetupMetadata], text: str) -> None:
    """Tell the admin where they ran `/pacer setup` (its response URL), or ephemerally in their DM."""
    tell(request.client, request.caller.member.user_id, text, response_url=request.metadata.response_url)
