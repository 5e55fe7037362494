"""The Bolt App: built once per process from a SlackRuntime, every listener registered.

HTTP delivery verifies Slack's signature (a bad one or a timestamp older than five
minutes gets 401); Socket Mode needs no signing secret. A delivery whose event id was
already taken (a retry, or the same event reaching another instance) is acknowledged and
dropped before any listener runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltResponse

from bot.slack.listeners import register_listeners
from bot.slack.runtime import SlackRuntime
from bot.slack.work import TrackedPool, error_id
from storage.queries.slack_events import take_event

log = logging.getLogger("partnerops.slack")

ACK_THREADS = 16
"""Bolt's own executor only acknowledges and hands work to the runtime's worker."""


def build_app(rt: SlackRuntime, *, socket_mode: bool = False) -> App:
    settings = rt.settings
    secret = settings.slack_signing_secret
    if not socket_mode and secret is None:
        raise ValueError("SLACK_SIGNING_SECRET is required for HTTP delivery")
    intake = TrackedPool(ACK_THREADS, "bolt-ack")
    rt.worker.intake = intake
    app = App(
        client=rt.client,
        signing_secret=secret.get_secret_value() if secret else None,
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        process_before_response=False,
        listener_executor=intake,
        logger=logging.getLogger("partnerops.slack.bolt"),
    )
    app.use(_once_per_event(rt))
    register_listeners(app, rt)
    app.error(_on_error)
    return app


def _once_per_event(rt: SlackRuntime) -> Callable[..., BoltResponse | None]:
    def once_per_event(body: dict[str, Any], next: Any) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with rt.session() as session:
                first = take_event(
                    session, str(event_id), at=datetime.now(UTC), taken_by=rt.instance
                )
            if not first:
                log.info("event %s already taken; dropped", event_id)
                return BoltResponse(status=200, body="")
        next()
        return None

    return once_per_event


def _on_error(error: Exception, body: dict[str, Any]) -> None:
    """An error in an acknowledgement (not in the work; the worker reports those)."""
    log.error("error_id=%s in a Slack listener: %r", error_id(), error, exc_info=error)
