"""The HTTP gate's rules on their own: the body read is bounded, the signature is Slack's v0 scheme."""

from __future__ import annotations

import io
from http import HTTPStatus

import pytest

from bot.slack.inbound import Refused, Signed, parse_body, read_body, verify_signature
from tests.support.slack_peer import sign


class CountingStream(io.RawIOBase):
    """An endless body that counts what was read from it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "an unbounded read"
        self.taken += size
        return b"x" * size


def test_a_body_without_a_length_is_read_only_one_byte_past_the_cap() -> None:
    stream = CountingStream()
    with pytest.raises(Refused) as refused:
        read_body(stream, None, max_body=1000)
    assert refused.value.status is HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert stream.taken == 1001


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    stream = CountingStream()
    with pytest.raises(Refused) as refused:
        read_body(stream, str(64 << 20), max_body=1000)
    assert (refused.value.status, stream.taken) == (HTTPStatus.REQUEST_ENTITY_TOO_LARGE, 0)


@pytest.mark.parametrize("length", ["-1", "1e3", " 10", "0x10", "9" * 19])
def test_a_malformed_length_is_a_bad_request(length: str) -> None:
    with pytest.raises(Refused) as refused:
        read_body(CountingStream(), length, max_body=1000)
    assert refused.value.status is HTTPStatus.BAD_REQUEST


def test_slacks_own_signature_is_accepted_within_five_minutes() -> None:
    body = b"command=%2Fpacer&team_id=T1&user_id=U1"
    headers = sign("s3cret", body, timestamp=1_000_000)
    for now in (1_000_000 - 300, 1_000_000, 1_000_000 + 300):
        verify_signature(
            b"s3cret",
            Signed(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]),
            now=now,
        )
    with pytest.raises(Refused):
        verify_signature(
            b"s3cret",
            Signed(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]),
            now=1_000_000 + 301,
        )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"command=%2Fpacer&text=payload&team_id=T1&user_id=U1", "application/x-www-form-urlencoded"),
        (b"ssl_check=1&token=x", "application/x-www-form-urlencoded"),
        (b'payload={"type":"view_closed","user":{"id":"U1"},"view":{}}', "application/x-www-form-urlencoded"),
        (
            b'{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"x"}}',
            "application/json",
        ),
        (b'{"type":"url_verification","challenge":"c"}', "application/json; charset=utf-8"),
        (b'{"type":"app_rate_limited","team_id":"T1"}', "application/json"),
    ],
)
def test_what_slack_sends_has_the_right_shape(body: bytes, content_type: str) -> None:
    assert parse_body(body, content_type)  # a non-empty object, no Refused


def test_a_command_mentioning_payload_is_still_a_command() -> None:
    """Bolt reads any form with "payload" in it as an interaction (and then finds none); Pacer does not."""
    body = b"command=%2Fpacer&text=feedback+payload+late&team_id=T1&user_id=U1"
    assert parse_body(body, "application/x-www-form-urlencoded")["text"] == "feedback payload late"
