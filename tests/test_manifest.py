"""Checks manifest.yml against Slack's published app-manifest JSON schema."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

HERE = Path(__file__).resolve()
MANIFEST_PATH = HERE.parents[1] / "manifest.yml"
# shared/ sits beside the repo checkout, both locally and in CI.
SCHEMA_PATH = HERE.parents[2] / "shared" / "slack" / "manifest.schema.json"

# Changing this set is deliberate: every added scope is shown to admins on install.
EXPECTED_BOT_SCOPES = {
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "users:read",
    "users:read.email",
    "files:write",
    "files:read",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "manifest.yml must be a YAML mapping"
    return data


def test_manifest_matches_slack_schema(manifest: dict[str, Any]) -> None:
    if not SCHEMA_PATH.is_file():
        pytest.fail(
            f"Slack manifest schema not found at {SCHEMA_PATH}; "
            "shared/slack/manifest.schema.json must sit beside the repo checkout"
        )
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    errors = sorted(Draft7Validator(schema).iter_errors(manifest), key=str)
    assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors)
    # v1 format: no _metadata.major_version.
    assert "major_version" not in manifest.get("_metadata", {})
    # The schema spells this as "regex", which Draft 7 ignores, so check it here.
    color = manifest["display_information"]["background_color"]
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", color)


def test_slash_command(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert len(commands) == 1
    assert commands[0]["command"] == "/pacer"
    assert commands[0]["should_escape"] is True


def test_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"user_change", "app_home_opened"} <= events


def test_bot_scopes(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes)), "duplicate bot scope"
    assert set(scopes) == EXPECTED_BOT_SCOPES


def test_every_scope_has_a_comment(manifest: dict[str, Any]) -> None:
    text = MANIFEST_PATH.read_text(encoding="utf-8")
    for scope in manifest["oauth_config"]["scopes"]["bot"]:
        pattern = rf"^\s*-\s*{re.escape(scope)}\s+#\s*\S"
        assert re.search(pattern, text, re.MULTILINE), f"scope {scope!r} has no comment"
