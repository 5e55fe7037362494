"""Slack's assistant container: a greeting with suggested prompts when a thread starts;
each message answered in its thread with "is thinking…" while it works."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt import App, Assistant, Say, SetStatus, SetSuggestedPrompts, SetTitle

from bot.assistant.conversation import ConversationKey
from bot.slack.incoming import question_text
from bot.slack.listeners.payloads import event_asker
from bot.slack.questions import Thread, answer_question
from bot.slack.runtime import SlackRuntime
from bot.slack.work import failure_text

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


def _ignore(_response: object) -> None:
    """A status update's response is not needed."""


def register(app: App, rt: SlackRuntime) -> None:
    assistant = Assistant()

    @assistant.thread_started
    def on_started(say: Say, set_suggested_prompts: SetSuggestedPrompts) -> None:
        say(GREETING)
        set_suggested_prompts(prompts=SUGGESTED_PROMPTS, title="Try one of these")

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
            answered = answer_question(
                rt,
                asker,
                text,
                thread,
                source="slack_assistant",
                started=started,
                status=lambda words: _ignore(set_status(words)),
            )
            if answered is not None:
                set_title(text[:TITLE_CHARS])

        def report(error: str) -> None:
            rt.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=failure_text(error)
            )

        rt.worker.submit("answering in the assistant", job, report=report)

    app.assistant(assistant)
