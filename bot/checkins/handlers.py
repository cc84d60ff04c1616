"""`/pacer checkin`, the nudge's "Check in" button, and the check-in modal's submission."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins import extras, messages, service, views
from bot.checkins.models import CheckIn, Confidence
from bot.delivery.service import cancel, enqueue, find
from bot.errors import FieldErrors, Invalid, NotAllowed, Stale
from bot.goals.numbers import (
    ID_RANGE,
    MAX_AMOUNT,
    parse_amount,
    plain_amount,
    read_amount,
    read_whole,
)
from bot.i18n import Locale, moment, t
from bot.reviews import expansion
from bot.reviews.setup_views import accounts_input
from bot.roster.models import Member
from bot.roster.service import Caller
from bot.slack.answers import tell
from bot.slack.blocks import Block
from bot.slack.commands import ADMINS, REPS, CommandRequest, Commands, Group
from bot.slack.deps import Deps
from bot.slack.forms import Form, Values, reject
from bot.slack.idempotency import claim
from bot.slack.ids import Action, CallbackId, CheckinBlock
from bot.slack.interaction import Interaction, Metadata, NoMetadata, acts, opens
from bot.slack.state import submitted_values
from bot.workspaces.models import Workspace

log = logging.getLogger(__name__)


def checkin_view(
    deps: Deps, caller: Caller, requested: date | None, *, response_url: str = ""
) -> dict[str, Any]:
    """The check-in modal for the requested week if it is still open, else the week due now, saying
    that the requested one closed, and when; its confirmation goes to `response_url` (else by DM)."""
    now = deps.clock()
    notice = None
    with deps.session_factory() as session:
        workspace = session.get_one(Workspace, caller.team_id)
        rep = session.get_one(Member, caller.member.id)
        zone = calendar.member_zone(rep, workspace)
        open_ = requested is not None and calendar.week_is_open(workspace, zone, requested, now)
        week = requested if open_ and requested else calendar.checkin_week(workspace, zone, now)
        if requested is not None and requested < week:
            notice = week_closed_notice(workspace, zone, requested, week, caller.locale)
        goals = service.goal_weeks(session, service.active_goals(session, rep=rep, week_start=week), week)
        if not goals:
            raise Invalid("checkin.no_goals")
        given = {c.goal_id: c for c in service.checkins_of(session, rep_id=rep.id, week_start=week)}
        extra = _accounts_field(session, rep, goals, week, caller.locale)
        of = extras.RepWeek(rep.team_id, rep.id, week)
        shown = extras.shown(session, of, [item.goal for item in goals], caller.locale)
    previous = {
        goal_id: _as_strings(c, goals_unit(goals, goal_id), caller.locale) for goal_id, c in given.items()
    }
    extras.prefill(previous, shown)  # a goal not answered yet shows, e.g., the CRM's figure
    help_requested = any(c.needs_help for c in given.values())
    metadata = {"week": week.isoformat(), "rep": caller.member.id, "response_url": response_url}
    return views.checkin_modal(
        week,
        goals,
        caller.locale,
        previous=previous,
        help_requested=help_requested,
        metadata=metadata,
        notice=notice,
        extra=extra,
        per_goal=shown.fields,
    )


def _accounts_field(
    session: Session, rep: Member, goals: list[service.GoalWeek], week: date, locale: Locale
) -> list[Block]:
    """The reviews' "new accounts this week" field, when the rep's check-in asks for it."""
    if not expansion.asks(session, rep.team_id, (item.goal.metric for item in goals)):
        return []
    return [accounts_input(expansion.given(session, rep.id, week), locale)]


def week_closed_notice(workspace: Workspace, zone: ZoneInfo, closed: date, week: date, locale: Locale) -> str:
    """A nudge's button for a week whose digest is out: that week closed then; this is the current one."""
    return t(
        "checkin.week_closed_notice",
        locale,
        week=views.week_label(closed, locale),
        at=moment(calendar.digest_time(workspace, closed), zone, locale),
        current=views.week_label(week, locale),
    )


def goals_unit(goals: list[service.GoalWeek], goal_id: int) -> str:
    return next(item.goal.unit for item in goals if item.goal.id == goal_id)


def _as_strings(checkin: CheckIn, unit: str, locale: Locale) -> dict[str, str]:
    return {
        "result": plain_amount(checkin.result),  # as a person types it: "7250.5", no symbol to edit around
        "confidence": checkin.confidence.value,
        "highlights": checkin.highlights,
        "blockers": checkin.blockers,
    }


def parse_answers(values: Values) -> list[service.Answer] | FieldErrors:
    """The typed answers of a submitted check-in modal (one result, confidence and notes per goal), or
    {block id: error} for the fields that are wrong."""
    needs_help = values.get(CheckinBlock.HELP.value) is not None
    answers: list[service.Answer] = []
    errors = FieldErrors()
    for block_id, raw in values.items():
        prefix, _, goal_id = block_id.partition(":")
        if prefix != CheckinBlock.RESULT or read_whole(goal_id, ID_RANGE) is None:
            continue  # a block this modal never had: nothing of it is saved
        amount = read_amount(raw)
        if amount is None:
            errors[block_id] = _result_error(raw)
            continue
        confidence = values.get(f"{CheckinBlock.CONFIDENCE}:{goal_id}")
        if confidence not in {c.value for c in Confidence}:
            errors[f"{CheckinBlock.CONFIDENCE}:{goal_id}"] = "checkin.error.confidence"
            continue
        notes = {
            kind: values.get(f"{kind}:{goal_id}") or ""
            for kind in (CheckinBlock.HIGHLIGHTS, CheckinBlock.BLOCKERS)
        }
        for kind, note in notes.items():
            if len(note) > service.NOTE_MAX:
                errors[f"{kind}:{goal_id}"] = Invalid("error.too_long", max=service.NOTE_MAX)
        answers.append(
            service.Answer(
                goal_id=int(goal_id),
                result=amount,
                confidence=Confidence(confidence),
                highlights=notes[CheckinBlock.HIGHLIGHTS],
                blockers=notes[CheckinBlock.BLOCKERS],
                needs_help=needs_help,
            )
        )
    return errors or answers


def _result_error(raw: str | None) -> Invalid:
    """Why a result was refused: too big for Pacer to store, or not a number of at most two decimals ≥ 0."""
    value, shown = parse_amount(raw or ""), (raw or "")[:40]
    if value is not None and value > MAX_AMOUNT:
        return Invalid("checkin.error.too_big", max=f"{MAX_AMOUNT:,}")
    if value is not None and value > 0:
        return Invalid("checkin.error.decimals", value=shown)
    return Invalid("checkin.error.result", value=shown)


class CheckinMetadata(Metadata):
    """The check-in modal's metadata: the week it is for, the rep it was opened for, and where to confirm
    (the response URL of `/pacer checkin`; else the rep's DM with Pacer)."""

    week: date
    rep: int
    response_url: str = ""


# One block per goal and kind (`result:<goal id>`, …), so the answers are the values themselves.
CHECKIN_FORM: Form[Values, list[service.Answer]] = Form(lambda values: values, parse_answers)


def check_in(request: Interaction[CheckinMetadata]) -> None:
    """The check-in modal's submission: only the rep it was opened for may submit it."""
    deps, caller = request.deps, request.caller
    if request.metadata.rep != caller.member.id:
        raise NotAllowed("checkin.not_yours")
    answers = CHECKIN_FORM.from_view(request.view)
    accounts = _accounts_of(request.view)
    submitted = submitted_values(request.view)
    if not isinstance(answers, FieldErrors):
        answers = _extras_refused(deps, caller, request.metadata.week, answers, submitted) or answers
    if isinstance(answers, FieldErrors) or isinstance(accounts, str):
        errors = answers if isinstance(answers, FieldErrors) else FieldErrors()
        reject(
            request.ack,
            errors | ({expansion.FIELD: accounts} if isinstance(accounts, str) else {}),
            caller.locale,
        )
        return
    week = request.metadata.week
    record(deps, caller, week, answers, accounts, submitted=submitted)  # CheckInRecorded refreshes Home tabs
    request.ack()
    try:
        ask_for_help(deps, caller, week, asked=answers[0].needs_help)
    except SQLAlchemyError:  # the check-in is saved: the rep hears so; the next check-in revises it again
        log.exception("the help message of %s's manager for %s was not revised", caller.member.user_id, week)
    deps.kick()
    answer = checked_in_answer(deps, caller, request.metadata.week, needs_help=answers[0].needs_help)
    tell(request.client, caller.member.user_id, answer, response_url=request.metadata.response_url)


def _extras_refused(
    deps: Deps, caller: Caller, week: date, answers: list[service.Answer], submitted: Values
) -> FieldErrors:
    """What other features' fields refuse (`extras`: e.g. a result that differs from the CRM's figure
    needs a reason)."""
    with deps.session_factory() as session:
        of = extras.RepWeek(caller.team_id, caller.member.id, week)
        return extras.check(session, of, answers, submitted)


def _accounts_of(view: dict[str, Any]) -> int | str | bool | None:
    """The new accounts typed in the modal (None: left empty), the i18n key of what is wrong with them,
    or False when the modal did not ask."""
    asked = any(block.get("block_id") == expansion.FIELD for block in view.get("blocks") or [])
    return expansion.read_count(submitted_values(view).get(expansion.FIELD)) if asked else False


def checked_in_answer(deps: Deps, caller: Caller, week: date, *, needs_help: bool) -> str:
    """Checked in: until when it can be changed, and who sees a request for help."""
    with deps.session_factory() as session:
        workspace = session.get_one(Workspace, caller.team_id)
        rep = session.get_one(Member, caller.member.id)
        manager = session.get(Member, rep.manager_id) if needs_help and rep.manager_id else None
        zone = calendar.member_zone(rep, workspace)
        until = moment(calendar.digest_time(workspace, week), zone, caller.locale)
    label = views.week_label(week, caller.locale)
    if manager is None:
        return t("answers.checkin.saved", caller.locale, week=label, at=until)
    return t("answers.checkin.help", caller.locale, week=label, at=until, manager=manager.user_id)


def register(app: App, deps: Deps, commands: Commands) -> None:
    def open_from_command(request: CommandRequest) -> None:
        view = checkin_view(
            deps, request.caller, None, response_url=str(request.body.get("response_url") or "")
        )
        request.ack()
        request.client.views_open(trigger_id=request.body["trigger_id"], view=view)

    commands.add_group(Group.CHECKINS, (10, "checkin", "help.checkin", REPS | ADMINS, open_from_command))

    @app.action(Action.CHECKIN_OPEN.value)
    @opens(deps)
    def open_checkin(request: Interaction[NoMetadata]) -> None:
        caller = request.caller
        request.ack()
        requested = request.value(date.fromisoformat)
        request.client.views_open(
            trigger_id=request.body["trigger_id"], view=checkin_view(deps, caller, requested)
        )

    @app.view(CallbackId.CHECKIN.value)
    @acts(deps, CheckinMetadata)
    def submit_checkin(request: Interaction[CheckinMetadata]) -> None:
        check_in(request)


def record(
    deps: Deps,
    caller: Caller,
    week: date,
    answers: list[service.Answer],
    accounts: int | bool | None = False,
    *,
    submitted: Values | None = None,
) -> None:
    """Save the check-in (and the week's new accounts, when asked, and what other features keep beside it
    from the modal's `submitted` values: `extras.keep`) and turn the nudge into "done"; the manager hears
    of a request for help after the ack (`ask_for_help`)."""
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        workspace = session.get_one(Workspace, caller.team_id)
        rep = session.get_one(Member, caller.member.id)
        if not calendar.week_is_open(workspace, calendar.member_zone(rep, workspace), week, now):
            closed_at = calendar.digest_time(workspace, week)
            raise Stale("answers.stale.week_closed", week=views.week_label(week, caller.locale), at=closed_at)
        service.save_checkin(session, rep=rep, week_start=week, answers=answers, now=now)
        of = extras.RepWeek(rep.team_id, rep.id, week)
        extras.keep(session, of, submitted or {}, now=now)  # e.g. the CRM's figure and the reason
        if accounts is not False:
            expansion.record_week(
                session, rep, week, int(accounts) if accounts is not None else None, now=now
            )
        goals = service.goal_weeks(session, service.active_goals(session, rep=rep, week_start=week), week)
        outgoing = []
        for kind in (messages.NUDGE, messages.REMINDER):
            key = messages.week_key(kind, rep.user_id, week)
            if find(session, team_id=rep.team_id, key=key) is None or cancel(
                session, team_id=rep.team_id, key=key
            ):
                continue  # never queued, or stopped before it went out
            outgoing.append(messages.done(rep, key, week, goals, locale=caller.locale, now=now))
        enqueue(session, outgoing, now=now)


def ask_for_help(deps: Deps, caller: Caller, week: date, *, asked: bool) -> None:
    """After the check-in committed and was acknowledged: the manager's help message for the week, posted
    or revised from the week's check-ins. Revising holds that message's row, which every rep of the
    manager shares, so it is never done before the ack (thirty reps checking in would queue on it)."""
    with deps.session_factory.begin() as session:
        rep = session.get_one(Member, caller.member.id)
        if rep.manager_id is not None:
            manager = session.get_one(Member, rep.manager_id)
            messages.help_requests(session, manager, week, asked=asked, now=deps.clock())
