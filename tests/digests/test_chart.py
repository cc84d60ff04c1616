"""The digest chart: a PNG of the promised size, a legend in the reader's language, a line per vendor up
to six (the total only beyond), the y-axis from zero, colour never the only cue, Chinese that renders
(no "missing glyph" warning, the CJK font chosen), and the per-vendor series the digest's query gives."""

from __future__ import annotations

import struct
import warnings
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.digests import chart, service
from bot.digests.service import Series
from bot.roster.models import Role, Vendor
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member, rep_with_goal

WEEKS = [date(2026, 9, 7) + timedelta(weeks=n) for n in range(13)]  # ISO weeks 37 to 49
VENDOR_NAMES = ["Acme Sales", "华东外包", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"]


def running(weekly: list[int]) -> list[Decimal]:
    return [Decimal(total) for total in accumulate(weekly)]


def series(vendors: int, *, unit: str = "USD", names: list[str] = VENDOR_NAMES) -> Series:
    """13 weeks: a target of 7,000 a week, and `vendors` vendors whose results add up to the total."""
    by_vendor = {names[n]: running([500 + 100 * n + 10 * week for week in range(13)]) for n in range(vendors)}
    total = [sum((line[week] for line in by_vendor.values()), Decimal(0)) for week in range(13)]
    return Series(unit, WEEKS, running([7000] * 13), total, by_vendor)


@pytest.fixture
def drawn() -> Iterator[list[Axes]]:
    """The axes of each figure a test draws (`chart.draw`), closed afterwards."""
    figures: list[Axes] = []
    yield figures
    for axes in figures:
        plt.close(axes.figure)


def draw(drawn: list[Axes], data: Series, locale: chart.Locale) -> Axes:
    (axes,) = chart.draw(data, locale).axes
    drawn.append(axes)
    return axes


def legend(axes: Axes) -> list[str]:
    found = axes.get_legend()
    assert found is not None
    return [text.get_text() for text in found.get_texts()]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def missing_glyphs(data: Series, locale: chart.Locale) -> tuple[bytes, list[str]]:
    """The PNG, and every "Glyph … missing from font(s)" warning matplotlib gave while drawing it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart.render(data, locale)
    return png, [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_png_of_the_promised_size() -> None:
    png = chart.render(series(3), "en")
    assert png_size(png) == chart.SIZE == (800, 450)


def test_legend_title_and_axes_in_english(drawn: list[Axes]) -> None:
    axes = draw(drawn, series(2), "en")
    assert legend(axes) == [
        "Target, to date",
        "Result, to date",
        "Acme Sales: result to date",
        "华东外包: result to date",
    ]
    assert axes.get_title(loc="left") == "Cumulative to date: result against target"
    assert axes.get_ylabel() == "USD, to date"
    assert [tick.get_text() for tick in axes.get_xticklabels()][:2] == ["W37", "W38"]


def test_legend_title_and_axes_in_chinese(drawn: list[Axes]) -> None:
    axes = draw(drawn, series(1, unit="count"), "zh")
    assert legend(axes) == ["累计目标", "累计结果", "Acme Sales：累计结果"]
    assert axes.get_title(loc="left") == "截至目前的累计：结果对比目标"
    assert axes.get_ylabel() == "累计数量"
    assert [tick.get_text() for tick in axes.get_xticklabels()][-1] == "第49周"


@pytest.mark.parametrize("vendors", [1, 3, 6])
def test_a_line_per_vendor_up_to_six(drawn: list[Axes], vendors: int) -> None:
    axes = draw(drawn, series(vendors), "en")
    assert len(axes.get_lines()) == 2 + vendors  # target, total result, one per vendor
    assert len(legend(axes)) == 2 + vendors
    styles = [(line.get_color(), line.get_linestyle(), line.get_marker()) for line in axes.get_lines()]
    # Colour is never the only cue: no two lines share a line style and marker either.
    assert len({style[1:] for style in styles}) == len(styles)
    assert len({style[0] for style in styles}) == len(styles)
    okabe_ito = {chart.BLACK, chart.ORANGE, chart.SKY_BLUE, chart.GREEN, chart.YELLOW, chart.BLUE}
    assert {style[0] for style in styles} <= okabe_ito | {chart.VERMILLION, chart.PURPLE}


def test_seven_vendors_draw_the_total_only_and_say_so(drawn: list[Axes]) -> None:
    axes = draw(drawn, series(7), "en")
    assert len(axes.get_lines()) == 2
    assert legend(axes) == [
        "Target, to date",
        "Result, to date: all vendors together (a line per vendor only up to 6)",
    ]
    assert legend(draw(drawn, series(7), "zh"))[1] == "累计结果：所有供应商合计（超过 6 家时不按供应商分线）"


def test_no_vendor_at_all_draws_target_and_result_only(drawn: list[Axes]) -> None:
    data = series(0)
    no_vendor = Series(data.unit, data.weeks, data.target, data.target, {"": data.target})
    assert legend(draw(drawn, no_vendor, "en")) == ["Target, to date", "Result, to date"]


def test_reps_without_a_vendor_are_a_line_of_their_own_and_come_last(drawn: list[Axes]) -> None:
    data = series(1)
    with_none = Series(data.unit, data.weeks, data.target, data.result, {"": data.target, **data.vendors})
    assert legend(draw(drawn, with_none, "en"))[2:] == [
        "Acme Sales: result to date",
        "no vendor: result to date",
    ]


def test_the_y_axis_starts_at_zero_and_reads_short(drawn: list[Axes]) -> None:
    axes = draw(drawn, series(2), "en")
    assert axes.get_ylim()[0] == 0
    axes.figure.canvas.draw()
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    assert labels[:3] == ["0", "20K", "40K"]
    chinese = draw(drawn, series(2), "zh")
    chinese.figure.canvas.draw()
    assert [tick.get_text() for tick in chinese.get_yticklabels()][:3] == ["0", "2万", "4万"]


def test_nothing_yet_still_starts_at_zero(drawn: list[Axes]) -> None:
    zeros = [Decimal(0)] * 13
    axes = draw(drawn, Series("count", WEEKS, zeros, zeros, {}), "en")
    assert axes.get_ylim() == (0, 1)


def test_short_amounts() -> None:
    """The axis writes amounts as every summary does (`bot.format.count(..., compact=True)`)."""
    assert [chart.short_amount(v, "en") for v in (0, 750, 2500, 28_150, 1_500_000, 2e9)] == [
        "0",
        "750",
        "2.5K",
        "28.2K",
        "1.5M",
        "2B",
    ]
    assert [chart.short_amount(v, "zh") for v in (0, 5000, 28_150, 150_000_000)] == [
        "0",
        "5,000",
        "2.8万",
        "1.5亿",
    ]
    assert chart.short_amount(-12_500, "en") == "-12.5K"
    assert chart.short_amount(float("nan"), "en") == ""


def test_a_vendors_name_is_shown_as_typed(drawn: list[Axes]) -> None:
    """Not as mathtext ($…$), not hidden from the legend (a leading "_"), not escaped for mrkdwn."""
    names = ["$5 & <up> $10", "_hidden"]
    labels = legend(draw(drawn, series(2, names=names), "en"))
    assert labels[2:] == [r"\$5 & <up> \$10: result to date", "_hidden: result to date"]
    png = chart.render(series(2, names=names), "en")  # draws without a mathtext error
    assert png_size(png) == chart.SIZE


def test_chinese_renders_with_the_cjk_font() -> None:
    family = chart.cjk_family()
    assert family in chart.CJK_FAMILIES, "no CJK font: install fonts-wqy-microhei (.ci/run does)"
    assert chart.font_families("zh")[0] == family
    figure = chart.draw(series(2), "zh")
    try:
        title = figure.axes[0].title
        assert title.get_fontfamily()[0] == family
        used = Path(font_manager.findfont(title.get_fontproperties(), fallback_to_default=False))
        assert any(
            font.fname == str(used) and font.name == family for font in font_manager.fontManager.ttflist
        )
    finally:
        plt.close(figure)
    png, missing = missing_glyphs(series(2), "zh")
    assert missing == [] and png_size(png) == chart.SIZE


def test_a_chinese_vendor_name_renders_in_an_english_chart() -> None:
    assert chart.font_families("en")[0] == chart.LATIN_FAMILY
    _png, missing = missing_glyphs(series(2), "en")  # "华东外包" is the second vendor
    assert missing == []


def test_without_a_cjk_font_the_chart_is_still_drawn_and_the_warning_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the two tests above guard against, so they can fail: DejaVu alone has no Chinese glyphs."""
    monkeypatch.setattr(chart, "font_families", lambda _locale: [chart.LATIN_FAMILY])
    png, missing = missing_glyphs(series(2), "zh")
    assert png_size(png) == chart.SIZE
    assert missing and all("DejaVu Sans" in message for message in missing)


def test_the_series_carries_the_result_per_vendor(session: Session) -> None:
    """From the same grouped query as the total: vendor lines add up to it, reps without a vendor as ""."""
    ensure_workspace(session, TEAM)
    boss = member(session, "UBOSS", role=Role.MANAGER)
    acme = Vendor(team_id=TEAM, name="Acme", name_key="acme")
    session.add(acme)
    session.flush()
    first, second = date(2026, 11, 23), date(2026, 11, 30)
    done = Confidence.ON_TRACK
    rep_with_goal(
        session,
        "UA",
        boss,
        acme,
        {first: 10, second: 10},
        {first: (4, done, False, ""), second: (6, done, False, "")},
    )
    rep_with_goal(session, "UB", boss, acme, {first: 10, second: 10}, {second: (5, done, False, "")})
    rep_with_goal(session, "UC", boss, None, {first: 10, second: 10}, {first: (3, done, False, "")})
    data = service.cumulative(session, service.Scope(TEAM), second)
    assert data is not None
    assert (data.weeks, data.target, data.result) == ([first, second], [30, 60], [7, 18])
    assert data.vendors == {"Acme": [4, 15], "": [3, 3]}


@pytest.fixture
def fresh_font_search() -> Iterator[None]:
    """`cjk_family` looks again in this test, and again after it (with the real font list back)."""
    chart.cjk_family.cache_clear()
    yield
    chart.cjk_family.cache_clear()


def test_a_cjk_font_installed_after_matplotlib_cached_its_list_is_found(
    monkeypatch: pytest.MonkeyPatch, fresh_font_search: None
) -> None:
    cached = [font for font in font_manager.fontManager.ttflist if font.name not in chart.CJK_FAMILIES]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", cached)
    assert chart.cjk_family() in chart.CJK_FAMILIES  # found on the system and added


def test_without_any_cjk_font_it_says_so_once_and_falls_back_to_dejavu(
    monkeypatch: pytest.MonkeyPatch, fresh_font_search: None, caplog: pytest.LogCaptureFixture
) -> None:
    cached = [font for font in font_manager.fontManager.ttflist if font.name not in chart.CJK_FAMILIES]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", cached)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    assert chart.font_families("zh") == chart.font_families("en") == [chart.LATIN_FAMILY]
    assert [r.message for r in caplog.records if "CJK" in r.message] == [
        "No CJK font found (install fonts-wqy-microhei): Chinese in charts shows as boxes"
    ]
