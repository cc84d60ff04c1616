"""The digest's chart: the cumulative result against the cumulative target, week by week, with a line per
vendor when there are at most `MAX_VENDORS` of them. Labels in the reader's language (the channel's
workspace), amounts in short form, the y-axis from zero. Colour is never the only cue: the Okabe–Ito
palette (safe for the common colour-vision deficiencies) plus a line style and a marker per line.

Chinese needs a CJK font (matplotlib's DejaVu has no CJK glyphs): `cjk_family` finds one installed on
the system (`.ci/run` and the Dockerfile install Debian's `fonts-wqy-microhei`). Without one the chart is
still drawn, with a warning in the log, and Chinese shows as empty boxes."""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen: render to memory

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot import calendar
from bot.digests.service import Series
from bot.format import count
from bot.i18n import Locale, t
from bot.text import one_line, unescape

log = logging.getLogger(__name__)

SIZE = (800, 450)  # pixels
DPI = 100
MAX_VENDORS = 6  # more than this: the total only (the legend says so)
VENDOR_NAME_MAX = 24

# Okabe & Ito, "Color Universal Design" (2008): told apart with protanopia, deuteranopia, tritanopia.
BLACK, ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
# Per vendor: a colour, a line style and a marker, each different from the others and from the
# target (black, dashed, no marker) and the total (blue, solid, circles).
VENDOR_STYLES = (
    (ORANGE, "-.", "s"),
    (SKY_BLUE, ":", "^"),
    (GREEN, (0, (5, 1)), "D"),
    (VERMILLION, (0, (3, 1, 1, 1, 1, 1)), "v"),
    (PURPLE, (0, (1, 1)), "P"),
    (YELLOW, (0, (8, 2)), "X"),
)

# Families with Simplified Chinese glyphs, best first: Debian's fonts-noto-cjk, fonts-wqy-microhei,
# fonts-wqy-zenhei, Adobe's Source Han Sans, Android's Droid Sans Fallback.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK JP",
    "Droid Sans Fallback",
)
_CJK_FILE_HINTS = ("cjk", "wqy", "sourcehansans", "droidsansfallback", "notosanssc")
LATIN_FAMILY = "DejaVu Sans"  # matplotlib's own, always there


@cache
def cjk_family() -> str | None:
    """The installed CJK font family matplotlib will use, or None (logged once) when there is none."""
    found = _known_cjk()
    if found is None:  # installed after matplotlib cached its font list: look on the system once more
        for path in font_manager.findSystemFonts():
            if any(hint in Path(path).name.lower().replace("-", "") for hint in _CJK_FILE_HINTS):
                font_manager.fontManager.addfont(path)
        found = _known_cjk()
    if found is None:
        log.warning("No CJK font found (install fonts-wqy-microhei): Chinese in charts shows as boxes")
    return found


def _known_cjk() -> str | None:
    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


def font_families(locale: Locale) -> list[str]:
    """The font list, per glyph the first that has it: the reader's script first, the other as fallback
    (a vendor's name may be Chinese in an English workspace, and digits Latin in a Chinese one)."""
    cjk = cjk_family()
    if cjk is None:
        return [LATIN_FAMILY]
    return [cjk, LATIN_FAMILY] if locale == "zh" else [LATIN_FAMILY, cjk]


def short_amount(value: float, locale: Locale) -> str:
    """An axis amount in short form, as every summary writes it: "28K", "1.5M" / "2.8万", "1.2亿"."""
    if not math.isfinite(value):
        return ""
    return count(Decimal(str(float(value))), locale, compact=True)


def _text(key: str, locale: Locale, **values: object) -> str:
    """A catalog message as the chart shows it: plain text, with `$` kept literal (not mathtext)."""
    return unescape(t(key, locale, **values)).replace("$", r"\$")


def _points(values: list[Decimal]) -> list[float]:
    """The values as floats; one no column should hold (not finite, beyond a float) is left as a gap."""
    points = [float(v) for v in values]
    return [p if math.isfinite(p) else math.nan for p in points]


def _unit(series: Series, locale: Locale) -> str:
    return (
        _text("chart.count", locale)
        if series.unit == "count"
        else _text("chart.unit", locale, unit=one_line(series.unit))
    )


def _vendor_name(name: str, locale: Locale) -> str:
    return one_line(name, VENDOR_NAME_MAX) or unescape(t("team.no_vendor", locale))


def _vendors_in_order(series: Series) -> list[tuple[str, list[Decimal]]]:
    """By name, reps without a vendor last."""
    return sorted(series.vendors.items(), key=lambda item: (item[0] == "", item[0].casefold()))


def _per_vendor(series: Series) -> bool:
    """A line per vendor: when there are 1 to MAX_VENDORS of them (reps without one count as one more)."""
    return 0 < len(series.vendors) <= MAX_VENDORS and set(series.vendors) != {""}


def _draw_lines(axes: Axes, series: Series, locale: Locale) -> None:
    x = range(len(series.weeks))
    too_many = len(series.vendors) > MAX_VENDORS
    result_label = _text("chart.total_only" if too_many else "chart.result", locale, max=MAX_VENDORS)
    axes.plot(x, _points(series.target), color=BLACK, linestyle="--", linewidth=2, label="target")
    axes.plot(x, _points(series.result), color=BLUE, linewidth=2.5, marker="o", markersize=4, label="result")
    labels = [_text("chart.target", locale), result_label]
    if _per_vendor(series):
        for (name, values), (colour, style, marker) in zip(
            _vendors_in_order(series), VENDOR_STYLES, strict=False
        ):
            axes.plot(
                x,
                _points(values),
                color=colour,
                linestyle=style,
                linewidth=1.6,
                marker=marker,
                markersize=5,
                markeredgecolor=BLACK,
                markeredgewidth=0.5,
                label="vendor",
            )
            labels.append(_text("chart.vendor", locale, vendor=_vendor_name(name, locale)))
    # Labels given explicitly: matplotlib would hide a vendor whose name starts with "_".
    axes.legend(axes.get_lines(), labels, loc="upper left", fontsize=9, framealpha=0.9)


def _draw_axes(axes: Axes, series: Series, locale: Locale) -> None:
    x = list(range(len(series.weeks)))
    step = max(1, len(series.weeks) // 12)
    weeks = [_text("chart.week", locale, number=calendar.iso_week_number(w)) for w in series.weeks]
    axes.set_xticks(x[::step], weeks[::step])
    lines = [series.target, series.result, *series.vendors.values()]
    everything = [p for line in lines for p in _points(line) if math.isfinite(p)]
    low, high = min([0.0, *everything]), max([0.0, *everything])
    axes.set_ylim(low, high * 1.05 if high > 0 else 1)  # from zero (lower only if a figure is negative)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: short_amount(value, locale)))
    axes.set_ylabel(_unit(series, locale))
    axes.set_title(_text("chart.title", locale), fontsize=12, loc="left")
    axes.grid(alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


@contextmanager
def _fonts(locale: Locale) -> Iterator[None]:
    with plt.rc_context({"font.family": font_families(locale)}):
        yield


def draw(series: Series, locale: Locale) -> Figure:
    """The chart as a matplotlib figure (the caller closes it: `plt.close(figure)`)."""
    with _fonts(locale):
        figure, axes = plt.subplots(figsize=(SIZE[0] / DPI, SIZE[1] / DPI), dpi=DPI)
        _draw_lines(axes, series, locale)
        _draw_axes(axes, series, locale)
        figure.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.09)  # fixed: no layout pass
    return figure


def render(series: Series, locale: Locale) -> bytes:
    """The chart as a PNG of `SIZE` pixels."""
    figure = draw(series, locale)
    try:
        buffer = io.BytesIO()
        with _fonts(locale):
            figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
