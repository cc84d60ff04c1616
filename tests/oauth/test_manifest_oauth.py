"""The manifest carries what the OAuth install needs, and stays valid (tests/test_manifest.py checks it
against Slack's schema)."""

from pathlib import Path

import yaml

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text(encoding="utf-8"))


def test_the_redirect_url_is_pacers_and_the_uninstall_events_are_subscribed() -> None:
    assert [url.rsplit("/", 2)[-2:] for url in MANIFEST["oauth_config"]["redirect_urls"]] == [
        ["slack", "oauth_redirect"]
    ]
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_uninstalled", "tokens_revoked"} <= events
    assert MANIFEST["settings"]["token_rotation_enabled"] is False  # Slack cannot turn it off again
