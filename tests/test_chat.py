"""The terminal chat loop: turns build on each other, answers print, startup heap is frozen."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator

import pytest
from rich.console import Console
from rich.prompt import Prompt
from sqlalchemy.orm import Session

from bot import chat
from tests.conftest import DEMO_TODAY
from tools.context import ToolContext


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_chat_answers_follow_ups_until_quit(
    demo_session: Session, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    questions = iter(
        [
            "how much revenue did Zabka bring in last quarter?",
            "",
            "and the quarter before?",
            "quit",
            "never asked",
        ]
    )
    monkeypatch.setattr(Prompt, "ask", lambda *_a, **_k: next(questions))
    out = io.StringIO()

    chat.run_chat(demo_session, ToolContext(today=DEMO_TODAY), Console(file=out, width=120))

    text = out.getvalue()
    assert "Żabka Polska" in text
    assert "Q3 2026" in text and "Q2 2026" in text  # the follow-up kept the partner
    assert text.index("Q3 2026") < text.index("Q2 2026")
    assert next(questions) == "never asked"  # stopped at quit
    assert gc.get_freeze_count() > 0


def test_chat_ends_cleanly_on_ctrl_d(
    demo_session: Session, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    def eof(*_a: object, **_k: object) -> str:
        raise EOFError

    monkeypatch.setattr(Prompt, "ask", eof)
    out = io.StringIO()
    chat.run_chat(demo_session, ToolContext(today=DEMO_TODAY), Console(file=out, width=120))
    assert "partnerops" in out.getvalue()
