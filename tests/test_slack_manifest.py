"""The Slack app manifest and `partnerops slack manifest`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli_slack import FORMATS, slack
from bot.slack.manifest import DOCS_URL, SUGGESTED_PROMPTS, manifest, manifest_json

DOCS_FILE = Path(__file__).resolve().parent.parent / "docs" / "slack-manifest.json"

SCOPES = {
    "app_mentions:read",
    "assistant:write",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:read",
    "im:write",
    "mpim:history",
    "mpim:read",
    "users:read",
    "usergroups:read",
}
EVENTS = [
    "app_home_opened",
    "app_mention",
    "assistant_thread_started",
    "assistant_thread_context_changed",
    "message.channels",
    "message.groups",
    "message.im",
    "message.mpim",
]


def _http(url: str = "https://partnerops.example.com") -> dict[str, Any]:
    return manifest(request_url=url, socket_mode=False)


def test_the_bot_asks_for_exactly_the_scopes_it_uses() -> None:
    scopes = _http()["oauth_config"]["scopes"]["bot"]
    assert set(scopes) == SCOPES
    assert len(scopes) == len(SCOPES)


def test_the_app_subscribes_to_its_events_and_enables_interactivity() -> None:
    settings = _http()["settings"]
    assert settings["event_subscriptions"]["bot_events"] == EVENTS
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    assert settings["socket_mode_enabled"] is False


def test_the_features_are_the_home_tab_messages_partners_and_the_assistant() -> None:
    features = _http()["features"]
    assert features["bot_user"] == {"display_name": "partnerops", "always_online": True}
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }
    (command,) = features["slash_commands"]
    assert command["command"] == "/partners"
    assert command["should_escape"] is False
    assert command["description"] and command["usage_hint"]
    assert command["url"] == "https://partnerops.example.com/slack/events"
    assistant = features["assistant_view"]
    assert assistant["assistant_description"]
    assert 1 <= len(assistant["suggested_prompts"]) <= 4


def test_the_assistant_views_prompts_are_the_thread_greetings() -> None:
    from bot.slack.listeners.assistant import SUGGESTED_PROMPTS as GREETING_PROMPTS

    assert list(SUGGESTED_PROMPTS) == GREETING_PROMPTS


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://bot.example.com", "https://bot.example.com/slack/events"),
        ("https://bot.example.com/", "https://bot.example.com/slack/events"),
        ("https://bot.example.com/slack/events", "https://bot.example.com/slack/events"),
        ("https://bot.example.com/slack/events/", "https://bot.example.com/slack/events"),
        (
            "https://bot.example.com:8443/partnerops/slack/events",
            "https://bot.example.com:8443/partnerops/slack/events",
        ),
        ("http://localhost:3000", "http://localhost:3000/slack/events"),
    ],
)
def test_a_bare_base_url_gets_the_events_path(given: str, expected: str) -> None:
    document = _http(given)
    assert document["settings"]["event_subscriptions"]["request_url"] == expected
    assert document["settings"]["interactivity"]["request_url"] == expected
    assert document["features"]["slash_commands"][0]["url"] == expected


def test_socket_mode_has_no_urls() -> None:
    document = manifest(request_url=None, socket_mode=True)
    assert document["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in document["settings"]["event_subscriptions"]
    assert "request_url" not in document["settings"]["interactivity"]
    assert "url" not in document["features"]["slash_commands"][0]
    assert "request_url" not in json.dumps(document)


def test_an_http_manifest_needs_a_url() -> None:
    with pytest.raises(ValueError, match="request URL"):
        manifest(request_url=None, socket_mode=False)
    with pytest.raises(ValueError, match="not a URL"):
        manifest(request_url="bot.example.com", socket_mode=False)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://bot.example.com", "Slack only calls https URLs"),
        ("ftp://bot.example.com", "not a URL"),
        ("https://bot.example.com/hooks/slack", "doesn't end in /slack/events"),
    ],
)
def test_a_url_slack_would_not_call_is_refused(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        manifest(request_url=url, socket_mode=False)


def test_an_app_name_slack_would_refuse_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 35 characters"):
        manifest(request_url=None, socket_mode=True, name="x" * 36)


def test_a_custom_name_becomes_a_valid_bot_display_name() -> None:
    document = manifest(request_url=None, socket_mode=True, name="Partner Ops")
    assert document["display_information"]["name"] == "Partner Ops"
    assert document["features"]["bot_user"]["display_name"] == "partner-ops"


def test_the_docs_manifest_is_the_functions_output() -> None:
    expected = manifest(request_url=DOCS_URL, socket_mode=False)
    text = DOCS_FILE.read_text(encoding="utf-8")
    assert json.loads(text) == expected
    assert text == manifest_json(expected), "regenerate it with `partnerops slack manifest`"


# --- the CLI ---------------------------------------------------------------------------------


def _run(*args: str) -> Any:
    return CliRunner().invoke(slack, ["manifest", *args])


def test_cli_prints_the_socket_mode_manifest() -> None:
    result = _run("--socket")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == manifest(request_url=None, socket_mode=True)


def test_cli_prints_the_http_manifest_for_a_url() -> None:
    result = _run("--url", "https://bot.example.com")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == _http("https://bot.example.com")


def test_cli_output_for_the_docs_url_is_the_docs_file() -> None:
    result = _run("--url", "https://partnerops.example.com")
    assert result.output == DOCS_FILE.read_text(encoding="utf-8")


def test_cli_prints_yaml_when_pyyaml_is_installed() -> None:
    yaml = pytest.importorskip("yaml")
    assert "yaml" in FORMATS
    result = _run("--socket", "--format", "yaml")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.output) == manifest(request_url=None, socket_mode=True)


def test_cli_offers_only_the_formats_it_can_print() -> None:
    result = _run("--socket", "--format", "toml")
    assert result.exit_code == 2
    assert "json" in result.output


@pytest.mark.parametrize("url", ["http://localhost:3000", "http://127.0.0.1:3000/slack/events"])
def test_cli_allows_plain_http_on_localhost(url: str) -> None:
    assert _run("--url", url).exit_code == 0


def test_cli_refuses_plain_http_elsewhere_with_a_clear_message() -> None:
    result = _run("--url", "http://bot.example.com")
    assert result.exit_code == 2
    assert "Slack only calls https URLs" in result.output


def test_cli_refuses_something_that_is_not_a_url() -> None:
    result = _run("--url", "bot.example.com")
    assert result.exit_code == 2
    assert "not a URL" in result.output


def test_cli_needs_a_url_unless_socket_mode() -> None:
    result = _run()
    assert result.exit_code == 2
    assert "--url" in result.output and "--socket" in result.output


def test_cli_refuses_a_url_in_socket_mode() -> None:
    result = _run("--socket", "--url", "https://bot.example.com")
    assert result.exit_code == 2
    assert "not both" in result.output


def test_cli_help_has_an_example() -> None:
    result = _run("--help")
    assert result.exit_code == 0
    assert "partnerops slack manifest --socket" in result.output
    assert "partnerops slack manifest --url https://" in result.output
