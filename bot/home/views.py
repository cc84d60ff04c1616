"""Block Kit for the Home tab of a rep, a manager and an admin. Pure builders, inside 100 blocks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.checkins.views import week_label
from bot.digests.service import Digest
from bot.digests.views import rep_line, summary_lines
from bot.goals.numbers import format_amount, format_ratio
from bot.goals.service import Progress
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.ids import Action
from bot.text import one_line
from bot.workspaces.service import WorkspaceSettings
from bot.workspaces.views import settings_summary

MAX_ROWS = 60  # rep rows with a button each; the home tab allows 100 blocks in all


def bar(ratio: Decimal | None, width: int = 10) -> str:
    if ratio is None:
        return "░" * width
    filled = max(0, min(width, int(ratio * width)))
    return "▓" * filled + "░" * (width - filled)


def _home(body: list[blocks.Block]) -> dict[str, Any]:
    return {"type": "home", "blocks": body[:100]}


def rep_home(
    goals: list[Progress], week: date, checked_in: bool, next_nudge: datetime | None, locale: Locale
) -> dict[str, Any]:
    body: list[blocks.Block] = [blocks.header(t("home.rep_title", locale))]
    state = "home.checked_in" if checked_in else "home.not_checked_in"
    check = blocks.section(t(state, locale, week=week_label(week, locale)))
    check["accessory"] = blocks.button(
        Action.CHECKIN_OPEN,
        t("nudge.edit_button" if checked_in else "nudge.button", locale),
        week.isoformat(),
        primary=not checked_in,
    )
    body.append(check)
    if next_nudge is not None:
        body.append(
            blocks.context(t("home.next_nudge", locale, when=next_nudge.strftime("%Y-%m-%d %H:%M %Z")))
        )
    body.append({"type": "divider"})
    if not goals:
        body.append(blocks.section(t("home.no_goals", locale)))
    for row in goals[:MAX_ROWS]:
        unit = row.goal.unit
        needed = format_amount(row.weekly_needed, unit, locale) if row.weekly_needed is not None else "—"
        body.append(
            blocks.section(
                t(
                    "home.goal",
                    locale,
                    title=one_line(row.goal.title),
                    bar=bar(row.pace.ratio),
                    pace=format_ratio(row.pace.ratio),
                    result=format_amount(row.pace.result_to_date, unit, locale),
                    target=format_amount(row.goal.target, unit, locale),
                    needed=needed,
                )
            )
        )
    return _home(body)


def manager_home(digest: Digest, locale: Locale, *, team_rep_ids: dict[str, int]) -> dict[str, Any]:
    """The team table (the digest's figures), who is missing, help requests, and buttons to act."""
    body: list[blocks.Block] = [
        blocks.header(t("home.manager_title", locale, week=week_label(digest.week_start, locale))),
        {
            "type": "actions",
            "block_id": "home_actions",
            "elements": [blocks.button(Action.HOME_POST_DIGEST, t("home.post_digest", locale), primary=True)],
        },
        *blocks.sections_from_lines(summary_lines(digest, locale), max_blocks=8),
        {"type": "divider"},
    ]
    for line in digest.lines[:MAX_ROWS]:
        row = blocks.section(rep_line(line, locale))
        row["accessory"] = blocks.button(
            Action.HOME_NEW_GOAL, t("home.new_goal", locale), str(team_rep_ids[line.rep.user_id])
        )
        body.append(row)
    if len(digest.lines) > MAX_ROWS:
        body.append(blocks.context(t("home.more_reps", locale, shown=MAX_ROWS, total=len(digest.lines))))
    if not digest.lines:
        body.append(blocks.section(t("home.no_team", locale)))
    return _home(body)


def admin_home(settings: WorkspaceSettings, locale: Locale, manager: dict[str, Any] | None) -> dict[str, Any]:
    body: list[blocks.Block] = [blocks.header(t("home.admin_title", locale))]
    summary = blocks.section(settings_summary(settings, locale))
    summary["accessory"] = blocks.button(Action.HOME_SETUP, t("home.setup", locale), primary=True)
    body.append(summary)
    if manager is not None:
        body += [{"type": "divider"}, *manager["blocks"][1:]]
    return _home(body)
