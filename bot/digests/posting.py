""" "Post digest" asks first: the confirmation dialog on the Home tab's button, and the message with
Post / Cancel buttons that `/pacer digest post` answers with. Pure builders."""

from __future__ import annotations

from typing import Any

from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.ids import Action


def confirm_dialog(channel: str | None, locale: Locale) -> dict[str, Any] | None:
    """Slack's dialog before the press is sent: which channel, who will see it. None without a channel
    (the press then says that there is none)."""
    if channel is None:
        return None
    return blocks.confirm_dialog(
        title=t("answers.digest.confirm_title", locale),
        text=t("answers.digest.confirm_text", locale, channel=channel),
        confirm=t("answers.digest.confirm", locale),
        deny=t("answers.digest.deny", locale),
    )


def post_button(channel: str | None, locale: Locale) -> dict[str, Any]:
    """The Home tab's "Post digest", which asks first; its value is the channel the dialog names."""
    label, dialog = t("home.post_digest", locale), confirm_dialog(channel, locale)
    return blocks.button(Action.HOME_POST_DIGEST, label, channel or "", primary=True, confirm=dialog)


def ask_message(channel: str, locale: Locale) -> dict[str, Any]:
    """`/pacer digest post`'s answer, only to the caller: post it in this channel now, or not."""
    text = t("answers.digest.confirm_text", locale, channel=channel)
    post = blocks.button(
        Action.DIGEST_POST_CONFIRM, t("answers.digest.confirm", locale), channel, primary=True
    )
    cancel = blocks.button(Action.DIGEST_POST_CANCEL, t("answers.digest.deny", locale), channel)
    actions = {"type": "actions", "block_id": "digest_post", "elements": [post, cancel]}
    return blocks.message(text, [blocks.section(text), actions])
