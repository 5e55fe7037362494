"""One model turn's runtime context: what tools and guards need and the model never sees.

LangChain hands this object to every tool (`ToolRuntime.context`) and every middleware hook
(`Runtime.context`), so the session, the acting user, the budget and the record of what was
called belong to this request alone, while the agent graph is built once per process.
"""

from __future__ import annotations

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
    refused: bool = False
    """The arguments were refused (unknown or invalid); the message was fed back."""


@dataclass
class TurnContext:
    session: Session
    ctx: ToolContext
    deadline: float
    """`time.monotonic()` by which the model must have finished the whole turn."""
    max_tool_rounds: int = 4
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
