"""The assistant: a planner (the offline router, or an LLM agent later) and `answer()`."""

from bot.assistant.offline.router import route
from bot.assistant.plan import (
    Clarify,
    Decision,
    Help,
    Option,
    Refuse,
    ToolCall,
    TurnState,
    Unplaced,
    Vocabulary,
)

__all__ = [
    "Clarify",
    "Decision",
    "Help",
    "Option",
    "Refuse",
    "ToolCall",
    "TurnState",
    "Unplaced",
    "Vocabulary",
    "route",
]
