"""Which arrivals are the same interaction (the key), and the claim that lets only one of them act."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.db import make_session_factory
from bot.interactions import service
from bot.interactions.models import Interaction
from bot.slack.idempotency import interaction_key
from bot.workspaces.models import Workspace

NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)


def submission(**view: Any) -> dict[str, Any]:
    values = {"description": {"value": {"type": "plain_text_input", "value": "Late visits"}}}
    base = {"id": "V1", "hash": "1700000001.abcd", "private_metadata": "{}", "state": {"values": values}}
    return {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1"}, "view": base | view}


def press(**action: Any) -> dict[str, Any]:
    pressed = {"action_id": "goal_agree", "block_id": "b", "value": "7:1", "action_ts": "1.0"} | action
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "container": {"type": "message", "message_ts": "100.1", "channel_id": "D1"},
        "actions": [pressed],
    }


def test_a_double_submission_is_one_interaction_and_any_change_makes_another() -> None:
    key = interaction_key(submission())
    assert key is not None and key.startswith("view:") and len(key) <= 80
    assert interaction_key(copy.deepcopy(submission())) == key  # Slack's retry, a double click
    other_values = {"description": {"value": {"type": "plain_text_input", "value": "Early visits"}}}
    changed = [
        submission(state={"values": other_values}),
        submission(id="V2"),  # another modal
        submission(hash="1700000002.ef01"),  # the same modal after an update
        submission(private_metadata='{"confirmed": "25"}'),
        submission() | {"user": {"id": "U2"}},
    ]
    assert len({interaction_key(body) for body in changed} | {key}) == len(changed) + 1


def test_a_double_click_is_one_press_whatever_its_moment() -> None:
    key = interaction_key(press())
    assert key is not None and key.startswith("action:")
    assert interaction_key(press(action_ts="2.0")) == key  # clicked again a moment later
    other_message = press() | {"container": {"type": "message", "message_ts": "200.1", "channel_id": "D1"}}
    changed = [
        press(value="7:2"),  # a newer version of the goal
        press(action_id="goal_discuss"),
        press() | {"user": {"id": "U2"}},
        other_message,
    ]
    assert len({interaction_key(body) for body in changed} | {key}) == len(changed) + 1


def test_other_requests_have_no_key() -> None:
    assert interaction_key({"type": "view_closed", "view": {"id": "V1"}}) is None
    assert interaction_key({"type": "block_actions", "actions": []}) is None
    assert interaction_key({"command": "/pacer", "text": "help"}) is None


def test_the_first_claim_acts_and_one_rolled_back_leaves_nothing(engine: Engine, session: Session) -> None:
    session.add(Workspace(team_id="T1"))
    session.flush()
    assert service.claim(session, team_id="T1", key="view:a", now=NOW) is True
    assert service.claim(session, team_id="T1", key="view:a", now=NOW) is False
    service.remember_answer(session, team_id="T1", key="view:a", answer={"ack": {}})
    assert service.answer_of(session, team_id="T1", key="view:a") == (True, {"ack": {}})
    assert service.answer_of(session, team_id="T1", key="view:b") == (False, None)


def test_a_claim_rolled_back_with_its_effect_can_be_claimed_again(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with factory.begin() as session:
        session.merge(Workspace(team_id="TROLL"))
    try:
        with factory.begin() as session:
            assert service.claim(session, team_id="TROLL", key="action:x", now=NOW)
            raise RuntimeError("the effect failed")
    except RuntimeError:
        pass
    with factory.begin() as session:
        assert service.claim(session, team_id="TROLL", key="action:x", now=NOW)
    with factory.begin() as session:
        assert not service.claim(session, team_id="TROLL", key="action:x", now=NOW)
        service.forget(session, team_id="TROLL", key="action:x")
        session.delete(session.get_one(Workspace, "TROLL"))


def test_old_interactions_are_forgotten(session: Session) -> None:
    session.add(Workspace(team_id="T1"))
    session.flush()
    service.claim(session, team_id="T1", key="old", now=NOW - timedelta(days=8))
    service.claim(session, team_id="T1", key="new", now=NOW - timedelta(days=1))
    assert service.prune(session, now=NOW) == 1
    assert list(session.scalars(select(Interaction.key))) == ["new"]
    assert session.scalar(select(func.count()).select_from(Interaction)) == 1
