"""Block Kit for nudges, reminders and the check-in modal. Pure builders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot import calendar
from bot.checkins.models import Confidence
from bot.checkins.service import NOTE_MAX, Due, GoalWeek
from bot.goals.numbers import format_amount
from bot.i18n import Locale, day, t
from bot.slack import blocks
from bot.slack.ids import Action, CallbackId, CheckinBlock
from bot.text import Mrkdwn, join, one_line

MAX_GOALS_IN_MODAL = 15  # 5 blocks a goal, 6 with a CRM figure: inside Slack's 100 blocks a modal
CONFIDENCE_EMOJI = {Confidence.ON_TRACK: "🟢", Confidence.AT_RISK: "🟡", Confidence.OFF_TRACK: "🔴"}


def week_label(week_start: date, locale: Locale) -> str:
    end = calendar.week_end(week_start)
    return t(
        "week.label",
        locale,
        week=calendar.iso_week_number(week_start),
        start=day(week_start, locale),
        end=day(end, locale),
    )


def _goal_line(item: GoalWeek, week_start: date, locale: Locale) -> Mrkdwn:
    """A goal in a nudge: "• *Revenue* · Target for week 48: $7,000", and what was reported, if anything."""
    unit = item.goal.unit
    line = t(
        "nudge.goal_line",
        locale,
        title=one_line(item.goal.title),
        week=calendar.iso_week_number(week_start),
        target=format_amount(item.week_target, unit, locale),
    )
    if item.result is not None:
        line = join(
            " ", [line, t("nudge.goal_done", locale, result=format_amount(item.result, unit, locale))]
        )
    return line


def nudge_message(due: Due, locale: Locale, *, reminder: bool) -> dict[str, Any]:
    week = week_label(due.week_start, locale)
    intro = t("reminder.intro" if reminder else "nudge.intro", locale, week=week)
    lines = [_goal_line(item, due.week_start, locale) for item in due.goals]
    button = {
        "type": "button",
        "action_id": Action.CHECKIN_OPEN.value,
        "text": blocks.plain(t("nudge.button", locale)),
        "style": "primary",
        "value": due.week_start.isoformat(),
    }
    body = [
        blocks.section(intro),
        *blocks.sections_from_lines(lines, max_blocks=40),
        {"type": "actions", "block_id": "nudge_actions", "elements": [button]},
    ]
    return blocks.message(join("\n", [intro, *lines]), body)


def done_message(week_start: date, goals: list[GoalWeek], locale: Locale) -> dict[str, Any]:
    """What the nudge turns into once the rep has checked in."""
    text = t("nudge.done", locale, week=week_label(week_start, locale))
    lines = [_goal_line(item, week_start, locale) for item in goals]
    button = {
        "type": "button",
        "action_id": Action.CHECKIN_OPEN.value,
        "text": blocks.plain(t("nudge.edit_button", locale)),
        "value": week_start.isoformat(),
    }
    body = [
        blocks.section(text),
        *blocks.sections_from_lines(lines, max_blocks=40),
        {"type": "actions", "block_id": "nudge_actions", "elements": [button]},
    ]
    return blocks.message(join("\n", [text, *lines]), body)


def _confidence_options(locale: Locale) -> list[dict[str, Any]]:
    return [
        blocks.option(join(" ", [CONFIDENCE_EMOJI[c], t(f"confidence.{c.value}", locale)]), c.value)
        for c in Confidence
    ]


def _result_input(before: dict[str, str], locale: Locale) -> dict[str, Any]:
    """The result field, filled with the answer given before if there was one."""
    result: dict[str, Any] = {
        "type": "plain_text_input",
        "placeholder": blocks.plain(t("checkin.result_hint", locale)),
    }
    if before.get("result"):
        result["initial_value"] = before["result"]
    return result


def _confidence_input(options: list[dict[str, Any]], current: str | None) -> dict[str, Any]:
    """The confidence radio buttons, with the one chosen before selected."""
    confidence: dict[str, Any] = {"type": "radio_buttons", "options": options}
    chosen = [o for o in options if o["value"] == current]
    if chosen:
        confidence["initial_option"] = chosen[0]
    return confidence


def _note_input(block_id: str, label: str, initial: str | None) -> blocks.Block:
    """An optional free-text note (highlights, blockers) about one goal."""
    return blocks.input_block(
        block_id,
        label,
        blocks.text_input(initial, multiline=True, max_length=NOTE_MAX),
        optional=True,
    )


def _goal_part(
    item: GoalWeek,
    week: int,
    before: dict[str, str],
    options: list[dict[str, Any]],
    locale: Locale,
    *,
    under_result: Sequence[blocks.Block] = (),
) -> list[blocks.Block]:
    """One goal's five blocks: its title, result, confidence, highlights and blockers (and, under the
    result, another feature's blocks for it: the CRM's figure)."""
    goal = item.goal
    target = format_amount(item.week_target, goal.unit, locale)
    return [
        blocks.header(one_line(goal.title, 150)),
        blocks.input_block(
            f"{CheckinBlock.RESULT}:{goal.id}",
            t("checkin.result", locale, week=week, target=target),
            _result_input(before, locale),
        ),
        *under_result,
        blocks.input_block(
            f"{CheckinBlock.CONFIDENCE}:{goal.id}",
            t("checkin.confidence", locale),
            _confidence_input(options, before.get("confidence")),
        ),
        _note_input(
            f"{CheckinBlock.HIGHLIGHTS}:{goal.id}", t("checkin.highlights", locale), before.get("highlights")
        ),
        _note_input(
            f"{CheckinBlock.BLOCKERS}:{goal.id}", t("checkin.blockers", locale), before.get("blockers")
        ),
    ]


def _goals_part(
    goals: list[GoalWeek],
    week_start: date,
    previous: dict[int, dict[str, str]],
    locale: Locale,
    per_goal: Mapping[int, Sequence[blocks.Block]],
) -> list[blocks.Block]:
    """The first MAX_GOALS_IN_MODAL goals, and a line saying how many were left out."""
    options = _confidence_options(locale)
    body: list[blocks.Block] = []
    for item in goals[:MAX_GOALS_IN_MODAL]:
        before = previous.get(item.goal.id, {})
        week = calendar.iso_week_number(week_start)
        body += _goal_part(item, week, before, options, locale, under_result=per_goal.get(item.goal.id, ()))
    if len(goals) > MAX_GOALS_IN_MODAL:
        body.append(blocks.context(t("checkin.too_many", locale, shown=MAX_GOALS_IN_MODAL, total=len(goals))))
    return body


def _help_part(help_requested: bool, locale: Locale) -> blocks.Block:
    """The "I need help" checkbox, ticked if the rep asked before."""
    need_help = blocks.option(t("checkin.need_help", locale), "yes")
    help_box: dict[str, Any] = {"type": "checkboxes", "options": [need_help]}
    if help_requested:
        help_box["initial_options"] = [need_help]
    return blocks.input_block(
        CheckinBlock.HELP.value, t("checkin.help_label", locale), help_box, optional=True
    )


def checkin_modal(
    week_start: date,
    goals: list[GoalWeek],
    locale: Locale,
    *,
    previous: dict[int, dict[str, str]],
    help_requested: bool,
    metadata: dict[str, Any],
    notice: str | None = None,
    extra: Sequence[blocks.Block] = (),
    per_goal: Mapping[int, Sequence[blocks.Block]] | None = None,
) -> dict[str, Any]:
    """One modal for all of the rep's active goals that week. `previous`: answers given before, by goal;
    `notice`: why this week and not the one asked for (that one has closed); `extra`: other features'
    fields for the week (the reviews' new accounts), before the help box; `per_goal`: other features'
    blocks under a goal's result (the CRM's figure), by goal id."""
    body: list[blocks.Block] = [blocks.section(notice, block_id="week_closed")] if notice else []
    body.append(blocks.section(t("checkin.intro", locale, week=week_label(week_start, locale))))
    body += _goals_part(goals, week_start, previous, locale, per_goal or {})
    body += extra
    body.append(_help_part(help_requested, locale))
    return blocks.modal(
        CallbackId.CHECKIN.value,
        title=t("checkin.title", locale),
        submit=t("checkin.submit", locale),
        close=t("common.cancel", locale),
        body=body,
        metadata=metadata,
    )
