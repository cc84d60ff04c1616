"""A contest's modal and its leaderboard, in the reader's language: the top N only, each rep's attainment
and prize, never anyone below; pure builders (names escaped by `t`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import format as fmt
from bot.goals.models import Metric
from bot.i18n import Locale, day, t
from bot.incentives.contests import ContestAnswers, Place
from bot.incentives.models import Contest
from bot.slack import blocks

CONTEST_CALLBACK = "incentives_contest"


def _text(
    block: str, locale: Locale, initial: str | None, *, multiline: bool = False, length: int = 80
) -> blocks.Block:
    return blocks.input_block(
        block,
        t(f"incentives.contest.field_{block}", locale),
        blocks.text_input(initial, multiline=multiline, max_length=length),
        hint=t(f"incentives.contest.hint_{block}", locale),
        optional=block == "prizes",
    )


def contest_modal(answers: ContestAnswers, locale: Locale, *, response_url: str = "") -> dict[str, Any]:
    metric = {
        "type": "static_select",
        "options": [blocks.option(t(f"metric.{m.value}", locale), m.value) for m in Metric],
    }
    channel = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    body = [
        _text("name", locale, answers.name),
        blocks.input_block("metric", t("incentives.contest.field_metric", locale), metric),
        blocks.input_block(
            "starts_on",
            t("incentives.contest.field_starts_on", locale),
            {"type": "datepicker"} | ({"initial_date": answers.starts_on} if answers.starts_on else {}),
        ),
        blocks.input_block(
            "ends_on",
            t("incentives.contest.field_ends_on", locale),
            {"type": "datepicker"} | ({"initial_date": answers.ends_on} if answers.ends_on else {}),
        ),
        blocks.input_block("channel", t("incentives.contest.field_channel", locale), channel),
        _text("top_n", locale, answers.top_n or "3", length=2),
        _text("prizes", locale, answers.prizes, multiline=True, length=600),
    ]
    return blocks.modal(
        CONTEST_CALLBACK,
        title=t("incentives.contest.title", locale),
        submit=t("incentives.plan.save", locale),
        close=t("incentives.plan.cancel", locale),
        body=body,
        metadata={"response_url": response_url},
    )


def leaderboard_message(
    contest: Contest, places: Sequence[Place], prizes: dict[int, str], locale: Locale, *, final: bool
) -> dict[str, Any]:
    key = "incentives.contest.final" if final else "incentives.contest.board"
    title = t(key, locale, name=contest.name, top=contest.top_n)
    window = t(
        "incentives.contest.window_line",
        locale,
        metric=t(f"metric.{contest.metric.value}", locale),
        start=day(contest.starts_on, locale),
        end=day(contest.ends_on, locale),
    )
    lines = [
        t(
            "incentives.contest.place" if place.rank not in prizes else "incentives.contest.place_prize",
            locale,
            rank=place.rank,
            rep=place.rep.user_id,
            attainment=fmt.percent(place.attainment, locale),
            prize=prizes.get(place.rank, ""),
        )
        for place in places
    ] or [t("incentives.contest.nobody", locale)]
    body = [blocks.header(title), blocks.context(window), *blocks.sections_from_lines(lines, max_blocks=5)]
    return blocks.message(title, body)
