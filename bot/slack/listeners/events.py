"""Events: @mentions, replies in threads the bot answered, DMs, the Home tab."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt import App

from bot.assistant.conversation import ConversationKey
from bot.slack.home_tab import publish_home
from bot.slack.incoming import mentions, question_text
from bot.slack.listeners.payloads import event_asker
from bot.slack.questions import DM_THREAD, Thread, answer_question, known_thread
from bot.slack.runtime import SlackRuntime
from bot.slack.work import ErrorReporter, failure_text


def register(app: App, rt: SlackRuntime) -> None:
    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any]) -> None:
        started = time.monotonic()
        channel = str(event["channel"])
        reply_ts = str(event.get("thread_ts") or event["ts"])
        thread = Thread(channel, reply_ts, ConversationKey(channel, reply_ts))
        asker = event_asker(event, body)
        text = question_text(str(event.get("text") or ""), rt.bot_user_id)

        def job() -> None:
            if rt.first_delivery(body):
                answer_question(rt, asker, text, thread, source="slack_mention", started=started)

        rt.worker.submit("answering a mention", job, report=_in_thread(rt, thread))

    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return
        started = time.monotonic()
        channel = str(event["channel"])
        raw = str(event.get("text") or "")
        direct = event.get("channel_type") == "im"
        if not direct and mentions(raw, rt.bot_user_id):
            return  # the app_mention event answers it
        thread_ts = event.get("thread_ts")
        if direct:
            thread = Thread(channel, thread_ts, ConversationKey(channel, thread_ts or DM_THREAD))
        elif thread_ts:
            thread = Thread(channel, str(thread_ts), ConversationKey(channel, str(thread_ts)))
        else:
            return  # a channel message not addressed to the bot
        asker = event_asker(event, body)
        text = question_text(raw, rt.bot_user_id)

        def job() -> None:
            if not direct and not known_thread(rt, channel, thread.conversation.thread):
                return  # someone else's thread
            if not rt.first_delivery(body):
                return
            answer_question(rt, asker, text, thread, source="slack_message", started=started)

        rt.worker.submit("answering a message", job, report=_in_thread(rt, thread))

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        asker = event_asker(event, body)
        asker = type(asker)(
            user_id=asker.user_id, channel_id=None, team_id=asker.team_id, direct=True
        )

        def job() -> None:
            if rt.first_delivery(body):
                publish_home(rt, asker)

        rt.worker.submit("publishing the Home tab", job)


def _in_thread(rt: SlackRuntime, thread: Thread) -> ErrorReporter:
    def report(error: str) -> None:
        rt.client.chat_postMessage(
            channel=thread.channel, thread_ts=thread.reply_ts, text=failure_text(error)
        )

    return report
