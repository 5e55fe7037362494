"""Buttons: Approve / Reject on pending applications, clarifying options, Share in channel."""

from __future__ import annotations

import re
import time
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.render.blocks import OPTION_ACTION_PREFIX, decode_option
from bot.slack.application_blocks import APPROVE_ACTION, REJECT_ACTION
from bot.slack.approvals import decide
from bot.slack.commands import SHARE_ACTION, shared_question
from bot.slack.listeners.payloads import interaction_asker
from bot.slack.questions import answer_option, share_answer
from bot.slack.rejecting import open_reject_modal
from bot.slack.runtime import SlackRuntime
from bot.slack.surfaces import Surface, show_outcome, tell
from bot.slack.work import ErrorReporter, failure_text


def register(app: App, rt: SlackRuntime) -> None:
    @app.action(re.compile(rf"^{re.escape(APPROVE_ACTION)}\b"))
    def on_approve(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        asker = interaction_asker(body)
        surface = Surface.of(body)
        key = str(action.get("value") or "")

        def job() -> None:
            outcome = decide(rt, asker, "approve", key, source="slack_button", reason=None)
            show_outcome(rt, asker, surface, outcome)

        rt.worker.submit("approving from a button", job, report=_telling(rt, body), urgent=True)

    @app.action(re.compile(rf"^{re.escape(REJECT_ACTION)}\b"))
    def on_reject(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        asker = interaction_asker(body)
        surface = Surface.of(body)
        key = str(action.get("value") or "")
        trigger = str(body.get("trigger_id") or "")
        rt.worker.submit(
            "opening the reject modal",
            lambda: open_reject_modal(rt, asker, surface, key, trigger),
            report=_telling(rt, body),
            urgent=True,
        )

    @app.action(re.compile(rf"^{re.escape(OPTION_ACTION_PREFIX)}"))
    def on_option(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        started = time.monotonic()
        asker = interaction_asker(body)
        label, call = decode_option(str(action.get("value") or ""))
        rt.worker.submit(
            "answering a clarifying option",
            lambda: answer_option(rt, asker, body, label, call, respond=respond, started=started),
            report=_telling(rt, body),
        )

    @app.action(SHARE_ACTION)
    def on_share(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        started = time.monotonic()
        asker = interaction_asker(body)
        question = shared_question(str(action.get("value") or "{}"))
        rt.worker.submit(
            "sharing an answer",
            lambda: share_answer(rt, asker, question, respond=respond, started=started),
            report=_telling(rt, body),
        )


def _telling(rt: SlackRuntime, body: dict[str, Any]) -> ErrorReporter:
    asker = interaction_asker(body)
    surface = Surface.of(body)

    def report(error: str) -> None:
        tell(rt, asker, surface, failure_text(error))

    return report
