"""Block Kit for recognition's modals: **Give kudos** (from the message shortcut: its author and a quote
filled in) and `/pacer setup recognition`. Pure builders: values in, dicts out."""

from __future__ import annotations

from typing import Any

from bot.i18n import Locale, t
from bot.recognition.rules import DEFAULT_POINTS, REASON_MAX
from bot.recognition.settings import (
    ALLOWANCE_FIELD,
    CHANNEL_FIELD,
    REQUIRED_FIELD,
    VALUES_FIELD,
    RecognitionConfig,
)
from bot.recognition.views import RecognitionIds
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.text import join, one_line, quoted, safe_mention

RECEIVER_FIELD = "kudos_receiver"
POINTS_FIELD = "kudos_points"
REASON_FIELD = "kudos_reason"
VALUE_FIELD = "kudos_value"
PRIVATE_FIELD = "kudos_private"
QUOTE_MAX = 200


def _quote(author: str | None, text: str, locale: Locale) -> Block:
    head = (
        t("recognition.give.from", locale, user=safe_mention(author))
        if author
        else t("recognition.give.from_someone", locale)
    )
    return blocks.section(join("\n", [head, quoted(text, limit=QUOTE_MAX, max_lines=4)]))


def _select(
    block_id: str, label: str, options: list[dict[str, Any]], chosen: str | None, *, optional: bool
) -> Block:
    element: dict[str, Any] = {"type": "static_select", "options": options}
    initial = next((option for option in options if option["value"] == chosen), None)
    if initial is not None:
        element["initial_option"] = initial
    return blocks.input_block(block_id, label, element, optional=optional)


def _give_fields(author: str | None, text: str, config: RecognitionConfig, locale: Locale) -> list[Block]:
    receiver: dict[str, Any] = {"type": "users_select"} | ({"initial_user": author} if author else {})
    points = blocks.text_input(str(DEFAULT_POINTS), max_length=7)
    reason = blocks.text_input(one_line(text, QUOTE_MAX), multiline=True, max_length=REASON_MAX)
    body = [
        _quote(author, text, locale),
        blocks.input_block(RECEIVER_FIELD, t("recognition.give.receiver", locale), receiver),
        blocks.input_block(POINTS_FIELD, t("recognition.give.points", locale), points),
        blocks.input_block(REASON_FIELD, t("recognition.give.reason", locale), reason),
    ]
    if config.values:
        options = [blocks.option(f"#{value}", value) for value in config.values]
        label = t("recognition.give.value", locale)
        body.append(_select(VALUE_FIELD, label, options, None, optional=not config.requires_value))
    private = {
        "type": "checkboxes",
        "options": [blocks.option(t("recognition.give.private", locale), "private")],
    }
    label = t("recognition.give.visibility", locale)
    return [*body, blocks.input_block(PRIVATE_FIELD, label, private, optional=True)]


def give_modal(
    author: str | None, text: str, config: RecognitionConfig, locale: Locale, *, response_url: str
) -> dict[str, Any]:
    """The kudos for a message: its author as the receiver (changeable), its text quoted and as the
    reason's start, points, a value (required when the workspace says so), private or not."""
    return blocks.modal(
        RecognitionIds.GIVE.value,
        title=t("recognition.give.title", locale),
        submit=t("recognition.give.submit", locale),
        close=t("common.cancel", locale),
        body=_give_fields(author, text, config, locale),
        metadata={"response_url": response_url},
    )


def _setup_fields(config: RecognitionConfig, locale: Locale) -> list[Block]:
    answers = [blocks.option(t(f"recognition.setup.required_{a}", locale), a) for a in ("yes", "no")]
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if config.channel_id:
        channel["initial_conversation"] = config.channel_id
    allowance = blocks.text_input(str(config.allowance), max_length=5)
    values = blocks.text_input(", ".join(f"#{v}" for v in config.values), max_length=400)
    required = "yes" if config.value_required else "no"

    def hint(name: str) -> str:
        return t(f"recognition.setup.{name}_hint", locale)

    return [
        blocks.section(t("recognition.setup.intro", locale)),
        blocks.input_block(
            ALLOWANCE_FIELD, t("recognition.setup.allowance", locale), allowance, hint=hint("allowance")
        ),
        blocks.input_block(
            VALUES_FIELD, t("recognition.setup.values", locale), values, hint=hint("values"), optional=True
        ),
        _select(REQUIRED_FIELD, t("recognition.setup.required", locale), answers, required, optional=False),
        blocks.input_block(
            CHANNEL_FIELD,
            t("recognition.setup.channel", locale),
            channel,
            hint=hint("channel"),
            optional=True,
        ),
    ]


def setup_modal(config: RecognitionConfig, locale: Locale, *, response_url: str) -> dict[str, Any]:
    """`/pacer setup recognition` with the saved values shown."""
    return blocks.modal(
        RecognitionIds.SETUP.value,
        title=t("recognition.setup.title", locale),
        submit=t("common.save", locale),
        close=t("common.cancel", locale),
        body=_setup_fields(config, locale),
        metadata={"response_url": response_url},
    )
