"""Menus of any length (`bot.slack.menus`): static up to Slack's 100 options, external past that, and the
options an external one is answered with, as plain values."""

from __future__ import annotations

from bot.i18n import t
from bot.slack.menus import OPTIONS_MAX, matching, menu


def test_static_up_to_100_external_past_that() -> None:
    choices = [(f"Choice {n:03d}", str(n)) for n in range(OPTIONS_MAX + 1)]
    static = menu(choices[:OPTIONS_MAX], initial=choices[0])
    assert static["type"] == "static_select" and len(static["options"]) == OPTIONS_MAX
    assert static["initial_option"] == static["options"][0]
    external = menu(choices, initial=choices[0], min_query_length=1)
    assert external == {
        "type": "external_select",
        "min_query_length": 1,
        "initial_option": static["options"][0],
    }


def test_matching_ignores_case_and_keeps_the_order_and_at_most_100() -> None:
    choices = [(f"Course {n:03d}", str(n)) for n in range(250)]
    assert [o["value"] for o in matching(choices, "")] == [str(n) for n in range(100)]
    assert [o["value"] for o in matching(choices, " COURSE 24")] == [str(n) for n in range(240, 250)]
    assert matching(choices, "nothing like it") == []


def test_labels_show_as_typed_on_one_line_within_75_characters() -> None:
    """Pacer's own text (escaped for mrkdwn) is shown unescaped, a person's text as typed: an option is
    plain text, never read as mrkdwn; the whole label is searched, not only the 75 characters shown."""
    label = t("exports.scope.vendor", "en", name="<!channel> & Sons\nLtd " + "x" * 100 + " tail")
    [found] = matching([(label, "vendor:7")], "& sons")
    assert found["text"]["text"].startswith("<!channel> & Sons Ltd xxx")
    assert len(found["text"]["text"]) == 75 and found["text"]["text"].endswith("…")
    assert matching([(label, "vendor:7")], "TAIL's reps") == [found]
    assert matching([(label, "vendor:7")], "sons  ltd") == [found]  # the line break shown as a space
