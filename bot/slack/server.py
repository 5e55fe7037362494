"""Serving the App: HTTP (Bolt's WSGI adapter under waitress) or Socket Mode.

`/slack/events` takes events, slash commands, interactivity and options; `/healthz`
answers a load balancer (200 when the database answers, 503 when it does not).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.slack.runtime import SlackRuntime

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger("partnerops.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

WsgiApp = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]


def wsgi_app(app: App, rt: SlackRuntime) -> WsgiApp:
    """Slack's endpoint and the health check, as one WSGI application."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    gate = rt.worker.gate

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return _health(rt, start_response)
        with gate.acknowledging():
            return slack(environ, start_response)

    return application


def _health(rt: SlackRuntime, start_response: StartResponse) -> Iterable[bytes]:
    body: dict[str, object]
    try:
        with rt.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        status, body = "200 OK", {"ok": True}
    except Exception as error:  # a health check reports; it never raises
        log.warning("health check: database unavailable: %s", error)
        status, body = "503 Service Unavailable", {"ok": False, "error": "database unavailable"}
    payload = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    )
    return [payload]


def make_http_server(app: App, rt: SlackRuntime, *, host: str = "0.0.0.0", port: int = 3000) -> Any:
    """A waitress server (production-grade, threaded) for the app; `.run()` serves,
    `.close()` stops. Port 0 picks a free port (`server.effective_port`)."""
    from waitress.server import create_server

    return create_server(
        wsgi_app(app, rt),
        host=host,
        port=port,
        threads=rt.settings.http_threads,
        ident="partnerops",
        channel_timeout=60,
        connection_limit=1000,
        backlog=1024,
    )


def serve_socket_mode(app: App, rt: SlackRuntime) -> None:
    """Connect to Slack over Socket Mode and serve until interrupted."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = rt.settings.slack_app_token
    if token is None:
        raise ValueError("SLACK_APP_TOKEN (xapp-…) is required for Socket Mode")
    SocketModeHandler(app, token.get_secret_value(), web_client=rt.client).start()  # type: ignore[no-untyped-call]
