"""Figures and settings for the reviews: `/pacer setup reviews` (bands, weights, opening day), a CSV or
XLSX file shared in a DM with Pacer (a dry run, then **Import**), `/pacer review import` (how to), and
`/pacer review input @rep satisfaction 4.2/5 [quarter 2026Q4] <note>` (a manager's figure with its note)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.audit import service as audit
from bot.errors import FieldErrors, Invalid, NotAllowed
from bot.goals.numbers import parse_amount
from bot.i18n import t
from bot.reviews import expansion, importing
from bot.reviews.inputs import Figure, record_input
from bot.reviews.models import InputKind, ReviewCycle
from bot.reviews.service import check_quarter, quarter_of
from bot.reviews.settings import check_config, load_config, save_config
from bot.reviews.setup_views import (
    ASK_FIELD,
    ReviewIds,
    dry_run_message,
    refused_message,
    saved_message,
    setup_modal,
)
from bot.roster.models import Member
from bot.roster.policy import Caller, can_change_setup, check_manages
from bot.slack import blocks
from bot.slack.answers import tell
from bot.slack.commands import ADMINS, MANAGERS, CommandRequest, Commands, Group, role_names, user_id_of
from bot.slack.deps import Deps
from bot.slack.forms import reject
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, Metadata, NoMetadata, acts
from bot.slack.state import submitted_values
from bot.slack.uploads import Upload, UploadRequest, fetch_again
from bot.workspaces.models import Workspace

KINDS = {
    "satisfaction": InputKind.SATISFACTION,
    "满意度": InputKind.SATISFACTION,
    "expansion": InputKind.EXPANSION,
    "拓展": InputKind.EXPANSION,
}


class SetupMetadata(Metadata):
    response_url: str = ""


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(
        Group.REVIEWS,
        (
            60,
            "review input @rep satisfaction|expansion <figure> [quarter <YYYYQn>] <note>",
            "reviews.import.help_input",
            MANAGERS,
            enter_figure,
        ),
        (70, "review import", "reviews.import.help_import", MANAGERS, explain_import),
        (90, "setup reviews", "reviews.settings.help", ADMINS, open_settings),
    )

    @app.view(ReviewIds.SETUP.value)
    @acts(deps, SetupMetadata)
    def submit_review_settings(request: Interaction[SetupMetadata]) -> None:
        save_settings(request)

    @app.action(ReviewIds.IMPORT.value)
    @acts(deps)
    def import_figures(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(import_now(request))

    @app.action(ReviewIds.IMPORT_CANCEL.value)
    @acts(deps)
    def cancel_import(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(blocks.notice(t("reviews.import.cancelled", request.locale)))


def open_settings(request: CommandRequest) -> None:
    with request.deps.session_factory() as session:
        current = load_config(session, request.caller.team_id).as_text()
        ask = expansion.asks_everyone(session, request.caller.team_id)
    response_url = str(request.body.get("response_url") or "")
    view = setup_modal(current, ask, request.locale, response_url=response_url)
    request.ack()
    request.client.views_open(trigger_id=request.body["trigger_id"], view=view)


def _only_admins(caller: Caller, command: str) -> NotAllowed:
    return NotAllowed("error.only_roles", who=role_names(ADMINS, caller.locale), command=command)


def save_settings(request: Interaction[SetupMetadata]) -> None:
    """The settings modal's submission: field errors under their fields, else saved and confirmed."""
    caller = request.caller
    if not can_change_setup(caller):
        raise _only_admins(caller, "setup reviews")
    values = submitted_values(request.view, required_texts=True)
    config, ask = check_config(values), values.get(ASK_FIELD) == "yes"
    if isinstance(config, FieldErrors):
        reject(request.ack, config, caller.locale)
        return
    with request.deps.session_factory.begin() as session:
        claim(session)
        save_config(session, caller.team_id, config)
        expansion.save_asks_everyone(session, caller.team_id, ask)
        audit.record(session, caller.team_id, caller.member.id, "settings.reviews", "setup reviews")
    request.ack()
    text = saved_message(config, ask, caller.locale)
    tell(request.client, caller.member.user_id, text, response_url=request.metadata.response_url)


def explain_import(request: CommandRequest) -> None:
    request.reply(request.t("reviews.import.how"))


def answer_file(request: UploadRequest) -> dict[str, Any]:
    """A figures file a manager or admin shared in a DM: its dry run, or its bad lines."""
    caller, shared = request.caller, request.shared
    with request.deps.session_factory() as session:
        checked = importing.check(session, caller, request.data, shared.kind, now=request.now)
    if checked.upload.clean:
        return dry_run_message(shared.name, shared.file_id, checked.changes, checked.names, caller.locale)
    return refused_message(shared.name, checked.upload.errors, caller.locale)


FIGURES = Upload(
    name="reviews.figures",
    roles=MANAGERS,
    recognizes=lambda shared, data: importing.recognizes(shared.kind, data),
    answer=answer_file,
    about="reviews.import.about",
)


def import_now(request: Interaction[NoMetadata]) -> dict[str, Any]:
    """**Import**: the file read again and imported if still clean, in one unit of work, once."""
    again = fetch_again(request, MANAGERS, "review import")
    caller, deps, shared, data = request.caller, request.deps, again.shared, again.data
    with deps.session_factory.begin() as session:
        claim(session)
        done = importing.run(session, caller, data, shared.kind, now=deps.clock())
    if not done.upload.clean:
        return refused_message(shared.name, done.upload.errors, caller.locale)
    changed = sum(1 for change in done.changes if change.changes_something)
    return blocks.notice(t("reviews.import.done", caller.locale, file=shared.name, changed=changed))


def enter_figure(request: CommandRequest) -> None:
    """`review input @rep satisfaction 4.2/5 [quarter 2026Q4] <note>`: the figure kept for the quarter
    named, else the review under way (the latest not locked), else the current quarter."""
    caller, deps = request.caller, request.deps
    user_id, kind, figure, quarter, note = _parse_entry(request.args)
    rep = deps.directory.member(caller.team_id, user_id)
    with deps.session_factory.begin() as session:
        rep = session.get_one(Member, rep.id)
        check_manages(caller, rep, refusals="reviews.import.entry")
        quarter = quarter or _quarter_under_way(session, caller.team_id, deps.clock())
        value, scale = figure
        entry = Figure(kind, value, scale, note)
        record_input(session, rep, quarter, entry, by=caller.member.id, now=deps.clock())
    shown = f"{value}/{scale}" if scale is not None else str(value)
    request.reply(
        request.t(
            "reviews.import.entered",
            rep=rep.display_name or rep.user_id,
            kind=request.t(f"reviews.dimension_{kind.value}"),
            figure=shown,
            quarter=quarter,
        )
    )


def _quarter_under_way(session: Session, team_id: str, now: datetime) -> str:
    """The latest review not locked yet (its figures may still come in after the quarter ends), else the
    quarter it is in the workspace's zone."""
    latest = session.scalar(
        select(ReviewCycle.quarter)
        .where(ReviewCycle.team_id == team_id, ReviewCycle.locked.is_(False))
        .order_by(ReviewCycle.quarter.desc())
        .limit(1)
    )
    zone = calendar.workspace_zone(session.get_one(Workspace, team_id))
    return latest or quarter_of(calendar.local_date(now, zone))


def _parse_entry(args: list[str]) -> tuple[str, InputKind, tuple[Any, Any], str | None, str]:
    """The mention, the kind, the figure (value and scale), the quarter named (else None) and the note of
    an entry; else how to write it."""
    user_id = user_id_of(args[0]) if args else None
    kind = KINDS.get(args[1].casefold()) if len(args) > 1 else None
    figure = _figure(args[2]) if len(args) > 2 else None
    if user_id is None or kind is None or figure is None:
        raise Invalid("reviews.import.input_usage")
    rest = args[3:]
    if len(rest) >= 2 and rest[0].casefold() in ("quarter", "季度"):
        return user_id, kind, figure, check_quarter(rest[1]), " ".join(rest[2:])
    return user_id, kind, figure, None, " ".join(rest)


def _figure(typed: str) -> tuple[Any, Any] | None:
    value_text, _, scale_text = typed.partition("/")
    value = parse_amount(value_text)
    scale = parse_amount(scale_text) if scale_text else None
    if value is None or (scale_text and scale is None):
        return None
    return value, scale
