"""One model turn's runtime context: what tools and guards need and the model never sees.

LangChain hands this object to every tool (`ToolRuntime.context`) and every middleware hook
(`Runtime.context`), so the session, the acting user, the budget and the record of what was
called belong to this request alone, while the agent graph is built once per process.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.assistant.answer import Answer
from tools.context import ToolContext


@dataclass
class ToolRun:
    """One tool call the model made and what it returned."""

    name: str
    arguments: dict[str, Any]
    answer: Answer
    call_id: str = ""
    """The model's id for this call, to put runs back in the order the model asked."""

    @property
    def refused(self) -> bool:
        """The arguments were refused (unknown or invalid); the message was fed back."""
        return self.answer.refused


@dataclass
class TurnContext:
    session: Session
    ctx: ToolContext
    deadline: float
    """`time.monotonic()` by which the model must have finished the whole turn."""
    mistakes_allowed: int = 1
    """Malformed calls, unknown tools or refused arguments fed back before giving up."""
    runs: list[ToolRun] = field(default_factory=list)
    mistakes: int = 0
    rounds: int = 0
    """Model responses that asked for tools."""
    model_calls: int = 0
    model_seconds: float = 0.0
    tool_seconds: float = 0.0
    usage: dict[str, int] = field(default_factory=dict)
    streamed_arguments: dict[int, str] = field(default_factory=dict)
    """The current streamed reply's tool-call arguments as sent, by call index."""
    call_order: list[str] = field(default_factory=list)
    """Tool call ids in the order the model made them (they may run in parallel)."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    """Held while a tool uses the session: LangGraph runs one round's calls in parallel
    threads, and a session is not thread-safe."""

    def ordered_runs(self) -> list[ToolRun]:
        """The runs in the order the model asked for them, not the order they finished."""
        position = {call_id: i for i, call_id in enumerate(self.call_order)}
        return sorted(self.runs, key=lambda run: position.get(run.call_id, len(position)))

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def add_usage(self, metadata: dict[str, Any] | None) -> None:
        for ours, theirs in (
            ("input", "input_tokens"),
            ("output", "output_tokens"),
            ("total", "total_tokens"),
        ):
            value = (metadata or {}).get(theirs)
            if isinstance(value, int):
                self.usage[ours] = self.usage.get(ours, 0) + value
