"""The Bolt App: built once per process from a SlackRuntime, every listener registered.

HTTP delivery verifies Slack's signature (a bad one or a timestamp older than five
minutes gets 401); Socket Mode needs no signing secret. Events are acknowledged at once;
the work they start first claims the event id in the database (`SlackRuntime.first_delivery`),
so a retry, or the same event reaching another instance, is processed once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.slack.listeners import register_listeners
from bot.slack.runtime import SlackRuntime
from bot.slack.work import TrackedPool, error_id

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
        # auth.test now, once: otherwise Bolt calls it inside the first request's ack.
        token_verification_enabled=True,
        process_before_response=True,  # listeners only ack and hand off: no executor hop
        listener_executor=intake,
        logger=logging.getLogger("partnerops.slack.bolt"),
    )
    register_listeners(app, rt)
    app.error(_on_error)
    return app


def _on_error(error: Exception, body: dict[str, Any]) -> None:
    """An error in an acknowledgement (not in the work; the worker reports those)."""
    log.error("error_id=%s in a Slack listener: %r", error_id(), error, exc_info=error)
