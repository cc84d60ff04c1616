"""The digest's chart: the team's cumulative result against the cumulative target, week by week.

Words are left out of the picture on purpose (the message around it carries them, in the reader's
language): ISO week numbers, amounts, a solid line for the result and a dashed one for the target."""

from __future__ import annotations

import io
import math
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")  # no screen: render to memory

from matplotlib import pyplot as plt
from matplotlib.ticker import FuncFormatter

from bot import calendar
from bot.digests.service import Series


def _points(values: list[Decimal]) -> list[float]:
    """The values as floats; one no column should hold (not finite, beyond a float) is left as a gap."""
    points = [float(v) for v in values]
    return [p if math.isfinite(p) else math.nan for p in points]


def _tick(value: float) -> str:
    """An axis label: "12,500", or "1.23e+15" for a value too wide to print whole."""
    return f"{value:,.0f}" if abs(value) < 1e15 else f"{value:.3g}"


def render(series: Series) -> bytes:
    """A small PNG (about 800×400) of the series."""
    figure, axes = plt.subplots(figsize=(8, 4), dpi=100)
    try:
        x = range(len(series.weeks))
        axes.plot(x, _points(series.target), linestyle="--", color="#8a8f98", linewidth=2)
        axes.plot(x, _points(series.result), color="#1f5f4a", linewidth=2.5, marker="o", markersize=3)
        step = max(1, len(series.weeks) // 12)
        axes.set_xticks(list(x)[::step], [f"W{calendar.iso_week_number(w)}" for w in series.weeks][::step])
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _tick(value)))
        axes.set_ylabel(series.unit if series.unit != "count" else "#")
        axes.grid(alpha=0.3)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
