"""Block Kit for kudos: the post in the recognition channel (or the receiver's DM), the admin's review
DM with **Approve** / **Reject**, the giver's answers. Pure builders: values in, dicts out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from bot import format as fmt
from bot.i18n import Locale, t
from bot.recognition.allowance import Balance
from bot.recognition.models import Badge, Hold, Kudos
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.text import Mrkdwn, join, one_line


class RecognitionIds(StrEnum):
    """Recognition's callback and action ids (the shortcut's is also in manifest.yml)."""

    SHORTCUT = "give_kudos"
    GIVE = "recognition_give"
    APPROVE = "recognition_approve"
    REJECT = "recognition_reject"
    SETUP = "recognition_setup"
    CHOOSE_BADGE = "recognition_choose_badge"


def points(value: int, locale: Locale) -> str:
    """A number of points in words: "1 point", "20 points" ("20 分")."""
    key = "recognition.point" if value == 1 else "recognition.points"
    return t(key, locale, count=fmt.count(value, locale))


def tags(values: Sequence[str]) -> str:
    return " ".join(f"#{value}" for value in values)


def kudos_line(kudos: Kudos, giver: str, receiver: str, locale: Locale) -> Mrkdwn:
    """The kudos on one line: "<@giver> → <@receiver>, 20 points: “reason” #teamwork"."""
    line = t(
        "recognition.kudos.line",
        locale,
        giver=giver,
        receiver=receiver,
        points=points(kudos.points, locale),
        reason=one_line(kudos.reason, 300),
        values=tags(kudos.kudos_values.split(",") if kudos.kudos_values else ()),
    )
    return Mrkdwn(line.rstrip())


def kudos_post(kudos: Kudos, giver: str, receiver: str, locale: Locale, *, private: bool) -> dict[str, Any]:
    """The kudos in the recognition channel, or (private, or no channel set) in the receiver's DM."""
    head = t("recognition.kudos.private_head" if private else "recognition.kudos.head", locale)
    line = kudos_line(kudos, giver, receiver, locale)
    return blocks.message(join("\n", [head, line]), [blocks.section(join("\n", [head, line]))])


def review_buttons(kudos: Kudos, locale: Locale) -> Block:
    """**Approve** / **Reject** for a held kudos (in the admin's DM, or on their Home tab)."""
    return {
        "type": "actions",
        "block_id": f"kudos_review_{kudos.id}",
        "elements": [
            blocks.button(
                RecognitionIds.APPROVE.value,
                t("recognition.review.approve", locale),
                str(kudos.id),
                primary=True,
            ),
            blocks.button(RecognitionIds.REJECT.value, t("recognition.review.reject", locale), str(kudos.id)),
        ],
    }


def review_request(kudos: Kudos, giver: str, receiver: str, locale: Locale) -> dict[str, Any]:
    """To each admin: a held kudos, why it is held, and **Approve** / **Reject** (the first acts)."""
    text = t("recognition.review.ask", locale, why=why_held(kudos, locale))
    line = kudos_line(kudos, giver, receiver, locale)
    return blocks.message(text, [blocks.section(text), blocks.section(line), review_buttons(kudos, locale)])


def why_held(kudos: Kudos, locale: Locale) -> Mrkdwn:
    return t(f"recognition.review.why_{(kudos.held_reason or Hold.REPEATED).value}", locale)


def reviewed_notice(kudos: Kudos, receiver: str, reviewer: str, locale: Locale) -> dict[str, Any]:
    """To the giver, once an admin decided about their held kudos."""
    key = (
        "recognition.review.giver_approved"
        if kudos.status.value == "accepted"
        else "recognition.review.giver_rejected"
    )
    return blocks.notice(
        t(key, locale, receiver=receiver, reviewer=reviewer, points=points(kudos.points, locale))
    )


def reviewed_message(
    kudos: Kudos, giver: str, receiver: str, reviewer: str, locale: Locale
) -> dict[str, Any]:
    """The admin's review DM once decided (replacing the buttons)."""
    key = "recognition.review.approved" if kudos.status.value == "accepted" else "recognition.review.rejected"
    line = kudos_line(kudos, giver, receiver, locale)
    text = t(key, locale, reviewer=reviewer)
    return blocks.message(text, [blocks.section(text), blocks.section(line)])


def left_line(balance: Balance, locale: Locale) -> Mrkdwn:
    return t(
        "recognition.kudos.left",
        locale,
        left=points(balance.left, locale),
        allowance=points(balance.allowance, locale),
        reset=fmt.day_text(balance.resets_on, locale),
    )


def given_answer(
    kudos: Kudos, receiver: str, balance: Balance, channel: str | None, locale: Locale
) -> Mrkdwn:
    """The giver's answer: sent (where), or held for review (why), and what is left this month."""
    if kudos.status.value == "held":
        first = t("recognition.kudos.held", locale, receiver=receiver, why=why_held(kudos, locale))
    elif kudos.public and channel:
        first = t(
            "recognition.kudos.sent_public",
            locale,
            receiver=receiver,
            channel=channel,
            points=points(kudos.points, locale),
        )
    else:
        key = "recognition.kudos.sent_private" if not kudos.public else "recognition.kudos.sent_no_channel"
        first = t(key, locale, receiver=receiver, points=points(kudos.points, locale))
    return join("\n", [first, left_line(balance, locale)])


def month_label(month: date, locale: Locale) -> str:
    return fmt.month_text(month, locale)


def badge_post(badge: Badge, rep: str, vendor: str | None, chooser: str, locale: Locale) -> dict[str, Any]:
    """ "🏅 Rep of the month, Nov 2026: <@rep> (Acme Staffing), chosen by <@manager>"."""
    month = month_label(badge.month, locale)
    if vendor:
        text = t(
            "recognition.badge.post_vendor", locale, month=month, rep=rep, vendor=vendor, chooser=chooser
        )
    else:
        text = t("recognition.badge.post", locale, month=month, rep=rep, chooser=chooser)
    return blocks.notice(text)


def standings(found: Sequence[tuple[str, int]], locale: Locale) -> list[Mrkdwn]:
    """The month's most recognised, top N only (never a bottom): "1. <@U1> 120 points"."""
    return [
        t("recognition.board.line", locale, rank=rank, user=user, points=points(total, locale))
        for rank, (user, total) in enumerate(found, start=1)
    ]


def overview(balance: Balance, found: Sequence[tuple[str, int]], locale: Locale) -> Mrkdwn:
    """`/pacer kudos` alone: what is left to give, the month's top five, and how to give."""
    board = standings(found, locale) or [t("recognition.board.empty", locale)]
    heading = t("recognition.board.heading", locale, month=month_label(balance.month, locale))
    return join("\n", [left_line(balance, locale), heading, *board, t("recognition.board.how", locale)])
