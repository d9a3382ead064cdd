"""The Slack app manifest asks for what the adapter uses and no more, and points every URL at /slack/events."""

from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yml"


def test_manifest_matches_the_adapter() -> None:
    m = yaml.safe_load(MANIFEST.read_text())
    settings = m["settings"]
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"],
            *[c["url"] for c in m["features"]["slash_commands"]]]
    assert all(u.endswith("/slack/events") for u in urls)
    assert [c["command"] for c in m["features"]["slash_commands"]] == ["/coach"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_home_opened", "app_mention", "message.im"}
    # What the adapter calls or receives, and nothing more: app_mention events, chat.postMessage and chat.update,
    # /coach, message.im events, conversations.open, users.info, the digest chart's upload.
    assert sorted(m["oauth_config"]["scopes"]["bot"]) == [
        "app_mentions:read", "chat:write", "commands", "files:write", "im:history", "im:write", "users:read",
        "users:read.email"]
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert len(m["display_information"]["name"]) <= 35
