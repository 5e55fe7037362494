"""Conversation memory in the database: exact round trips, bounds, old rows, and concurrent
appenders on one conversation (several bot instances) losing nothing."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.assistant.conversation import (
    MAX_ANSWER_CHARS,
    MAX_TURNS,
    TRIMMED,
    Conversation,
    ConversationKey,
    Turn,
    UnstorableTurn,
    load_conversation,
    record_turn,
)
from bot.assistant.plan import TurnState
from storage.db import session_factory, session_scope
from storage.models import ConversationThread

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
KEY = ConversationKey("C123", "1700000000.123")

EXCLUDING_STATE = TurnState(
    tool="performance",
    arguments={
        "period": "last month",
        "partners": ["Northwind Traders", "Ромашка Медиа"],
        "tiers": ["Gold"],
        "n": 5,
        "mine": True,
        "excluding": {"types": ["affiliate", "agency"], "countries": ["US"]},
    },
)


def _turn(
    question: str,
    *,
    state: TurnState | None = None,
    answer: str = "Revenue was $1,200.",
    minutes: int = 0,
) -> Turn:
    calls = [] if state is None else [{"tool": state.tool, "arguments": state.arguments}]
    return Turn(
        question=question,
        answer=answer,
        calls=calls,
        state=state,
        planner="offline",
        at=AT + timedelta(minutes=minutes),
    )


def _record(
    engine: Engine, *turns: Turn, key: ConversationKey = KEY, keep: int = MAX_TURNS
) -> None:
    for turn in turns:
        with session_scope(engine) as s:
            record_turn(s, key, "U1", turn, keep=keep)


def _load(engine: Engine, key: ConversationKey = KEY) -> Conversation:
    with session_factory(engine)() as s:
        return load_conversation(s, key)


def _row(session: Session, *, history: Any, state: Any) -> None:
    """A row as an older or broken version might have left it."""
    session.add(
        ConversationThread(
            channel_id=KEY.channel,
            thread_ts=KEY.thread,
            user_id="U1",
            state=state,
            history=history,
            created_at=AT,
            updated_at=AT,
        )
    )
    session.commit()


# ------------------------------------------------------------------ keys


@pytest.mark.parametrize(
    ("text", "channel", "thread"),
    [
        ("C123:1700000000.123", "C123", "1700000000.123"),
        ("cli:abc", "cli", "abc"),
        ("abc", "cli", "abc"),
        (" C9 : 1.2 ", "C9", "1.2"),
        ("C1:a:b", "C1", "a:b"),
    ],
)
def test_key_parse_reads_channel_and_thread(text: str, channel: str, thread: str) -> None:
    key = ConversationKey.parse(text)
    assert key == ConversationKey(channel, thread)
    assert ConversationKey.parse(str(key)) == key


@pytest.mark.parametrize("text", ["", "C1:", ":123", "C1:" + "9" * 51, "c" * 51])
def test_key_parse_rejects_empty_or_overlong_parts(text: str) -> None:
    with pytest.raises(ValueError, match="conversation"):
        ConversationKey.parse(text)


# ------------------------------------------------------------------ round trips


def test_unknown_conversation_loads_empty_with_no_previous_state(session: Session) -> None:
    conversation = load_conversation(session, KEY)
    assert conversation == Conversation(KEY)
    assert conversation.previous is None


def test_turn_round_trips_exactly_with_nested_arguments_and_utc_time(engine: Engine) -> None:
    warsaw = timezone(timedelta(hours=1))
    turn = Turn(
        question="revenue last month excluding affiliates?",
        answer="Revenue — October 2026, 1–31 Oct: €12 400",
        calls=[
            {"tool": "performance", "arguments": EXCLUDING_STATE.arguments},
            {"tool": "find_partner", "arguments": {}},
        ],
        state=EXCLUDING_STATE,
        planner="llm",
        at=datetime(2026, 11, 23, 10, 30, tzinfo=warsaw),
    )
    _record(engine, turn)

    (loaded,) = _load(engine).turns
    assert loaded == Turn(
        question=turn.question,
        answer=turn.answer,
        calls=turn.calls,
        state=EXCLUDING_STATE,
        planner="llm",
        at=AT,
    )
    assert loaded.at.tzinfo is UTC
    with session_factory(engine)() as s:
        stored = s.scalars(select(ConversationThread)).one()
        assert stored.history[0]["at"] == "2026-11-23T09:30:00+00:00"
        assert stored.state == {"tool": "performance", "arguments": EXCLUDING_STATE.arguments}


def test_previous_is_the_last_stateful_turn_and_a_stateless_turn_keeps_it(engine: Engine) -> None:
    first = TurnState(tool="leaderboard", arguments={"n": 5, "period": "last month"})
    second = TurnState(tool="performance", arguments={"partners": ["Zabka"]})
    _record(engine, _turn("top 5", state=first), _turn("zabka?", state=second, minutes=1))
    _record(engine, _turn("help", minutes=2))

    conversation = _load(engine)
    assert [t.question for t in conversation.turns] == ["top 5", "zabka?", "help"]
    assert conversation.previous == second


def test_state_outlives_the_turn_that_left_it(engine: Engine) -> None:
    state = TurnState(tool="leaderboard", arguments={"n": 3})
    _record(engine, _turn("top 3", state=state), keep=2)
    _record(engine, _turn("help", minutes=1), _turn("thanks", minutes=2), keep=2)

    conversation = _load(engine)
    assert [t.question for t in conversation.turns] == ["help", "thanks"]
    assert conversation.previous == state


def test_turn_recorded_is_a_copy_of_the_callers_objects(session: Session) -> None:
    state = TurnState(tool="performance", arguments={"excluding": {"types": ["affiliate"]}})
    turn = _turn("q", state=state)
    record_turn(session, KEY, "U1", turn)
    state.arguments["excluding"]["types"].append("agency")
    turn.calls.clear()
    session.commit()
    session.expire_all()

    (loaded,) = load_conversation(session, KEY).turns
    assert loaded.state == TurnState(
        tool="performance", arguments={"excluding": {"types": ["affiliate"]}}
    )
    assert loaded.calls == [
        {"tool": "performance", "arguments": {"excluding": {"types": ["affiliate"]}}}
    ]


# ------------------------------------------------------------------ bounds and the user


def test_fifteen_turns_keep_the_last_ten(engine: Engine) -> None:
    _record(engine, *(_turn(f"q{i}", minutes=i) for i in range(15)))

    turns = _load(engine).turns
    assert MAX_TURNS == 10
    assert [t.question for t in turns] == [f"q{i}" for i in range(5, 15)]
    assert [t.at for t in turns] == [AT + timedelta(minutes=i) for i in range(5, 15)]


def test_long_answer_is_trimmed_with_a_marker(session: Session) -> None:
    long = "".join(f"line {i:05d}\n" for i in range(1000))
    assert len(long) == 11_000
    record_turn(session, KEY, "U1", _turn("everything", answer=long))
    record_turn(session, KEY, "U1", _turn("short", answer="ok", minutes=1))
    session.commit()

    trimmed, short = load_conversation(session, KEY).turns
    assert len(trimmed.answer) <= MAX_ANSWER_CHARS
    assert trimmed.answer.endswith(TRIMMED)
    kept = trimmed.answer.removesuffix(TRIMMED)
    assert long.startswith(kept) and len(kept) > MAX_ANSWER_CHARS - 2 * len(TRIMMED)
    assert short.answer == "ok"


def test_unknown_user_is_stored_empty_and_the_first_known_user_kept(session: Session) -> None:
    def user_id() -> str:
        return session.scalars(select(ConversationThread.user_id)).one()

    record_turn(session, KEY, None, _turn("a"))
    assert user_id() == ""
    record_turn(session, KEY, "U1", _turn("b"))
    record_turn(session, KEY, "U2", _turn("c"))
    assert user_id() == "U1"


# ------------------------------------------------------------------ what cannot be stored


@pytest.mark.parametrize(
    "turn",
    [
        _turn("a date", state=TurnState(tool="performance", arguments={"day": date(2026, 1, 1)})),
        _turn("nan", state=TurnState(tool="performance", arguments={"n": float("nan")})),
        Turn("no arguments", "", [{"tool": "performance"}], None, "offline", AT),
    ],
)
def test_unstorable_turn_is_refused_before_writing(session: Session, turn: Turn) -> None:
    with pytest.raises(UnstorableTurn):
        record_turn(session, KEY, "U1", turn)
    assert session.scalar(select(func.count()).select_from(ConversationThread)) == 0


def test_naive_time_is_refused(session: Session) -> None:
    naive = Turn("q", "a", [], None, "offline", datetime(2026, 11, 23, 9, 30))
    with pytest.raises(ValueError, match="timezone-aware"):
        record_turn(session, KEY, "U1", naive)


# ------------------------------------------------------------------ rows an older version wrote


def _entry(question: str, **changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "question": question,
        "answer": "a",
        "calls": [],
        "state": None,
        "planner": "offline",
        "at": "2026-11-23T09:30:00+00:00",
    }
    return entry | changes


def test_malformed_entries_are_skipped_and_the_rest_loads(engine: Engine) -> None:
    history = [
        1,
        "text",
        None,
        {"question": "only a question"},
        _entry("good"),
        _entry("bad time", at="yesterday"),
        _entry("numeric time", at=1700000000),
        _entry("bad state", state="performance"),
        _entry("bad state tool", state={"tool": 3, "arguments": {}}),
        _entry("bad call", calls=[{"tool": "performance", "arguments": []}]),
        _entry("calls not a list", calls={"tool": "x"}),
        _entry("naive time", at="2026-11-23T09:31:00"),
        _entry("stateful", state={"tool": "leaderboard", "arguments": {"n": 3}}),
    ]
    with session_factory(engine)() as s:
        _row(s, history=history, state=["not", "a", "state"])

    conversation = _load(engine)
    assert [t.question for t in conversation.turns] == ["good", "naive time", "stateful"]
    assert conversation.turns[1].at == AT + timedelta(minutes=1)
    assert conversation.previous == TurnState(tool="leaderboard", arguments={"n": 3})


@pytest.mark.parametrize("history", [{"turns": []}, "[]", 42, None])
def test_history_that_is_not_a_list_loads_empty_and_is_replaced(
    engine: Engine, history: Any
) -> None:
    with session_factory(engine)() as s:
        _row(s, history=history, state={"tool": "leaderboard", "arguments": {"n": 3}})

    conversation = _load(engine)
    assert conversation.turns == []
    assert conversation.previous == TurnState(tool="leaderboard", arguments={"n": 3})

    _record(engine, _turn("next"))
    assert [t.question for t in _load(engine).turns] == ["next"]


# ------------------------------------------------------------------ concurrent appenders


def test_append_extends_the_stored_row_not_the_sessions_stale_copy(engine: Engine) -> None:
    _record(engine, _turn("earlier"))
    with session_factory(engine)() as first:
        held = first.scalars(select(ConversationThread)).one()  # as an earlier read might
        _record(engine, _turn("other instance", minutes=1))
        assert len(held.history) == 1  # the session's copy is stale
        record_turn(first, KEY, "U1", _turn("this instance", minutes=2))
        first.commit()

    questions = [t.question for t in _load(engine).turns]
    assert questions == ["earlier", "other instance", "this instance"]


def _run_writers(engine: Engine, writers: dict[str, list[tuple[ConversationKey, Turn]]]) -> None:
    """Each writer records its turns in its own sessions, all starting at once."""
    start = threading.Barrier(len(writers), timeout=30)
    errors: list[BaseException] = []

    def write(turns: list[tuple[ConversationKey, Turn]]) -> None:
        try:
            start.wait()
            for key, turn in turns:
                with session_scope(engine) as s:
                    load_conversation(s, key)  # as an answer does: read, answer, record
                    record_turn(s, key, "U1", turn, keep=1000)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(turns,)) for turns in writers.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []


def test_two_writers_on_one_conversation_lose_no_turn(engine: Engine) -> None:
    n = 25
    writers = {
        name: [(KEY, _turn(f"{name}{i}", minutes=i)) for i in range(n)] for name in ("a", "b")
    }
    _run_writers(engine, writers)

    questions = [t.question for t in _load(engine).turns]
    assert sorted(questions) == sorted(f"{name}{i}" for name in "ab" for i in range(n))
    for name in "ab":
        assert [q for q in questions if q.startswith(name)] == [f"{name}{i}" for i in range(n)]


def test_two_writers_starting_the_same_conversations_create_each_once(engine: Engine) -> None:
    keys = [ConversationKey("C1", f"1700000000.{i:03d}") for i in range(20)]
    writers = {name: [(key, _turn(name)) for key in keys] for name in ("a", "b")}
    _run_writers(engine, writers)

    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(ConversationThread)) == len(keys)
        for key in keys:
            assert sorted(t.question for t in load_conversation(s, key).turns) == ["a", "b"]
