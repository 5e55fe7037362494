"""A conversation's scope (a digest's thread): questions naming no partners are asked
within it, and say so; questions naming their own partners, or tools that cannot take it,
are answered as asked; the scope survives every turn and the store."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.assistant.answer import answer_offline
from bot.assistant.conversation import ConversationKey, Turn, load_conversation, record_turn
from bot.assistant.plan import TurnState
from tests.conftest import DEMO_TODAY
from tools.context import ToolContext

GOLD = TurnState("goal_progress", {"tiers": ["Gold"]}, scope={"tiers": ["Gold"]})


def ctx() -> ToolContext:
    return ToolContext(today=DEMO_TODAY)


def test_a_question_without_partners_is_asked_within_the_scope(demo_session: Session) -> None:
    result = answer_offline(demo_session, ctx(), "top 5 partners by revenue last month", GOLD)
    assert result.calls[0]["arguments"]["tiers"] == ["Gold"]
    assert "Gold tier, this thread's scope" in result.report.notes[0]
    assert result.state is not None and result.state.scope == {"tiers": ["Gold"]}


def test_a_question_naming_partners_is_answered_as_asked(demo_session: Session) -> None:
    result = answer_offline(demo_session, ctx(), "revenue for Northwind last month", GOLD)
    assert "tiers" not in result.calls[0]["arguments"]
    assert not any("this thread's scope" in n for n in result.report.notes)
    assert result.state is not None and result.state.scope == {"tiers": ["Gold"]}


def test_the_scope_is_stored_with_the_conversation(demo_session: Session) -> None:
    key = ConversationKey("CDIGEST01", "1764800000.000100")
    at = datetime(2026, 12, 7, 8, tzinfo=UTC)
    record_turn(demo_session, key, "U1", Turn("digest", "…", [], GOLD, "offline", at))
    loaded = load_conversation(demo_session, key)
    assert loaded.previous == GOLD
    demo_session.rollback()
