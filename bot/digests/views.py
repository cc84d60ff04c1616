"""Block Kit for the weekly digest and `/pacer status`. Pure builders; big teams go into thread replies."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.checkins.views import week_label
from bot.digests.service import Amounts, Digest, RepLine, Series, status_of
from bot.digests.sources import FigureSource
from bot.goals.numbers import format_amount, format_ratio
from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.sections import DigestContext, Section, assemble, within
from bot.text import Mrkdwn, join, one_line, render

# One badge per rep: their pace to date (`status_of`), ⚪ while nothing is due yet. Shown with `legend`
# wherever badges appear; a missing check-in and the rep's own confidence are words beside it, never a
# second dot.
BADGES = {"on": "🟢", "close": "🟡", "behind": "🔴", "none": "⚪"}
LINES_IN_MAIN = 25  # rep lines shown in the digest itself; all of them go in the thread beyond that
BLOCKS_PER_REPLY = 45
STATUS_PARTS_BUDGET = 6  # blocks other features add under one rep's status (the CRM's pipeline: 2)


def badge_of(line: RepLine, *, in_progress: bool = False) -> str:
    """The rep's one status: their pace to date, or "none" while nothing is due yet (a week still in
    progress that they have not reported on yet is not due)."""
    return "none" if in_progress and not line.checked_in else status_of(line.pace)


def legend(locale: Locale) -> Mrkdwn:
    """What each badge means: shown wherever badges are."""
    return t("badge.legend", locale)


def sources_legend(digest: Digest, locale: Locale) -> Mrkdwn | None:
    """What the source mark means, where some figure of the week had the CRM's beside it."""
    return t("digest.sources_legend", locale) if digest.sourced else None


def marked(figure: Mrkdwn, source: FigureSource | None, locale: Locale) -> Mrkdwn:
    """A week's figure with its source: marked when it is the CRM's figure the rep confirmed; as the rep
    reported it otherwise (the legend says so). Never whether it differs: that is for the manager alone."""
    if source is not FigureSource.CRM:
        return figure
    return t("digest.source_crm", locale, figure=figure)


def _amounts(
    by_unit: dict[str, Amounts],
    locale: Locale,
    *,
    week: bool,
    compact: bool = False,
    sources: dict[str, FigureSource] | None = None,
) -> Mrkdwn:
    parts = []
    for unit, a in sorted(by_unit.items()):
        result, target = (a.week_result, a.week_target) if week else (a.result_to_date, a.target_to_date)
        figure = t(
            "digest.of",
            locale,
            result=format_amount(result, unit, locale, compact=compact),
            target=format_amount(target, unit, locale, compact=compact),
        )
        parts.append(marked(figure, (sources or {}).get(unit), locale))
    return join(" · ", parts) or Mrkdwn("—")


def rep_line(line: RepLine, locale: Locale) -> Mrkdwn:
    confidence = (
        t("badge.confidence", locale, confidence=t(f"confidence.{line.confidence.value}", locale))
        if line.confidence and line.checked_in
        else t("digest.no_checkin", locale)
    )
    return t(
        "digest.rep_line",
        locale,
        emoji=BADGES[badge_of(line)],
        rep=line.rep.user_id,
        week=_amounts(line.by_unit, locale, week=True, sources=line.sources),
        pace=format_ratio(line.pace, locale),
        confidence=confidence,
    )


def _pace(by_unit: dict[str, Amounts]) -> Decimal | None:
    paces = [a.pace for a in by_unit.values() if a.pace is not None]
    return sum(paces, Decimal(0)) / len(paces) if paces else None


def _vendor_lines(digest: Digest, locale: Locale) -> list[Mrkdwn]:
    """A subtotal per vendor, when the team has any vendor at all."""
    if len(digest.vendors) <= 1 and "" in digest.vendors:
        return []
    out = [t("digest.vendors", locale)]
    for name, by_unit in sorted(digest.vendors.items()):
        out.append(
            t(
                "digest.vendor_line",
                locale,
                vendor=one_line(name) or t("team.no_vendor", locale),
                week=_amounts(by_unit, locale, week=True, compact=True),
                pace=format_ratio(_pace(by_unit), locale),
            )
        )
    return out


def _movers(digest: Digest, locale: Locale) -> list[Mrkdwn]:
    """The reps whose pace moved up most (`Digest.movers`)."""
    movers = digest.movers()
    if not movers:
        return []
    return [
        t(
            "digest.movers",
            locale,
            reps=join(
                ", ",
                [
                    render(
                        "{rep} (+{movement})",
                        rep=blocks.mention(m.rep.user_id),
                        movement=format_ratio(m.movement, locale),
                    )
                    for m in movers
                ],
            ),
        )
    ]


def summary_lines(digest: Digest, locale: Locale) -> list[Mrkdwn]:
    """The team's figures (compact), its badges counted with their legend, vendor subtotals, who is missing,
    who asked for help, top movers."""
    counts = {key: 0 for key in BADGES}
    for line in digest.lines:
        counts[badge_of(line)] += 1
    out = [
        t(
            "digest.team",
            locale,
            week=_amounts(digest.totals, locale, week=True, compact=True),
            to_date=_amounts(digest.totals, locale, week=False, compact=True),
            pace=format_ratio(_pace(digest.totals), locale),
        ),
        t("digest.counts", locale, **counts, missing=len(digest.missing)),
        legend(locale),
    ]
    sourced = sources_legend(digest, locale)
    out += [sourced] if sourced is not None else []
    out += _vendor_lines(digest, locale)
    if digest.missing:
        names = join(", ", [blocks.mention(line.rep.user_id) for line in digest.missing])
        out.append(t("digest.missing", locale, reps=names))
    for line in digest.help_requests:
        blockers = join("; ", [one_line(b) for b in line.blockers if b.strip()]) or t(
            "checkin.no_blockers", locale
        )
        out.append(t("digest.help", locale, rep=line.rep.user_id, blockers=blockers))
    out += _movers(digest, locale)
    return out


def _summary(context: DigestContext) -> list[blocks.Block]:
    return blocks.sections_from_lines(summary_lines(context.digest, context.locale), max_blocks=10)


def _by_pace(digest: Digest) -> list[RepLine]:
    return sorted(digest.lines, key=lambda line: (line.pace is None, line.pace or Decimal(0)))


def _rep_lines(context: DigestContext) -> list[blocks.Block]:
    """The reps furthest behind first; beyond `LINES_IN_MAIN`, a note that everyone is in the thread."""
    lines = _by_pace(context.digest)
    shown = [rep_line(line, context.locale) for line in lines[:LINES_IN_MAIN]]
    body = blocks.sections_from_lines(shown, max_blocks=30)
    if len(lines) > LINES_IN_MAIN:
        note = t("digest.more_in_thread", context.locale, shown=LINES_IN_MAIN, total=len(lines))
        body.append(blocks.context(note))
    return body


DIGEST_SECTIONS: tuple[Section[DigestContext], ...] = (
    Section("digests.summary", budget=10, build=_summary),
    Section("digests.reps", budget=31, build=_rep_lines),
)


def digest_messages(
    digest: Digest,
    locale: Locale,
    *,
    title_key: str = "digest.title",
    sections: Sequence[Section[DigestContext]] = DIGEST_SECTIONS,
    session: Session | None = None,
) -> list[dict[str, Any]]:
    """The digest (first), assembled from every feature's digest sections, and its thread replies (every
    rep line, when there are more than the digest shows): every message inside Slack's limits."""
    title = t(title_key, locale, week=week_label(digest.week_start, locale))
    if not digest.lines:
        text = join("\n", [title, t("digest.empty", locale)])
        return [blocks.message(text, [blocks.header(title), blocks.section(t("digest.empty", locale))])]
    context = DigestContext(digest, locale, session)
    body = assemble(sections, context, limit=blocks.MESSAGE_BLOCKS_MAX - 1, locale=locale)
    texts = [Mrkdwn(block["text"]["text"]) for block in body if block["type"] == "section"]  # escaped
    messages = [blocks.message(join("\n", [title, *texts]), [blocks.header(title), *body])]
    if len(digest.lines) > LINES_IN_MAIN:
        reps = [rep_line(line, locale) for line in _by_pace(digest)]
        sections_ = blocks.sections_from_lines(reps, max_blocks=10_000)
        for start in range(0, len(sections_), BLOCKS_PER_REPLY):
            part = sections_[start : start + BLOCKS_PER_REPLY]
            text = join("\n", [Mrkdwn(block["text"]["text"]) for block in part])  # already escaped
            notes = join("\n", [legend(locale), *filter(None, [sources_legend(digest, locale)])])
            messages.append(blocks.message(text, [*part, blocks.context(notes)]))
    return messages


def under_status(body: list[blocks.Block], parts: list[blocks.Block], locale: Locale) -> list[blocks.Block]:
    """One rep's status (`body`, its header first) with what other features add under it
    (`bot.digests.extras`) after a divider: the parts within their budget and the whole within Slack's
    50 blocks, cut with a "more…" context rather than refused. Nothing added when no part has anything."""
    if not parts:
        return body
    added = [*body, {"type": "divider"}, *within(parts, STATUS_PARTS_BUDGET, locale)]
    return within(added, blocks.MESSAGE_BLOCKS_MAX, locale)


def chart_title(series: Series, locale: Locale) -> str:
    """Plain text, not mrkdwn."""
    unit = one_line(series.unit) if series.unit != "count" else t("goal.unit_count", locale)
    return blocks.plain_text(t("digest.chart", locale, unit=unit))  # a file's title and alt text: plain
