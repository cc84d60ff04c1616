"""The "Give kudos" message shortcut and its modal, and `/pacer setup recognition` (admins)."""

from __future__ import annotations

from slack_bolt import App

from bot.audit import service as audit
from bot.errors import FieldErrors, Invalid, NotAllowed, PacerError
from bot.i18n import Locale, t
from bot.recognition import modals, views
from bot.recognition.give_handlers import send_kudos
from bot.recognition.rules import Draft, read_points
from bot.recognition.settings import RecognitionConfig, check_config, load_config, save_config
from bot.recognition.views import RecognitionIds
from bot.roster.policy import can_change_setup
from bot.slack.answers import tell
from bot.slack.commands import ADMINS, CommandRequest, Commands, Group, role_names
from bot.slack.deps import Deps
from bot.slack.forms import reject
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, Metadata, NoMetadata, acts, opens
from bot.slack.state import submitted_values
from bot.text import channel_mention

# Which field a refusal is shown under.
FIELD_OF = {
    "self": modals.RECEIVER_FIELD,
    "not_a_person": modals.RECEIVER_FIELD,
    "outside": modals.RECEIVER_FIELD,
    "no_reason": modals.REASON_FIELD,
    "reason_too_long": modals.REASON_FIELD,
    "bad_value": modals.VALUE_FIELD,
    "unknown_value": modals.VALUE_FIELD,
    "value_needed": modals.VALUE_FIELD,
}


class ModalMetadata(Metadata):
    response_url: str = ""


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(
        Group.RECOGNITION, (90, "setup recognition", "recognition.help.setup", ADMINS, open_settings)
    )

    @app.shortcut(RecognitionIds.SHORTCUT.value)
    @opens(deps)
    def open_kudos(request: Interaction[NoMetadata]) -> None:
        message = request.body.get("message") or {}
        author = str(message.get("user") or "") or None
        with request.deps.session_factory() as session:
            config = load_config(session, request.caller.team_id)
        shown = author if author and author != request.caller.member.user_id else None
        response_url = str(request.body.get("response_url") or "")
        request.open(
            modals.give_modal(
                shown, str(message.get("text") or ""), config, request.locale, response_url=response_url
            )
        )

    @app.view(RecognitionIds.GIVE.value)
    @acts(deps, ModalMetadata)
    def submit_kudos(request: Interaction[ModalMetadata]) -> None:
        give_from_modal(request)

    @app.view(RecognitionIds.SETUP.value)
    @acts(deps, ModalMetadata)
    def submit_recognition_settings(request: Interaction[ModalMetadata]) -> None:
        save_settings(request)


def _field(error: PacerError) -> str:
    name = (error.key or "").rsplit(".", 1)[-1]
    return FIELD_OF.get(name, modals.POINTS_FIELD)


def give_from_modal(request: Interaction[ModalMetadata]) -> None:
    """The modal's kudos: refusals under their fields (the rest kept), else given and answered."""
    values = submitted_values(request.view)
    deps, caller = request.deps, request.caller
    try:
        receiver = deps.directory.member(caller.team_id, values.get(modals.RECEIVER_FIELD) or "")
        points = read_points((values.get(modals.POINTS_FIELD) or "").strip() or "0")
        value = values.get(modals.VALUE_FIELD)
        private = "private" in (values.get(modals.PRIVATE_FIELD) or "").split(",")
        draft = Draft(points, values.get(modals.REASON_FIELD) or "", (value,) if value else (), private)
        given, channel = send_kudos(deps, caller.member.id, receiver, draft)
    except Invalid as error:
        reject(request.ack, FieldErrors({_field(error): error}), caller.locale)
        return
    request.ack()
    answer = views.given_answer(given.kudos, receiver.user_id, given.balance, channel, caller.locale)
    tell(request.client, caller.member.user_id, answer, response_url=request.metadata.response_url)


def open_settings(request: CommandRequest) -> None:
    with request.deps.session_factory() as session:
        config = load_config(session, request.caller.team_id)
    response_url = str(request.body.get("response_url") or "")
    view = modals.setup_modal(config, request.locale, response_url=response_url)
    request.ack()
    request.client.views_open(trigger_id=request.body["trigger_id"], view=view)


def save_settings(request: Interaction[ModalMetadata]) -> None:
    caller = request.caller
    if not can_change_setup(caller):
        raise NotAllowed(
            "error.only_roles", who=role_names(ADMINS, caller.locale), command="setup recognition"
        )
    config = check_config(submitted_values(request.view))
    if isinstance(config, FieldErrors):
        reject(request.ack, config, caller.locale)
        return
    with request.deps.session_factory.begin() as session:
        claim(session)
        save_config(session, caller.team_id, config)
        audit.record(session, caller.team_id, caller.member.id, "settings.recognition", "setup recognition")
    request.ack()
    tell(
        request.client,
        caller.member.user_id,
        saved_text(config, caller.locale),
        response_url=request.metadata.response_url,
    )


def saved_text(config: RecognitionConfig, locale: Locale) -> str:
    """What was saved, in words, and what it changes."""
    answer = "yes" if config.value_required else "no"
    return t(
        "recognition.setup.saved",
        locale,
        allowance=views.points(config.allowance, locale),
        values=", ".join(f"#{v}" for v in config.values) or "—",
        required=t(f"recognition.setup.required_{answer}", locale),
        channel=channel_mention(config.channel_id)
        if config.channel_id
        else t("recognition.setup.channel_none", locale),
    )
