"""The CRM feature's Home section: on a manager's (and an admin's) Home tab, the check-ins of last week and
this one whose result differs from the CRM by more than the workspace's threshold, with the rep's reason.
Only there and in the manager's weekly DM (`notices`): the weekly digest in a channel never shows them."""

from __future__ import annotations

from bot import calendar
from bot import format as fmt
from bot.crm import differences, messages, pipeline
from bot.i18n import t
from bot.roster.models import Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.sections import DigestContext, HomeContext, Section
from bot.workspaces.models import Workspace

MAX_SHOWN = 20


def _differences_home(context: HomeContext) -> list[Block]:
    workspace = context.session.get_one(Workspace, context.caller.team_id)
    last = calendar.last_week(workspace, context.now)
    found = differences.material(context.session, context.caller, (last, last + calendar.WEEK))
    if not found:
        return []
    locale = context.caller.locale
    limit = fmt.percent(differences.threshold(context.session, context.caller.team_id) / 100, locale)
    head = blocks.section(t("crm.differences.title", locale, count=len(found), threshold=limit))
    lines = [messages.difference_line(item, locale) for item in found[:MAX_SHOWN]]
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


# The digest marks which figures the rep confirmed from the CRM (`differences.kept_figures`, connected by
# `bot.links.crm`); the differences themselves stay with the managers: Home tab and a weekly DM (`notices`).
DIGEST_SECTIONS: tuple[Section[DigestContext], ...] = ()
