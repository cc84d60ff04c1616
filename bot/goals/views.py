"""Block Kit for goals: the SMART modal, the agreement and approval DMs, and the goals list. Pure builders."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.goals.models import Goal, GoalStatus, Metric, PeriodKind
from bot.goals.numbers import format_amount, format_ratio
from bot.goals.service import Progress
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.ids import VALUE_ACTION, Action, CallbackId, GoalBlock

UNITS = ("count", "USD", "EUR", "GBP", "CNY", "JPY", "SGD", "HKD", "INR", "AUD")


def _input(
    block: GoalBlock, label: str, element: dict[str, Any], *, hint: str | None = None, optional: bool = False
) -> blocks.Block:
    result: blocks.Block = {
        "type": "input",
        "block_id": block.value,
        "label": blocks.plain(label),
        "element": {**element, "action_id": VALUE_ACTION},
        "optional": optional,
    }
    if hint:
        result["hint"] = blocks.plain(hint)
    return result


def _text(initial: str | None, *, multiline: bool = False, max_length: int = 3000) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial
    return element


def _select(options: list[dict[str, Any]], current: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select", "options": options}
    chosen = [o for o in options if o["value"] == current]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def _date(initial: date | None) -> dict[str, Any]:
    return {"type": "datepicker", **({"initial_date": initial.isoformat()} if initial else {})}


def goal_modal(
    rep_user_id: str,
    locale: Locale,
    *,
    values: dict[str, str],
    metadata: dict[str, Any],
    warning: str | None = None,
) -> dict[str, Any]:
    """The SMART goal modal, one group of fields per letter. `values`: the current answers, by block id."""
    v = values.get
    metrics = [blocks.option(t(f"metric.{m.value}", locale), m.value) for m in Metric]
    units = [blocks.option(t("goal.unit_count", locale) if u == "count" else u, u) for u in UNITS]
    if v("unit") and v("unit") not in UNITS:
        units.append(blocks.option(str(v("unit")), str(v("unit"))))
    periods = [blocks.option(t(f"period.{k.value}", locale), k.value) for k in PeriodKind]
    start, end = v("start_date"), v("end_date")
    body: list[blocks.Block] = [blocks.section(t("goal.intro", locale, rep=rep_user_id))]
    if warning:
        body.append(blocks.section(f"⚠️ {warning}", block_id="stretch_warning"))
    body += [
        blocks.header(t("goal.specific", locale)),
        _input(
            GoalBlock.TITLE,
            t("goal.title_label", locale),
            _text(v("title"), max_length=150),
            hint=t("goal.title_hint", locale),
        ),
        _input(
            GoalBlock.DESCRIPTION,
            t("goal.description", locale),
            _text(v("description"), multiline=True),
            optional=True,
        ),
        blocks.header(t("goal.measurable", locale)),
        _input(GoalBlock.METRIC, t("goal.metric", locale), _select(metrics, v("metric"))),
        _input(
            GoalBlock.METRIC_LABEL,
            t("goal.metric_label", locale),
            _text(v("metric_label"), max_length=60),
            optional=True,
        ),
        _input(GoalBlock.UNIT, t("goal.unit", locale), _select(units, v("unit") or "count")),
        _input(
            GoalBlock.TARGET,
            t("goal.target", locale),
            _text(v("target"), max_length=40),
            hint=t("goal.target_hint", locale),
        ),
        blocks.header(t("goal.relevant", locale)),
        _input(GoalBlock.WHY, t("goal.why", locale), _text(v("why"), multiline=True)),
        blocks.header(t("goal.time_bound", locale)),
        _input(GoalBlock.PERIOD, t("goal.period", locale), _select(periods, v("period_kind") or "quarter")),
        _input(
            GoalBlock.START,
            t("goal.start", locale),
            _date(date.fromisoformat(start) if start else None),
            hint=t("goal.start_hint", locale),
        ),
        _input(
            GoalBlock.END,
            t("goal.end", locale),
            _date(date.fromisoformat(end) if end else None),
            optional=True,
            hint=t("goal.end_hint", locale),
        ),
        _input(
            GoalBlock.WEIGHTS,
            t("goal.weights", locale),
            _text(v("quarter_weights"), max_length=20),
            optional=True,
            hint=t("goal.weights_hint", locale),
        ),
        blocks.context(t("goal.achievable", locale)),
    ]
    return {
        "type": "modal",
        "callback_id": CallbackId.GOAL.value,
        "private_metadata": json.dumps(metadata),
        "title": blocks.plain(t("goal.modal_title", locale)),
        "submit": blocks.plain(t("common.save", locale)),
        "close": blocks.plain(t("common.cancel", locale)),
        "blocks": body,
    }


def goal_values(goal: Goal) -> dict[str, str]:
    """A saved goal as modal answers, to edit it."""
    return {
        "title": goal.title,
        "description": goal.description,
        "metric": goal.metric.value,
        "metric_label": goal.metric_label,
        "unit": goal.unit,
        "target": f"{goal.target.normalize():f}",
        "why": goal.why,
        "period_kind": goal.period_kind.value,
        "start_date": goal.start_date.isoformat(),
        "end_date": goal.end_date.isoformat(),
        "quarter_weights": (goal.quarter_weights or "").replace(",", "/"),
    }


def summary(goal: Goal, locale: Locale) -> str:
    metric = goal.metric_label or t(f"metric.{goal.metric.value}", locale)
    return t(
        "goal.summary",
        locale,
        title=goal.title,
        target=format_amount(goal.target, goal.unit, locale),
        metric=metric,
        start=goal.start_date.isoformat(),
        end=goal.end_date.isoformat(),
        why=goal.why,
    )


def _buttons(goal: Goal, pairs: list[tuple[Action, str, str | None]]) -> blocks.Block:
    return {
        "type": "actions",
        "block_id": f"goal_actions:{goal.id}",
        "elements": [
            {
                "type": "button",
                "action_id": action.value,
                "text": blocks.plain(label),
                "value": f"{goal.id}:{goal.version}",
                **({"style": style} if style else {}),
            }
            for action, label, style in pairs
        ],
    }


def agreement_message(goal: Goal, setter_user_id: str, locale: Locale) -> dict[str, Any]:
    intro = t("goal.agreement_intro", locale, manager=setter_user_id)
    text = f"{intro}\n{summary(goal, locale)}"
    actions = _buttons(
        goal,
        [
            (Action.GOAL_AGREE, t("goal.agree", locale), "primary"),
            (Action.GOAL_DISCUSS, t("goal.discuss", locale), None),
        ],
    )
    return blocks.message(text, [blocks.section(intro), blocks.section(summary(goal, locale)), actions])


def approval_message(goal: Goal, rep_user_id: str, locale: Locale) -> dict[str, Any]:
    intro = t("goal.approval_intro", locale, rep=rep_user_id)
    text = f"{intro}\n{summary(goal, locale)}"
    actions = _buttons(
        goal,
        [
            (Action.GOAL_APPROVE, t("goal.approve", locale), "primary"),
            (Action.GOAL_EDIT, t("goal.edit", locale), None),
        ],
    )
    return blocks.message(text, [blocks.section(intro), blocks.section(summary(goal, locale)), actions])


def discuss_message(goal: Goal, rep_user_id: str, locale: Locale) -> dict[str, Any]:
    intro = t("goal.discuss_intro", locale, rep=rep_user_id)
    actions = _buttons(goal, [(Action.GOAL_EDIT, t("goal.edit", locale), "primary")])
    return blocks.message(
        f"{intro}\n{summary(goal, locale)}",
        [blocks.section(intro), blocks.section(summary(goal, locale)), actions],
    )


def notice(text: str) -> dict[str, Any]:
    return blocks.message(text, [blocks.section(text)])


STATUS_EMOJI = {
    GoalStatus.ACTIVE: "🎯",
    GoalStatus.PROPOSED: "📝",
    GoalStatus.AWAITING_AGREEMENT: "✍️",
    GoalStatus.DISCUSSING: "💬",
    GoalStatus.CLOSED: "🔒",
}


def goals_list(rows: list[Progress], locale: Locale) -> tuple[str, list[blocks.Block]]:
    if not rows:
        text = t("goals.empty", locale)
        return text, [blocks.section(text)]
    lines = []
    for row in rows:
        goal, unit = row.goal, row.goal.unit
        needed = format_amount(row.weekly_needed, unit, locale) if row.weekly_needed is not None else "—"
        projection = (
            format_amount(row.pace.projection, unit, locale) if row.pace.projection is not None else "—"
        )
        lines.append(
            t(
                "goals.line",
                locale,
                emoji=STATUS_EMOJI[goal.status],
                id=goal.id,
                title=goal.title,
                rep=row.rep.user_id,
                status=t(f"goal_status.{goal.status.value}", locale),
                result=format_amount(row.pace.result_to_date, unit, locale),
                target=format_amount(goal.target, unit, locale),
                pace=format_ratio(row.pace.ratio),
                projection=projection,
                needed=needed,
            )
        )
    title = t("goals.title", locale, count=len(rows))
    sections = blocks.sections_from_lines(lines, max_blocks=45)
    return "\n".join([title, *lines]), [blocks.header(title), *sections]
