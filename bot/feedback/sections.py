"""The feedback feature's field of `/pacer setup`: the day of the month feedback is asked for."""

from __future__ import annotations

from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.ids import SetupBlock
from bot.slack.sections import SetupField, SetupSection
from bot.workspaces.service import WorkspaceSettings
from bot.workspaces.views import select


def _feedback_day(current: WorkspaceSettings, locale: Locale) -> Block:
    days = [blocks.option(t("setup.first_working_day", locale), "0")]
    days += [blocks.option(t("setup.day_of_month", locale, day=day), str(day)) for day in range(1, 29)]
    return blocks.input_block(
        SetupBlock.FEEDBACK_DAY.value,
        t("setup.feedback_day", locale),
        select(days, str(current.feedback_day)),
    )


SETUP = SetupSection("feedback", (SetupField(SetupBlock.FEEDBACK_DAY.value, 60, _feedback_day),))
