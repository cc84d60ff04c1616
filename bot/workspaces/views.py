"""Block Kit for `/pacer setup`. Pure builders: dicts in, dicts out."""

from __future__ import annotations

from datetime import time
from typing import Any

from bot.i18n import LOCALES, Locale, t
from bot.roster.service import Caller
from bot.slack import blocks
from bot.slack.deps import Deps
from bot.slack.ids import CallbackId, SetupBlock
from bot.workspaces.models import Workspace
from bot.workspaces.service import REMINDER_DELAYS, WorkspaceSettings, ensure_workspace

NUDGE_TIMES = [f"{hour:02d}:{minute:02d}" for hour in range(6, 21) for minute in (0, 30)]


def _select(options: list[dict[str, Any]], current: str) -> dict[str, Any]:
    initial = next((opt for opt in options if opt["value"] == current), options[0])
    return {"type": "static_select", "options": options, "initial_option": initial}


def _times(current: time) -> list[dict[str, Any]]:
    """Every half hour from 06:00 to 20:30, plus the saved time if it is another one."""
    options = [blocks.option(value, value) for value in NUDGE_TIMES]
    saved = current.strftime("%H:%M")
    return options if saved in NUDGE_TIMES else [blocks.option(saved, saved), *options]


def setup_modal(
    current: WorkspaceSettings, locale: Locale, *, private_metadata: dict[str, str]
) -> dict[str, Any]:
    """The settings modal, pre-filled with `current` (the saved settings, or what was just submitted)."""
    weekdays = [blocks.option(t(f"weekday.{day}", locale), str(day)) for day in range(7)]
    times = _times(current.nudge_time)
    reports = [
        blocks.option(t("setup.report_last", locale), "last"),
        blocks.option(t("setup.report_current", locale), "current"),
    ]
    delays = [blocks.option(t("setup.hours", locale, hours=hours), str(hours)) for hours in REMINDER_DELAYS]
    days = [blocks.option(t("setup.first_working_day", locale), "0")]
    days += [blocks.option(t("setup.day_of_month", locale, day=day), str(day)) for day in range(1, 29)]
    languages = [blocks.option(t(f"language.{code}", locale), code) for code in LOCALES]
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if current.digest_channel_id:
        channel["initial_conversation"] = current.digest_channel_id
    body = [
        blocks.section(t("setup.intro", locale)),
        blocks.input_block(
            SetupBlock.DIGEST_CHANNEL.value,
            t("setup.digest_channel", locale),
            channel,
            hint=t("setup.digest_channel_hint", locale),
            optional=True,
        ),
        blocks.input_block(
            SetupBlock.TIMEZONE.value,
            t("setup.timezone", locale),
            {"type": "plain_text_input", "initial_value": current.timezone, "max_length": 64},
            hint=t("setup.timezone_hint", locale),
        ),
        blocks.input_block(
            SetupBlock.NUDGE_WEEKDAY.value,
            t("setup.nudge_weekday", locale),
            _select(weekdays, str(current.nudge_weekday)),
        ),
        blocks.input_block(
            SetupBlock.NUDGE_TIME.value,
            t("setup.nudge_time", locale),
            _select(times, current.nudge_time.strftime("%H:%M")),
            hint=t("setup.nudge_time_hint", locale),
        ),
        blocks.input_block(
            SetupBlock.REMINDER_DELAY.value,
            t("setup.reminder_delay", locale),
            _select(delays, str(current.reminder_delay_hours)),
        ),
        blocks.input_block(
            SetupBlock.FEEDBACK_DAY.value,
            t("setup.feedback_day", locale),
            _select(days, str(current.feedback_day)),
        ),
        blocks.input_block(
            SetupBlock.LANGUAGE.value,
            t("setup.language", locale),
            _select(languages, current.language),
            hint=t("setup.language_hint", locale),
        ),
        blocks.input_block(
            SetupBlock.DIGEST_WEEKDAY.value,
            t("setup.digest_weekday", locale),
            _select(weekdays, str(current.digest_weekday)),
        ),
        blocks.input_block(
            SetupBlock.DIGEST_TIME.value,
            t("setup.digest_time", locale),
            _select(_times(current.digest_time), current.digest_time.strftime("%H:%M")),
            hint=t("setup.digest_time_hint", locale),
        ),
        blocks.input_block(
            SetupBlock.REPORT_WEEK.value,
            t("setup.report_week", locale),
            {
                "type": "radio_buttons",
                "options": reports,
                "initial_option": reports[1 if current.report_current_week else 0],
            },
        ),
        blocks.input_block(
            SetupBlock.COUNTRY.value,
            t("setup.country", locale),
            blocks.text_input(current.country, max_length=2),
            hint=t("setup.country_hint", locale),
            optional=True,
        ),
    ]
    return blocks.modal(
        CallbackId.SETUP.value,
        title=t("setup.title", locale),
        submit=t("common.save", locale),
        close=t("common.cancel", locale),
        body=body,
        metadata=private_metadata,
    )


def settings_of(workspace: Workspace) -> WorkspaceSettings:
    return WorkspaceSettings(
        digest_channel_id=workspace.digest_channel_id,
        timezone=workspace.timezone,
        nudge_weekday=workspace.nudge_weekday,
        nudge_time=workspace.nudge_time,
        reminder_delay_hours=workspace.reminder_delay_hours,
        feedback_day=workspace.feedback_day,
        language=workspace.language,
        digest_weekday=workspace.digest_weekday,
        digest_time=workspace.digest_time,
        report_current_week=workspace.report_current_week,
        country=workspace.country,
    )


def settings_summary(settings: WorkspaceSettings, locale: Locale) -> str:
    channel_id = settings.digest_channel_id
    channel = blocks.channel_mention(channel_id) if channel_id else t("setup.no_channel", locale)
    return t(
        "setup.summary",
        locale,
        channel=channel,
        weekday=t(f"weekday.{settings.nudge_weekday}", locale),
        time=settings.nudge_time.strftime("%H:%M"),
        timezone=settings.timezone,
    )


def saved_message(settings: WorkspaceSettings, locale: Locale) -> str:
    return t("setup.saved", locale, summary=settings_summary(settings, locale))


def setup_view(deps: Deps, caller: Caller, *, response_url: str = "") -> dict[str, Any]:
    """The settings modal with the saved settings; the answer goes to `response_url` (else a DM)."""
    with deps.session_factory() as session:
        current = settings_of(ensure_workspace(session, caller.team_id))
    return setup_modal(current, caller.locale, private_metadata={"response_url": response_url})
