"""Digits that are not ASCII ("²": `str.isdigit` says yes, `int` then raises) and 5,000-digit numbers (past
Python's int limit) are refused with the one-line answer or field error each reader already gives, never a
crash: `/pacer retention` and `/pacer audit` over HTTP (both databases), and every other reader that
checked `isdigit()` before `int()` (training's were fixed in tests/training/test_hostile_digits.py)."""

from __future__ import annotations

import io
from http import HTTPStatus

import pytest

from bot.calendar import quarter_bounds
from bot.crm.checkin import REASON_FIELD, reasons_of
from bot.crm.integrations.base import ConnectorError, retry_after_seconds
from bot.crm.integrations.zoho.client import _record_id
from bot.errors import FieldErrors
from bot.feedback.development import read_course
from bot.incentives.seats import read_seat
from bot.reviews import forms, settings
from bot.reviews.expansion import read_count
from bot.reviews.models import DIMENSIONS
from bot.reviews.reviewing import level_field, read_levels
from bot.slack.inbound import Refused, read_body
from tests.support.people import ADMIN
from tests.support.slack_peer import SlackPeer

HOSTILE = ("²", "9" * 5000)


@pytest.mark.e2e
def test_retention_and_audit_refuse_hostile_digits(slack: SlackPeer) -> None:
    for digits in ("²", "9" * 3000):  # longer: refused as a too long command before it is read
        retention = slack.command(f"retention {digits}", user_id=ADMIN).json()["text"]
        assert retention == "Give a number of days from 1 to 3650, or `off` to keep check-in text for good."
        audit = slack.command(f"audit {digits}", user_id=ADMIN).json()["text"]
        assert audit == "Give a number of days from 1 to 366, e.g. `/pacer audit 7`.", audit


@pytest.mark.parametrize("digits", HOSTILE)
def test_every_other_reader_refuses_hostile_digits(digits: str) -> None:
    assert read_seat(digits) == "incentives.seat.unknown"
    assert read_course(digits) == "feedback.development.course_unknown"
    assert read_count(digits) == "reviews.settings.accounts_invalid"
    levels = read_levels({level_field(d): digits for d in DIMENSIONS}, required=True)
    assert isinstance(levels, FieldErrors) and set(levels) == {level_field(d) for d in DIMENSIONS}
    peer = forms.check_peer({forms.RATING: digits, forms.COMMENT: "fine"})
    assert isinstance(peer, FieldErrors) and set(peer) == {forms.RATING}
    config = settings.check_config(
        {
            settings.BANDS_FIELD: f"70 90 100 {digits}",
            settings.WEIGHTS_FIELD: "40 20 20 20",
            settings.DAYS_FIELD: digits,
        }
    )
    assert isinstance(config, FieldErrors) and set(config) == {settings.BANDS_FIELD, settings.DAYS_FIELD}
    assert reasons_of({f"{REASON_FIELD}:{digits}": "a reason", f"{REASON_FIELD}:7": "kept"}) == {7: "kept"}
    assert retry_after_seconds(digits, 60.0) == 60.0
    with pytest.raises(ConnectorError):
        _record_id({"id": "²"})  # a record id is only ever pasted into a query, never int()
    with pytest.raises(Refused) as refused:
        read_body(io.BytesIO(b"{}"), digits, max_body=1000)
    assert refused.value.status is HTTPStatus.BAD_REQUEST


def test_a_quarter_named_in_other_digits_is_not_a_quarter() -> None:
    for key in ("²⁰²⁶Q4", "٢٠٢٦Q4"):
        with pytest.raises(ValueError, match="not a quarter"):
            quarter_bounds(key)
    assert quarter_bounds("2026Q4")[0].month == 10
