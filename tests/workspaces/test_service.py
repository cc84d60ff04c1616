from datetime import time

import pytest
from sqlalchemy.orm import Session

from bot.workspaces.models import Workspace
from bot.workspaces.service import (
    SetupForm,
    WorkspaceSettings,
    ensure_workspace,
    save_settings,
    validate_setup,
)

GOOD = SetupForm(
    digest_channel_id="C0DIGEST",
    timezone="Asia/Shanghai",
    nudge_weekday="0",
    nudge_time="09:30",
    reminder_delay_hours="24",
    feedback_day="0",
    language="zh",
)


def test_valid_form_becomes_typed_settings() -> None:
    result = validate_setup(GOOD)
    assert result == WorkspaceSettings("C0DIGEST", "Asia/Shanghai", 0, time(9, 30), 24, 0, "zh")


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("timezone", "Mars/Olympus", "setup.error.timezone"),
        ("timezone", "../../etc/passwd", "setup.error.timezone"),
        ("timezone", None, "setup.error.timezone"),
        ("digest_channel_id", "D0DM", "setup.error.channel"),
        ("nudge_weekday", "7", "setup.error.weekday"),
        ("nudge_time", "25:00", "setup.error.time"),
        ("reminder_delay_hours", "5", "setup.error.reminder"),
        ("feedback_day", "31", "setup.error.feedback_day"),
        ("language", "fr", "setup.error.language"),
    ],
)
def test_each_bad_field_is_named(field: str, value: str | None, key: str) -> None:
    form = SetupForm(**{**GOOD.__dict__, field: value})
    assert validate_setup(form) == {field: key}


def test_several_bad_fields_are_all_reported() -> None:
    form = SetupForm(**{**GOOD.__dict__, "timezone": "nowhere", "nudge_time": "x"})
    assert validate_setup(form) == {"timezone": "setup.error.timezone", "nudge_time": "setup.error.time"}


def test_ensure_workspace_is_idempotent_and_saves(session: Session) -> None:
    first = ensure_workspace(session, "T0NEW")
    assert ensure_workspace(session, "T0NEW") is first
    assert (first.timezone, first.nudge_weekday, first.nudge_time, first.language) == (
        "UTC",
        0,
        time(9, 0),
        "en",
    )
    settings = validate_setup(GOOD)
    assert isinstance(settings, WorkspaceSettings)
    save_settings(session, team_id="T0NEW", settings=settings)
    session.flush()
    session.expire_all()
    saved = session.get_one(Workspace, "T0NEW")
    assert (saved.timezone, saved.nudge_time, saved.language) == ("Asia/Shanghai", time(9, 30), "zh")
    assert saved.updated_at.tzinfo is not None


def test_digest_time_report_week_and_country() -> None:
    form = SetupForm(
        **{
            **GOOD.__dict__,
            "digest_weekday": "4",
            "digest_time": "17:30",
            "report_week": "current",
            "country": "cn",
        }
    )
    result = validate_setup(form)
    assert isinstance(result, WorkspaceSettings)
    assert (result.digest_weekday, result.digest_time, result.report_current_week, result.country) == (
        4,
        time(17, 30),
        True,
        "CN",
    )
    bad = SetupForm(**{**GOOD.__dict__, "report_week": "next", "country": "XX", "digest_time": "later"})
    assert validate_setup(bad) == {
        "report_week": "setup.error.report_week",
        "country": "setup.error.country",
        "digest_time": "setup.error.time",
    }
