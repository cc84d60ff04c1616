"""`/pacer incentives`: a rep's plans (attainment to date, the payout it implies now, what it takes to reach
the next tier), a manager's team table, an admin's plans; `/pacer incentives plan [id]` (admins) opens the
plan's modal; `/pacer incentives reopen <id>` (admins); `/pacer incentives ledger` (admins, and a vendor's
contact for their vendor). Buttons: Approve (a manager, then an admin), Mark invoiced/paid (admins), Export
CSV/XLSX (to the asker's DM). Also what bot/features.py names (`JOBS`, `models`, `CATALOGS`)."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.delivery.service import enqueue
from bot.errors import FieldErrors, Invalid, Stale
from bot.goals.numbers import read_whole
from bot.i18n import Locale, t
from bot.incentives import (
    contest_awards,
    contest_views,
    contests,
    ledger,
    models,
    plans,
    seats,
    showing,
    views,
)
from bot.incentives import messages as outbox
from bot.incentives.jobs import JOBS
from bot.roster.models import Member, Role, Vendor
from bot.slack import blocks
from bot.slack.answers import tell
from bot.slack.commands import ADMINS, EVERYONE, CommandRequest, Commands, Group
from bot.slack.deps import Deps
from bot.slack.forms import Form, reject
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, Metadata, NoMetadata, acts
from bot.slack.state import submitted_values

__all__ = ["CATALOGS", "JOBS", "models", "register"]
CATALOGS = resources.files("bot.incentives") / "i18n"
PLAN = Form.of(plans.PlanAnswers, plans.check_plan)
ID_RANGE = range(1, 10**9)
MAX_LINES = 60


class PlanMetadata(Metadata):
    """Which plan (None: a new one), and where the command was run: the confirmation goes there."""

    plan_id: int | None = None
    response_url: str = ""


def _plan_id(args: list[str]) -> int:
    found = read_whole(args[0].lstrip("#"), ID_RANGE) if len(args) == 1 else None
    if found is None:
        raise Invalid("incentives.errors.id_needed")
    return found


def plan_command(request: CommandRequest) -> None:
    """Open the plan's modal: empty, or filled with plan `id` (refused once approved)."""
    answers, seat = plans.PlanAnswers(), None
    plan_id = _plan_id(request.args) if request.args else None
    with request.deps.session_factory() as session:
        offered = seats.choices(session, request.caller.team_id, request.locale)
        if plan_id is not None:
            plan = plans.get_plan(session, request.caller.team_id, plan_id)
            plans.check_changeable(plan)
            manager = session.get(Member, plan.manager_id) if plan.manager_id else None
            vendor = session.get(Vendor, plan.vendor_id) if plan.vendor_id else None
            answers = plans.answers_of(
                plan, manager.user_id if manager else None, vendor.name if vendor else None
            )
            seat = plan.seat_course_id
    url = str(request.body.get("response_url") or "")
    view = views.plan_modal(answers, request.locale, plan_id=plan_id, response_url=url)
    view["blocks"] += views.seat_input(offered, seat, request.locale)
    request.ack()
    request.client.views_open(trigger_id=request.body["trigger_id"], view=view)


def _seat(request: Interaction[PlanMetadata]) -> int | FieldErrors | None:
    """The course seat picked in a plan's or a contest's modal (None: none), or its field error."""
    seat = seats.read_seat(submitted_values(request.view).get(seats.SEAT_FIELD))
    return FieldErrors({seats.SEAT_FIELD: seat}) if isinstance(seat, str) else seat


def _errors(*found: object) -> FieldErrors:
    return FieldErrors({k: v for f in found if isinstance(f, FieldErrors) for k, v in f.items()})


def submit(request: Interaction[PlanMetadata]) -> None:
    data, seat = PLAN.from_view(request.view), _seat(request)
    if isinstance(data, FieldErrors) or isinstance(seat, FieldErrors):
        return reject(request.ack, _errors(data, seat), request.locale)
    with request.deps.session_factory() as session:
        errors = plans.check_stored(session, request.caller.team_id, data, plan_id=request.metadata.plan_id)
    if errors:
        return reject(request.ack, errors, request.locale)
    request.ack()
    with request.deps.session_factory.begin() as session:
        claim(session)
        plan = plans.save_plan(
            session, request.caller, data, plan_id=request.metadata.plan_id, now=request.deps.clock()
        )
        plan.seat_course_id = seat
        said = t("incentives.plan.saved", request.locale, name=plan.name, period=plan.period, id=plan.id)
    tell(request.client, request.caller.member.user_id, said, response_url=request.metadata.response_url)
    return None


def reopen_command(request: CommandRequest) -> None:
    with request.deps.session_factory.begin() as session:
        plan = plans.get_plan(session, request.caller.team_id, _plan_id(request.args))
        dropped = plans.reopen(session, request.caller, plan, now=request.deps.clock())
        said = request.t("incentives.plan.reopened", name=plan.name, period=plan.period, payouts=dropped)
    request.reply(said)


def history_command(request: CommandRequest) -> None:
    with request.deps.session_factory() as session:
        plan = plans.get_plan(session, request.caller.team_id, _plan_id(request.args))
        lines = views.history_lines(showing.history(session, plan), request.locale)
    title = request.t("incentives.history.title", name=plan.name, period=plan.period)
    request.reply(title, [blocks.header(title), *blocks.sections_from_lines(lines, max_blocks=40)])


def incentives_command(request: CommandRequest) -> None:
    caller = request.caller
    with request.deps.session_factory() as session:
        today = showing.today_of(session, caller, request.deps.clock())
        if caller.role is Role.REP:
            lines = _rep_lines(session, request, today)
            title = request.t("incentives.rep.title")
            return request.reply(
                title, [blocks.header(title), *blocks.sections_from_lines(lines, max_blocks=40)]
            )
        found = _team_blocks(session, request, today)
    title = request.t("incentives.team.title")
    return request.reply(title, [blocks.header(title), *found][: blocks.MESSAGE_BLOCKS_MAX])


def _rep_lines(session: Session, request: CommandRequest, today: date) -> list[str]:
    lines: list[str] = []
    for found in showing.rep_plans(session, request.caller, today=today):
        lines += views.rep_plan(found.plan, found.figure, found.now, request.locale)
        lines += views.seat_line(found.seat, request.locale)
    for standing in contests.standings(
        session, request.caller.team_id, request.caller.member.id, today=today
    ):
        lines += contest_views.rep_standing(standing, request.locale)
    for contest, prize in contest_awards.recent(
        session, request.caller.team_id, request.caller.member.id, today=today
    ):
        lines.append(contest_views.ended_line(contest, prize, request.locale))
    for payout, plan in showing.rep_payouts(session, request.caller):
        name = f"{plan.name} {plan.period}"
        lines.append(views.payout_line(payout, name, request.locale))
    return lines or [request.t("incentives.rep.none")]


def _team_blocks(session: Session, request: CommandRequest, today: date) -> list[blocks.Block]:
    caller, locale = request.caller, request.locale
    found: list[list[blocks.Block]] = []  # each plan's blocks
    for plan in showing.running(session, caller.team_id):
        rows = showing.team_rows(session, caller, plan, today=today)
        head = t(
            "incentives.team.plan", locale, id=plan.id, name=plan.name, period=plan.period, count=len(rows)
        )
        lines = [
            views.team_line(r.rep.display_name or r.rep.user_id, r.figure, r.now, plan, locale) for r in rows
        ]
        found.append(
            blocks.sections_from_lines(
                [head, views.tier_summary(plan, locale), *lines[:MAX_LINES]], max_blocks=6
            )
        )
    for plan in showing.closed(session, caller.team_id):
        rows2 = showing.plan_payouts(session, caller, plan)
        head = t("incentives.team.computed", locale, id=plan.id, name=plan.name, period=plan.period)
        lines = [views.payout_line(p, r.display_name or r.user_id, locale) for p, r in rows2[:MAX_LINES]]
        approve = {
            "type": "actions",
            "block_id": f"incentives_approve_{plan.id}",
            "elements": [views.approve_button(plan, locale)],
        }
        found.append([*blocks.sections_from_lines([head, *lines], max_blocks=6), approve])
    if not found:
        return [blocks.section(t("incentives.team.none", locale))]
    return whole_plans(found, blocks.MESSAGE_BLOCKS_MAX - 1, locale)  # the header takes one


def whole_plans(plans: list[list[blocks.Block]], room: int, locale: Locale) -> list[blocks.Block]:
    """Each plan's blocks whole (never a plan without its Approve button) while they fit in `room`; then
    a line saying how many plans are left out and where their buttons are, rather than cutting silently."""
    if sum(len(plan) for plan in plans) <= room:
        return [block for plan in plans for block in plan]
    shown: list[blocks.Block] = []
    for n, plan in enumerate(plans):
        if len(shown) + len(plan) > room - 1:
            return [*shown, blocks.context(t("incentives.team.more", locale, count=len(plans) - n))]
        shown += plan
    return shown


def approve(request: Interaction[NoMetadata]) -> None:
    request.ack()
    plan_id, reopened = request.value(lambda v: tuple(int(x) for x in v.split(":", 1)))
    with request.deps.session_factory.begin() as session:
        claim(session)
        plan = plans.get_plan(session, request.caller.team_id, plan_id)
        if plan.reopened_count != reopened:
            raise Stale()
        moved = ledger.approve(session, request.caller, plan, now=request.deps.clock())
        said = t("incentives.approve.done", request.locale, name=plan.name, period=plan.period, count=moved)
    request.replace_message(blocks.notice(said))


def ledger_command(request: CommandRequest) -> None:
    with request.deps.session_factory() as session:
        vendors = ledger.vendors_of(session, request.caller)
        found = ledger.lines(
            session, request.caller.team_id, [v.id for v in vendors] if vendors is not None else None
        )
        title, body = views.ledger_message(found, request.locale, admin=request.caller.is_admin())
    request.reply(title, body)


def mark(request: Interaction[NoMetadata]) -> None:
    request.ack()
    plan_id, vendor_id, start = request.value(views.read_mark)
    with request.deps.session_factory.begin() as session:
        claim(session)
        plan = plans.get_plan(session, request.caller.team_id, plan_id)
        moved = ledger.mark(session, request.caller, plan, vendor_id or None, start, now=request.deps.clock())
    said = t("incentives.ledger.marked", request.locale, count=moved, name=plan.name)
    if request.respond is not None:
        request.respond(text=said, response_type="ephemeral", replace_original=False)


def export(request: Interaction[NoMetadata]) -> None:
    request.ack()
    kind = request.value(lambda v: {"csv": "csv", "xlsx": "xlsx"}[v])
    now = request.deps.clock()
    with request.deps.session_factory.begin() as session:
        claim(session)
        vendors = ledger.vendors_of(session, request.caller)
        rows = ledger.invoice_lines(
            ledger.lines(
                session, request.caller.team_id, [v.id for v in vendors] if vendors is not None else None
            )
        )
        content = ledger.export_csv(rows) if kind == "csv" else ledger.export_xlsx(rows)
        me = session.get_one(Member, request.caller.member.id)
        enqueue(session, outbox.export(me, content, kind, now=now, locale=request.locale), now=now)
    if request.respond is not None:
        request.respond(
            text=t("incentives.ledger.export_queued", request.locale),
            response_type="ephemeral",
            replace_original=False,
        )
    request.deps.kick()


CONTEST = Form.of(contests.ContestAnswers, contests.check_contest)


def contest_command(request: CommandRequest) -> None:
    """Open the contest's modal (admins)."""
    plans.check_admin(request.caller)
    url = str(request.body.get("response_url") or "")
    with request.deps.session_factory() as session:
        offered = seats.choices(session, request.caller.team_id, request.locale)
    request.ack()
    view = contest_views.contest_modal(contests.ContestAnswers(), request.locale, response_url=url)
    view["blocks"] += views.seat_input(offered, None, request.locale)
    request.client.views_open(trigger_id=request.body["trigger_id"], view=view)


def submit_contest_answers(request: Interaction[PlanMetadata]) -> None:
    seat = _seat(request)
    with request.deps.session_factory() as session:
        today = showing.today_of(session, request.caller, request.deps.clock())
        data = CONTEST.from_view(request.view, today=today)
        if isinstance(data, FieldErrors) or isinstance(seat, FieldErrors):
            return reject(request.ack, _errors(data, seat), request.locale)
        if contests.name_taken(session, request.caller.team_id, data.name):
            return reject(request.ack, {"name": "incentives.contest.name_taken"}, request.locale)
    request.ack()
    with request.deps.session_factory.begin() as session:
        claim(session)
        contest = contests.save_contest(session, request.caller, data, now=request.deps.clock())
        contest.seat_course_id = seat
        said = t("incentives.contest.saved", request.locale, name=contest.name, channel=contest.channel_id)
    tell(request.client, request.caller.member.user_id, said, response_url=request.metadata.response_url)
    return None


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(
        Group.INCENTIVES,
        (10, "incentives", "incentives.help.show", EVERYONE, incentives_command),
        (20, "incentives plan [<id>]", "incentives.help.plan", ADMINS, plan_command),
        (30, "incentives ledger", "incentives.help.ledger", EVERYONE, ledger_command),
        (40, "incentives reopen <id>", "incentives.help.reopen", ADMINS, reopen_command),
        (50, "incentives history <id>", "incentives.help.history", ADMINS, history_command),
        (60, "incentives contest", "incentives.help.contest", ADMINS, contest_command),
    )

    @app.view(views.PLAN_CALLBACK)
    @acts(deps, PlanMetadata)
    def submit_plan(request: Interaction[PlanMetadata]) -> None:
        submit(request)

    @app.view(contest_views.CONTEST_CALLBACK)
    @acts(deps, PlanMetadata)
    def submit_contest(request: Interaction[PlanMetadata]) -> None:
        submit_contest_answers(request)

    @app.action(views.APPROVE)
    @acts(deps)
    def approve_payouts(request: Interaction[NoMetadata]) -> None:
        approve(request)

    @app.action(re.compile(f"^{views.MARK}"))
    @acts(deps)
    def mark_ledger(request: Interaction[NoMetadata]) -> None:
        mark(request)

    @app.action(re.compile(f"^{views.EXPORT}"))
    @acts(deps)
    def export_ledger(request: Interaction[NoMetadata]) -> None:
        export(request)
