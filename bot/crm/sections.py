"""The CRM feature's Home section: on a manager's (and an admin's) Home tab, the check-ins of last week and
this one whose result differs from the CRM by more than the workspace's threshold, with the rep's reason.
Only there: the weekly digest in a channel never shows them."""

from __future__ import annotations

from sqlalchemy import select

from bot import calendar
from bot import format as fmt
from bot.checkins.models import CheckIn
from bot.checkins.views import week_label
from bot.crm import differences, pipeline
from bot.crm.differences import Difference
from bot.crm.models import CheckinSource
from bot.i18n import Locale, t
from bot.roster.models import Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.sections import DigestContext, HomeContext, Section
from bot.text import one_line
from bot.workspaces.models import Workspace

MAX_SHOWN = 20


def _line(found: Difference, locale: Locale) -> str:
    ratio = fmt.percent(found.ratio, locale) if found.ratio is not None else "—"
    key = "crm.differences.line_reason" if found.reason else "crm.differences.line"
    return t(
        key,
        locale,
        rep=one_line(found.rep, 60),
        goal=one_line(found.goal, 60),
        week=week_label(found.week_start, locale),
        reported=fmt.amount(found.reported, found.unit, locale),
        crm=fmt.amount(found.crm, found.unit, locale),
        ratio=ratio,
        reason=one_line(found.reason, 200),
    )


def _differences_home(context: HomeContext) -> list[Block]:
    workspace = context.session.get_one(Workspace, context.caller.team_id)
    last = calendar.last_week(workspace, context.now)
    found = differences.material(context.session, context.caller, (last, last + calendar.WEEK))
    if not found:
        return []
    locale = context.caller.locale
    limit = fmt.percent(differences.threshold(context.session, context.caller.team_id) / 100, locale)
    head = blocks.section(t("crm.differences.title", locale, count=len(found), threshold=limit))
    lines = [_line(item, locale) for item in found[:MAX_SHOWN]]
    return [head, *blocks.sections_from_lines(lines, max_blocks=2)]


HOME_SECTIONS: tuple[Section[HomeContext], ...] = (
    Section(
        "crm.differences",
        budget=3,
        build=_differences_home,
        audience=frozenset({Role.MANAGER, Role.ADMIN}),
    ),
    pipeline.HOME_SECTION,  # a rep's open pipeline and its coverage of the target
)


def _sources_digest(context: DigestContext) -> list[Block]:
    """A line saying whose results were checked against the CRM's figures (the rest: as reported). The
    differences themselves stay with the managers (Home tab)."""
    digest, session = context.digest, context.session
    reported = {line.rep.id: line.rep for line in digest.lines if line.checked_in}
    if session is None or not reported:
        return []
    checked = set(
        session.scalars(
            select(CheckIn.rep_id)
            .join(CheckinSource, CheckinSource.checkin_id == CheckIn.id)
            .where(CheckIn.team_id == digest.team_id, CheckIn.week_start == digest.week_start)
            .where(CheckIn.rep_id.in_(set(reported)))
        )
    )
    if not checked:
        return []
    names = sorted(
        one_line(reported[rep_id].display_name or reported[rep_id].user_id, 40) for rep_id in checked
    )
    text = t(
        "crm.digest.sources",
        context.locale,
        count=fmt.count(len(checked), context.locale),
        total=fmt.count(len(reported), context.locale),
        names=", ".join(names[:MAX_SHOWN]),
    )
    return [blocks.context(text)]


DIGEST_SECTIONS: tuple[Section[DigestContext], ...] = (
    Section("crm.sources", budget=1, build=_sources_digest),
)
