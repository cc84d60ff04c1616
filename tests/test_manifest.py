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


def http_mode(text: str) -> dict[str, Any]:
    """The manifest as its header says to switch it to HTTP mode: the lines marked "HTTP mode only"
    uncommented (YOUR-HOST kept), Socket Mode off."""
    marked = re.compile(r"^(\s*)# (\S+: https://YOUR-HOST/\S+)\s+# HTTP mode only$", re.MULTILINE)
    switched = marked.sub(r"\1\2", text).replace("socket_mode_enabled: true", "socket_mode_enabled: false")
    data = yaml.safe_load(switched)
    assert isinstance(data, dict)
    return data


def test_http_mode_sends_menu_options_where_interactivity_goes() -> None:
    """Menus past Slack's 100 options (external selects) ask the app for their options: in HTTP mode at
    the options load URL, which must be Pacer's one request URL, like every other interaction."""
    manifest = http_mode(MANIFEST_PATH.read_text(encoding="utf-8"))
    settings = manifest["settings"]
    url = "https://YOUR-HOST/slack/events"
    assert settings["interactivity"]["request_url"] == url
    assert settings["interactivity"]["message_menu_options_url"] == url
    assert settings["event_subscriptions"]["request_url"] == url
    assert manifest["features"]["slash_commands"][0]["url"] == url
    if SCHEMA_PATH.is_file():
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        errors = sorted(Draft7Validator(schema).iter_errors(manifest), key=str)
        assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors)
