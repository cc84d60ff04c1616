"""The assembler of pages from sections: one header, a divider between sections, every budget kept."""

from __future__ import annotations

from bot.slack import blocks
from bot.slack.sections import Section, assemble, within


def _lines(prefix: str, count: int) -> list[blocks.Block]:
    return [blocks.section(f"{prefix}{n}") for n in range(count)]


def test_a_section_over_its_budget_ends_with_more() -> None:
    cut = within(_lines("x", 5), 3, "en")
    assert [b["type"] for b in cut] == ["section", "section", "context"]
    assert cut[-1]["elements"][0]["text"] == "more…"
    assert within(_lines("x", 3), 3, "zh") == _lines("x", 3)


def test_the_first_title_heads_the_page_and_empty_sections_leave_no_trace() -> None:
    sections = [
        Section[str]("a", budget=2, build=lambda c: _lines("a", 1), title=lambda c: f"A {c}"),
        Section[str]("empty", budget=5, build=lambda c: [], title=lambda c: "never shown"),
        Section[str]("b", budget=2, build=lambda c: _lines("b", 4), title=lambda c: "dropped"),
    ]
    body = assemble(sections, "ctx", limit=100, locale="en")
    assert [b["type"] for b in body] == ["header", "section", "divider", "section", "context"]
    assert body[0]["text"]["text"] == "A ctx"


def test_the_page_limit_holds_whatever_the_budgets() -> None:
    sections = [Section[None](str(n), budget=40, build=lambda c: _lines("x", 40)) for n in range(3)]
    body = assemble(sections, None, limit=50, locale="zh")
    assert len(body) == 50 and body[-1]["elements"][0]["text"] == "更多…"
