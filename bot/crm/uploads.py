"""A file of actuals shared in a DM with Pacer (`ACTUALS`, routed by `bot.slack.uploads`): the dry run or
the bad lines, then **Import** — the file fetched and checked again, and imported once."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.crm import importing, views
from bot.crm.lookup import slack_emails
from bot.i18n import t
from bot.slack import blocks
from bot.slack.commands import ADMINS
from bot.slack.deps import Deps
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.slack.uploads import Upload, UploadRequest, fetch_again


def answer_file(request: UploadRequest) -> dict[str, Any]:
    """An admin's file of actuals: its dry run (nothing written), or its bad lines."""
    caller, shared = request.caller, request.shared
    emails = slack_emails(request.client)
    with request.deps.session_factory() as session:
        checked = importing.check_bytes(session, caller.team_id, request.data, shared.kind, emails=emails)
        if not checked.clean:
            return views.refused_message(shared.name, checked, caller.locale)
        counts = importing.run(session, caller.team_id, checked, now=request.now, dry_run=True)
    return views.dry_run_message(shared.name, shared.file_id, checked, counts, caller.locale)


ACTUALS = Upload(
    name="crm.actuals",
    roles=ADMINS,
    recognizes=lambda shared, data: importing.recognizes(shared.kind, data),
    answer=answer_file,
    about="crm.import.about",
)


def register(app: App, deps: Deps) -> None:
    @app.action(views.CrmIds.IMPORT.value)
    @acts(deps)
    def import_actuals(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(import_now(request))

    @app.action(views.CrmIds.IMPORT_CANCEL.value)
    @acts(deps)
    def cancel_import(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(blocks.notice(t("crm.import.cancelled", request.locale)))


def import_now(request: Interaction[NoMetadata]) -> dict[str, Any]:
    """**Import**: the file fetched and checked again (it may have changed), imported in one unit of work."""
    again = fetch_again(request, ADMINS, "crm import")
    caller, deps, shared, data = request.caller, request.deps, again.shared, again.data
    emails = slack_emails(request.client)
    with deps.session_factory.begin() as session:
        claim(session)
        checked = importing.check_bytes(session, caller.team_id, data, shared.kind, emails=emails)
        if not checked.clean:
            return views.refused_message(shared.name, checked, caller.locale)
        counts = importing.run(session, caller.team_id, checked, now=deps.clock())
    return views.done_message(shared.name, counts, caller.locale)
