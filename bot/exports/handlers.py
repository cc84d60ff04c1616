"""`/pacer export`: a modal for scope, dates, data sets and format; the files to the person's DM.

The modal is opened before any slow work (past 100 scopes, the scope menu asks for its options as the
person types, answered from the same `service.choices`); its submission is checked (field errors keep the
rest), then acknowledged, and only then is the export written (streamed, in a temporary folder) and each
part uploaded with `files_upload_v2` to the person's DM. The duplicate-submission check commits in its own
short transaction and the export reads from a `read_only` session, so a long export never holds SQLite's
write lock (other writers would wait, then fail); the audit event is a second short transaction. The
parts are not stored in the outbox: a part may be 50 MB, and the outbox keeps each payload in a row."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from slack_bolt import App
from slack_sdk import WebClient

from bot.db import read_only
from bot.errors import FieldErrors
from bot.exports import retention, service, uninstalled, views
from bot.exports.base import ExportSet
from bot.exports.writer import Part
from bot.i18n import Locale
from bot.slack.answers import tell
from bot.slack.commands import ADMINS, EVERYONE, CommandRequest, Commands, Group
from bot.slack.deps import Deps
from bot.slack.forms import reject
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, Metadata, acts
from bot.slack.state import submitted_values
from bot.slack.suggestions import suggest

DEFAULT_DAYS = 90


class ExportMetadata(Metadata):
    response_url: str = ""


def register(app: App, deps: Deps, commands: Commands, sets: Sequence[ExportSet]) -> None:
    def export_command(request: CommandRequest) -> None:
        with deps.session_factory() as session:
            found = service.choices(session, request.caller)
        service.check_allowed(found)
        today = deps.clock().date()
        metadata = {"response_url": str(request.body.get("response_url") or "")}
        since = today - timedelta(days=DEFAULT_DAYS)
        view = views.modal(found, sets, since=since, until=today, locale=request.locale, metadata=metadata)
        request.ack()
        request.client.views_open(trigger_id=request.body["trigger_id"], view=view)

    commands.add_group(
        Group.SETTINGS,
        (60, "export", "exports.help.export", EVERYONE, export_command),
        (75, "retention [days|off]", "exports.help.retention", ADMINS, retention_command),
    )

    # Past 100 scopes (an admin's teams and vendors), the menu asks as the person types: the same choices.
    suggest(
        app,
        deps,
        callback_id=views.CALLBACK,
        block_id=service.SCOPE_FIELD,
        choices=lambda session, caller: views.scope_choices(service.choices(session, caller), caller.locale),
    )

    @app.view(views.CALLBACK)
    @acts(deps, ExportMetadata)
    def submit_export(request: Interaction[ExportMetadata]) -> None:
        export(request, sets)


def retention_command(request: CommandRequest) -> None:
    """No argument: both settings; `<days>` or `off`: check-in text's, saved (recorded);
    `uninstall <days>` or `uninstall off`: how long the data is kept after an uninstall (recorded)."""
    team_id = request.caller.team_id
    if not request.args:
        with request.deps.session_factory() as session:
            days = retention.load_days(session, team_id)
            kept = uninstalled.load_days(session, team_id)
        text = (
            request.t("exports.retention.shown", days=days)
            if days
            else request.t("exports.retention.shown_off")
        )
        after = request.t("exports.retention.uninstall_shown", days=kept) if kept else None
        return request.reply(f"{text}\n{after or request.t('exports.retention.uninstall_shown_off')}")
    if request.args[0].lower() == uninstalled.WORD:
        return _after_uninstall(request)
    days = retention.read_days(request.args)
    with request.deps.session_factory.begin() as session:
        retention.save_days(session, team_id, days, actor=request.caller.member.id)
    request.reply(
        request.t("exports.retention.saved", days=days) if days else request.t("exports.retention.saved_off")
    )


def _after_uninstall(request: CommandRequest) -> None:
    days = retention.read_days(request.args[1:], "exports.errors.after_uninstall")
    with request.deps.session_factory.begin() as session:
        uninstalled.save_days(session, request.caller.team_id, days, actor=request.caller.member.id)
    request.reply(
        request.t("exports.retention.uninstall_saved", days=days)
        if days
        else request.t("exports.retention.uninstall_saved_off")
    )


def export(request: Interaction[ExportMetadata], sets: Sequence[ExportSet]) -> None:
    """Check the answers (a scope the caller may not pick is refused), acknowledge, write and deliver."""
    deps, caller = request.deps, request.caller
    with deps.session_factory() as session:
        found = service.choices(session, caller)
    service.check_allowed(found)
    asked = service.read_request(submitted_values(request.view), found, sets, today=deps.clock().date())
    if isinstance(asked, FieldErrors):
        return reject(request.ack, asked, caller.locale)
    request.ack()
    with tempfile.TemporaryDirectory(prefix="pacer-export-") as folder:
        with deps.session_factory.begin() as session:
            claim(session)  # a retried submission exports once: committed now, not held through the export
        with read_only(deps.session_factory) as session:
            parts = service.run(session, asked, Path(folder), part_bytes=deps.settings.export_part_bytes)
        with deps.session_factory.begin() as session:
            service.record(session, asked, parts, actor=caller.member.id)
        deliver(request.client, caller.member.user_id, parts, caller.locale)
    text = views.done(len(parts), sum(part.rows for part in parts), caller.locale)
    tell(request.client, caller.member.user_id, text, response_url=request.metadata.response_url)


def deliver(client: WebClient, user_id: str, parts: Sequence[Part], locale: Locale) -> None:
    """Each part to the person's DM with Pacer, one upload at a time (each read from its file)."""
    channel = str(client.conversations_open(users=user_id)["channel"]["id"])
    for part in parts:
        client.files_upload_v2(
            channel=channel,
            file=str(part.path),
            filename=part.filename,
            title=views.file_title(part.filename, locale),
        )
