"""A turn in a stored conversation: load what came before, answer, keep this turn.

Every surface with threads (the terminal chat, `ask --conversation`, Slack threads) goes
through here, so a follow-up works in whichever process or instance receives it: the
previous turns live in `conversation_threads`, not in memory.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.assistant.answer import Answer, ModelAnswerer, answer, run_tool
from bot.assistant.conversation import ConversationKey, Turn, load_conversation, record_turn
from bot.render.model import render_for_memory
from tools.context import ToolContext


def converse(
    session: Session,
    ctx: ToolContext,
    key: ConversationKey | str,
    text: str,
    *,
    model: ModelAnswerer | None = None,
    started: float | None = None,
) -> Answer:
    """Answer `text` as the next turn of conversation `key` and record it (the caller
    commits). The model sees earlier questions and answers; the router continues from the
    last call that answered."""
    key = key if isinstance(key, ConversationKey) else ConversationKey.parse(key)
    conversation = load_conversation(session, key)
    history = [(turn.question, turn.answer) for turn in conversation.turns]
    result = answer(
        session, ctx, text, conversation.previous, model=model, history=history, started=started
    )
    _record(session, ctx, key, text, result)
    return result


def converse_call(
    session: Session,
    ctx: ToolContext,
    key: ConversationKey,
    label: str,
    tool: str,
    arguments: dict[str, Any],
) -> Answer:
    """Run a call chosen from a clarifying question's options (a button) as the next turn
    of `key`: the call the option named, not a re-reading of its label."""
    result = run_tool(session, ctx, tool, arguments)
    _record(session, ctx, key, label, result)
    return result


def _record(
    session: Session, ctx: ToolContext, key: ConversationKey, text: str, result: Answer
) -> None:
    record_turn(
        session,
        key,
        ctx.user,
        Turn(
            question=text,
            answer=render_for_memory(result.reports, result.framing),
            calls=result.calls,
            state=result.state,
            planner=result.planner,
            at=ctx.clock,
        ),
    )
