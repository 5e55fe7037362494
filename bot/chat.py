"""The interactive terminal conversation behind `partnerops chat`."""

from __future__ import annotations

import uuid

from rich.console import Console
from rich.prompt import Prompt
from sqlalchemy.orm import Session

from bot.assistant.answer import ModelAnswerer
from bot.assistant.conversation import CLI_CHANNEL, ConversationKey
from bot.assistant.converse import converse
from bot.process import freeze_startup_heap
from bot.render.terminal import render_answer_rich
from tools.context import ToolContext

WELCOME = (
    "[bold]partnerops[/bold] — ask about partners, performance, goals, applications, QBRs "
    "and drafts.\nTry: [italic]top 5 partners by revenue last month[/italic], "
    "[italic]are we on track for our goals?[/italic], [italic]help[/italic]. "
    "Type [bold]quit[/bold] or press Ctrl-D to leave."
)


def run_chat(
    session: Session,
    ctx: ToolContext,
    console: Console | None = None,
    *,
    model: ModelAnswerer | None = None,
    key: ConversationKey | None = None,
) -> None:
    """Read questions until EOF or `quit`; each answer may build on the turns before it,
    which are kept in the database like a Slack thread's."""
    console = console or Console()
    console.print(WELCOME)
    freeze_startup_heap()
    key = key or ConversationKey(CLI_CHANNEL, f"chat-{uuid.uuid4().hex[:12]}")
    while True:
        try:
            question = Prompt.ask("\n[bold cyan]you[/bold cyan]", console=console).strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if question.lower() in {"quit", "exit", ":q", "bye"}:
            return
        if not question:
            continue
        result = converse(session, ctx, key, question, model=model)
        session.commit()  # keeps the turn and releases the read snapshot
        console.print(render_answer_rich(result.reports, result.framing))
