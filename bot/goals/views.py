"""Block Kit for goals: the SMART modal, the agreement and approval DMs, and the goals list. Pure builders."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import calendar
from bot import format as fmt
from bot.digests.service import status_of
from bot.goals.form import TEXT_MAX
from bot.goals.models import Goal, GoalStatus, Metric, PeriodKind
from bot.goals.numbers import format_amount, format_ratio
from bot.goals.service import Progress
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.ids import Action, CallbackId, GoalBlock
from bot.text import Mrkdwn, join, lines, one_line, render

UNITS = ("count", "USD", "EUR", "GBP", "CNY", "JPY", "SGD", "HKD", "INR", "AUD")


def _select(options: list[dict[str, Any]], current: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select", "options": options}
    chosen = [o for o in options if o["value"] == current]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def _date(initial: date | None) -> dict[str, Any]:
    return {"type": "datepicker", **({"initial_date": initial.isoformat()} if initial else {})}


def _specific(values: dict[str, str], locale: Locale) -> list[blocks.Block]:
    return [
        blocks.header(t("goal.specific", locale)),
        blocks.input_block(
            GoalBlock.TITLE.value,
            t("goal.title_label", locale),
            blocks.text_input(values.get("title"), max_length=150),
            hint=t("goal.title_hint", locale),
        ),
        blocks.input_block(
            GoalBlock.DESCRIPTION.value,
            t("goal.description", locale),
            blocks.text_input(values.get("description"), multiline=True, max_length=TEXT_MAX),
            optional=True,
        ),
    ]


def _units(current: str | None, locale: Locale) -> dict[str, Any]:
    """The currencies Pacer knows, plus the goal's own unit if it is another one."""
    units = [blocks.option(t("goal.unit_count", locale) if u == "count" else u, u) for u in UNITS]
    if current and current not in UNITS:
        units.append(blocks.option(one_line(current, 75), current))
    return _select(units, current or "count")


def _measurable(values: dict[str, str], locale: Locale) -> list[blocks.Block]:
    metrics = [blocks.option(t(f"metric.{m.value}", locale), m.value) for m in Metric]
    return [
        blocks.header(t("goal.measurable", locale)),
        blocks.input_block(
            GoalBlock.METRIC.value, t("goal.metric", locale), _select(metrics, values.get("metric"))
        ),
        blocks.input_block(
            GoalBlock.METRIC_LABEL.value,
            t("goal.metric_label", locale),
            blocks.text_input(values.get("metric_label"), max_length=60),
            optional=True,
        ),
        blocks.input_block(GoalBlock.UNIT.value, t("goal.unit", locale), _units(values.get("unit"), locale)),
        blocks.input_block(
            GoalBlock.TARGET.value,
            t("goal.target", locale),
            blocks.text_input(values.get("target"), max_length=40),
            hint=t("goal.target_hint", locale),
        ),
    ]


def _relevant(values: dict[str, str], locale: Locale) -> list[blocks.Block]:
    return [
        blocks.header(t("goal.relevant", locale)),
        blocks.input_block(
            GoalBlock.WHY.value,
            t("goal.why", locale),
            blocks.text_input(values.get("why"), multiline=True, max_length=TEXT_MAX),
        ),
    ]


def _period(values: dict[str, str], locale: Locale) -> list[blocks.Block]:
    """Which period, and when it starts and ends."""
    periods = [blocks.option(t(f"period.{k.value}", locale), k.value) for k in PeriodKind]
    start, end = values.get("start_date"), values.get("end_date")
    return [
        blocks.input_block(
            GoalBlock.PERIOD.value,
            t("goal.period", locale),
            _select(periods, values.get("period_kind") or "quarter"),
        ),
        blocks.input_block(
            GoalBlock.START.value,
            t("goal.start", locale),
            _date(date.fromisoformat(start) if start else None),
            hint=t("goal.start_hint", locale),
        ),
        blocks.input_block(
            GoalBlock.END.value,
            t("goal.end", locale),
            _date(date.fromisoformat(end) if end else None),
            optional=True,
            hint=t("goal.end_hint", locale),
        ),
    ]


def _time_bound(values: dict[str, str], locale: Locale) -> list[blocks.Block]:
    return [
        blocks.header(t("goal.time_bound", locale)),
        *_period(values, locale),
        blocks.input_block(
            GoalBlock.WEIGHTS.value,
            t("goal.weights", locale),
            blocks.text_input(values.get("quarter_weights"), max_length=20),
            optional=True,
            hint=t("goal.weights_hint", locale),
        ),
        blocks.context(t("goal.achievable", locale)),
    ]


def goal_modal(
    rep_user_id: str,
    locale: Locale,
    *,
    values: dict[str, str],
    metadata: dict[str, Any],
    warning: str | None = None,
) -> dict[str, Any]:
    """The SMART goal modal, one group of fields per letter. `values`: the current answers, by block id."""
    body: list[blocks.Block] = [blocks.section(t("goal.intro", locale, rep=rep_user_id))]
    if warning:
        body.append(blocks.section(render("⚠️ {warning}", warning=warning), block_id="stretch_warning"))
    for part in (_specific, _measurable, _relevant, _time_bound):
        body += part(values, locale)
    return blocks.modal(
        CallbackId.GOAL.value,
        title=t("goal.modal_title", locale),
        submit=t("common.save", locale),
        close=t("common.cancel", locale),
        body=body,
        metadata=metadata,
    )


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


def summary(goal: Goal, locale: Locale) -> Mrkdwn:
    metric = one_line(goal.metric_label) or t(f"metric.{goal.metric.value}", locale)
    return t(
        "goal.summary",
        locale,
        title=one_line(goal.title),
        target=format_amount(goal.target, goal.unit, locale),
        metric=metric,
        # A goal's days are calendar days, the same for every reader: written out, never shifted by a zone.
        start=fmt.day_text(goal.start_date, locale, "year"),
        end=fmt.day_text(goal.end_date, locale, "year"),
        why=join("\n", lines(goal.why, max_lines=10)),
    )


def _buttons(goal: Goal, pairs: list[tuple[Action, str, bool]]) -> blocks.Block:
    value = f"{goal.id}:{goal.version}"  # a click on an older version is answered as stale
    elements = [blocks.button(action, label, value, primary=primary) for action, label, primary in pairs]
    return {"type": "actions", "block_id": f"goal_actions:{goal.id}", "elements": elements}


def _ask(goal: Goal, intro: str, buttons: list[tuple[Action, str, bool]], locale: Locale) -> dict[str, Any]:
    details = summary(goal, locale)
    body = [blocks.section(intro), blocks.section(details), _buttons(goal, buttons)]
    return blocks.message(join("\n", [intro, details]), body)


def agreement_message(goal: Goal, setter_user_id: str, locale: Locale) -> dict[str, Any]:
    """To the rep: agree to the manager's target, or ask to discuss it."""
    return _ask(
        goal,
        t("goal.agreement_intro", locale, manager=setter_user_id),
        [
            (Action.GOAL_AGREE, t("goal.agree", locale), True),
            (Action.GOAL_DISCUSS, t("goal.discuss", locale), False),
        ],
        locale,
    )


def approval_message(goal: Goal, rep_user_id: str, locale: Locale) -> dict[str, Any]:
    """To the manager: approve the rep's proposal, or edit it first."""
    return _ask(
        goal,
        t("goal.approval_intro", locale, rep=rep_user_id),
        [
            (Action.GOAL_APPROVE, t("goal.approve", locale), True),
            (Action.GOAL_EDIT, t("goal.edit", locale), False),
        ],
        locale,
    )


STATUS_EMOJI = {
    GoalStatus.ACTIVE: "🎯",
    GoalStatus.PROPOSED: "📝",
    GoalStatus.AWAITING_AGREEMENT: "✍️",
    GoalStatus.DISCUSSING: "💬",
    GoalStatus.CLOSED: "🔒",
}


def period_name(goal: Goal, locale: Locale) -> str:
    """The goal's period as people name it: "2027", "Q1 2027", "Mar 2027", or its dates ("Jan 5 – Mar 31")."""
    return period_text(goal.start_date, goal.end_date, locale)


def period_text(start: date, end: date, locale: Locale) -> str:
    """Dates as people name them: a whole calendar year, quarter or month by its name, else the range."""
    names = {"year": fmt.year_text, "quarter": fmt.quarter_text, "month": fmt.month_text}
    for kind, name in names.items():
        if (start, end) == calendar.period_bounds(kind, start):
            return name(start, locale)
    return date_range(start, end, locale)


def date_range(start: date, end: date, locale: Locale) -> str:
    """Two days as a range: "Jan 5 – Mar 31" / "1月5日–3月31日"."""
    return t("format.range", locale, start=fmt.day_text(start, locale), end=fmt.day_text(end, locale))


def status_words(row: Progress, locale: Locale) -> Mrkdwn:
    """An active goal's pace to date in words ("on track", "at risk", "behind"); else where it stands."""
    if row.goal.status is not GoalStatus.ACTIVE:
        return t(f"goal_status.{row.goal.status.value}", locale)
    return t(f"badge.{status_of(row.pace.ratio)}", locale)


def goals_list(rows: list[Progress], locale: Locale) -> tuple[str, list[blocks.Block]]:
    if not rows:
        text = t("goals.empty", locale)
        return text, [blocks.section(text)]
    out: list[Mrkdwn] = []
    for row in rows:
        goal, unit = row.goal, row.goal.unit
        needed = format_amount(row.weekly_needed, unit, locale) if row.weekly_needed is not None else "—"
        projection = (
            format_amount(row.pace.projection, unit, locale) if row.pace.projection is not None else "—"
        )
        out.append(
            t(
                "goals.line",
                locale,
                emoji=STATUS_EMOJI[goal.status],
                id=goal.id,
                title=one_line(goal.title),
                rep=row.rep.user_id,
                status=status_words(row, locale),
                period=period_name(goal, locale),
                due=t("format.due", locale, date=fmt.day_text(goal.end_date, locale)),
                result=format_amount(row.pace.result_to_date, unit, locale),
                target=format_amount(goal.target, unit, locale),
                pace=format_ratio(row.pace.ratio, locale),
                projection=projection,
                needed=needed,
            )
        )
    title = t("goals.title", locale, count=len(rows))
    sections = blocks.sections_from_lines(out, max_blocks=45)
    return join("\n", [title, *out]), [blocks.header(title), *sections]
