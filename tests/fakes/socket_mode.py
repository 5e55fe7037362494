"""Slack's side of Socket Mode on loopback: a WebSocket server that says hello, sends
envelopes (events, slash commands, interactions) and collects the client's acks.

Point FakeSlack.socket_url at `url` and slack_sdk's SocketModeClient (what Bolt's
SocketModeHandler uses) gets it from apps.connections.open and connects. The client pings
every few seconds and reconnects when no pong comes for 4 intervals; websockets answers
pings by itself, so a session stays up for as long as a test runs.
"""

from __future__ import annotations

import json
import threading
import uuid
from types import TracebackType
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

ENVELOPE_TYPES = frozenset({"events_api", "slash_commands", "interactive"})


class FakeSocketModeServer:
    """One WebSocket endpoint at ws://127.0.0.1:PORT/link; envelopes go to the newest
    connected client, as Slack sends each envelope over one of an app's connections."""

    def __init__(self, *, app_id: str = "A0001") -> None:
        self.app_id = app_id
        self._cond = threading.Condition()
        self._connections: list[ServerConnection] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._other: list[Any] = []
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeSocketModeServer:
        if self._server is None:
            # No server-side keepalive pings: the client's own pings (answered
            # automatically) are what keep it from reconnecting.
            self._server = serve(
                self._session, "127.0.0.1", 0, compression=None, ping_interval=None
            )
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSocketModeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSocketModeServer is not started: use it as a context manager")
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link"

    @property
    def acks(self) -> dict[str, dict[str, Any]]:
        """Envelope id → the client's ack ({"envelope_id", "payload"?})."""
        with self._cond:
            return dict(self._acks)

    @property
    def other_messages(self) -> list[Any]:
        """Anything the client sent that was not an ack."""
        with self._cond:
            return list(self._other)

    def wait_connected(self, timeout: float = 10.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: bool(self._connections), timeout):
                raise AssertionError(f"no Socket Mode client connected within {timeout} s")

    def send_envelope(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool = False,
    ) -> str:
        """Send one envelope ("events_api", "slash_commands" or "interactive"); returns its id."""
        if type not in ENVELOPE_TYPES:
            raise ValueError(f"unknown envelope type {type!r}, expected one of {ENVELOPE_TYPES}")
        envelope_id = envelope_id or str(uuid.uuid4())
        with self._cond:
            if not self._connections:
                raise AssertionError("no Socket Mode client is connected")
            connection = self._connections[-1]
        envelope = {
            "envelope_id": envelope_id,
            "type": type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        connection.send(json.dumps(envelope))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(
                    f"no ack for envelope {envelope_id} within {timeout} s; "
                    f"acked: {sorted(self._acks)}"
                )
            return self._acks[envelope_id]

    def _session(self, connection: ServerConnection) -> None:
        with self._cond:
            self._connections.append(connection)
            count = len(self._connections)
            self._cond.notify_all()
        try:
            connection.send(json.dumps(_hello(count, self.app_id)))
            for message in connection:
                self._receive(message)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                self._connections.remove(connection)
                self._cond.notify_all()

    def _receive(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            data = message
        with self._cond:
            if isinstance(data, dict) and data.get("envelope_id"):
                self._acks[str(data["envelope_id"])] = data
            else:
                self._other.append(data)
            self._cond.notify_all()


def _hello(num_connections: int, app_id: str) -> dict[str, Any]:
    return {
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {
            "host": "applink-fake",
            "build_number": 1,
            "approximate_connection_time": 18060,
        },
        "connection_info": {"app_id": app_id},
    }
