"""What Slack itself sends to an app: Events API, slash command and interaction bodies,
signed with v0 HMAC-SHA256 as Slack signs them, posted to a running server.

Builders return (body, content type) so a test can sign exactly the bytes it sends, and
change them after signing to check that the server refuses them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
APP_ID = "A0001"
VERIFICATION_TOKEN = "fake-verification-token"
"""The deprecated verification token every Slack body still carries."""
DEFAULT_EVENT_TIME = 1764600000
"""event_time when the event carries no ts: fixed, so bodies never depend on the clock."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body_text: str
    elapsed_seconds: float


def sign(
    body: str, secret: str, timestamp: int, *, content_type: str | None = None
) -> dict[str, str]:
    """Slack's request headers: X-Slack-Request-Timestamp and X-Slack-Signature
    ("v0=" + HMAC-SHA256 of "v0:{timestamp}:{body}"), plus Content-Type if given."""
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


def event_body(
    event: dict[str, Any],
    *,
    team_id: str = "T0001",
    event_id: str | None = None,
    api_app_id: str = APP_ID,
    event_time: int | None = None,
    authorizations: list[dict[str, Any]] | None = None,
    is_ext_shared_channel: bool = False,
    bot_user_id: str = "UBOT0001",
) -> tuple[str, str]:
    """An event_callback envelope; event_id is unique unless given (Slack retries reuse
    it), event_time defaults to the event's ts."""
    event = dict(event)
    if "event_ts" not in event and "ts" in event:
        event["event_ts"] = event["ts"]
    if event_time is None:
        stamp = event.get("event_ts") or event.get("ts")
        event_time = int(float(stamp)) if stamp else DEFAULT_EVENT_TIME
    body = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}",
        "event_time": event_time,
        "authorizations": authorizations
        or [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": is_ext_shared_channel,
        "event_context": f"4-fake-{team_id}",
    }
    return json.dumps(body), JSON


def url_verification_body(challenge: str) -> tuple[str, str]:
    body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    return json.dumps(body), JSON


def command_body(
    text: str,
    *,
    user_id: str,
    channel_id: str,
    response_url: str,
    team_id: str = "T0001",
    command: str = "/partners",
    trigger_id: str = "t1",
    user_name: str = "someone",
    channel_name: str = "general",
) -> tuple[str, str]:
    """A slash command as Slack posts it: a flat form."""
    form = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": "acme",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(form), FORM


def block_actions_body(
    action: dict[str, Any],
    *,
    user_id: str,
    channel_id: str | None = None,
    team_id: str = "T0001",
    response_url: str | None = None,
    message: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
    trigger_id: str = "t1",
    view: dict[str, Any] | None = None,
) -> tuple[str, str]:
    """A button press (block_actions): form `payload=` JSON. Without a container, one is
    made from the view, or from the message and channel (ephemeral when no message)."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "acme"},
        "user": {"id": user_id, "username": "someone", "name": "someone", "team_id": team_id},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container or _container(channel_id, message, view),
        "trigger_id": trigger_id,
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": {}},
        "actions": [
            {"block_id": "fake_block", "action_ts": "1764600000.000001", "type": "button", **action}
        ],
    }
    if channel_id:
        payload["channel"] = {"id": channel_id, "name": "general"}
    if response_url:
        payload["response_url"] = response_url
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
    return urlencode({"payload": json.dumps(payload)}), FORM


def view_submission_body(
    view: dict[str, Any], *, user_id: str, team_id: str = "T0001"
) -> tuple[str, str]:
    """A modal submitted: `view` over the fields Slack always sends (id, state, …)."""
    shown = {
        "id": "VFAKE00001",
        "team_id": team_id,
        "type": "modal",
        "callback_id": "",
        "private_metadata": "",
        "state": {"values": {}},
        "hash": "1.fakehash",
        "app_id": APP_ID,
        **view,
    }
    payload: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "acme"},
        "user": {"id": user_id, "username": "someone", "name": "someone", "team_id": team_id},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": "t2",
        "view": shown,
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }
    return urlencode({"payload": json.dumps(payload)}), FORM


def post(
    url: str,
    body: str,
    *,
    content_type: str,
    secret: str,
    timestamp: int,
    extra_headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> Response:
    """POST a signed body; 4xx/5xx come back as a Response, not an exception. Proxies
    from the environment are ignored: these requests are for loopback."""
    headers = sign(body, secret, timestamp, content_type=content_type)
    headers.update(extra_headers or {})
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=timeout) as reply:
            text = reply.read().decode("utf-8", "replace")
            status, reply_headers = reply.status, dict(reply.headers)
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")
        status, reply_headers = error.code, dict(error.headers)
    return Response(status, reply_headers, text, time.perf_counter() - started)


def _container(
    channel_id: str | None, message: dict[str, Any] | None, view: dict[str, Any] | None
) -> dict[str, Any]:
    if view is not None:
        return {"type": "view", "view_id": view.get("id", "VFAKE00001")}
    container: dict[str, Any] = {"type": "message", "is_ephemeral": message is None}
    if channel_id:
        container["channel_id"] = channel_id
    if message is not None and "ts" in message:
        container["message_ts"] = message["ts"]
    return container
