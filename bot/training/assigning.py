"""`/pacer train`: with words, the text command (`report.train`); alone, the assignment modal. The modal
opens at once, while Slack's trigger id is fresh, and is filled in once the courses are read; past 100
courses or vendors, that menu asks Pacer as the person types (`bot.slack.menus`), and its options listener
here answers from the same list. The submission is checked field by field (`assign_form`), then carried out
by the same `service.assign` and confirmed with the same message as the text command."""

from __future__ import annotations

import contextlib

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.errors import FieldErrors, NotAllowed
from bot.roster.policy import Caller
from bot.roster.service import list_vendors
from bot.slack.answers import tell
from bot.slack.commands import MANAGERS, CommandRequest, role_names
from bot.slack.deps import Deps
from bot.slack.forms import Form, reject
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, Metadata, acts
from bot.slack.suggestions import suggest
from bot.training import assign_form, assign_views, report, service
from bot.training.assign_form import Field
from bot.training.assign_views import Offered

TRAIN_FORM = Form.of(assign_form.TrainForm, assign_form.check)


class TrainMetadata(Metadata):
    """Where `/pacer train` was run: the confirmation goes there (else to the caller's DM)."""

    response_url: str = ""


def train_command(request: CommandRequest) -> None:
    """`/pacer train …` assigns at once; `/pacer train` alone opens the modal."""
    if request.args:
        report.train(request)
    else:
        open_modal(request)


def open_modal(request: CommandRequest) -> None:
    """Acknowledge and open the modal first (Slack's 3 s), then read the courses and fill it in."""
    request.ack()
    opened = request.client.views_open(
        trigger_id=request.body["trigger_id"], view=assign_views.loading(request.locale)
    )
    where = {"view_id": opened["view"]["id"], "hash": opened["view"]["hash"]}
    try:
        with request.deps.session_factory() as session:
            offered = _offered(session, request.caller)
    except Exception:  # not left saying "Reading the courses…": the error itself reaches the person too
        with contextlib.suppress(Exception):
            request.client.views_update(**where, view=assign_views.unavailable(request.locale))
        raise
    url = str(request.body.get("response_url") or "")
    view = (
        assign_views.assign_modal(offered, request.locale, response_url=url)
        if offered.courses
        else assign_views.no_courses(request.locale)
    )
    request.client.views_update(**where, view=view)


def _offered(session: Session, caller: Caller) -> Offered:
    own_team = None if caller.is_admin() else caller.member.user_id
    return Offered(_courses(session, caller), _vendors(session, caller), own_team)


def _courses(session: Session, caller: Caller) -> list[tuple[int, str]]:
    """The courses the modal offers `caller`: the workspace's, titled in the caller's language; none to a
    rep (the modal is not theirs: see `submit`)."""
    if caller.role not in MANAGERS:
        return []
    return service.course_choices(session, caller.team_id, caller.locale)


def _vendors(session: Session, caller: Caller) -> list[str]:
    """The vendors the modal offers `caller`: the workspace's, by name; none to a rep."""
    if caller.role not in MANAGERS:
        return []
    return [vendor.name for vendor, _ in list_vendors(session, team_id=caller.team_id)]


def submit(request: Interaction[TrainMetadata]) -> None:
    """Every wrong field said under it (the rest kept as typed), else assigned and confirmed."""
    deps, caller, now = request.deps, request.caller, request.deps.clock()
    if caller.role not in MANAGERS:  # the router refuses reps the modal; a forged submission too
        raise NotAllowed("error.only_roles", who=role_names(MANAGERS, caller.locale), command="train")
    with deps.session_factory() as session:
        answers = TRAIN_FORM.from_view(request.view, today=service.today_of(session, caller, now))
        asked = (
            answers if isinstance(answers, FieldErrors) else assign_form.request_of(session, caller, answers)
        )
    if isinstance(asked, FieldErrors):
        reject(request.ack, asked, caller.locale)
        return
    request.ack()
    with deps.session_factory.begin() as session:
        claim(session)
        done = service.assign(session, caller, asked, now=now)
    said = assign_views.assigned_text(done, asked, caller.locale)
    tell(request.client, caller.member.user_id, said, response_url=request.metadata.response_url)
    deps.kick()


def register(app: App, deps: Deps) -> None:
    # Past 100 courses or vendors, their menus ask as the person types (`menus`): the same lists.
    suggest(
        app,
        deps,
        callback_id=assign_views.CALLBACK,
        block_id=Field.COURSE,
        choices=lambda session, caller: assign_views.course_choices(_courses(session, caller)),
    )
    suggest(
        app,
        deps,
        callback_id=assign_views.CALLBACK,
        block_id=Field.VENDOR,
        choices=lambda session, caller: assign_views.vendor_choices(_vendors(session, caller)),
    )

    @app.view(assign_views.CALLBACK)
    @acts(deps, TrainMetadata)
    def submit_assignment(request: Interaction[TrainMetadata]) -> None:
        submit(request)
