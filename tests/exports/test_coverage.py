"""Every table holding a person's data is exported by some data set or excluded with its reason
(`bot.exports.coverage`), table by table: a table added later with a rep in it fails here until it is
declared on a set or excluded. Each set's queries really read the tables it declares (the SQL they emit
against a seeded database, on both databases, is checked), and no set, in any role's scope, reads a table
the excluded list names (peer ratings, the tokens, the outbox…) other than the roster it names people by."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, event
from sqlalchemy.orm import Session

from bot.exports import coverage
from bot.features import all_exports, metadata
from bot.roster.models import Member
from tests.exports.last import SINCE, UNTIL, everyone, scopes

FROM_OR_JOIN = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)
# the tables the task named as in no export before the check went per table
NAMED = {
    "badges",
    "incentive_contest_awards",
    "training_quiz_answers",
    "crm_pipeline",
    "self_reviews",
    "review_conversations",
    "review_inputs",
    "review_weekly_accounts",
    "review_changes",
    "allowance_boosts",
    "peer_ratings",
}


def test_every_table_holding_a_persons_data_is_exported_or_excluded_with_its_reason() -> None:
    schema = metadata()
    personal = coverage.personal_tables(schema)
    assert personal_found_is_sane(personal)
    assert coverage.uncovered(schema, all_exports()) == []
    declared = coverage.declared(all_exports())
    assert declared <= set(schema.tables), declared - set(schema.tables)  # no misspelt name
    assert declared & set(coverage.NOT_EXPORTED) == set()  # exported or excluded, never both
    assert set(coverage.NOT_EXPORTED) <= set(personal)  # no stale exclusion
    assert all(len(reason) > 20 for reason in coverage.NOT_EXPORTED.values())
    assert all(export.tables for export in all_exports())
    names = [export.name for export in all_exports()]
    assert len(set(names)) == len(names)  # one file name each


def personal_found_is_sane(personal: list[str]) -> bool:
    """The detector finds what the task listed, the child tables of a rep's rows, and no settings."""
    children = {"weekly_targets", "scorecard_levels", "checkin_sources", "escalation_events"}
    settings = {"workspaces", "review_settings", "crm_settings", "training_lessons", "slack_oauth_states"}
    return NAMED | children <= set(personal) and not settings & set(personal)


def test_a_new_table_with_a_persons_data_fails_the_check_until_it_is_declared_or_excluded() -> None:
    schema = MetaData()
    for table in metadata().tables.values():
        table.to_metadata(schema)
    Table("rep_notes", schema, Column("id", Integer, primary_key=True), Column("rep_id", Integer))
    Table(
        "rep_note_tags",
        schema,
        Column("id", Integer, primary_key=True),
        Column("note_id", ForeignKey("rep_notes.id")),
    )
    Table(
        "coach_tips",
        schema,
        Column("id", Integer, primary_key=True),
        Column("member", ForeignKey("members.id")),
    )
    Table("tips", schema, Column("id", Integer, primary_key=True), Column("text", String(10)))
    assert coverage.uncovered(schema, all_exports()) == ["coach_tips", "rep_note_tags", "rep_notes"]


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL the session's connection runs inside the block."""
    seen: list[str] = []

    def keep(*args: Any) -> None:
        seen.append(args[2])  # (connection, cursor, statement, parameters, context, executemany)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", keep)


@pytest.fixture
def people(session: Session) -> dict[str, Member]:
    return everyone(session)


def test_each_set_reads_the_tables_it_declares_and_no_excluded_one(
    session: Session, people: dict[str, Member]
) -> None:
    never = set(coverage.NOT_EXPORTED) - coverage.ROSTER
    for role, scope in scopes(session, people).items():
        for export in all_exports():
            with statements(session) as seen:
                for _ in export.rows(session, scope, SINCE, UNTIL):
                    pass
            read = {name.lower() for sql in seen for name in FROM_OR_JOIN.findall(sql)}
            assert read & never == set(), (role, export.name)
            if role == "admin":
                assert set(export.tables) <= read, (export.name, set(export.tables) - read)
