"""A fake Slack Web API on loopback.

The real slack_sdk WebClient (and Bolt through it) talks to it with `base_url=slack.url`,
so tests exercise what production sends: form and JSON bodies, bearer tokens, 429s with
Retry-After, the three-step file upload and response_url posts. Every request is recorded
for asserting; users, channels and user groups come from small registries; failures,
overridden answers and slow methods are scripted per test.
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

JSON_FIELDS = frozenset({"blocks", "attachments", "metadata", "view", "files", "prompts"})
"""Parameters clients send as JSON strings inside form bodies; recorded decoded."""

FIRST_TS = 1764800000
"""Seconds part of the first message ts the fake hands out (clear of the 17646… ts tests use)."""

_TZ_REFERENCE = datetime(2026, 1, 15, 12, tzinfo=UTC)
"""tz_offset is the zone's offset on this fixed day, so answers never depend on the date."""


@dataclass(frozen=True)
class Call:
    """One request the fake received: a Web API method or a response_url post."""

    method: str
    params: dict[str, Any]
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    """Request headers, names lowercased."""
    failed: bool = False
    """Answered by a scripted `fail()` with an HTTP error instead of the method."""
    response: Any = None
    """What the fake answered (the JSON object for API methods)."""
    at: float = 0.0
    """time.perf_counter() when the request arrived, for latency measurements."""


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _json_reply(payload: Any, status: int = 200) -> _Reply:
    return _Reply(status, json.dumps(payload, ensure_ascii=False).encode())


def _text_reply(text: str, status: int = 200) -> _Reply:
    return _Reply(status, text.encode(), "text/plain; charset=utf-8")


class FakeSlack:
    """The Web API's state and scripted behaviour; serve it with `with FakeSlack() as slack`."""

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        team_name: str = "Acme",
        bot_user_id: str = "UBOT0001",
        bot_id: str = "B0001",
        enterprise_id: str | None = None,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.enterprise_id = enterprise_id
        self.socket_url: str | None = None
        """What apps.connections.open answers; set it to a FakeSocketModeServer's url."""
        self.strict_users = False
        """When True, users never added are user_not_found instead of default members."""
        self._cond = threading.Condition()
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._calls: list[Call] = []
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._usergroups: dict[str, list[str]] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._pending_files: dict[str, dict[str, Any]] = {}
        self._uploads: dict[str, bytes] = {}
        self._failures: dict[str, list[_Reply]] = {}
        self._overrides: dict[str, dict[str, Any]] = {}
        self._delays: dict[str, float] = {}
        self._holds: dict[str, float] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._methods: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.delete": self._delete_message,
            "views.publish": self._view,
            "views.open": self._view,
            "views.update": self._view,
            "views.push": self._view,
            "conversations.history": self._history,
            "conversations.replies": self._replies,
            "conversations.info": self._conversation_info,
            "users.info": self._user_info,
            "usergroups.users.list": self._usergroup_users,
            "apps.connections.open": self._connections_open,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }
        self.add_user(bot_user_id, name="partnerops", real_name="partnerops", is_bot=True)

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Listen on 127.0.0.1 on a free port, serving from a daemon thread."""
        if self._server is None:
            self._closing.clear()
            self._server = _Server(("127.0.0.1", 0), _handler(self))
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(0.05,), daemon=True
            )
            self._thread.start()
        return self

    def close(self) -> None:
        if self._server is None:
            return
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def base(self) -> str:
        """http://127.0.0.1:PORT, the root every fake endpoint hangs off."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started: use `with FakeSlack() as slack`")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """The Web API base URL, as SLACK_API_URL is written: http://127.0.0.1:PORT/api/."""
        return self.base + "/api/"

    # --- registries ---------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        team_id: str | None = None,
        name: str = "user",
        real_name: str | None = None,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        tz: str = "Europe/Warsaw",
    ) -> None:
        user = _user_object(
            user_id,
            team_id=team_id or self.team_id,
            name=name,
            real_name=real_name if real_name is not None else name,
            is_restricted=is_restricted,
            is_ultra_restricted=is_ultra_restricted,
            is_bot=is_bot,
            deleted=deleted,
            tz=tz,
        )
        with self._cond:
            self._users[user_id] = user

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_ext_shared: bool = False,
        is_shared: bool = False,
        is_private: bool = False,
        is_im: bool = False,
        is_member: bool = True,
    ) -> None:
        """Register a conversation; `is_member=False` makes chat.postMessage not_in_channel."""
        channel = self._channel_object(
            channel_id,
            name=name,
            is_ext_shared=is_ext_shared,
            is_shared=is_shared,
            is_private=is_private,
            is_im=is_im,
            is_member=is_member,
        )
        with self._cond:
            self._channels[channel_id] = channel

    def add_usergroup(self, group_id: str, users: list[str]) -> None:
        with self._cond:
            self._usergroups[group_id] = list(users)

    def add_message(
        self,
        channel: str,
        *,
        text: str = "",
        user: str | None = None,
        ts: str | None = None,
        thread_ts: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Seed history with a message someone else wrote (conversations.history/replies
        show it); returns its ts."""
        with self._cond:
            ts = ts or self._next_ts()
            message: dict[str, Any] = {"type": "message", "text": text, "ts": ts}
            message["user"] = user or "UMEMBER001"
            for key, value in (
                ("thread_ts", thread_ts),
                ("blocks", blocks),
                ("metadata", metadata),
            ):
                if value is not None:
                    message[key] = value
            self._messages.setdefault(channel, []).append(message)
            return ts

    # --- scripting ----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (or "response_url:<name>") with HTTP
        `status`; the body defaults to Slack's ratelimited (429) or internal_error."""
        if body is None:
            body = {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}
        if isinstance(body, str):
            reply = _Reply(status, body.encode(), "text/plain; charset=utf-8", dict(headers or {}))
        else:
            reply = _Reply(status, json.dumps(body).encode(), headers=dict(headers or {}))
        with self._cond:
            self._failures.setdefault(method, []).extend([reply] * times)

    def respond(self, method: str, payload: dict[str, Any]) -> None:
        """Answer every call of `method` with `payload` (HTTP 200) until clear_overrides()."""
        with self._cond:
            self._overrides[method] = copy.deepcopy(payload)

    def clear_overrides(self) -> None:
        with self._cond:
            self._overrides.clear()

    def delay(self, method: str, seconds: float) -> None:
        """Hold every call of `method` for `seconds` before answering (0 clears)."""
        with self._cond:
            if seconds > 0:
                self._delays[method] = seconds
            else:
                self._delays.pop(method, None)

    def reset(self) -> None:
        """Forget calls, messages, uploads and scripted behaviour; registries stay."""
        with self._cond:
            self._calls.clear()
            self._messages.clear()
            self._pending_files.clear()
            self._uploads.clear()
            self._failures.clear()
            self._overrides.clear()
            self._delays.clear()
            self._holds.clear()

    # --- what happened ------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Every message in `channel` (replies included), oldest first, as stored."""
        with self._cond:
            return copy.deepcopy(self._messages.get(channel, []))

    @property
    def uploads(self) -> dict[str, bytes]:
        """File id → the bytes uploaded to its upload URL."""
        with self._cond:
            return dict(self._uploads)

    def calls_to(self, method: str, **match: Any) -> list[Call]:
        """Calls of `method` (failed attempts included) whose params equal every `match`."""
        return [
            c
            for c in self.calls
            if c.method == method and all(c.params.get(k) == v for k, v in match.items())
        ]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Call], bool] | None = None,
        *,
        include_failed: bool = False,
    ) -> list[Call]:
        """Block until `count` calls of `method` (matching `where`) have been answered, and
        return all of them. Scripted failures don't count unless `include_failed`."""

        def matching() -> list[Call]:
            return [
                c
                for c in self._calls
                if c.method == method
                and (include_failed or not c.failed)
                and (where is None or where(c))
            ]

        with self._cond:
            if self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                return matching()
            seen = [(c.method, c.params) for c in self._calls]
        raise AssertionError(
            f"expected {count} {method} call(s) within {timeout} s, got "
            f"{len(matching())}; calls seen: {seen}"
        )

    def response_url(self, name: str = "r1") -> str:
        """A response_url whose posts are recorded as method "response_url:<name>"."""
        return f"{self.base}/response/{quote(name, safe='')}"

    def responses(self, name: str | None = None) -> list[Call]:
        """What was posted to response_url(name), or to any response_url."""
        if name is None:
            return [c for c in self.calls if c.method.startswith("response_url:")]
        return [c for c in self.calls if c.method == f"response_url:{name}"]

    # --- serving (called from the HTTP handler threads) ---------------------------------

    def _serve_api(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> _Reply:
        arrived = time.perf_counter()
        form_token = params.pop("token", None)
        token = _bearer(headers) or (str(form_token) if form_token else None)
        with self._cond:
            delay = self._delays.get(method, 0.0)
        if delay:
            self._closing.wait(delay)
        with self._cond:
            failure = self._take_failure(method)
            if failure is not None:
                self._record(Call(method, params, token, headers, True, _body(failure), arrived))
                return failure
            if token is None:
                payload: dict[str, Any] = {"ok": False, "error": "not_authed"}
            elif method in self._overrides:
                payload = copy.deepcopy(self._overrides[method])
            else:
                answer = self._methods.get(method, _just_ok)
                payload = answer(params, token)
            self._record(Call(method, params, token, headers, False, payload, arrived))
            hold = self._holds.get(method, 0.0)
        if hold:
            self._closing.wait(hold)
        return _json_reply(payload)

    def _serve_response_url(self, name: str, body: bytes, headers: dict[str, str]) -> _Reply:
        arrived = time.perf_counter()
        method = f"response_url:{name}"
        params = _json_object(body)
        with self._cond:
            failure = self._take_failure(method)
            if failure is not None:
                self._record(Call(method, params, None, headers, True, _body(failure), arrived))
                return failure
            override = self._overrides.get(method)
            self._record(Call(method, params, None, headers, False, override or "ok", arrived))
        return _json_reply(override) if override is not None else _text_reply("ok")

    def _serve_upload(self, file_id: str, body: bytes, headers: dict[str, str]) -> _Reply:
        content = _file_content(body, headers.get("content-type", ""))
        with self._cond:
            if file_id not in self._pending_files:
                return _text_reply("file_not_found", 404)
            self._uploads[file_id] = content
        return _text_reply(f"OK - {len(content)}")

    def hold_after(self, method: str, seconds: float) -> None:
        """Carry out every call of `method` at once (a message is posted) but hold the
        answer for `seconds`: a caller killed meanwhile never learns it succeeded."""
        with self._cond:
            if seconds > 0:
                self._holds[method] = seconds
            else:
                self._holds.pop(method, None)

    def _take_failure(self, method: str) -> _Reply | None:
        queue = self._failures.get(method)
        return queue.pop(0) if queue else None

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._cond.notify_all()

    def _next_ts(self) -> str:
        micros = next(self._ts) * 100
        return f"{FIRST_TS + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):09d}"

    # --- methods (run under the lock) ---------------------------------------------------

    def _auth_test(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "ok": True,
            "url": f"https://{self.team_name.lower()}.slack.com/",
            "team": self.team_name,
            "user": "partnerops",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }
        if self.enterprise_id:
            answer["enterprise_id"] = self.enterprise_id
        return answer

    def _post_message(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        known = self._channels.get(str(channel))
        if known is not None and not known.get("is_member", True):
            return {"ok": False, "error": "not_in_channel"}
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            return {"ok": False, "error": "no_text"}
        message: dict[str, Any] = {
            "type": "message",
            "text": params.get("text", ""),
            "ts": self._next_ts(),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata", "reply_broadcast"):
            if params.get(key) is not None:
                message[key] = params[key]
        self._messages.setdefault(str(channel), []).append(message)
        return {
            "ok": True,
            "channel": channel,
            "ts": message["ts"],
            "message": copy.deepcopy(message),
        }

    def _update_message(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        """Updates the stored message; a ts the fake never saw (older than the test) is
        accepted as Slack would accept the bot's own message."""
        channel, ts = params.get("channel"), params.get("ts")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        stored = self._find_message(str(channel), str(ts))
        if stored is not None:
            for key in ("text", "blocks", "attachments", "metadata"):
                if key in params:
                    stored[key] = params[key]
        return {"ok": True, "channel": channel, "ts": ts, "text": params.get("text", "")}

    def _post_ephemeral(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _delete_message(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        messages = self._messages.get(channel, [])
        self._messages[channel] = [m for m in messages if m["ts"] != ts]
        return {"ok": True, "channel": channel, "ts": ts}

    def _view(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        view = params.get("view")
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        view_id = str(params.get("view_id") or self._next_id("V"))
        shown: dict[str, Any] = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view.get("type", "modal"),
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "hash": f"{next(self._ids)}.fakehash",
            "app_id": "A0001",
            "bot_id": self.bot_id,
            **copy.deepcopy(view),
        }
        shown["id"] = view_id
        return {"ok": True, "view": shown}

    def _history(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        """Top-level messages of a channel, newest first (thread replies only via
        conversations.replies, as in Slack); metadata always included."""
        channel = str(params.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        top = [
            m
            for m in self._messages.get(channel, [])
            if m.get("thread_ts") in (None, m["ts"]) or _truthy(m.get("reply_broadcast"))
        ]
        top = _within(top, params)
        top.sort(key=lambda m: float(m["ts"]), reverse=True)
        limit = int(params.get("limit") or 100)
        return {
            "ok": True,
            "messages": copy.deepcopy(top[:limit]),
            "has_more": len(top) > limit,
            "pin_count": 0,
            "response_metadata": {"next_cursor": ""},
        }

    def _replies(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        """The thread's parent (when the fake knows it) and its replies, oldest first."""
        channel, parent = str(params.get("channel", "")), str(params.get("ts", ""))
        if not channel or not parent:
            return {"ok": False, "error": "thread_not_found"}
        thread = [
            m
            for m in self._messages.get(channel, [])
            if m["ts"] == parent or m.get("thread_ts") == parent
        ]
        thread = _within(thread, params)
        thread.sort(key=lambda m: float(m["ts"]))
        limit = int(params.get("limit") or 1000)
        return {
            "ok": True,
            "messages": copy.deepcopy(thread[:limit]),
            "has_more": len(thread) > limit,
            "response_metadata": {"next_cursor": ""},
        }

    def _conversation_info(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        """Registered channels as added; others are plain public channels of our team
        (ids starting with D are direct messages)."""
        channel_id = str(params.get("channel", ""))
        if not channel_id:
            return {"ok": False, "error": "channel_not_found"}
        channel = self._channels.get(channel_id)
        if channel is None:
            channel = self._channel_object(channel_id, is_im=channel_id.startswith("D"))
        return {"ok": True, "channel": copy.deepcopy(channel)}

    def _user_info(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        user_id = str(params.get("user", ""))
        user = self._users.get(user_id)
        if user is None and user_id and not self.strict_users:
            user = _user_object(
                user_id,
                team_id=self.team_id,
                name=user_id.lower(),
                real_name=f"User {user_id}",
                is_restricted=False,
                is_ultra_restricted=False,
                is_bot=False,
                deleted=False,
                tz="Europe/Warsaw",
            )
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": copy.deepcopy(user)}

    def _usergroup_users(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        users = self._usergroups.get(str(params.get("usergroup", "")))
        if users is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(users)}

    def _connections_open(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        if not token.startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        if self.socket_url is None:
            return {"ok": False, "error": "fake_socket_url_not_set"}
        return {"ok": True, "url": self.socket_url}

    def _upload_url(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        if not params.get("filename") or not params.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._next_id("F")
        self._pending_files[file_id] = {
            key: params[key]
            for key in ("filename", "length", "alt_txt", "snippet_type")
            if key in params
        }
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        shared: list[dict[str, Any]] = []
        for item in files:
            file_id = str(item.get("id", ""))
            pending = self._pending_files.get(file_id)
            if pending is None:
                return {"ok": False, "error": "file_not_found"}
            entry: dict[str, Any] = {
                "id": file_id,
                "name": pending.get("filename"),
                "title": item.get("title") or pending.get("filename"),
                "size": len(self._uploads.get(file_id, b"")),
                "user": self.bot_user_id,
            }
            if "alt_txt" in pending:
                entry["alt_txt"] = pending["alt_txt"]
            if params.get("channel_id"):
                entry["channels"] = [params["channel_id"]]
            shared.append(entry)
        return {"ok": True, "files": shared}

    def _find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self._messages.get(channel, []) if m["ts"] == ts), None)

    def _channel_object(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_ext_shared: bool = False,
        is_shared: bool = False,
        is_private: bool = False,
        is_im: bool = False,
        is_member: bool = True,
    ) -> dict[str, Any]:
        return {
            "id": channel_id,
            "name": name or channel_id.lower(),
            "is_channel": not is_im,
            "is_group": False,
            "is_im": is_im,
            "is_mpim": False,
            "is_private": is_private,
            "is_archived": False,
            "is_general": False,
            "is_shared": is_shared,
            "is_ext_shared": is_ext_shared,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "is_member": is_member,
            "context_team_id": self.team_id,
            "created": FIRST_TS - 86_400,
        }


def _user_object(
    user_id: str,
    *,
    team_id: str,
    name: str,
    real_name: str,
    is_restricted: bool,
    is_ultra_restricted: bool,
    is_bot: bool,
    deleted: bool,
    tz: str,
) -> dict[str, Any]:
    offset = ZoneInfo(tz).utcoffset(_TZ_REFERENCE)
    return {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "deleted": deleted,
        "real_name": real_name,
        "tz": tz,
        "tz_label": tz,
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        "profile": {"real_name": real_name, "display_name": name, "team": team_id},
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": is_restricted,
        "is_ultra_restricted": is_ultra_restricted,
        "is_bot": is_bot,
        "is_app_user": False,
    }


def _just_ok(params: dict[str, Any], token: str) -> dict[str, Any]:
    """Any method the fake has no model of."""
    return {"ok": True}


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _within(messages: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
    """conversations.history/replies `oldest`/`latest` bounds (exclusive unless inclusive)."""
    inclusive = _truthy(params.get("inclusive"))
    oldest = float(params["oldest"]) if params.get("oldest") else None
    latest = float(params["latest"]) if params.get("latest") else None

    def keep(ts: float) -> bool:
        if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
            return False
        return latest is None or ts < latest or (ts == latest and inclusive)

    return [m for m in messages if keep(float(m["ts"]))]


def _bearer(headers: dict[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _body(reply: _Reply) -> Any:
    try:
        return json.loads(reply.body)
    except ValueError:
        return reply.body.decode("utf-8", "replace")


def _json_object(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        value = json.loads(body)
    except ValueError:
        return {"_raw": body.decode("utf-8", "replace")}
    return value if isinstance(value, dict) else {"_body": value}


def _parse_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Query string, then the body (JSON, form or multipart), JSON-string fields decoded."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        params.update(_json_object(body))
    elif kind == "multipart/form-data":
        for name, _filename, value in _multipart(body, content_type):
            params[name] = value
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            try:
                decoded = json.loads(value)
            except ValueError:
                continue
            if isinstance(decoded, list | dict):
                params[key] = decoded
    return params


def _multipart(body: bytes, content_type: str) -> list[tuple[str, str | None, str | bytes]]:
    """(field name, filename, value) per part: text fields as str, files as bytes."""
    envelope = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    message = BytesParser(policy=HTTP).parsebytes(envelope)
    parts: list[tuple[str, str | None, str | bytes]] = []
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return parts
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        raw = part.get_payload(decode=True)
        data = raw if isinstance(raw, bytes) else b""
        value: str | bytes = data if filename else data.decode("utf-8", "replace")
        parts.append((str(name or ""), filename, value))
    return parts


def _file_content(body: bytes, content_type: str) -> bytes:
    """The file itself: the raw body, or the file part of a multipart envelope."""
    if not content_type.lower().startswith("multipart/form-data"):
        return body
    parts = _multipart(body, content_type)
    files = [value for _name, filename, value in parts if filename and isinstance(value, bytes)]
    if files:
        return files[0]
    return next((v for _n, _f, v in parts if isinstance(v, bytes)), b"")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many instances' workers may call at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timeout, a retry) is expected here, not a failure."""
        return


def _handler(slack: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

        def do_GET(self) -> None:
            self._route()

        def do_POST(self) -> None:
            self._route()

        def do_PUT(self) -> None:
            self._route()

        def _route(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                reply = self._answer(parts.path, parts.query, body, headers)
            except Exception as error:  # a bug in the fake: say so loudly, not as a hang-up
                traceback.print_exc()
                reply = _json_reply(
                    {"ok": False, "error": "fake_slack_bug", "detail": repr(error)}, 500
                )
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def _answer(self, path: str, query: str, body: bytes, headers: dict[str, str]) -> _Reply:
            if path.startswith("/api/"):
                params = _parse_params(query, body, headers.get("content-type", ""))
                return slack._serve_api(path[len("/api/") :], params, headers)
            if path.startswith("/upload/"):
                return slack._serve_upload(unquote(path[len("/upload/") :]), body, headers)
            if path.startswith("/response/"):
                name = unquote(path[len("/response/") :])
                return slack._serve_response_url(name, body, headers)
            return _json_reply({"ok": False, "error": "unknown_method"}, 404)

    return Handler
