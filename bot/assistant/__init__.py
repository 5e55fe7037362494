"""The assistant's planners; the offline router decides from text alone, with no model."""

from bot.assistant.router import (
    Clarify,
    Help,
    Refuse,
    ToolCall,
    TurnState,
    Vocabulary,
    route,
)

__all__ = ["Clarify", "Help", "Refuse", "ToolCall", "TurnState", "Vocabulary", "route"]
