"""Slack's assistant container: a greeting with suggested prompts when a thread starts;
each message answered in its thread with "is thinking…" while it works."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Assistant, Say, SetStatus, SetSuggestedPrompts, SetTitle
from slack_sdk.errors import SlackApiError

from bot.assistant.conversation import ConversationKey
from bot.slack.incoming import question_text
from bot.slack.listeners.payloads import event_asker
from bot.slack.questions import Thread, answer_question, known_thread
from bot.slack.runtime import SlackRuntime
from bot.slack.work import failure_text

log = logging.getLogger("partnerops.slack")

GREETING = (
    "Hi! Ask me about your partner program: performance, leaderboards, goals, "
    "applications, QBRs, or a draft to a partner. Every figure comes from your program data."
)
SUGGESTED_PROMPTS = [
    {"title": "Top partners last month", "message": "top 5 partners by revenue last month"},
    {"title": "Goal pacing", "message": "are we on track for our goals this quarter?"},
    {"title": "Who needs attention", "message": "which partners need attention?"},
    {"title": "Pending applications", "message": "pending applications"},
]
TITLE_CHARS = 60


def _best_effort(what: str, call: Callable[[], object]) -> None:
    """Status and title are niceties: failing to set them must not cost the answer."""
    try:
        call()
    except SlackApiError as error:
        log.warning("could not set the assistant %s: %s", what, error.response.get("error"))


def register(app: App, rt: SlackRuntime) -> None:
    assistant = Assistant()

    @assistant.thread_started
    def on_started(
        body: dict[str, Any], say: Say, set_suggested_prompts: SetSuggestedPrompts
    ) -> None:
        def job() -> None:
            if rt.first_delivery(body):
                say(GREETING)
                set_suggested_prompts(prompts=SUGGESTED_PROMPTS, title="Try one of these")

        rt.worker.submit("greeting in the assistant", job)

    @assistant.thread_context_changed
    def on_context_changed() -> None:
        """The channel the user is viewing changed; answers don't depend on it."""

    @assistant.user_message
    def on_message(
        payload: dict[str, Any],
        body: dict[str, Any],
        set_status: SetStatus,
        set_title: SetTitle,
    ) -> None:
        started = time.monotonic()
        channel = str(payload["channel"])
        thread_ts = str(payload.get("thread_ts") or payload["ts"])
        thread = Thread(channel, thread_ts, ConversationKey(channel, thread_ts))
        asker = event_asker(payload, body)
        text = question_text(str(payload.get("text") or ""), rt.bot_user_id)

        def job() -> None:
            if not rt.first_delivery(body):
                return
            first_turn = not known_thread(rt, channel, thread_ts)
            answered = answer_question(
                rt,
                asker,
                text,
                thread,
                source="slack_assistant",
                started=started,
                status=lambda words: _best_effort("status", lambda: set_status(words)),
            )
            if answered is not None and first_turn:
                _best_effort("title", lambda: set_title(text[:TITLE_CHARS]))

        def report(error: str) -> None:
            rt.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=failure_text(error)
            )

        rt.worker.submit("answering in the assistant", job, report=report)

    app.assistant(assistant)
