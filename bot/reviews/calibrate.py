"""`/pacer scorecards [vendor <name>] [quarter 2026Q4]`: calibration in Slack, for admins (everyone) and
managers (their own team): the scorecards side by side, each level's distribution per team and per vendor,
the outliers; an Export CSV button (the file comes to the caller's DM through the outbox) and, for admins
in calibration, Lock and publish (Slack's confirm dialog first; it acts once). The scorecard DM's
Acknowledge button."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.scoped import get_in_workspace
from bot.errors import Invalid, NotFound, Stale
from bot.goals.numbers import read_whole
from bot.i18n import Locale, t
from bot.reviews import calibration, publishing, reviewing, service
from bot.reviews import publish_messages as messages
from bot.reviews import publish_views as views
from bot.reviews.models import ReviewCycle, Scorecard, Stage
from bot.roster.models import Member, Vendor
from bot.roster.policy import Caller
from bot.roster.service import vendor_named
from bot.slack import blocks
from bot.slack.commands import MANAGERS, CommandRequest, Commands, Group
from bot.slack.deps import Deps
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.text import Mrkdwn

logger = logging.getLogger(__name__)
PUBLISH = "reviews_publish"  # value: "<quarter>:<times reopened>", so a reopened cycle gets a new press
EXPORT = "reviews_export"  # value: "<quarter>:<vendor id or nothing>"
MAX_LINES = 100  # reps listed in the message; the CSV has them all


@dataclass(frozen=True)
class Asked:
    quarter: str | None = None
    vendor: str | None = None

    @classmethod
    def parse(cls, args: list[str]) -> Asked:
        """`vendor <name>` and `quarter <2026Q4>`, in either order, each at most once."""
        found: dict[str, str] = {}
        words = list(args)
        while words:
            if len(words) < 2 or words[0].lower() not in {"vendor", "quarter"} or words[0].lower() in found:
                raise Invalid("reviews.calibration.usage")
            found[words[0].lower()] = words[1]
            words = words[2:]
        return cls(found.get("quarter"), found.get("vendor"))


def cycle_asked(session: Session, team_id: str, quarter: str | None) -> ReviewCycle:
    """The quarter's cycle, or the workspace's latest one."""
    if quarter is not None:
        return service.get_cycle(session, team_id, quarter)
    latest = session.scalars(
        select(ReviewCycle).where(ReviewCycle.team_id == team_id).order_by(ReviewCycle.quarter.desc())
    ).first()
    if latest is None:
        raise NotFound("reviews.errors.no_cycle", quarter="—")
    return latest


def scorecards_command(request: CommandRequest) -> None:
    asked = Asked.parse(request.args)
    with request.deps.session_factory() as session:
        cycle = cycle_asked(session, request.caller.team_id, asked.quarter)
        vendor = vendor_named(session, team_id=cycle.team_id, name=asked.vendor) if asked.vendor else None
        text, found = listing(session, request.caller, cycle, vendor, today=request.deps.clock().date())
    request.reply(text, found)


def listing(
    session: Session, caller: Caller, cycle: ReviewCycle, vendor: Vendor | None, *, today: date
) -> tuple[str, list[blocks.Block]]:
    """The calibration message: at most 50 blocks, the first `MAX_LINES` reps (the CSV has them all)."""
    locale = caller.locale
    rows = calibration.rows(session, calibration.scope_of(caller, vendor), cycle, through=today)
    names = calibration.manager_names(session, rows)
    stage = t(f"reviews.stage_{cycle.stage.value}", locale)
    values = {"quarter": cycle.quarter, "stage": stage, "count": len(rows)}
    title = (
        t("reviews.calibration.title_vendor", locale, vendor=vendor.name, **values)
        if vendor
        else t("reviews.calibration.title", locale, **values)
    )
    if not rows:
        return title, [blocks.section(t("reviews.calibration.nobody", locale, quarter=cycle.quarter))]
    lines: list[str] = [views.listing_line(r, names.get(r.rep.manager_id or 0, ""), locale) for r in rows]
    if len(rows) > MAX_LINES:
        lines = [*lines[:MAX_LINES], t("reviews.calibration.more", locale, count=len(rows) - MAX_LINES)]
    found = [blocks.header(title), blocks.context(t("reviews.calibration.levels_legend", locale))]
    found += blocks.sections_from_lines(lines, max_blocks=12)
    found += _summaries(rows, names, locale)
    found.append(_buttons(caller, cycle, vendor, locale))
    return title, found


def _summaries(rows: list[calibration.Row], names: dict[int, str], locale: Locale) -> list[blocks.Block]:
    rep_names = {row.rep.id: row.rep.display_name or row.rep.user_id for row in rows}
    parts: list[tuple[str, list[Mrkdwn]]] = [
        (
            "reviews.calibration.by_team",
            views.distribution_lines(
                calibration.grouped(rows, names, by_vendor=False), "reviews.calibration.no_team", locale
            ),
        ),
        (
            "reviews.calibration.by_vendor",
            views.distribution_lines(
                calibration.grouped(rows, names, by_vendor=True), "reviews.calibration.no_vendor", locale
            ),
        ),
        ("reviews.calibration.outliers", views.outlier_lines(calibration.outliers(rows), rep_names, locale)),
    ]
    found: list[blocks.Block] = []
    for key, lines in parts:
        found.append(blocks.section(t(key, locale)))
        found += blocks.sections_from_lines(lines, max_blocks=9)
    return found


def _buttons(caller: Caller, cycle: ReviewCycle, vendor: Vendor | None, locale: Locale) -> blocks.Block:
    value = f"{cycle.quarter}:{vendor.id if vendor else ''}"
    elements = [blocks.button(EXPORT, t("reviews.calibration.export", locale), value)]
    if caller.is_admin() and cycle.stage is Stage.CALIBRATION:
        dialog = blocks.confirm_dialog(
            title=t("reviews.calibration.publish_title", locale),
            text=t("reviews.calibration.publish_text", locale, quarter=cycle.quarter),
            confirm=t("reviews.calibration.publish_confirm", locale),
            deny=t("reviews.calibration.publish_deny", locale),
        )
        value = f"{cycle.quarter}:{cycle.reopened_count}"
        button = blocks.button(PUBLISH, t("reviews.calibration.publish", locale), value, primary=True)
        elements.append(button | {"confirm": dialog})
    return {"type": "actions", "block_id": "reviews_calibration", "elements": elements}


def _quarter_and_count(value: str) -> tuple[str, int]:
    quarter, _, count = value.partition(":")
    return service.check_quarter(quarter), int(count)


def publish(request: Interaction[NoMetadata]) -> None:
    """Lock and publish, once: the press arrives only after Slack's dialog was confirmed."""
    request.ack()
    quarter, reopened = request.value(_quarter_and_count)
    with request.deps.session_factory.begin() as session:
        claim(session)
        cycle = service.get_cycle(session, request.caller.team_id, quarter)
        if cycle.reopened_count != reopened:  # shown before a reopening: run /pacer scorecards again
            raise Stale()
        done = publishing.publish_cycle(
            session,
            request.caller,
            cycle,
            now=request.deps.clock(),
            admins=request.deps.settings.pacer_admins,
        )
    text = t(
        "reviews.calibration.published",
        request.locale,
        quarter=quarter,
        reps=done.reps,
        vendors=done.vendors,
        admins=done.admins,
    )
    request.replace_message(blocks.notice(text))
    request.deps.kick()
    draw_charts(request.deps, done.charts)


def draw_charts(deps: Deps, charts: tuple[publishing.ChartToDraw, ...]) -> None:
    """The charts, once the scorecards are out: a batch per transaction, each batch sent at once. They
    are extras: a failure is logged, the publishing (done) is not reported as failed."""
    try:
        for start in range(0, len(charts), publishing.CHART_BATCH):
            with deps.session_factory.begin() as session:
                publishing.queue_charts(
                    session, charts[start : start + publishing.CHART_BATCH], now=deps.clock()
                )
            deps.kick()
    except Exception:
        logger.exception("scorecard charts could not all be queued")


def export(request: Interaction[NoMetadata]) -> None:
    """The CSV of what the caller may see, to their DM (through the outbox)."""
    request.ack()
    quarter, _, vendor_id = request.value(lambda value: value.partition(":"))
    with request.deps.session_factory.begin() as session:
        claim(session)
        cycle = service.get_cycle(session, request.caller.team_id, quarter)
        vendor = (
            get_in_workspace(session, Vendor, picked, team_id=cycle.team_id, missing=Stale())
            if (picked := read_whole(vendor_id, range(1, 2_147_483_648))) is not None
            else None
        )
        publishing.send_export(session, request.caller, cycle, vendor, now=request.deps.clock())
    text = t("reviews.calibration.export_queued", request.locale, quarter=quarter)
    if request.respond is not None:
        request.respond(text=text, response_type="ephemeral", replace_original=False)
    request.deps.kick()


def acknowledge(request: Interaction[NoMetadata]) -> None:
    """The rep acknowledges their scorecard; its button gives way to a line saying so."""
    request.ack()
    scorecard_id = request.value(int)
    with request.deps.session_factory.begin() as session:
        claim(session)
        scorecard = get_in_workspace(
            session, Scorecard, scorecard_id, team_id=request.caller.team_id, missing=Stale()
        )
        cycle = session.get_one(ReviewCycle, scorecard.cycle_id)
        me = session.get_one(Member, request.caller.member.id)
        first = reviewing.acknowledge(session, cycle, scorecard, me, now=request.deps.clock())
    key = "reviews.publish.acknowledged" if first else "reviews.publish.already_acknowledged"
    said = t(key, request.locale, quarter=cycle.quarter)
    message: dict[str, Any] = dict(request.body.get("message") or {})
    kept = [b for b in message.get("blocks", []) if b.get("block_id") != messages.ACK_BLOCK]
    request.replace_message(blocks.message(str(message.get("text") or said), [*kept, blocks.context(said)]))


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(
        Group.REVIEWS,
        (
            30,
            "scorecards [vendor <name>] [quarter <YYYYQn>]",
            "reviews.calibration.help",
            MANAGERS,
            scorecards_command,
        ),
    )

    @app.action(PUBLISH)
    @acts(deps)
    def publish_review(request: Interaction[NoMetadata]) -> None:
        publish(request)

    @app.action(EXPORT)
    @acts(deps)
    def export_scorecards(request: Interaction[NoMetadata]) -> None:
        export(request)

    @app.action(messages.ACKNOWLEDGE)
    @acts(deps)
    def acknowledge_scorecard(request: Interaction[NoMetadata]) -> None:
        acknowledge(request)
