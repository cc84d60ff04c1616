"""What calibration and publishing show, in the reader's language: a scorecard's lines, the calibration
listing, the vendor's summary and the admins' comparison. Pure builders over `calibration.Row`s; every
person's text (names, the manager's review) is escaped by `t`. No database, no Slack calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from bot.i18n import Locale, t
from bot.reviews.calibration import Distribution, Outlier, Row
from bot.reviews.development import DevelopmentAction, stored
from bot.reviews.models import DIMENSIONS, Dimension, ManagerReview, Source
from bot.reviews.policy import Part
from bot.reviews.scorecards import Card, Evidence, Level
from bot.text import Mrkdwn, join, one_line


@dataclass(frozen=True)
class Shown:
    """What the rep may see of their scorecard (`policy.visible`), and the manager's review and the
    peers' comments (anonymised: no names, sorted) when those parts are among them."""

    parts: frozenset[Part]
    review: ManagerReview | None = None
    comments: Sequence[str] = ()
    link_name: str | None = None  # the linked course's or incentive's name (`development.name_of`)


NO_DATA = "–"
LEVEL_KEYS = ("sales", "satisfaction", "expansion", "teamwork")


def level_mark(row: Row, dimension: Dimension) -> str:
    """A level as the listing shows it: "4", "4✎" when the manager set it, "–" without data."""
    level = row.card.levels[dimension]
    if level.level is None:
        return NO_DATA
    return f"{level.level}✎" if level.source is Source.MANAGER else str(level.level)


def overall_text(value: Decimal | None, locale: Locale) -> str:
    return str(t("reviews.no_data", locale)) if value is None else f"{value:.1f}"


def evidence_text(evidence: Evidence, locale: Locale) -> Mrkdwn:
    values = dict(evidence.values)
    if "attainment" in values:  # kept as a ratio (0.8): shown as a percentage
        values["attainment"] = f"{Decimal(values['attainment']) * 100:.0f} %"
    if "source" in values:
        values["source"] = str(t(f"reviews.publish.source_{values['source']}", locale))
    return t(evidence.key, locale, **values)


def level_line(level: Level, locale: Locale, *, with_evidence: bool = True) -> Mrkdwn:
    """ "*Sales*: 4 (from data) — 104 % of target over 13 weeks"; without a level, no source is named."""
    shown = str(level.level) if level.level is not None else str(t("reviews.no_data", locale))
    key = "level_line" if with_evidence else "level_only"
    return t(
        f"reviews.publish.{key}" if level.level is not None else f"reviews.publish.{key}_no_data",
        locale,
        dimension=t(f"reviews.dimension_{level.dimension.value}", locale),
        level=shown,
        source=t(f"reviews.publish.source_{level.source.value}", locale),
        evidence=evidence_text(level.evidence, locale),
    )


def note_lines(card: Card, locale: Locale) -> list[Mrkdwn]:
    """What other features add: "*Development*: 2 courses completed …", "*Teamwork*: 5 kudos …"."""
    return [
        t(f"reviews.notes.{note.section.value}", locale, evidence=evidence_text(note.evidence, locale))
        for note in card.notes
    ]


def scorecard_lines(row: Row, shown: Shown, locale: Locale) -> list[Mrkdwn]:
    """The rep's own scorecard, as far as `shown.parts` go: each level with its source (and evidence), the
    overall, the manager's strengths, improvements and development action, and the peers' comments as an
    anonymised summary. Never who rated them."""
    found: list[Mrkdwn] = []
    if Part.LEVELS in shown.parts:
        found += [
            level_line(row.card.levels[d], locale, with_evidence=Part.EVIDENCE in shown.parts)
            for d in DIMENSIONS
        ]
        found.append(t("reviews.publish.overall_line", locale, overall=overall_text(row.overall, locale)))
    if Part.EVIDENCE in shown.parts:
        found += note_lines(row.card, locale)
    review = shown.review if Part.MANAGER_REVIEW in shown.parts else None
    if review is not None:
        for key, text in (
            ("strengths", review.strengths),
            ("improvements", review.improvements),
            ("action", review.development_action),
        ):
            if text.strip():
                found.append(t(f"reviews.publish.{key}", locale, text=text))
        link = stored(review.development_kind, review.development_ref)
        if link.ref_id is not None:
            found.append(link_line(link, shown.link_name, locale))
    if shown.comments and Part.COMMENT_SUMMARY in shown.parts:
        found.append(t("reviews.publish.peers_said", locale, count=len(shown.comments)))
        found += [t("reviews.publish.peer_comment", locale, text=one_line(c)) for c in shown.comments]
    return found


def link_line(link: DevelopmentAction, name: str | None, locale: Locale) -> Mrkdwn:
    """What the development action links to: "Linked training course: Negotiation (#12)"."""
    kind = t(f"reviews.development.kind_{link.kind.value}", locale)
    if name:
        return t("reviews.development.linked_named", locale, kind=kind, name=one_line(name), id=link.ref_id)
    return t("reviews.development.linked", locale, kind=kind, id=link.ref_id)


def marks(row: Row) -> dict[str, str]:
    return {key: level_mark(row, d) for key, d in zip(LEVEL_KEYS, DIMENSIONS, strict=True)}


def listing_line(row: Row, team: str, locale: Locale) -> Mrkdwn:
    vendor = row.vendor or t("reviews.calibration.no_vendor", locale)
    return t(
        "reviews.calibration.line",
        locale,
        rep=row.rep.display_name or row.rep.user_id,
        team=team or t("reviews.calibration.no_team", locale),
        vendor=vendor,
        overall=overall_text(row.overall, locale),
        **marks(row),
    )


def counts(counter: Counter[int | None]) -> str:
    """ "1:0 2:1 3:4 4:2 5:0 –:1" (the no-data count only when there is one)."""
    shown = [f"{level}:{counter.get(level, 0)}" for level in range(1, 6)]
    return " ".join([*shown, *([f"{NO_DATA}:{counter[None]}"] if counter.get(None) else [])])


def distribution_lines(groups: dict[str, Distribution], empty_key: str, locale: Locale) -> list[Mrkdwn]:
    return [
        t(
            "reviews.calibration.distribution",
            locale,
            group=name or t(empty_key, locale),
            dimension=t(f"reviews.dimension_{d.value}", locale),
            counts=counts(found[d]),
        )
        for name, found in groups.items()
        for d in DIMENSIONS
    ]


def outlier_lines(found: Sequence[Outlier], names: dict[int, str], locale: Locale) -> list[Mrkdwn]:
    lines = []
    for outlier in found:
        values = dict(outlier.values)
        if "dimension" in values:
            values["dimension"] = str(t(f"reviews.dimension_{values['dimension']}", locale))
        lines.append(t(outlier.key, locale, rep=names.get(outlier.rep_id, ""), **values))
    return lines or [t("reviews.calibration.no_outliers", locale)]


def median_of(values: Sequence[Decimal | int | None]) -> Decimal | None:
    known = [Decimal(v) for v in values if v is not None]
    return Decimal(median(known)) if known else None


def vendor_lines(of: Sequence[Row], locale: Locale) -> list[Mrkdwn]:
    """A vendor's summary: each rep's levels and overall, nothing else (see policy.visible)."""
    return [
        t(
            "reviews.publish.vendor_line",
            locale,
            rep=row.rep.display_name or row.rep.user_id,
            overall=overall_text(row.overall, locale),
            **marks(row),
        )
        for row in of
    ]


def comparison_lines(by_vendor: dict[str, list[Row]], locale: Locale) -> list[Mrkdwn]:
    """Admins' comparison: per vendor, how many reps, the median overall and each dimension's median."""
    lines = []
    for name, of in sorted(by_vendor.items()):
        medians = {
            key: _median_text(median_of([row.level(d) for row in of]))
            for key, d in zip(LEVEL_KEYS, DIMENSIONS, strict=True)
        }
        overall = median_of([row.overall for row in of])
        lines.append(
            t(
                "reviews.publish.admin_line",
                locale,
                vendor=name or t("reviews.calibration.no_vendor", locale),
                count=len(of),
                overall=overall_text(None if overall is None else overall.quantize(Decimal("0.1")), locale),
                **medians,
            )
        )
    return lines


def _median_text(value: Decimal | None) -> str:
    return NO_DATA if value is None else f"{value:.1f}"


def joined(lines: Sequence[str]) -> Mrkdwn:
    return join("\n", lines)
