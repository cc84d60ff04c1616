"""The assignment modal's Block Kit (`/pacer train` alone): the moment it is opened (while the courses are
read), the form (whom, which course, the due date, required, recertify every N days), the modal that says
there is no course yet, and the confirmation both the modal and the text command give. Pure builders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.i18n import Locale, day, t
from bot.slack import blocks, menus
from bot.slack.blocks import Block
from bot.slack.menus import Choice
from bot.text import join
from bot.training.assign_form import TICKED, Field
from bot.training.service import RECERTIFY_MAX, Assigned, TargetKind, TrainRequest

CALLBACK = "training_assign"


@dataclass(frozen=True)
class Offered:
    """What the form offers: the courses by title in the caller's language, the vendors by name (each a
    static list up to Slack's 100 options, else a menu that asks Pacer as the person types: see
    `menus`), and the team a manager picks by default (their own)."""

    courses: list[tuple[int, str]]
    vendors: list[str]
    own_team: str | None  # the caller's user id when they are a manager


def course_choices(courses: list[tuple[int, str]]) -> list[Choice]:
    """The course menu's (label, value): its title, its id."""
    return [(title, str(course_id)) for course_id, title in courses]


def vendor_choices(vendors: list[str]) -> list[Choice]:
    """The vendor menu's (label, value): its name for both (the name is what `/pacer train` takes)."""
    return [(name, name) for name in vendors]


def _f(key: str, locale: Locale, **values: Any) -> str:
    return t(f"training.form.{key}", locale, **values)


def loading(locale: Locale) -> dict[str, Any]:
    """What the modal shows for the moment it takes to read the courses (opened before any slow work)."""
    return {
        "type": "modal",
        "title": blocks.plain(_f("title", locale), 24),
        "close": blocks.plain(_f("cancel", locale), 24),
        "blocks": [blocks.section(_f("loading", locale))],
    }


def unavailable(locale: Locale) -> dict[str, Any]:
    """The courses could not be read (the database failed): close and try again; why is in a message."""
    return loading(locale) | {"blocks": [blocks.section(_f("unavailable", locale))]}


def no_courses(locale: Locale) -> dict[str, Any]:
    return loading(locale) | {"blocks": [blocks.section(t("training.courses.none", locale))]}


def assign_modal(offered: Offered, locale: Locale, *, response_url: str = "") -> dict[str, Any]:
    """The form; a field error keeps it open as it was filled in (Slack keeps the input)."""
    return blocks.modal(
        CALLBACK,
        title=_f("title", locale),
        submit=_f("submit", locale),
        close=_f("cancel", locale),
        body=_whom(offered, locale) + _what(offered, locale),
        metadata={"response_url": response_url},
    )


def _whom(offered: Offered, locale: Locale) -> list[Block]:
    kinds = [k for k in TargetKind if k is not TargetKind.VENDOR or offered.vendors]
    options = [blocks.option(_f(f"kind_{k.value}", locale), k.value) for k in kinds]
    kind = {"type": "radio_buttons", "options": options, "initial_option": options[0]}
    team: dict[str, Any] = {"type": "users_select"}
    team |= {"initial_user": offered.own_team} if offered.own_team else {}
    found = [
        blocks.input_block(Field.KIND, _f("kind", locale), kind, hint=_f("kind_hint", locale)),
        _picker(Field.REP, {"type": "users_select"}, locale),
        _picker(Field.TEAM, team, locale),
    ]
    if offered.vendors:
        found.append(_picker(Field.VENDOR, menus.menu(vendor_choices(offered.vendors)), locale))
    return found


def _picker(field: Field, element: dict[str, Any], locale: Locale) -> Block:
    """A target's picker: optional, as only the one the kind names is needed."""
    return blocks.input_block(
        field, _f(field.value, locale), element, hint=_f(f"{field.value}_hint", locale), optional=True
    )


def _what(offered: Offered, locale: Locale) -> list[Block]:
    courses = menus.menu(course_choices(offered.courses))
    tick = blocks.option(_f("required_option", locale), TICKED)
    required = {"type": "checkboxes", "options": [tick], "initial_options": [tick]}
    recertify = {"type": "number_input", "is_decimal_allowed": False, "min_value": "1"}
    recertify["max_value"] = str(RECERTIFY_MAX)
    return [
        blocks.input_block(Field.COURSE, _f("course", locale), courses),
        blocks.input_block(Field.DUE, _f("due", locale), {"type": "datepicker"}),
        blocks.input_block(Field.REQUIRED, _f("required", locale), required, optional=True),
        blocks.input_block(
            Field.RECERTIFY,
            _f("recertify", locale),
            recertify,
            hint=_f("recertify_hint", locale, max=RECERTIFY_MAX),
            optional=True,
        ),
    ]


def assigned_text(done: Assigned, asked: TrainRequest, locale: Locale) -> str:
    """What `/pacer train` and the modal say once the course is assigned."""
    key = "training.train.done" if asked.required else "training.train.done_optional"
    values = {"course": done.course_title, "new": done.new, "moved": done.moved, "due": day(done.due, locale)}
    text = t(key, locale, **values)
    if asked.recertify_days:
        text = join(" ", [text, t("training.train.recertify", locale, days=asked.recertify_days)])
    return text
