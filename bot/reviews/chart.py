"""A scorecard's chart: the four dimensions and the overall, the rep's level against their team's and
their vendor's medians, as grouped bars on a 1–5 scale. It reuses the digest chart's fonts (a CJK font
for Chinese) and the Okabe–Ito colours; each series also has its own hatching, so colour is never the
only cue. A missing level or median is left out (no bar), never drawn as 0."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from matplotlib import pyplot as plt

from bot.digests.chart import BLUE, DPI, ORANGE, SIZE, SKY_BLUE, font_families
from bot.i18n import Locale, t
from bot.reviews.models import DIMENSIONS
from bot.text import unescape

Values = Sequence[Decimal | int | None]
STYLES = ((BLUE, ""), (ORANGE, "//"), (SKY_BLUE, ".."))


@dataclass(frozen=True)
class Bars:
    """Five values each (the four dimensions, then the overall)."""

    rep: Values
    team: Values
    vendor: Values


def _text(key: str, locale: Locale, **values: object) -> str:
    return unescape(t(key, locale, **values)).replace("$", r"\$")


def _points(values: Values) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def render(bars: Bars, quarter: str, locale: Locale) -> bytes:
    """The chart as a PNG of the digest chart's size."""
    with plt.rc_context({"font.family": font_families(locale)}):
        figure, axes = plt.subplots(figsize=(SIZE[0] / DPI, SIZE[1] / DPI), dpi=DPI)
        try:
            labels = [_text(f"reviews.dimension_{d.value}", locale) for d in DIMENSIONS]
            labels.append(_text("reviews.publish.chart_overall", locale))
            names = ("chart_rep", "chart_team", "chart_vendor")
            width = 0.26
            for n, (values, (colour, hatch), name) in enumerate(
                zip((bars.rep, bars.team, bars.vendor), STYLES, names, strict=True)
            ):
                x = [i + (n - 1) * width for i in range(len(labels))]
                axes.bar(
                    x,
                    _points(values),
                    width,
                    color=colour,
                    hatch=hatch,
                    edgecolor="#000000",
                    linewidth=0.6,
                    label=_text(f"reviews.publish.{name}", locale),
                )
            axes.set_xticks(range(len(labels)), labels, fontsize=9)
            axes.set_ylim(0, 6.2)  # room above level 5 for the legend, in one row
            axes.set_yticks(range(6))
            axes.set_ylabel(_text("reviews.publish.chart_level", locale))
            axes.set_title(
                _text("reviews.publish.chart_title", locale, quarter=quarter), fontsize=12, loc="left"
            )
            axes.legend(loc="upper center", ncols=3, fontsize=9, framealpha=0.9)
            axes.grid(axis="y", alpha=0.3)
            figure.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.1)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
            return buffer.getvalue()
        finally:
            plt.close(figure)
