"""The interactive terminal conversation behind `partnerops chat`."""

from __future__ import annotations

from rich.console import Console
from rich.prompt import Prompt
from sqlalchemy.orm import Session

from bot.assistant.answer import answer
from bot.assistant.plan import TurnState
from bot.process import freeze_startup_heap
from bot.render.terminal import render_rich
from tools.context import ToolContext

WELCOME = (
    "[bold]partnerops[/bold] — ask about partners, performance, goals, applications, QBRs "
    "and drafts.\nTry: [italic]top 5 partners by revenue last month[/italic], "
    "[italic]are we on track for our goals?[/italic], [italic]help[/italic]. "
    "Type [bold]quit[/bold] or press Ctrl-D to leave."
)


def run_chat(session: Session, ctx: ToolContext, console: Console | None = None) -> None:
    """Read questions until EOF or `quit`; each answer may build on the previous turn."""
    console = console or Console()
    console.print(WELCOME)
    freeze_startup_heap()
    previous: TurnState | None = None
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
        result = answer(session, ctx, question, previous)
        session.rollback()  # answers never write; release the read snapshot between turns
        previous = result.state
        console.print(render_rich(result.report))
