"""The Slack app manifest: everything the app needs (scopes, events, `/partners`, the
assistant view), so creating the app is paste-and-install, never a checklist of clicks.

`docs/slack-manifest.json` is `manifest_json(manifest(request_url=DOCS_URL, socket_mode=False))`;
a test keeps the two equal, so after a change regenerate it with
`partnerops slack manifest --url https://partnerops.example.com > docs/slack-manifest.json`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

EVENTS_PATH = "/slack/events"
"""Where the HTTP server takes events, commands and interactivity (bot.slack.server)."""
DOCS_URL = "https://partnerops.example.com/slack/events"
"""The request URL of the manifest kept in docs/."""
COMMAND = "/partners"
MAX_NAME = 35
"""Characters Slack takes in an app's name."""

BOT_SCOPES: dict[str, str] = {
    "app_mentions:read": "answer when someone @mentions the bot in a channel",
    "assistant:write": "run in Slack's assistant container (threads, status, prompts)",
    "channels:history": "read the thread of a question asked in a public channel",
    "channels:read": "tell a public channel from one shared with another organisation",
    "chat:write": "post answers, digests and decision updates",
    "commands": "the /partners slash command",
    "files:write": "upload charts",
    "groups:history": "read the thread of a question asked in a private channel",
    "groups:read": "tell a private channel from one shared with another organisation",
    "im:history": "read direct messages to the bot",
    "im:read": "know a direct message channel is one",
    "im:write": "open a direct message to tell someone a result",
    "mpim:history": "read group direct messages the bot is in",
    "mpim:read": "know a group direct message channel is one",
    "users:read": "resolve who is asking: name, timezone, guest or another organisation",
    "usergroups:read": "approvers given as user groups (PARTNEROPS_APPROVERS)",
}
"""The bot token's scopes, each with why it is needed; nothing more is asked for."""

BOT_EVENTS: tuple[str, ...] = (
    "app_home_opened",
    "app_mention",
    "assistant_thread_started",
    "assistant_thread_context_changed",
    "message.channels",
    "message.groups",
    "message.im",
    "message.mpim",
)
"""Events the app subscribes to: the Home tab, mentions, the assistant and messages."""

SUGGESTED_PROMPTS: tuple[dict[str, str], ...] = (
    {"title": "Top partners last month", "message": "top 5 partners by revenue last month"},
    {"title": "Goal pacing", "message": "are we on track for our goals this quarter?"},
    {"title": "Who needs attention", "message": "which partners need attention?"},
    {"title": "Pending applications", "message": "pending applications"},
)
"""The assistant view's prompts; the same as the thread greeting's (a test keeps them so)."""

DESCRIPTION = "Ask about your partner program: performance, goals, applications, QBRs."
ASSISTANT_DESCRIPTION = (
    "Answers questions about your partner program with figures from your own data: "
    "performance, leaderboards, goals, applications, QBRs and drafts to partners."
)


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
"""Hosts allowed over plain http, for a local tunnel or a test; Slack itself calls https."""


def events_url(request_url: str) -> str:
    """`request_url` as Slack should call it, ending in /slack/events: a bare base
    (https://host) gets the path; https only, except http on localhost / 127.0.0.1.
    Raises ValueError saying what to give instead."""
    text = request_url.strip()
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"“{text}” is not a URL Slack can call; give one like https://your.host.")
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise ValueError(
            f"“{text}” is plain http; Slack only calls https URLs. Put the app behind HTTPS "
            "(e.g. https://your.host) or use Socket Mode."
        )
    path = parts.path.rstrip("/")
    if not path:
        path = EVENTS_PATH
    elif not path.endswith(EVENTS_PATH):
        raise ValueError(
            f"“{text}” doesn't end in {EVENTS_PATH}, where the app takes Slack's requests; "
            f"give the base ({parts.scheme}://{parts.netloc}) or the full …{EVENTS_PATH} URL."
        )
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def manifest(
    *, request_url: str | None, socket_mode: bool, name: str = "partnerops"
) -> dict[str, Any]:
    """The app manifest. Over HTTP, `request_url` (see `events_url`) is where Slack sends
    events, `/partners` and interactivity; in Socket Mode it is left out (none is needed)."""
    if not 1 <= len(name.strip()) <= MAX_NAME:
        raise ValueError(f"The app's name must be 1 to {MAX_NAME} characters; “{name}” isn't.")
    url = None
    if not socket_mode:
        if not request_url:
            raise ValueError("An HTTP app needs a request URL; or use Socket Mode.")
        url = events_url(request_url)

    def with_url(entry: dict[str, Any], key: str = "request_url") -> dict[str, Any]:
        return {**entry, key: url} if url else entry

    command = with_url(
        {
            "command": COMMAND,
            "description": "Ask about partners, list and decide applications, QBRs, digests",
            "usage_hint": "help | pending | approve app-017 | qbr Northwind Q3 | <question>",
            "should_escape": False,
        },
        "url",
    )
    return {
        "display_information": {
            "name": name.strip(),
            "description": DESCRIPTION,
            "background_color": "#1d4e89",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": _display_name(name), "always_online": True},
            "slash_commands": [command],
            "assistant_view": {
                "assistant_description": ASSISTANT_DESCRIPTION,
                "suggested_prompts": [dict(p) for p in SUGGESTED_PROMPTS],
            },
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": with_url({"bot_events": list(BOT_EVENTS)}),
            "interactivity": with_url({"is_enabled": True}),
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_json(document: dict[str, Any]) -> str:
    """The manifest as `partnerops slack manifest` prints it and docs/ keeps it."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _display_name(name: str) -> str:
    """The bot's @-name: Slack takes lower-case letters, digits, '.', '-' and '_' (≤ 80)."""
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", name.strip().lower()).strip("-")
    return cleaned[:80] or "partnerops"
