"""The check-in modal's CRM field, under a goal's result: what the CRM says for the week, and where to say
why the result differs (required then). One block a goal, so 15 goals still fit a modal."""

from __future__ import annotations

from collections.abc import Mapping

from bot import format as fmt
from bot.crm.checkin import REASON_MAX, CrmFigure, reason_field
from bot.goals.models import Metric
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.blocks import Block


def figure_text(figure: CrmFigure, locale: Locale) -> str:
    """ "CRM: 12,500 USD closed this week (3 deals)", "CRM: 3 deals closed this week", …"""
    if figure.metric is Metric.REVENUE:
        amount = fmt.amount(figure.amount, figure.unit, locale)
        return t("crm.checkin.revenue", locale, amount=amount, deals=fmt.count(figure.items, locale))
    return t(f"crm.checkin.{figure.metric.value}", locale, count=fmt.count(figure.amount, locale))


def fields(found: Mapping[int, CrmFigure], locale: Locale) -> dict[int, list[Block]]:
    """{goal id: its CRM field}: the CRM's figure as the label, the reason as an optional text."""
    return {
        goal_id: [
            blocks.input_block(
                reason_field(goal_id),
                figure_text(figure, locale),
                blocks.text_input(
                    max_length=REASON_MAX, placeholder=t("crm.checkin.reason_placeholder", locale)
                ),
                hint=t("crm.checkin.reason_hint", locale),
                optional=True,
            )
        ]
        for goal_id, figure in found.items()
    }
