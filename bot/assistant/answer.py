"""One request answered: plan (the LLM agent or the offline router), call tools, keep state.

This is the single road every surface takes — CLI `ask`/`chat`, Slack threads, digests —
so the same question gets the same figures wherever it is asked. Whatever the planner could
not place in the call is said in the answer's notes, first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

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
from tools.registry import InvalidArguments, UnknownArguments
from tools.report import Report, Section
from tools.segment import SegmentFields


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
    """Which planner decided: "llm" or "offline"."""
    refused: bool = False
    """The tool refused the arguments (unknown or invalid), so nothing was computed."""
    framing: str | None = None
    """The model's short paragraph around the results, shown only when every figure in it
    matches a tool result (the grounding check); None offline."""
    more: list[Report] = field(default_factory=list)
    """Further reports when the model called several tools, in call order."""
    fallback: str | None = None
    """Why the model's plan was not used ("timeout", "http 500", …); None when it was."""
    usage: dict[str, int] = field(default_factory=dict)
    """Model tokens for this turn: input, output, total."""
    timing: dict[str, float] = field(default_factory=dict)
    """Milliseconds: total, model (waiting on the model), tools (running them), overhead
    (everything else: the agent, the grounding check, the fallback)."""
    words: str = "none"
    """What the model's own words became: "framing", "draft", "reply" or "none"."""

    @property
    def reports(self) -> list[Report]:
        return [self.report, *self.more]


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


class ModelAnswerer(Protocol):
    """The LLM planner as `answer()` sees it (it falls back to `answer_offline` itself)."""

    def answer(
        self,
        session: Session,
        ctx: ToolContext,
        text: str,
        *,
        previous: TurnState | None = None,
        history: Sequence[tuple[str, str]] = (),
        started: float | None = None,
    ) -> Answer: ...


def answer(
    session: Session,
    ctx: ToolContext,
    text: str,
    previous: TurnState | None = None,
    *,
    model: ModelAnswerer | None = None,
    history: Sequence[tuple[str, str]] = (),
    started: float | None = None,
) -> Answer:
    """Answer `text`: with the model's plan when a model is given, else the offline router.
    `history` is the conversation so far as (question, answer) pairs; `started` is when
    the request arrived (`time.monotonic()`), which the model's time budget counts from.
    Never writes."""
    if model is not None:
        result = model.answer(
            session, ctx, text, previous=previous, history=history, started=started
        )
        return _keeps_scope(result, previous)
    return answer_offline(session, ctx, text, previous)


def answer_offline(
    session: Session, ctx: ToolContext, text: str, previous: TurnState | None = None
) -> Answer:
    """Answer `text` with the offline router; never writes."""
    decision = route(text, vocabulary(session, ctx.user), previous)
    if isinstance(decision, ToolCall):
        scoped = _within_scope(decision, previous)
        result = run_call(session, ctx, scoped)
        if scoped is not decision:
            result.report.notes.insert(0, _scope_note(previous))
        if result.report.kind in ("not_found", "error", "clarify"):
            # A call that found nothing ("no partner called 'both'") is no context to build
            # on: the next follow-up continues from the last call that answered.
            result.state = previous
        return _keeps_scope(result, previous)
    if isinstance(decision, Clarify):
        report = Report(title=decision.question, kind="clarify", options=decision.labels)
        return Answer(report=report, state=previous, options=list(decision.options))
    if isinstance(decision, Help):
        report = Report(title="Here's what I can help with", sections=[Section(text=decision.text)])
        return Answer(report=report, state=previous)
    assert isinstance(decision, Refuse)
    return Answer(report=Report(title=decision.text, kind="error"), state=previous)


_SEGMENT_FIELDS = frozenset(SegmentFields.model_fields) | {"excluding", "partner"}


def _within_scope(call: ToolCall, previous: TurnState | None) -> ToolCall:
    """The call within the conversation's scope, when it names no partners of its own and
    its tool takes them; otherwise the call as planned."""
    scope = previous.scope if previous is not None else {}
    if not scope:
        return call
    try:
        fields = frozenset(registry.get(call.tool).args.model_fields)
    except Exception:  # an unknown tool: its own error says so
        return call
    named = any(call.arguments.get(k) for k in _SEGMENT_FIELDS)
    if named or not set(scope) <= fields:
        return call
    return ToolCall(call.tool, {**call.arguments, **scope}, list(call.unplaced))


def _scope_note(previous: TurnState | None) -> str:
    scope = previous.scope if previous is not None else {}
    shown = {"tiers": "{} tier", "types": "{} partners", "owners": "partners owned by {}"}
    words = ", ".join(
        shown.get(name, "{}").format(value) for name, values in scope.items() for value in values
    )
    return f"Answered for {words}, this thread's scope; name partners to ask about others."


def _keeps_scope(result: Answer, previous: TurnState | None) -> Answer:
    """A conversation's scope outlives each turn's own state."""
    scope = previous.scope if previous is not None else {}
    if scope and result.state is not None and not result.state.scope:
        result.state = TurnState(result.state.tool, result.state.arguments, dict(scope))
    return result


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
    except (UnknownArguments, InvalidArguments) as error:
        return Answer(report=error.report(), calls=[call], state=state, refused=True)
    except ToolError as error:
        return Answer(report=error.report(), calls=[call], state=state)
    raw = result.model_dump(mode="json") if hasattr(result, "model_dump") else None
    return Answer(report=result.report(), calls=[call], result=raw, state=state)
