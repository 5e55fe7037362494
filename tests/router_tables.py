"""Reading the router case tables (router_cases.toml, router_holdout.toml) and comparing a
decision with a case's expectation, shared by the tests over both tables."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from bot.assistant import Clarify, Help, Refuse, TurnState, Vocabulary
from bot.assistant.plan import Decision

DATA = Path(__file__).parent / "data"


def load(path: Path) -> tuple[list[dict[str, Any]], Vocabulary]:
    """A case table and the vocabulary its cases are read with."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    words = data["vocabulary"]
    vocab = Vocabulary(
        partner_names=tuple(words["partner_names"]),
        goal_names=tuple(words.get("goal_names", ())),
        application_names=tuple(words.get("application_names", ())),
        owners=tuple(words.get("owners", ())),
        tags=tuple(words.get("tags", ())),
    )
    return list(data["case"]), vocab


def previous(case: dict[str, Any]) -> TurnState | None:
    prev = case.get("previous")
    if prev is None:
        return None
    return TurnState(tool=prev["tool"], arguments=dict(prev.get("arguments", {})))


def expected(case: dict[str, Any]) -> str:
    """The case's expectation as one comparable line: kind, or tool, arguments and unplaced."""
    for kind in ("help", "refuse", "clarify"):
        if case.get(kind):
            return kind
    unplaced = sorted(case.get("unplaced", []))
    return f"{case['tool']} {sorted(dict(case['arguments']).items())} unplaced={unplaced}"


def got(decision: Decision) -> str:
    """A decision as the same kind of line as `expected`."""
    if isinstance(decision, Help):
        return "help"
    if isinstance(decision, Refuse):
        return "refuse"
    if isinstance(decision, Clarify):
        return "clarify"
    unplaced = sorted(u.text for u in decision.unplaced)
    return f"{decision.tool} {sorted(decision.arguments.items())} unplaced={unplaced}"


def case_id(case: dict[str, Any]) -> str:
    prefix = "followup:" if "previous" in case else ""
    return prefix + str(case["text"])[:60]
