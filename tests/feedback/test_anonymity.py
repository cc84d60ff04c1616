"""The anonymity rules themselves: when anonymous items may be shown (per group, folded workspace-wide,
or held back), the shuffle, the month's start, the key of its own, and what never reaches a log."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.config import ConfigError, Settings
from bot.db import make_engine
from bot.feedback.anonymity import Release, month_start, release, shown_anonymous, shuffled
from bot.logs import setup_logging

NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, Release()),
        ({"A": 1}, Release()),  # "Anonymous: 1" in a team of three: never
        ({"A": 2, None: 0}, Release()),
        ({"A": 3}, Release(frozenset({"A"}), workspace=True)),
        ({"A": 1, "B": 1, None: 1}, Release(workspace=True, folded=True)),  # 3 across the workspace
        ({"A": 3, "B": 1}, Release(frozenset({"A"}), workspace=True)),  # B's one is held back
        ({"A": 3, "B": 2, None: 1}, Release(frozenset({"A"}), workspace=True, folded=True)),
        ({"A": 4, "B": 3}, Release(frozenset({"A", "B"}), workspace=True)),
        ({None: 2}, Release()),
    ],
)
def test_release(counts: dict[str | None, int], expected: Release[str]) -> None:
    assert release(counts) == expected


def test_nothing_small_is_shown_and_nothing_can_be_found_by_subtraction() -> None:
    # Whatever the counts, a group shown as itself has at least 3; the workspace-wide figure is 0 or at
    # least 3; and the workspace figure minus the groups shown (what a manager can work out from the
    # channel and their own team) is 0 or at least 3 too.
    for a in range(7):
        for b in range(7):
            for none in range(7):
                items = [("A", DEC)] * a + [("B", DEC)] * b + [(None, DEC)] * none
                shown = shown_anonymous(items, group_of=lambda i: i[0], month_of=lambda i: i[1])
                assert all(len(group) >= 3 for group in shown.by_group.values())
                in_groups = sum(len(group) for group in shown.by_group.values())
                assert len(shown.workspace) == 0 or len(shown.workspace) >= 3
                assert len(shown.workspace) - in_groups in {0} | set(range(3, 19))


def test_shown_anonymous_month_by_month() -> None:
    items = [("A", NOV)] * 3 + [("A", DEC)] * 2 + [("B", DEC), (None, DEC)] + [("B", NOV)]
    shown = shown_anonymous(items, group_of=lambda i: i[0], month_of=lambda i: i[1])
    assert shown.by_group == {"A": [("A", NOV)] * 3}  # December's two from A are not A's to see
    assert sorted(shown.workspace, key=str) == sorted(
        [("A", NOV)] * 3 + [("A", DEC)] * 2 + [("B", DEC), (None, DEC)], key=str
    )  # November's lone B is held back; December's four small ones are folded in together


def test_shuffled_keeps_every_text_and_draws_a_fresh_order() -> None:
    texts = ["first", "second", "third", "fourth", "fifth"]
    orders = {tuple(shuffled(texts)) for _ in range(200)}
    assert all(sorted(order) == sorted(texts) for order in orders)
    assert len(orders) > 1  # 200 draws of 120 orders all alike: about 1 in 10^414
    assert texts == ["first", "second", "third", "fourth", "fifth"]  # the input is left alone


def test_month_start() -> None:
    assert month_start(date(2026, 12, 1)) == datetime(2026, 12, 1, tzinfo=UTC)


def test_the_anonymity_key_is_a_setting_of_its_own() -> None:
    slack_only = Settings(_env_file=None, slack_bot_token="xoxb-1", slack_signing_secret="s" * 32)  # type: ignore[call-arg]
    with pytest.raises(ConfigError) as missing:
        slack_only.anonymity_secret()  # no fallback to the Slack secrets
    assert str(missing.value).startswith("ANONYMITY_KEY is not set.")
    assert 'python -c "import secrets; print(secrets.token_urlsafe(32))"' in str(missing.value)
    for weak in ("changeme", "short"):
        with pytest.raises(ConfigError, match="ANONYMITY_KEY must be a random value"):
            Settings(_env_file=None, anonymity_key=weak).require_anonymity_key()  # type: ignore[call-arg]
    key = "k" * 32
    assert Settings(_env_file=None, anonymity_key=key).anonymity_secret() == key.encode()  # type: ignore[call-arg]


def test_database_errors_hide_their_parameters(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)"))
        connection.execute(text("INSERT INTO t (body) VALUES (:body)"), {"body": "Quotes take two weeks"})
    with pytest.raises(IntegrityError) as failed, engine.begin() as connection:
        connection.execute(text("INSERT INTO t (body) VALUES (:body)"), {"body": "Quotes take two weeks"})
    assert "Quotes take two weeks" not in str(failed.value)
    engine.dispose()


def test_payload_loggers_never_log_below_info() -> None:
    setup_logging("DEBUG")
    try:
        for name in ("slack_bolt", "slack_sdk.web"):
            assert logging.getLogger(name).getEffectiveLevel() == logging.INFO, name
        # SQLAlchemy's INFO is every statement: at most its warnings, whatever LOG_LEVEL says.
        assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() == logging.WARNING
        assert logging.getLogger("bot").getEffectiveLevel() == logging.DEBUG
    finally:
        setup_logging("INFO")
