"""The manager review's development action, as a typed link the rest of Pacer can act on: nothing, a
training course, or an incentive (a plan of the recognition and incentives feature), by its id. The text
the manager writes stays beside it (`ManagerReview.development_action`). No Slack.

This package never imports the training or incentives packages. They connect through two hooks:
- `NAMERS[kind]`: how a linked course or incentive is named on the scorecard (`name_of`; without a namer
  the scorecard says "training course #12");
- `CHOOSERS[kind]`: what the manager modal offers to link to (one select of courses and plans, `choices`);
- `ManagerReview.development_kind`/`development_ref` (migration 0014), which they may read, e.g. to assign
  the course to the rep once the review is published (`bot.links.development`, on `ReviewPublished`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.errors import FieldErrors

KIND_FIELD = "development_kind"  # the manager modal's block ids
REF_FIELD = "development_ref"
MAX_REF = 2_147_483_647  # an id is a positive 32-bit integer


class DevelopmentKind(StrEnum):
    NONE = "none"
    TRAINING = "training"  # a training course (the training feature)
    INCENTIVE = "incentive"  # an incentive plan (the recognition and incentives feature)


@dataclass(frozen=True)
class DevelopmentAction:
    """What the development action links to: `kind`, and the id of the course or incentive (None with
    `NONE`, required otherwise)."""

    kind: DevelopmentKind = DevelopmentKind.NONE
    ref_id: int | None = None

    def __post_init__(self) -> None:
        if (self.kind is DevelopmentKind.NONE) != (self.ref_id is None):
            raise ValueError("a development action links to an id exactly when it has a kind")


NONE = DevelopmentAction()
Namer = Callable[[Session, str, int], str | None]  # (session, team_id, id) → its name, None if not found
NAMERS: dict[DevelopmentKind, Namer] = {}  # filled by the features that own courses and incentives
Chooser = Callable[[Session, str, str], list[tuple[int, str]]]  # (session, team_id, locale) → (id, name)s
CHOOSERS: dict[DevelopmentKind, Chooser] = {}  # filled likewise (`bot.links`)
MAX_CHOICES = 45  # per kind: two groups and "nothing" stay under a select's 100 options
CHOICE_SEPARATOR = ":"  # a choice's value: "training:12"


def choices(session: Session, team_id: str, locale: str) -> dict[DevelopmentKind, list[tuple[int, str]]]:
    """What the manager may link the action to, per kind, at most `MAX_CHOICES` each (connected kinds)."""
    return {kind: chooser(session, team_id, locale)[:MAX_CHOICES] for kind, chooser in CHOOSERS.items()}


def choice_value(action: DevelopmentAction) -> str:
    """The select's value of a choice: "none", or the kind and the id ("training:12")."""
    if action.ref_id is None:
        return action.kind.value
    return f"{action.kind.value}{CHOICE_SEPARATOR}{action.ref_id}"


def read_action(values: Mapping[str, str | None]) -> DevelopmentAction | FieldErrors:
    """The choice picked under `REF_FIELD` ("training:12", "none"), or else the kind picked under
    `KIND_FIELD` and the id typed under `REF_FIELD`; field errors for an id that is not a whole number
    from 1, a linked kind without an id, or an id without a kind."""
    chosen = (values.get(REF_FIELD) or "").strip()
    if CHOICE_SEPARATOR in chosen or chosen == DevelopmentKind.NONE.value:
        return _read_choice(chosen)
    picked = (values.get(KIND_FIELD) or DevelopmentKind.NONE.value).strip()
    typed = (values.get(REF_FIELD) or "").strip()
    try:
        kind = DevelopmentKind(picked)
    except ValueError:
        return FieldErrors({KIND_FIELD: "reviews.development.kind_unknown"})
    if typed and not (typed.isascii() and typed.isdigit() and len(typed) < 11 and 0 < int(typed) <= MAX_REF):
        return FieldErrors({REF_FIELD: "reviews.development.ref_number"})
    if kind is DevelopmentKind.NONE:
        return NONE if not typed else FieldErrors({KIND_FIELD: "reviews.development.kind_needed"})
    if not typed:
        return FieldErrors({REF_FIELD: "reviews.development.ref_needed"})
    return DevelopmentAction(kind, int(typed))


def _read_choice(chosen: str) -> DevelopmentAction | FieldErrors:
    """A choice of the select: "none", or "training:12" read as a picked kind and a typed id."""
    if chosen == DevelopmentKind.NONE.value:
        return NONE
    kind_text, _, typed_id = chosen.partition(CHOICE_SEPARATOR)
    return read_action({KIND_FIELD: kind_text, REF_FIELD: typed_id})


def stored(kind: str | None, ref_id: int | None) -> DevelopmentAction:
    """The action kept on a manager review (an unknown or half-kept one reads as none)."""
    try:
        return DevelopmentAction(DevelopmentKind(kind or DevelopmentKind.NONE.value), ref_id)
    except ValueError:
        return NONE


def name_of(session: Session, team_id: str, action: DevelopmentAction) -> str | None:
    """The linked course's or incentive's name, when its feature has connected a namer."""
    namer = NAMERS.get(action.kind)
    return None if namer is None or action.ref_id is None else namer(session, team_id, action.ref_id)
