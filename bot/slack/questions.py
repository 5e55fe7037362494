"""A question asked in Slack (a mention, a thread reply, a DM, the assistant, a button):
check who is asking, answer it as the next turn of its thread, post the answer and any
chart into that thread. Every conversational surface calls `answer_question`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.assistant.answer import Answer, answer
from bot.assistant.conversation import ConversationKey
from bot.assistant.converse import converse, converse_call
from bot.render.blocks import context_block, escape, render_answer_message
from bot.render.charts import chart_for
from bot.slack.access import REFUSAL, Asker
from bot.slack.compute import Turn
from bot.slack.runtime import SlackRuntime
from bot.slack.work import delivered

log = logging.getLogger("partnerops.slack")

DM_THREAD = "dm"
"""A DM's top-level messages are one conversation."""


@dataclass(frozen=True)
class Thread:
    """Where the answer goes and which stored conversation it continues."""

    channel: str
    reply_ts: str | None
    """The thread to reply in; None posts at the top level (a DM)."""
    conversation: ConversationKey


def answer_question(
    rt: SlackRuntime,
    asker: Asker,
    text: str,
    thread: Thread,
    *,
    source: str,
    started: float | None = None,
    status: Callable[[str], None] | None = None,
) -> Turn | None:
    """Answer `text` for `asker` in `thread`; a refusal when they may not see program data.
    Returns the turn posted (None when refused)."""
    started = started if started is not None else time.monotonic()
    decision = rt.access(asker)
    if not decision.allowed:
        refuse(rt.client, asker, thread)
        return None
    if status is not None:
        status("is thinking…")
    ctx = rt.context(
        asker.user_id,
        source=source,
        channel=thread.channel,
        name=decision.person.name if decision.person else None,
    )
    turn = rt.turn(ctx, thread.conversation, text, started=started)
    post_turn(rt.client, thread.channel, thread.reply_ts, turn)
    log.info(
        "answered source=%s user=%s channel=%s planner=%s tools=%s ms=%.0f",
        source,
        asker.user_id,
        thread.channel,
        turn.planner,
        ",".join(turn.tools) or "-",
        (time.monotonic() - started) * 1000,
    )
    return turn


def post_answer(
    client: WebClient,
    channel: str,
    thread_ts: str | None,
    result: Answer,
    *,
    lead: str | None = None,
) -> None:
    """The answer as Block Kit (with its text fallback), then its chart, in one thread.
    `lead` (mrkdwn, already escaped) goes above it as context."""
    message = render_answer_message(result, reserve=1 if lead else 0)
    post_turn(
        client, channel, thread_ts, Turn(message, chart_for(result), result.planner), lead=lead
    )


def post_turn(
    client: WebClient,
    channel: str,
    thread_ts: str | None,
    turn: Turn,
    *,
    lead: str | None = None,
) -> None:
    message, chart = turn.message, turn.chart
    blocks = message.blocks
    if lead:
        blocks = [context_block(lead), *blocks]
    client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=message.text,
        blocks=blocks,
        unfurl_links=False,
        unfurl_media=False,
    )
    if chart is not None:
        client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            content=chart.png,
            filename=chart.filename,
            title=chart.title,
            alt_txt=chart.alt_text,
        )


def refuse(client: WebClient, asker: Asker, thread: Thread) -> None:
    """Tell only the asker, and show no data."""
    if asker.direct:
        client.chat_postMessage(channel=thread.channel, thread_ts=thread.reply_ts, text=REFUSAL)
    else:
        client.chat_postEphemeral(
            channel=thread.channel, user=asker.user_id, thread_ts=thread.reply_ts, text=REFUSAL
        )


def known_thread(rt: SlackRuntime, channel: str, thread_ts: str) -> bool:
    """True when the bot has answered in this thread before (its conversation is stored)."""
    from bot.assistant.conversation import load_conversation

    with rt.session() as session:
        return bool(load_conversation(session, ConversationKey(channel, thread_ts)).turns)


def answer_option(
    rt: SlackRuntime,
    asker: Asker,
    body: dict[str, Any],
    label: str,
    call: dict[str, Any] | None,
    *,
    respond: Respond,
    started: float,
) -> None:
    """A clarifying option pressed: run the call it names (or ask its words) as the next
    turn of the thread it was offered in; from an ephemeral reply, answer ephemerally."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    ephemeral = bool(container.get("is_ephemeral")) or not message
    decision = rt.access(asker)
    if not decision.allowed:
        respond(text=REFUSAL, response_type="ephemeral", replace_original=False)
        return
    name = decision.person.name if decision.person else None
    ctx = rt.context(asker.user_id, source="slack_button", channel=channel or None, name=name)
    if ephemeral:
        key = ConversationKey(channel or "slack", f"command-{asker.user_id}")
    elif channel.startswith("D") and not message.get("thread_ts"):
        key = ConversationKey(channel, DM_THREAD)  # a DM's top level is one conversation
    else:
        reply_ts = str(message.get("thread_ts") or message.get("ts"))
        key = ConversationKey(channel, reply_ts)
    with rt.session() as session:
        if call is not None:
            result = converse_call(
                session, ctx, key, label, str(call["tool"]), dict(call.get("arguments") or {})
            )
        else:
            result = converse(session, ctx, key, label, model=rt.model, started=started)
    if ephemeral:
        rendered = render_answer_message(result)
        delivered(
            respond(
                text=rendered.text,
                blocks=rendered.blocks,
                response_type="ephemeral",
                replace_original=False,
            )
        )
    else:
        thread_ts = None if key.thread == DM_THREAD else key.thread
        post_answer(rt.client, channel, thread_ts, result)


def share_answer(
    rt: SlackRuntime, asker: Asker, question: str, *, respond: Respond, started: float
) -> None:
    """ "Share in channel": ask the question again for the channel (figures computed now,
    as for anyone asking), post it with who shared it, and remove the private copy."""
    channel = asker.channel_id
    decision = rt.access(asker)
    if not decision.allowed or not channel or not question:
        respond(text=REFUSAL, response_type="ephemeral", replace_original=False)
        return
    name = decision.person.name if decision.person else None
    ctx = rt.context(asker.user_id, source="slack_share", channel=channel, name=name)
    with rt.session() as session:
        result = answer(session, ctx, question, model=rt.model, started=started)
    lead = f"<@{asker.user_id}> shared `/partners {escape(question)}`"
    try:
        post_answer(rt.client, channel, None, result, lead=lead)
    except SlackApiError as error:
        if error.response.get("error") not in ("not_in_channel", "channel_not_found"):
            raise
        # The bot isn't a member here; response_url can still post for everyone (no chart).
        message = render_answer_message(result, reserve=1)
        lead_block = context_block(lead)
        delivered(
            respond(
                text=message.text,
                blocks=[lead_block, *message.blocks],
                response_type="in_channel",
                replace_original=False,
            )
        )
    delivered(respond(delete_original=True))
