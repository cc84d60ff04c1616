"""`/pacer incentives` for a manager or admin with many plans: a Slack message holds 50 blocks, so the
plans are shown whole while they fit (none without its Approve button) and a last line says how many
are left out, instead of cutting the later plans' Approve buttons silently."""

from __future__ import annotations

from bot.incentives.handlers import whole_plans
from bot.slack import blocks


def _plan(n: int, *, computed: bool) -> list[blocks.Block]:
    body = [blocks.section(f"plan {n} part {k}") for k in range(6)]
    return [*body, {"type": "actions", "block_id": f"incentives_approve_{n}"}] if computed else body


def test_many_plans_are_shown_whole_with_a_line_for_the_rest() -> None:
    plans = [_plan(n, computed=False) for n in range(10)] + [_plan(n, computed=True) for n in range(10, 20)]
    shown = whole_plans(plans, blocks.MESSAGE_BLOCKS_MAX - 1, "en")
    assert len(shown) <= blocks.MESSAGE_BLOCKS_MAX - 1
    whole = sum(1 for b in shown if b["type"] == "section" and "part 0" in b["text"]["text"])
    assert whole == 8 and all(b["type"] != "actions" for b in shown)  # 8 running plans of 6 blocks
    assert shown[-1]["type"] == "context" and "12 more plans" in str(shown[-1])
    assert "Approve" in str(shown[-1])


def test_plans_that_fit_are_shown_without_a_note() -> None:
    plans = [_plan(1, computed=False), _plan(2, computed=True)]
    shown = whole_plans(plans, blocks.MESSAGE_BLOCKS_MAX - 1, "zh")
    assert len(shown) == 13 and shown[-1]["type"] == "actions"
