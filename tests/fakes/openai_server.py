"""A scripted OpenAI-compatible Chat Completions server on loopback.

The real `openai` client and LangChain's `ChatOpenAI` talk to it over HTTP, streaming and
not, so tests exercise the same wire format a gateway, vLLM, Ollama or LM Studio speaks.
Each request takes the next scripted reply (or asks a responder function), and every
request is recorded so a test can assert what the model was shown and offered.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Call:
    """One tool call the scripted model makes. `arguments` as a dict is sent as JSON; a str
    is sent as written (to script malformed JSON)."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCalls:
    calls: list[Call]
    content: str = ""


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Fail:
    status: int = 500
    body: str = '{"error": {"message": "scripted failure", "type": "server_error"}}'
    headers: tuple[tuple[str, str], ...] = ()
    """Extra response headers, e.g. (("Retry-After", "25"),)."""


@dataclass(frozen=True)
class Hang:
    """Accept the request and send nothing until the server closes (or `seconds` pass)."""

    seconds: float = 60.0


@dataclass(frozen=True)
class KeepAlive:
    """Start a stream, then send only SSE comments (": ping"), as a gateway does while the
    model behind it stalls: bytes keep coming, no token ever does."""

    interval: float = 0.2
    seconds: float = 60.0


Reply = ToolCalls | Say | Fail | Hang | KeepAlive
Responder = Callable[[dict[str, Any]], Reply]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def tool_names(self) -> list[str]:
        return [t["function"]["name"] for t in self.body.get("tools") or []]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])


class ScriptedModel:
    """The server's state: the script, the responder and what was asked."""

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.responder: Responder | None = None
        self.requests: list[Recorded] = []
        self.usage = {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}
        self._lock = threading.Lock()
        self.closing = threading.Event()
        self.url = ""
        self.serving_seconds = 0.0
        """Time spent inside request handlers, for the agent-overhead benchmark."""

    def then(self, *replies: Reply) -> ScriptedModel:
        self.script.extend(replies)
        return self

    def next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            if self.script:
                return self.script.pop(0)
        if self.responder is not None:
            return self.responder(body)
        return Say("(the script has no more replies)")

    def record(self, item: Recorded) -> None:
        with self._lock:
            self.requests.append(item)

    def bodies_text(self) -> str:
        """Every request body as text, for asserting what never reached the model."""
        return "\n".join(json.dumps(r.body, ensure_ascii=False) for r in self.requests)


def _handler(model: ScriptedModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once, as a real server's

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

        def do_POST(self) -> None:
            started = time.monotonic()
            try:
                self._answer()
            finally:
                model.serving_seconds += time.monotonic() - started

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            body = json.loads(raw or b"{}")
            model.record(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            reply = model.next_reply(body)
            if isinstance(reply, Fail):
                self._send_raw(reply.status, reply.body.encode(), reply.headers)
            elif isinstance(reply, Hang):
                model.closing.wait(reply.seconds)
            elif isinstance(reply, KeepAlive):
                self._keep_alive(reply)
            elif body.get("stream"):
                self._stream(reply, body)
            else:
                self._send(200, _completion(reply, body, model.usage))

        def _keep_alive(self, reply: KeepAlive) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            waited = 0.0
            try:
                while waited < reply.seconds and not model.closing.wait(reply.interval):
                    self.wfile.write(b": PROCESSING\n\n")
                    self.wfile.flush()
                    waited += reply.interval
            except OSError:
                pass  # the client gave up, as it should
            self.close_connection = True

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            self._send_raw(status, json.dumps(payload).encode())

        def _send_raw(
            self, status: int, data: bytes, headers: tuple[tuple[str, str], ...] = ()
        ) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, reply: ToolCalls | Say, body: dict[str, Any]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in _chunks(reply, body, model.usage):
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler


def _message(reply: ToolCalls | Say) -> dict[str, Any]:
    if isinstance(reply, Say):
        return {"role": "assistant", "content": reply.text}
    return {
        "role": "assistant",
        "content": reply.content or None,
        "tool_calls": [
            {
                "id": f"call_{i}_{c.name}",
                "type": "function",
                "function": {"name": c.name, "arguments": _arguments(c)},
            }
            for i, c in enumerate(reply.calls)
        ],
    }


def _arguments(call: Call) -> str:
    if isinstance(call.arguments, str):
        return call.arguments
    return json.dumps(call.arguments, ensure_ascii=False)


def _completion(
    reply: ToolCalls | Say, body: dict[str, Any], usage: dict[str, int]
) -> dict[str, Any]:
    finish = "tool_calls" if isinstance(reply, ToolCalls) else "stop"
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
        "choices": [{"index": 0, "message": _message(reply), "finish_reason": finish}],
        "usage": usage,
    }


def _chunks(
    reply: ToolCalls | Say, body: dict[str, Any], usage: dict[str, int]
) -> Iterator[dict[str, Any]]:
    base = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": ""})
    if isinstance(reply, Say):
        words = reply.text.split(" ")
        for i, word in enumerate(words):
            yield chunk({"content": word if i == 0 else " " + word})
        yield chunk({}, "stop")
    else:
        if reply.content:
            yield chunk({"content": reply.content})
        for i, call in enumerate(reply.calls):
            arguments = _arguments(call)
            head = {
                "index": i,
                "id": f"call_{i}_{call.name}",
                "type": "function",
                "function": {"name": call.name, "arguments": ""},
            }
            yield chunk({"tool_calls": [head]})
            half = len(arguments) // 2
            for part in (arguments[:half], arguments[half:]):
                yield chunk({"tool_calls": [{"index": i, "function": {"arguments": part}}]})
        yield chunk({}, "tool_calls")
    if (body.get("stream_options") or {}).get("include_usage"):
        yield {**base, "choices": [], "usage": usage}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timeout, a retry) is expected here, not a failure."""
        return


@contextmanager
def scripted_model() -> Iterator[ScriptedModel]:
    """Serve a ScriptedModel on 127.0.0.1; its `url` is the OpenAI base URL (…/v1)."""
    model = ScriptedModel()
    server = _QuietServer(("127.0.0.1", 0), _handler(model))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    model.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield model
    finally:
        model.closing.set()
        server.shutdown()
        server.server_close()
