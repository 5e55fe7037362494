"""A span whose ends are two back-to-back periods of one length ("Q1 to Q2") is answered as
the span it says, and the answer says how it was read and how to ask for the change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.conftest import DEMO_TODAY
from tools.performance import resolve_periods


def notes_for(session: Session, words: str) -> list[str]:
    return resolve_periods(session, DEMO_TODAY, words).notes


def test_two_back_to_back_quarters_say_how_they_were_read(demo_session: Session) -> None:
    periods = resolve_periods(demo_session, DEMO_TODAY, "q1 to q2")
    assert (periods.period.start.isoformat(), periods.period.end.isoformat()) == (
        "2026-01-01",
        "2026-06-30",
    )
    (note,) = [n for n in periods.notes if "as one period" in n]
    assert "ask “Q2 2026 vs Q1 2026”" in note


def test_back_to_back_months_too_but_not_a_longer_span(demo_session: Session) -> None:
    assert any("as one period" in n for n in notes_for(demo_session, "from march to april"))
    assert not any("as one period" in n for n in notes_for(demo_session, "january to march"))
    assert not any("as one period" in n for n in notes_for(demo_session, "last month"))
