"""What a kudos says, read from the words of `/pacer kudos` or the modal, and the rules against gaming as
pure functions of the month's figures. No Slack, no database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import Invalid
from bot.recognition.models import Hold
from bot.recognition.settings import VALUE, RecognitionConfig

DEFAULT_POINTS = 10  # when the giver names none
REASON_MAX = 500
VALUES_PER_KUDOS = 3
PRIVATE_WORDS = frozenset({"private", "私下", "私密"})
NUMBER = re.compile(r"^[+-]?\d+$")  # a number in any script: points must then be ASCII digits
ASCII_NUMBER = re.compile(r"^[+-]?[0-9]+$")
CHANNEL_TAG = re.compile(r"^<#C[A-Z0-9]+\|([^>]*)>$")  # "#teamwork" that Slack took for a channel
# Reciprocal pairs: both gave each other at least this share of what they gave this month, and each at
# least `RECIPROCAL_MIN` % of their allowance (two small thank-yous are no trade).
RECIPROCAL_SHARE = 50
RECIPROCAL_MIN = 20
REPEATS_ALLOWED = 1  # the same reason once a month is fine; the next time it is held


@dataclass(frozen=True)
class Draft:
    """A kudos as the giver wrote it. `points` None: the default."""

    points: int | None
    reason: str
    values: tuple[str, ...]
    private: bool = False


def _hashtag(word: str) -> str | None:
    tagged = CHANNEL_TAG.match(word)
    if tagged:
        return tagged.group(1).casefold() or None
    if word.startswith("#") and len(word) > 1:
        return word[1:].casefold()
    return None


def read_points(word: str) -> int:
    """A number of points: whole and positive, else a one-line refusal."""
    if not ASCII_NUMBER.match(word) or len(word) > 7:
        raise Invalid("recognition.errors.points_invalid", word=word[:20])
    points = int(word)
    if points < 0:
        raise Invalid("recognition.errors.negative")
    if points == 0:
        raise Invalid("recognition.errors.zero")
    return points


def read_words(words: Sequence[str]) -> Draft:
    """`[points] <reason> #value… [private]`, the words after the mention."""
    rest = list(words)
    points = read_points(rest.pop(0)) if rest and NUMBER.match(rest[0]) else None
    private = bool(rest) and rest[-1].casefold() in PRIVATE_WORDS
    if private:
        rest.pop()
    values = tuple(dict.fromkeys(tag for word in rest if (tag := _hashtag(word))))
    reason = " ".join(word for word in rest if _hashtag(word) is None)
    return Draft(points, reason, values, private)


def check_draft(draft: Draft, config: RecognitionConfig) -> Draft:
    """The draft with its reason and values checked against the workspace's settings."""
    reason = " ".join(draft.reason.split())
    if not reason:
        raise Invalid("recognition.errors.no_reason")
    if len(reason) > REASON_MAX:
        raise Invalid("recognition.errors.reason_too_long", max=REASON_MAX)
    values = draft.values[:VALUES_PER_KUDOS]
    if not all(VALUE.match(value) for value in values):
        raise Invalid("recognition.errors.bad_value", values=values_list(config))
    if config.values and any(value not in config.values for value in values):
        unknown = next(value for value in values if value not in config.values)
        raise Invalid("recognition.errors.unknown_value", value=unknown, values=values_list(config))
    if config.requires_value and not values:
        raise Invalid("recognition.errors.value_needed", values=values_list(config))
    return Draft(draft.points, reason, values, draft.private)


def values_list(config: RecognitionConfig) -> str:
    return ", ".join(f"#{value}" for value in config.values) or "—"


def normal_reason(reason: str) -> str:
    """A reason as the repeat rule compares it: case, spaces and punctuation at the ends ignored."""
    return " ".join(reason.casefold().split()).strip(" .!！。,，")


@dataclass(frozen=True)
class Month:
    """What the rules need of the giver's month, before this kudos."""

    allowance: int  # the base allowance plus boosts
    spent: int  # accepted and held kudos given
    to_receiver: int  # of which to this receiver
    from_receiver: int  # what the receiver gave the giver
    receiver_spent: int  # what the receiver gave anyone
    receiver_allowance: int
    same_reasons: int  # earlier kudos of the giver's with this reason

    @property
    def left(self) -> int:
        return max(self.allowance - self.spent, 0)


def check_points(points: int, month: Month, config: RecognitionConfig) -> None:
    """Over what is left this month, or past 40 % of the allowance to one person: refused."""
    if points > month.left:
        raise Invalid("recognition.errors.over_allowance", points=points, left=month.left)
    cap = config.per_person_cap(month.allowance)
    if month.to_receiver + points > cap:
        raise Invalid("recognition.errors.over_cap", cap=cap, left=max(cap - month.to_receiver, 0))


def hold_for(points: int, month: Month) -> Hold | None:
    """Why this kudos is held for an admin's review, if it is: a reciprocal trade, or a repeated reason."""
    given, spent = month.to_receiver + points, month.spent + points
    if month.from_receiver and month.receiver_spent:
        giver_share = given * 100 >= RECIPROCAL_SHARE * spent
        receiver_share = month.from_receiver * 100 >= RECIPROCAL_SHARE * month.receiver_spent
        big = (
            given * 100 >= RECIPROCAL_MIN * month.allowance
            and month.from_receiver * 100 >= RECIPROCAL_MIN * month.receiver_allowance
        )
        if giver_share and receiver_share and big:
            return Hold.RECIPROCAL
    if month.same_reasons >= REPEATS_ALLOWED:
        return Hold.REPEATED
    return None
