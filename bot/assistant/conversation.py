"""A conversation's previous turns, kept in the database so a follow-up ("and the month
before?") works in another process or on another bot instance: load before answering,
record after.

Each turn is stored as plain JSON in the conversation's `history` (the last MAX_TURNS, each
text trimmed to a bound); `state` holds what the latest stateful turn left, so a follow-up
can continue from it even after that turn has aged out. Reading never fails on what an
older version wrote: entries that do not parse are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.assistant.plan import TurnState
from storage.queries import conversations as queries

MAX_TURNS = 10
"""Turns kept per conversation; older ones are dropped when a new one is recorded."""
MAX_ANSWER_CHARS = 4000
MAX_QUESTION_CHARS = 4000
TRIMMED = "\n… (trimmed)"
"""Ends a stored text that was cut to its bound, so a reader knows it is not the whole."""

CLI_CHANNEL = "cli"
"""The channel of terminal chat sessions, whose thread is the session id."""
_MAX_KEY_CHARS = 50  # conversation_threads.channel_id and thread_ts are String(50)
_MAX_USER_CHARS = 100  # conversation_threads.user_id is String(100)
_KEY_FORM = 'a key reads CHANNEL:THREAD ("C123:1700000000.123") or a chat session id ("abc")'


class UnstorableTurn(ValueError):
    """A turn that JSON cannot keep as given, e.g. a date or NaN in its calls or state."""


@dataclass(frozen=True)
class ConversationKey:
    """Where a conversation happens: a Slack channel and thread, or a terminal session."""

    channel: str
    """A Slack channel id, or "cli" for the terminal."""
    thread: str
    """A Slack thread_ts, or a chat session id."""

    def __post_init__(self) -> None:
        for part, value in (("channel", self.channel), ("thread", self.thread)):
            if not value or len(value) > _MAX_KEY_CHARS:
                raise ValueError(
                    f"a conversation {part} must be 1 to {_MAX_KEY_CHARS} characters, "
                    f"got {value!r}; {_KEY_FORM}"
                )
        if ":" in self.channel:
            raise ValueError(f"a conversation channel cannot contain ':', got {self.channel!r}")

    @classmethod
    def parse(cls, text: str) -> ConversationKey:
        """Read "C123:1700000000.123" or "cli:abc"; a bare "abc" is terminal session abc."""
        channel, colon, thread = text.strip().partition(":")
        if not colon:
            return cls(CLI_CHANNEL, channel)
        return cls(channel.strip(), thread.strip())

    def __str__(self) -> str:
        return f"{self.channel}:{self.thread}"


@dataclass
class Turn:
    """One question and its answer, with what a follow-up continues from."""

    question: str
    answer: str
    """The answer as shown (plain text); stored trimmed to MAX_ANSWER_CHARS."""
    calls: list[dict[str, Any]]
    """The tool calls made: [{"tool": name, "arguments": {...}}], JSON-ready values."""
    state: TurnState | None
    """What a follow-up continues from; None keeps the conversation's earlier state."""
    planner: str
    """"llm" or "offline"."""
    at: datetime
    """When it was answered, timezone-aware; read back in UTC."""


@dataclass
class Conversation:
    key: ConversationKey
    turns: list[Turn] = field(default_factory=list)
    """Oldest first."""
    stored_state: TurnState | None = None
    """The state the latest stateful turn left, kept even after that turn was dropped."""

    @property
    def previous(self) -> TurnState | None:
        """What a follow-up continues from; None for a new conversation."""
        for turn in reversed(self.turns):
            if turn.state is not None:
                return turn.state
        return self.stored_state


def load_conversation(session: Session, key: ConversationKey) -> Conversation:
    """The conversation's stored turns; an empty conversation if nothing was recorded."""
    row = queries.conversation_row(session, channel=key.channel, thread=key.thread)
    if row is None:
        return Conversation(key)
    return Conversation(key, turns=_turns_from(row.history), stored_state=_state_from(row.state))


def record_turn(
    session: Session,
    key: ConversationKey,
    user: str | None,
    turn: Turn,
    *,
    keep: int = MAX_TURNS,
) -> None:
    """Append `turn`, keeping the last `keep` turns, under a row lock so that concurrent
    appenders (several bot instances) never lose a turn. Flushes; the caller commits.

    `user` is recorded for a new conversation ("" when unknown). Raises UnstorableTurn,
    before touching the database, when the turn cannot be stored as JSON.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    user_id = _user_id(user)
    at = _utc(turn.at)
    entry = _stored(turn, at)
    row = queries.lock_conversation(
        session, channel=key.channel, thread=key.thread, user=user_id, at=at
    )
    history = row.history if isinstance(row.history, list) else []
    row.history = [*history, entry][-keep:]
    if entry["state"] is not None:
        row.state = entry["state"]
    if not row.user_id and user_id:
        row.user_id = user_id
    row.updated_at = at
    session.flush()


# ------------------------------------------------------------------ to JSON


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a turn's time must be timezone-aware, got {at.isoformat()}")
    return at.astimezone(UTC)


def _stored(turn: Turn, at: datetime) -> dict[str, Any]:
    """The turn as JSON values: a deep copy, so later changes to the turn don't reach the row,
    made here so that what JSON cannot hold fails now rather than at flush."""
    for call in turn.calls:
        if not _is_call(call):
            raise UnstorableTurn(f'a call must be {{"tool": str, "arguments": dict}}, got {call!r}')
    state = turn.state
    entry = {
        "question": _trimmed(turn.question, MAX_QUESTION_CHARS),
        "answer": _trimmed(turn.answer, MAX_ANSWER_CHARS),
        "calls": turn.calls,
        "state": None if state is None else _state_json(state),
        "planner": turn.planner,
        "at": at.isoformat(),
    }
    try:
        copy: dict[str, Any] = json.loads(json.dumps(entry, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise UnstorableTurn(f"a turn must hold only JSON values: {error}") from error
    return copy


def _state_json(state: TurnState) -> dict[str, Any]:
    data: dict[str, Any] = {"tool": state.tool, "arguments": state.arguments}
    if state.scope:
        data["scope"] = state.scope
    return data


def _trimmed(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(TRIMMED)].rstrip() + TRIMMED


def _user_id(user: str | None) -> str:
    if user is not None and len(user) > _MAX_USER_CHARS:
        raise ValueError(f"a user id is at most {_MAX_USER_CHARS} characters, got {user!r}")
    return user or ""


# ------------------------------------------------------------------ from JSON


def _turns_from(history: object) -> list[Turn]:
    if not isinstance(history, list):
        return []
    return [turn for turn in map(_turn_from, history) if turn is not None]


def _turn_from(data: object) -> Turn | None:
    """A stored turn, or None when any part of it is not what this version writes."""
    if not isinstance(data, dict):
        return None
    question, answer, planner = data.get("question"), data.get("answer"), data.get("planner")
    calls, at = data.get("calls"), _utc_from(data.get("at"))
    if not (isinstance(question, str) and isinstance(answer, str) and isinstance(planner, str)):
        return None
    if not isinstance(calls, list) or not all(_is_call(call) for call in calls) or at is None:
        return None
    state = _state_from(data.get("state"))
    if state is None and data.get("state") is not None:
        return None
    return Turn(question=question, answer=answer, calls=calls, state=state, planner=planner, at=at)


def _state_from(data: object) -> TurnState | None:
    """A stored state; None for none ({} is what a new row holds) or one that doesn't parse."""
    if not isinstance(data, dict) or "tool" not in data:
        return None
    tool, arguments = data["tool"], data.get("arguments", {})
    if not (tool is None or isinstance(tool, str)) or not _is_arguments(arguments):
        return None
    scope = data.get("scope", {})
    return TurnState(tool=tool, arguments=arguments, scope=scope if _is_arguments(scope) else {})


def _is_call(call: object) -> bool:
    return (
        isinstance(call, dict)
        and isinstance(call.get("tool"), str)
        and _is_arguments(call.get("arguments"))
    )


def _is_arguments(arguments: object) -> bool:
    return isinstance(arguments, dict) and all(isinstance(name, str) for name in arguments)


def _utc_from(text: object) -> datetime | None:
    """An ISO time in UTC; a time stored without an offset is taken as UTC, as written."""
    if not isinstance(text, str):
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    if at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at.astimezone(UTC)
