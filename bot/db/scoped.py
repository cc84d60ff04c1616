"""Rows by id, only ever from the caller's workspace: one loader instead of a `team_id` check after each
`session.get`. Another workspace's row looks exactly like no row."""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from bot.errors import PacerError


class InWorkspace(Protocol):
    @property
    def team_id(self) -> str: ...


Row = TypeVar("Row", bound=InWorkspace)


def get_in_workspace(
    session: Session, model: type[Row], ident: int, *, team_id: str, missing: PacerError
) -> Row:
    """The row `ident` of `model` in workspace `team_id`; raises `missing` when that workspace has none."""
    row = session.get(model, ident)
    if row is None or row.team_id != team_id:
        raise missing
    return row
