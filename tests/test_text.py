"""User text is inert in mrkdwn: escaping, what is marked Pacer's own, one-line display, and the block
builders and t() that apply them by default."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import Locale, catalog, placeholders, t
from bot.slack import blocks
from bot.text import (
    Mrkdwn,
    cap,
    channel_mention,
    escape,
    join,
    lines,
    mention,
    one_line,
    quoted,
    render,
    safe_mention,
    unescape,
)
from tests.support.mrkdwn import find_unsafe, unsafe_in_emulator
from tests.support.slack_emulator import ApiCall, SlackEmulator

HOSTILE = "<!channel> <@U999|ceo> <https://evil.example|log in> & &lt;!here&gt;"
LONE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


@settings(max_examples=300, derandomize=True)
@given(st.text())
def test_escaped_text_has_no_angle_brackets_and_only_entity_ampersands(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped
    assert ">" not in escaped
    assert not LONE_AMPERSAND.search(escaped)
    assert unescape(escaped) == text


@settings(max_examples=200, derandomize=True)
@given(st.text(), st.text())
def test_render_and_join_escape_every_value_but_keep_pacers_own(first: str, second: str) -> None:
    rendered = render("{a} · {b} · {who}", a=first, b=second, who=mention("U123"))
    assert find_unsafe(rendered, users={"U123"}) == []
    assert rendered.endswith(" · <@U123>")
    joined = join(", ", [first, mention("U123"), second])
    assert find_unsafe(joined, users={"U123"}) == []
    assert isinstance(rendered, Mrkdwn)
    assert isinstance(joined, Mrkdwn)


def test_escape_leaves_mrkdwn_as_it_is_and_escapes_the_rest_once() -> None:
    assert escape(HOSTILE) == (
        "&lt;!channel&gt; &lt;@U999|ceo&gt; &lt;https://evil.example|log in&gt; &amp; &amp;lt;!here&amp;gt;"
    )
    assert escape(escape(HOSTILE)) == escape(HOSTILE)  # already Mrkdwn: never escaped twice
    assert escape(mention("U1")) == "<@U1>"
    assert escape(42) == "42"


def test_t_escapes_its_values_and_returns_mrkdwn() -> None:
    text = t("goal.agreed", "en", title=HOSTILE)
    assert isinstance(text, Mrkdwn)
    assert "&lt;!channel&gt;" in text
    assert "<!channel>" not in text
    # A translated fragment passed into another t() is Pacer's own: not escaped twice.
    nested = t("help.title", "en", role=t("role.manager", "en"))
    assert "&amp;" not in nested
    assert t("team.added", "en", reps=mention("U1"), manager="U2", count=1).startswith("Added <@U1>")


def test_mentions_and_channels_accept_only_slack_ids() -> None:
    assert mention("U0REP1") == "<@U0REP1>"
    assert channel_mention("C0DIGEST") == "<#C0DIGEST>"
    for bad in ("U1>|x", "u1", "U1|ceo", "", "C1", "!channel"):
        with pytest.raises(ValueError, match="not a Slack user id"):
            mention(bad)
    for bad in ("C1> <!channel", "U1", ""):
        with pytest.raises(ValueError, match="not a Slack channel id"):
            channel_mention(bad)


def test_a_stored_id_that_is_no_longer_a_slack_id_is_shown_as_text() -> None:
    """`pacer erase` leaves "X12" where a Slack id was: a listing shows it rather than failing."""
    assert safe_mention("U0REP1") == "<@U0REP1>"
    assert safe_mention("X12") == "X12"
    assert safe_mention("U1><!channel>") == "U1&gt;&lt;!channel&gt;"


def test_one_line_collapses_every_line_separator_and_caps_with_an_ellipsis() -> None:
    assert one_line("*bold*\n\n\nnewlines") == "*bold* newlines"
    assert one_line("a\r\nb\u2028c\u2029d\x0be\x0cf\x85g\tx  y") == "a b c d e f g x y"
    assert one_line(None) == ""
    assert one_line("x" * 500) == "x" * 199 + "…"
    assert len(one_line("x" * 500, 80)) == 80
    assert one_line("\u200fשלום عربي 你好 🎉") == "\u200fשלום عربي 你好 🎉"  # readable, only inert
    assert (
        one_line("\u202eevil\u202c \u2067x\u2069") == "evil x"
    )  # no override reorders Pacer's text after it


def test_lines_cap_each_line_and_their_number() -> None:
    assert lines("one\n\n two \nthree") == ["one", "two", "three"]
    assert lines("y" * 1000) == ["y" * 299 + "…"]
    many = lines("\n".join(str(n) for n in range(100)), max_lines=5)
    assert many == ["0", "1", "2", "3", "…"]
    assert quoted("<!here>\nsecond") == "> &lt;!here&gt;\n> second"
    assert quoted("") == ""


@settings(max_examples=300, derandomize=True)
@given(st.text(), st.integers(min_value=1, max_value=400))
def test_one_line_is_one_line_and_inside_its_cap(text: str, limit: int) -> None:
    line = one_line(text, limit)
    assert len(line) <= limit
    assert line.splitlines() in ([line], [])


def test_cap_never_leaves_half_an_escape() -> None:
    assert cap(escape("ab<"), 4) == "ab"
    assert cap(escape("ab<"), 6) == "ab&lt;"
    assert cap("plain text&", 11) == "plain text&"


def test_block_builders_escape_user_text_in_mrkdwn_and_show_plain_text_as_typed() -> None:
    assert blocks.section(HOSTILE)["text"]["text"].startswith("&lt;!channel&gt;")
    assert blocks.context(HOSTILE)["elements"][0]["text"].startswith("&lt;!channel&gt;")
    assert blocks.message(HOSTILE)["text"].startswith("&lt;!channel&gt;")
    assert blocks.section(mention("U1"))["text"]["text"] == "<@U1>"
    packed = blocks.sections_from_lines([HOSTILE, mention("U1")], max_blocks=5)
    assert find_unsafe(packed[0]["text"]["text"], users={"U1"}) == []
    # plain_text shows entities literally, so it is never escaped: a person's text and a t() value as typed.
    assert blocks.header("Q4 <goal> & more")["text"]["text"] == "Q4 <goal> & more"
    assert (
        blocks.option(t("feedback.give_to", "en", name="A & B"), "1")["text"]["text"]
        == "Give feedback: A & B"
    )
    assert blocks.button("x", t("feedback.give_to", "en", name="<x>"))["text"]["text"] == "Give feedback: <x>"
    assert len(blocks.option("z" * 500, "1")["text"]["text"]) == 75
    # A text field shows what was typed (plain), never more than it takes: Slack refuses the view otherwise.
    assert (
        blocks.text_input("<!here> & " + "w" * 5000, max_length=80)["initial_value"]
        == "<!here> & " + "w" * 70
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("<!channel>", ["<!channel>"]),
        ("hi <!subteam^S123|@sales>", ["<!subteam^S123|@sales>"]),
        ("<https://evil.example|Slack: log in again>", ["<https://evil.example|Slack: log in again>"]),
        ("<mailto:a@b.c>", ["<mailto:a@b.c>"]),
        ("<@U999|ceo> <@U1>", ["<@U999|ceo>"]),
        ("<#C999> <#C1>", ["<#C999>"]),
        ("&lt;!channel&gt; <@U1> <#C1>", []),
    ],
)
def test_the_checker_finds_what_pacer_did_not_put_there(text: str, found: list[str]) -> None:
    assert find_unsafe(text, users={"U1"}, channels={"C1"}) == found


CATALOG_HOSTILE = (
    "<!channel>",
    "<!subteam^S123|@sales>",
    "U1>|<!here",
    "<@U999|ceo>",
    "C1> <https://evil.example|log in",
    "&lt;!everyone&gt;",
    "*bold*\n\n\nnewlines",
)


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("hostile", CATALOG_HOSTILE)
def test_no_catalog_message_lets_a_value_ping_mention_or_link(locale: Locale, hostile: str) -> None:
    """Every message with placeholders, each filled with hostile text: nothing Slack would act on, and
    every value still readable (escaped once). Ids in `<@{…}>` / `<#{…}>` that aren't ids become text."""
    checked = 0
    for key, message in catalog(locale).items():
        names = placeholders(message)
        if not names:
            continue
        text = t(key, locale, **dict.fromkeys(names, hostile))
        assert find_unsafe(text) == [], (key, text)
        assert one_line(hostile) in one_line(unescape(text)) or hostile in unescape(text), (key, text)
        checked += 1
    assert checked > 100


def test_the_checker_scans_every_recorded_message_view_and_response() -> None:
    emulator = SlackEmulator()
    emulator.add_user("U1", name="one")
    safe = blocks.message(t("team.removed", "en", user="U1"), [blocks.section(mention("U1"))])
    emulator.calls.append(ApiCall("chat.postMessage", {"channel": "C0GENERAL", **safe}, None, 200, {}))
    assert unsafe_in_emulator(emulator) == []
    raw = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi <!here>"}}]}
    emulator.calls.append(ApiCall("views.publish", {"user_id": "U1", "view": raw}, None, 200, {}))
    emulator.calls.append(
        ApiCall("chat.update", {"channel": "C1", "text": "<@U2>", "link_names": True}, None, 200, {})
    )
    emulator.responses.append(("http://x/response/7/abc", {"text": "<https://evil.example|x>"}))
    plain_only = {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "<!here>"}}]}
    emulator.calls.append(ApiCall("views.open", {"view": plain_only}, None, 200, {}))  # plain_text: inert
    found = sorted((f.where.split(" ")[0], f.span) for f in unsafe_in_emulator(emulator))
    assert found == [
        ("chat.update", "<@U2>"),
        ("chat.update", "link_names/parse=full"),
        ("response", "<https://evil.example|x>"),
        ("views.publish", "<!here>"),
    ]
