"""Which tables hold a person's data, and for each: the data set that exports it, or why none does.

A table holds a person's data when a column names one (a foreign key to `members`, or a name such as
`rep_id`, `author_id`, `receiver_id`, `user_id`, `changed_by_id`), or when it hangs off such a table by a
foreign key (a goal's weekly targets, a scorecard's levels, a check-in's CRM figure). Each is in some
`ExportSet.tables` or in `NOT_EXPORTED` with the reason; a table added later is in neither until someone
decides, and tests/exports/test_coverage.py fails until they do. No Slack, no database: the schema only."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Column, MetaData

from bot.exports.base import ExportSet

PERSON_COLUMN = re.compile(r"(^|_)(rep|member|author|receiver|giver|rater|actor|manager|user)_id$|_by(_id)?$")

ROSTER = frozenset({"members", "vendors"})  # every set reads them, to name its people

NOT_EXPORTED: Mapping[str, str] = {
    "members": "the roster itself, not a data set: every set reads it to name its people (name, Slack id)",
    "vendors": "the roster's vendors, not a data set: the sets that need it name a rep's vendor",
    "team_memberships": (
        "the roster's history, read for anonymous feedback's team sizes: who was on which team when would "
        "help single out an anonymous author by elimination"
    ),
    "peer_ratings": (
        "anonymous peer input (who rated whom, each rating and comment): never exported to anyone; the "
        "scorecards carry the teamwork level only, a median of at least three"
    ),
    "deliveries": "the outbox: messages waiting or sent, whose content is the other sets' data",
    "audit_events": "the audit log of what admins did (these exports included), read with `/pacer audit`",
    "allowance_boosts": (
        "extra points an admin let a manager give in one month: a setting of the allowance, not anyone's "
        "record; the kudos given from it are in `kudos`"
    ),
    "escalation_events": (
        "each escalation's delivery steps (sent, resent, acknowledged) and the Slack id of whoever took "
        "them, a vendor's contact included; `escalations` carries each one's status and resolution"
    ),
    "crm_owners": (
        "the CRM's users (their CRM email and name) matched to members: configuration that routes the "
        "figures, which are in `crm_actuals` and `crm_pipeline`"
    ),
    "crm_connections": "a CRM connection: its credentials and cursor are secret; its person is who connected",
    "crm_connect_states": "a CRM sign-in under way, minutes long: a secret state",
    "slack_installations": "Slack's OAuth store: tokens, never exported",
    "slack_bots": "Slack's OAuth store: tokens and the bot's own user, never exported",
    "training_resources": "the training library's links; its only person is who added one",
}


def names_a_person(column: Column[Any]) -> bool:
    return PERSON_COLUMN.search(column.name) is not None or any(
        key.column.table.name == "members" for key in column.foreign_keys
    )


def personal_tables(metadata: MetaData) -> list[str]:
    """The tables holding a person's data, by name (see the module's docstring)."""
    tables = metadata.tables.values()
    found = {table.name for table in tables if any(names_a_person(column) for column in table.columns)}
    while more := {
        table.name
        for table in tables
        if table.name not in found and any(key.column.table.name in found for key in table.foreign_keys)
    }:
        found |= more
    return sorted(found)


def declared(sets: Iterable[ExportSet]) -> set[str]:
    return {table for export in sets for table in export.tables}


def uncovered(metadata: MetaData, sets: Iterable[ExportSet]) -> list[str]:
    """The tables holding a person's data that no set exports and `NOT_EXPORTED` does not explain."""
    covered = declared(sets) | set(NOT_EXPORTED)
    return [name for name in personal_tables(metadata) if name not in covered]
