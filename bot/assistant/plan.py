"""The planner protocol: what a planner (the offline router, the LLM agent) decides for one
request, and the conversation state a follow-up is read against.

A decision is a tool call (with what the planner could not place), a clarifying question
whose options are themselves calls, help, or a refusal. Both planners produce these, and
`answer()` runs them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

NOT_APPLIED = "I didn't apply"
"""How every note about a part of a request that was not honoured begins."""


@dataclass(frozen=True)
class Unplaced:
    """Part of a request the call does not honour, said back to the user in a note."""

    text: str
    """The words as the user typed them ("in Germany", "septmber")."""
    reason: str
    """Why, in a clause that follows "I didn't apply …:" ("goals aren't split by country")."""
    key: str = ""
    """The slot it came from ("countries", "language"), when the router knows it."""

    def note(self) -> str:
        return f"{NOT_APPLIED} “{self.text}”: {self.reason}."


@dataclass
class ToolCall:
    tool: str
    arguments: dict[str, Any]
    unplaced: list[Unplaced] = field(default_factory=list)


@dataclass(frozen=True)
class Option:
    """A clarifying choice: the words shown (a button's label) and the call it runs, so a
    Slack button can run it without re-reading text. `call` None means "ask this text"."""

    label: str
    call: ToolCall | None = None


@dataclass
class Clarify:
    question: str
    options: list[Option]

    @property
    def labels(self) -> list[str]:
        return [o.label for o in self.options]


@dataclass
class Help:
    text: str


@dataclass
class Refuse:
    text: str


Decision = ToolCall | Clarify | Help | Refuse


@dataclass
class TurnState:
    """What the previous turn called; kept with the conversation so follow-ups work."""

    tool: str | None
    arguments: dict[str, Any] = field(default_factory=dict)
    scope: dict[str, Any] = field(default_factory=dict)
    """Segment arguments that hold for the whole conversation ({"tiers": ["Gold"]} in a
    Gold digest's thread): a question naming no partners of its own is asked within them."""


@dataclass(frozen=True)
class Vocabulary:
    """The names a planner may recognise; loaded from the database by the caller."""

    partner_names: tuple[str, ...]
    tiers: tuple[str, ...] = ("Gold", "Silver", "Bronze")
    goal_names: tuple[str, ...] = ()
    application_names: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    """Partner managers as stored (emails, names, Slack ids)."""
    tags: tuple[str, ...] = ()
    me: str | None = None
    """The asking person as a partner manager is stored (email or Slack id), for "my partners"."""


class Planner(Protocol):
    """Decides one request; never writes, never touches the database."""

    def __call__(
        self, text: str, vocab: Vocabulary, previous: TurnState | None = None
    ) -> Decision: ...
