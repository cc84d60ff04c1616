"""A contest's modal and its leaderboard, in the reader's language: the top N only (results above 0), each
rep's attainment and prize, never anyone below; a tie at the last place past N counted, not named, with
the tie rule stated (`bot.incentives.contests`); for prizes per threshold, how many have reached each one
(a count, never who has not); a rep's own standing against the thresholds, and each recently ended contest
with what they won. Pure builders (names escaped by `t`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bot import format as fmt
from bot.goals.models import Metric
from bot.goals.numbers import plain_amount
from bot.i18n import Locale, day, t
from bot.incentives.contests import ContestAnswers, Place, Reached, Standing, highest_reached, on_board
from bot.incentives.models import Contest, PrizeKind
from bot.slack import blocks
from bot.text import Mrkdwn

CONTEST_CALLBACK = "incentives_contest"


def _text(
    block: str, locale: Locale, initial: str | None, *, multiline: bool = False, length: int = 80
) -> blocks.Block:
    return blocks.input_block(
        block,
        t(f"incentives.contest.field_{block}", locale),
        blocks.text_input(initial, multiline=multiline, max_length=length),
        hint=t(f"incentives.contest.hint_{block}", locale),
        optional=block in {"prizes", "thresholds"},
    )


def _prize_kind(locale: Locale, initial: str | None) -> blocks.Block:
    options = [blocks.option(t(f"incentives.contest.kind_{k.value}", locale), k.value) for k in PrizeKind]
    chosen = next((o for o in options if o["value"] == (initial or PrizeKind.RANK.value)), options[0])
    element = {"type": "radio_buttons", "options": options, "initial_option": chosen}
    return blocks.input_block("prize_kind", t("incentives.contest.field_prize_kind", locale), element)


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
        _prize_kind(locale, answers.prize_kind),
        _text("prizes", locale, answers.prizes, multiline=True, length=600),
        _text("thresholds", locale, answers.thresholds, multiline=True, length=600),
    ]
    return blocks.modal(
        CONTEST_CALLBACK,
        title=t("incentives.contest.title", locale),
        submit=t("incentives.plan.save", locale),
        close=t("incentives.plan.cancel", locale),
        body=body,
        metadata={"response_url": response_url},
    )


def threshold_text(value: Decimal, locale: Locale, unit: str = "") -> str:
    """A threshold or a result as people read it: in the rep's unit when known, else grouped ("10,000")."""
    if unit:
        return fmt.amount(value, unit, locale)
    return fmt.count(value, locale) if value == value.to_integral_value() else plain_amount(value)


def _prize(contest: Contest, place: Place, prizes: dict[int, str], reached: Sequence[Reached]) -> str:
    """The prize a place on the board has won so far: its rank's, or its highest threshold's."""
    if contest.prize_kind is PrizeKind.THRESHOLD:
        best = highest_reached(place.total, [r.threshold for r in reached])
        return best.prize if best is not None else ""
    return prizes.get(place.rank, "")


def _place_lines(
    contest: Contest,
    places: Sequence[Place],
    prizes: dict[int, str],
    reached: Sequence[Reached],
    locale: Locale,
) -> list[Mrkdwn]:
    """The places named (at most N, each with its prize), and a tie past N counted, not named."""
    named, tied = on_board(places, contest.top_n)
    lines = [
        t(
            "incentives.contest.place_prize" if prize else "incentives.contest.place",
            locale,
            rank=place.rank,
            rep=place.rep.user_id,
            attainment=fmt.percent(place.attainment, locale),
            prize=prize,
        )
        for place in named
        for prize in [_prize(contest, place, prizes, reached)]
    ] or [t("incentives.contest.nobody", locale)]
    if tied:
        lines.append(
            t("incentives.contest.tied_more", locale, count=fmt.count(tied, locale), rank=named[-1].rank)
        )
    return lines


def _reached_blocks(contest: Contest, reached: Sequence[Reached], locale: Locale) -> list[blocks.Block]:
    """For prizes per threshold: the rule, and how many have reached each threshold (none otherwise)."""
    if not reached:
        return []
    rule = t(
        "incentives.contest.reached_rule",
        locale,
        metric=t(f"metric.{contest.metric.value}", locale),
        end=day(contest.ends_on, locale),
    )
    counts = [
        t(
            "incentives.contest.reached",
            locale,
            threshold=threshold_text(r.threshold.at, locale),
            prize=r.threshold.prize,
            count=fmt.count(r.count, locale),
        )
        for r in reached
    ]
    return [blocks.context(rule), *blocks.sections_from_lines(counts, max_blocks=2)]


def leaderboard_message(
    contest: Contest,
    places: Sequence[Place],
    prizes: dict[int, str],
    locale: Locale,
    *,
    final: bool,
    reached: Sequence[Reached] = (),
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
    lines = _place_lines(contest, places, prizes, reached, locale)
    body = [blocks.header(title), blocks.context(window), *blocks.sections_from_lines(lines, max_blocks=5)]
    if contest.prize_kind is PrizeKind.RANK:
        body.append(blocks.context(t("incentives.contest.tie_rule", locale, top=contest.top_n)))
    body += _reached_blocks(contest, reached, locale)
    return blocks.message(title, body)


def rep_standing(standing: Standing, locale: Locale) -> list[Mrkdwn]:
    """A rep's own threshold contest: their result so far, the highest threshold reached, and what it takes
    to reach the next one — the motivating number."""
    contest = standing.contest
    values = {
        "name": contest.name,
        "metric": t(f"metric.{contest.metric.value}", locale),
        "end": day(contest.ends_on, locale),
    }
    if standing.total is None:
        return [t("incentives.contest.rep_no_total", locale, **values)]
    lines = [
        t("incentives.contest.rep_contest", locale, **values, total=_in(standing.total, standing, locale))
    ]
    if standing.reached is not None:
        lines.append(
            t(
                "incentives.contest.rep_reached",
                locale,
                threshold=_in(standing.reached.at, standing, locale),
                prize=standing.reached.prize,
            )
        )
    if standing.next is None:
        return [*lines, t("incentives.contest.rep_top", locale)]
    more = _in(standing.next.at - standing.total, standing, locale)
    threshold = _in(standing.next.at, standing, locale)
    return [
        *lines,
        t("incentives.contest.rep_next", locale, more=more, threshold=threshold, prize=standing.next.prize),
    ]


def _in(value: Decimal, standing: Standing, locale: Locale) -> str:
    return threshold_text(value, locale, standing.unit)


def ended_line(contest: Contest, prize: str | None, locale: Locale) -> Mrkdwn:
    """A recently ended contest in a rep's own view: what they won (`contest_awards.recent`), or that it
    has ended."""
    values = {"name": contest.name, "metric": t(f"metric.{contest.metric.value}", locale)}
    if prize is not None:
        return t(
            "incentives.contest.rep_won", locale, **values, end=day(contest.ends_on, locale), prize=prize
        )
    return t("incentives.contest.rep_ended", locale, **values, end=day(contest.ends_on, locale))
