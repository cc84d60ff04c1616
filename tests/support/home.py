"""Reading the Home tab in end-to-end tests: open it as Slack does, and look at its blocks."""

from __future__ import annotations

from typing import Any

from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for


def opened(slack: SlackPeer, emulator: SlackEmulator, user_id: str) -> dict[str, Any]:
    """`user_id` opens their Home tab; the view Pacer published for them."""
    before = len(emulator.calls_to("views.publish"))
    assert (
        slack.event(
            {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home"}
        ).status
        == 200
    )
    calls = wait_for(
        lambda: [c for c in emulator.calls_to("views.publish")[before:] if c.params["user_id"] == user_id],
        what="views.publish",
    )
    assert calls[-1].response["ok"], calls[-1].response
    return dict(emulator.home_tabs[user_id])


def texts(view: dict[str, Any]) -> str:
    """Every section's text and fields, and every context's, one a line."""
    out = []
    for block in view["blocks"]:
        out.append(str(block.get("text", {}).get("text", "")))
        out += [str(cell["text"]) for cell in block.get("fields", [])]
        out += [str(e.get("text", "")) for e in block.get("elements", []) if block["type"] == "context"]
    return "\n".join(out)


def actions(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button of the view: accessories and the elements of actions blocks, in order."""
    out = []
    for block in view["blocks"]:
        if "accessory" in block:
            out.append(block["accessory"])
        if block["type"] == "actions":
            out += block["elements"]
    return out


def row_of(view: dict[str, Any], user_id: str) -> list[dict[str, Any]]:
    """The blocks of a rep's row in a manager's team table: their section and its actions, if any."""
    blocks = view["blocks"]
    for n, block in enumerate(blocks):
        if block["type"] == "section" and block["text"]["text"].split("\n")[0].endswith(f"<@{user_id}>"):
            follows = blocks[n + 1 : n + 2]
            return [
                block,
                *[b for b in follows if b["type"] == "actions" and b["block_id"].startswith("home_rep:")],
            ]
    raise AssertionError(f"no row for {user_id}")


def buttons_of(blocks: list[dict[str, Any]]) -> list[str]:
    return [button["action_id"] for button in actions({"blocks": blocks})]
