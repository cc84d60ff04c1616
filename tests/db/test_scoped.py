"""Rows by id only from the caller's workspace: another workspace's row is no row."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.db.scoped import get_in_workspace
from bot.errors import NotFound
from bot.roster.models import Member
from tests.factories import member


def test_a_row_of_another_workspace_is_not_found(session: Session) -> None:
    ours = member(session, "UOURS", team_id="T0000001")
    theirs = member(session, "UTHEIRS", team_id="T0000002")
    missing = NotFound("member.unknown", user="?")
    assert get_in_workspace(session, Member, ours.id, team_id="T0000001", missing=missing) is ours
    with pytest.raises(NotFound) as raised:
        get_in_workspace(session, Member, theirs.id, team_id="T0000001", missing=missing)
    assert raised.value is missing
    with pytest.raises(NotFound):
        get_in_workspace(session, Member, theirs.id + 1000, team_id="T0000002", missing=missing)
