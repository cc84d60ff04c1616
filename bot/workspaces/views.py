"""Block Kit for `/pacer setup`: the modal, assembled from every feature's setup fields, and the
workspace's own fields (zone, language, country); the settings line on an admin's Home tab. Pure
builders: dicts in, dicts out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any

from bot import format as fmt
from bot.i18n import LOCALES, Locale, t
from bot.roster.models import Role
from bot.roster.service import Caller
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.deps import Deps
from bot.slack.ids import Action, CallbackId, SetupBlock
from bot.slack.sections import HomeContext, Section, SetupField, SetupSection, setup_fields
from bot.workspaces.models import Workspace
from bot.workspaces.service import WorkspaceSettings, ensure_workspace

NUDGE_TIMES = [f"{hour:02d}:{minute:02d}" for hour in range(6, 21) for minute in (0, 30)]


def select(options: list[dict[str, Any]], current: str) -> dict[str, Any]:
    """A static select with `current` chosen (else the first option). Its placeholder is the chosen
    option's text too: Slack shows the initial option, and clients that show no `initial_option` (the
    demo's local-slack) show the placeholder, so the current value is on screen in both."""
    initial = next((opt for opt in options if opt["value"] == current), options[0])
    return {
        "type": "static_select",
        "options": options,
        "initial_option": initial,
        "placeholder": initial["text"],
    }


def times(current: time) -> list[dict[str, Any]]:
    """Every half hour from 06:00 to 20:30, plus the saved time if it is another one."""
    options = [blocks.option(value, value) for value in NUDGE_TIMES]
    saved = current.strftime("%H:%M")
    return options if saved in NUDGE_TIMES else [blocks.option(saved, saved), *options]


def weekdays(locale: Locale) -> list[dict[str, Any]]:
    return [blocks.option(t(f"weekday.{day}", locale), str(day)) for day in range(7)]


def weekday_input(block: SetupBlock, label: str, current: int, locale: Locale) -> Block:
    """A setup field choosing a day of the week (Monday is 0), `current` chosen."""
    return blocks.input_block(block.value, label, select(weekdays(locale), str(current)))


def time_input(block: SetupBlock, label: str, current: time, hint: str) -> Block:
    """A setup field choosing a time of day on the half hour, `current` chosen."""
    return blocks.input_block(
        block.value, label, select(times(current), current.strftime("%H:%M")), hint=hint
    )


def _timezone(current: WorkspaceSettings, locale: Locale) -> Block:
    return blocks.input_block(
        SetupBlock.TIMEZONE.value,
        t("setup.timezone", locale),
        {"type": "plain_text_input", "initial_value": current.timezone, "max_length": 64},
        hint=t("setup.timezone_hint", locale),
    )


def _language(current: WorkspaceSettings, locale: Locale) -> Block:
    languages = [blocks.option(t(f"language.{code}", locale), code) for code in LOCALES]
    return blocks.input_block(
        SetupBlock.LANGUAGE.value,
        t("setup.language", locale),
        select(languages, current.language),
        hint=t("setup.language_hint", locale),
    )


def _country(current: WorkspaceSettings, locale: Locale) -> Block:
    return blocks.input_block(
        SetupBlock.COUNTRY.value,
        t("setup.country", locale),
        blocks.text_input(current.country, max_length=2),
        hint=t("setup.country_hint", locale),
        optional=True,
    )


SETUP = SetupSection(
    "workspaces",
    (
        SetupField(SetupBlock.TIMEZONE.value, 20, _timezone),
        SetupField(SetupBlock.LANGUAGE.value, 70, _language),
        SetupField(SetupBlock.COUNTRY.value, 110, _country),
    ),
)


def setup_modal(
    current: WorkspaceSettings,
    locale: Locale,
    *,
    private_metadata: dict[str, str],
    sections: Sequence[SetupSection],
) -> dict[str, Any]:
    """The settings modal, pre-filled with `current` (the saved settings, or what was just submitted):
    an intro, then every feature's setup fields in their order."""
    return blocks.modal(
        CallbackId.SETUP.value,
        title=t("setup.title", locale),
        submit=t("common.save", locale),
        close=t("common.cancel", locale),
        body=[blocks.section(t("setup.intro", locale)), *setup_fields(sections, current, locale)],
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
        time=fmt.time_text(settings.nudge_time, locale),
        timezone=settings.timezone,
    )


def saved_message(settings: WorkspaceSettings, locale: Locale) -> str:
    """The admin's answer after `/pacer setup`: saved, and what will happen when."""
    channel = settings.digest_channel_id
    return t(
        "answers.setup.saved" if channel else "answers.setup.saved_no_channel",
        locale,
        channel=channel or "",
        digest_weekday=t(f"weekday.{settings.digest_weekday}", locale),
        digest_time=fmt.time_text(settings.digest_time, locale),
        timezone=settings.timezone,
        weekday=t(f"weekday.{settings.nudge_weekday}", locale),
        time=fmt.time_text(settings.nudge_time, locale),
    )


def _settings_home(context: HomeContext) -> list[Block]:
    """The workspace's settings in a line, with the button that opens `/pacer setup`."""
    locale = context.caller.locale
    settings = settings_of(context.session.get_one(Workspace, context.caller.team_id))
    summary = blocks.section(settings_summary(settings, locale))
    summary["accessory"] = blocks.button(Action.HOME_SETUP, t("home.setup", locale), primary=True)
    return [summary]


HOME_SECTIONS: tuple[Section[HomeContext], ...] = (
    Section(
        "workspaces.settings",
        budget=1,
        build=_settings_home,
        audience=frozenset({Role.ADMIN}),
        title=lambda context: t("home.admin_title", context.caller.locale),
    ),
)


def setup_view(deps: Deps, caller: Caller, *, response_url: str = "") -> dict[str, Any]:
    """The settings modal with the saved settings; the answer goes to `response_url` (else a DM)."""
    with deps.session_factory() as session:
        current = settings_of(ensure_workspace(session, caller.team_id))
    return setup_modal(
        current, caller.locale, private_metadata={"response_url": response_url}, sections=deps.pages.setup
    )
