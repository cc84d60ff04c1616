"""Block Kit for the roster commands. Pure builders."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Locale, t
from bot.roster.models import Member, Vendor
from bot.slack import blocks
from bot.text import Mrkdwn, join, one_line, safe_mention

MAX_SECTIONS = 45  # leaves room for the header and footer inside Slack's 50 blocks


def _rep_line(rep: Member, locale: Locale) -> Mrkdwn:
    vendor = one_line(rep.vendor.name) if rep.vendor else t("team.no_vendor", locale)
    line = t("team.rep_line", locale, rep=blocks.mention(rep.user_id), vendor=vendor)
    return line if rep.active else join(" ", [line, t("team.inactive", locale)])


def team_list(reps: Sequence[Member], locale: Locale, *, by_manager: bool) -> tuple[str, list[blocks.Block]]:
    """One manager's reps, or (for admins) every team, grouped by manager."""
    if not reps:
        text = t("team.empty", locale)
        return text, [blocks.section(text)]
    lines: list[Mrkdwn] = []
    manager_id: object = object()
    for rep in reps:
        if by_manager and rep.manager_id != manager_id:
            manager_id = rep.manager_id
            owner = safe_mention(rep.manager.user_id) if rep.manager else t("team.no_manager", locale)
            lines.append(t("team.heading", locale, manager=owner))
        lines.append(_rep_line(rep, locale))
    title = t("team.title", locale, count=len(reps))
    return _list_message(title, lines)


def vendor_list(vendors: Sequence[tuple[Vendor, int]], locale: Locale) -> tuple[str, list[blocks.Block]]:
    if not vendors:
        text = t("vendor.empty", locale)
        return text, [blocks.section(text)]
    lines = []
    for vendor, reps in vendors:
        contact = (
            blocks.mention(vendor.contact_user_id)
            if vendor.contact_user_id
            else t("vendor.no_contact", locale)
        )
        lines.append(t("vendor.line", locale, name=one_line(vendor.name), reps=reps, contact=contact))
    return _list_message(t("vendor.title", locale, count=len(vendors)), lines)


def _list_message(title: str, lines: Sequence[str]) -> tuple[str, list[blocks.Block]]:
    sections = blocks.sections_from_lines(lines, max_blocks=MAX_SECTIONS)
    text = join("\n", [title, *lines])
    return text, [blocks.header(title), *sections]
