"""One request answered: plan (offline router now, LLM agent later), call tools, keep state.

This is the single road every surface takes — CLI `ask`/`chat`, Slack threads, digests —
so the same question gets the same figures wherever it is asked. Whatever the planner could
not place in the call is said in the answer's notes, first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.assistant.offline.router import route
from bot.assistant.plan import (
    Clarify,
    Help,
    Option,
    Refuse,
    ToolCall,
    TurnState,
    Unplaced,
    Vocabulary,
)
from storage.queries import known_names
from tools import registry
from tools.context import ToolContext
from tools.errors import ToolError
from tools.report import Report, Section


@dataclass
class Answer:
    report: Report
    calls: list[dict[str, Any]] = field(default_factory=list)
    """The tool calls made, as {"tool": name, "arguments": {...}}."""
    result: dict[str, Any] | None = None
    """The raw tool result (JSON-ready), for `--json` and for the LLM planner."""
    state: TurnState | None = None
    """What this turn called; pass it back as `previous` so follow-ups work."""
    unplaced: list[Unplaced] = field(default_factory=list)
    """Parts of the request the call did not honour (also in the report's notes)."""
    options: list[Option] = field(default_factory=list)
    """Clarifying choices with the call each one makes (for buttons)."""
    planner: str = "offline"


def vocabulary(session: Session, me: str | None = None) -> Vocabulary:
    names = known_names(session)
    return Vocabulary(
        me=me,
        partner_names=names.partners,
        tiers=names.tiers or ("Gold", "Silver", "Bronze"),
        goal_names=names.goals,
        application_names=names.applicants,
        owners=names.owners,
        tags=names.tags,
    )


def answer(
    session: Session, ctx: ToolContext, text: str, previous: TurnState | None = None
) -> Answer:
    """Answer `text` with the offline router; never writes."""
    decision = route(text, vocabulary(session, ctx.user), previous)
    if isinstance(decision, ToolCall):
        result = run_call(session, ctx, decision)
        if result.report.kind in ("not_found", "error", "clarify"):
            # A call that found nothing ("no partner called 'both'") is no context to build
            # on: the next follow-up continues from the last call that answered.
            result.state = previous
        return result
    if isinstance(decision, Clarify):
        report = Report(title=decision.question, kind="clarify", options=decision.labels)
        return Answer(report=report, state=previous, options=list(decision.options))
    if isinstance(decision, Help):
        report = Report(title="Here's what I can help with", sections=[Section(text=decision.text)])
        return Answer(report=report, state=previous)
    assert isinstance(decision, Refuse)
    return Answer(report=Report(title=decision.text, kind="error"), state=previous)


def run_call(session: Session, ctx: ToolContext, call: ToolCall) -> Answer:
    """Run a planned call; what the planner could not place leads the answer's notes."""
    result = run_tool(session, ctx, call.tool, call.arguments)
    if call.unplaced:
        notes = [u.note() for u in call.unplaced]
        result.report.notes = [*notes, *result.report.notes]
        result.unplaced = list(call.unplaced)
    return result


def run_tool(session: Session, ctx: ToolContext, name: str, arguments: dict[str, Any]) -> Answer:
    """Call one registered tool; a ToolError becomes its own explanatory report."""
    call = {"tool": name, "arguments": arguments}
    state = TurnState(tool=name, arguments=dict(arguments))
    try:
        result = registry.call(session, ctx, name, arguments)
    except ToolError as error:
        return Answer(report=error.report(), calls=[call], state=state)
    raw = result.model_dump(mode="json") if hasattr(result, "model_dump") else None
    return Answer(report=result.report(), calls=[call], result=raw, state=state)
