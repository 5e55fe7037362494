"""Modal submissions: the reason for a rejection."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App

from bot.slack.application_blocks import REASON_BLOCK, REASON_INPUT, REJECT_MODAL
from bot.slack.listeners.payloads import interaction_asker
from bot.slack.rejecting import submit_rejection
from bot.slack.runtime import SlackRuntime
from bot.slack.surfaces import Surface, tell
from bot.slack.work import failure_text


def _surface(metadata: str) -> str:
    try:
        return str(json.loads(metadata or "{}").get("surface") or "{}")
    except (ValueError, AttributeError):
        return "{}"


def register(app: App, rt: SlackRuntime) -> None:
    @app.view(REJECT_MODAL)
    def on_reject_reason(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = (view.get("state") or {}).get("values") or {}
        reason = str(((values.get(REASON_BLOCK) or {}).get(REASON_INPUT) or {}).get("value") or "")
        if not reason.strip():
            ack(
                response_action="errors",
                errors={REASON_BLOCK: "Say why: the reason is kept with the record."},
            )
            return
        ack()
        asker = interaction_asker(body)
        metadata = str(view.get("private_metadata") or "")
        rt.worker.submit(
            "rejecting from the modal",
            lambda: submit_rejection(rt, asker, metadata, reason.strip()),
            report=lambda error: tell(
                rt, asker, Surface.loads(_surface(metadata)), failure_text(error)
            ),
            urgent=True,
        )
