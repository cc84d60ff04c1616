"""The assignment modal's check, as plain values: every wrong field at once, under its own block, by the rules
`/pacer train`'s words follow; and the modal inside Slack's limits in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import Invalid
from bot.i18n import Locale
from bot.training.assign_form import TICKED, TrainAnswers, TrainForm, check
from bot.training.assign_views import Offered, assign_modal, loading, no_courses
from bot.training.service import RECERTIFY_MAX, TargetKind
from tests.support.block_kit import SlackError, validate_view

TODAY = date(2026, 12, 7)
GOOD = TrainForm(kind="rep", rep="UREP", course="12", due="2026-12-31", required=TICKED)


def keys(found: object) -> dict[str, str]:
    assert isinstance(found, dict)
    return {field: error.key if isinstance(error, Invalid) else error for field, error in found.items()}


def test_good_answers() -> None:
    assert check(GOOD, today=TODAY) == TrainAnswers(
        TargetKind.REP, "UREP", 12, date(2026, 12, 31), True, None
    )
    optional = TrainForm(kind="everyone", course="3", due="2026-12-07", recertify="365")
    assert check(optional, today=TODAY) == TrainAnswers(
        TargetKind.EVERYONE, "", 3, TODAY, False, 365
    )  # due today is fine; unticked: optional
    team = TrainForm(kind="team", team="UBOSS", vendor="Acme", course="3", due="2027-01-04")
    assert check(team, today=TODAY) == TrainAnswers(
        TargetKind.TEAM, "UBOSS", 3, date(2027, 1, 4), False, None
    )


def test_every_wrong_field_at_once_under_its_own_block() -> None:
    found = check(TrainForm(kind="rep", course=None, due="2026-12-06", recertify="0"), today=TODAY)
    assert keys(found) == {
        "rep": "training.form.pick_rep",
        "course": "training.form.pick_course",
        "due": "training.errors.past_due",
        "recertify": "training.errors.bad_recertify",
    }
    assert keys(check(TrainForm(kind="vendor", course="1"), today=TODAY)) == {
        "vendor": "training.form.pick_vendor",
        "due": "training.form.pick_due",
    }
    assert keys(check(TrainForm(kind="team", course="x", due="2029-01-01"), today=TODAY)) == {
        "team": "training.form.pick_team",
        "course": "training.form.pick_course",
        "due": "training.errors.far_due",
    }


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"kind": None}, "kind", "training.form.pick_kind"),
        ({"kind": "nobody"}, "kind", "training.form.pick_kind"),
        ({"course": "٣"}, "course", "training.form.pick_course"),
        ({"course": "9" * 30}, "course", "training.form.pick_course"),
        ({"due": "31/12/2026"}, "due", "training.errors.bad_date"),
        ({"recertify": str(RECERTIFY_MAX + 1)}, "recertify", "training.errors.bad_recertify"),
        ({"recertify": "1.5"}, "recertify", "training.errors.bad_recertify"),
        ({"recertify": "-3"}, "recertify", "training.errors.bad_recertify"),
    ],
)
def test_one_wrong_field(change: dict[str, str | None], field: str, key: str) -> None:
    answers = {**GOOD.__dict__, **change}
    assert keys(check(TrainForm(**answers), today=TODAY)) == {field: key}


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_modals_stay_inside_slacks_limits(locale: Locale) -> None:
    courses = [(n, f"Course {n} " + "x" * 200) for n in range(1, 101)]
    offered = Offered(courses, ["Acme", "Beta"], "UBOSS")
    view = assign_modal(offered, locale, response_url="https://hooks.slack.com/x")
    validate_view(view, "modal")
    validate_view(loading(locale), "modal")
    validate_view(no_courses(locale), "modal")
    course = next(b for b in view["blocks"] if b["block_id"] == "course")
    assert course["element"]["type"] == "static_select" and len(course["element"]["options"]) == 100
    assert course["element"]["options"][0]["text"]["text"] == "Course 1 " + "x" * 65 + "…"  # 75 at most
    assert "hint" not in course
    team = next(b for b in view["blocks"] if b["block_id"] == "team")
    assert team["element"]["initial_user"] == "UBOSS"


def test_past_100_courses_or_vendors_the_menu_asks_as_the_person_types() -> None:
    """Slack refuses a static select of 101 options: past 100, an external select (options on request)."""
    courses = [(n, f"Course {n:03d}") for n in range(101)]
    vendors = [f"Vendor {n:03d}" for n in range(101)]
    view = assign_modal(Offered(courses, vendors, None), "en")
    validate_view(view, "modal")
    for block_id in ("course", "vendor"):
        element = next(b for b in view["blocks"] if b["block_id"] == block_id)["element"]
        assert element == {"type": "external_select", "min_query_length": 0, "action_id": "value"}
    view = assign_modal(Offered(courses[:100], vendors[:100], None), "en")
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert kinds["course"] == kinds["vendor"] == "static_select"
    with pytest.raises(SlackError, match="at most 100 options"):  # what the emulator, as Slack, refuses
        validate_view(view | {"blocks": [_static(101)]}, "modal")


def _static(count: int) -> dict[str, object]:
    options = [{"text": {"type": "plain_text", "text": str(n)}, "value": str(n)} for n in range(count)]
    element = {"type": "static_select", "action_id": "value", "options": options}
    return {
        "type": "input",
        "block_id": "course",
        "label": {"type": "plain_text", "text": "C"},
        "element": element,
    }


def test_no_vendor_no_vendor_choice() -> None:
    view = assign_modal(Offered([(1, "Product basics")], [], None), "en")
    kinds = next(b for b in view["blocks"] if b["block_id"] == "kind")["element"]["options"]
    assert [o["value"] for o in kinds] == ["rep", "team", "everyone"]
    assert all(b["block_id"] != "vendor" for b in view["blocks"])
    course = next(b for b in view["blocks"] if b["block_id"] == "course")
    assert "hint" not in course
