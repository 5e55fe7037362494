"""The one registry of read-only tools that both planners (LLM agent, offline router) call.

Each entry has a name, a one-line description and a pydantic argument model whose fields
are what a planner can supply (plain words: partner names, period phrases). The entry's
`run` resolves those words into typed values and calls the tool function. Tools that write
(approve/reject) are deliberately absent: they are reachable only from explicit commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from tools.context import ToolContext
from tools.errors import ToolError
from tools.report import Report

TOOL_MODULES: dict[str, str] = {
    "find_partner": "tools.partners.profile",
    "list_partners": "tools.partners.listing",
    "performance": "tools.performance",
    "leaderboard": "tools.performance",
    "performance_series": "tools.performance",
    "performance_breakdown": "tools.breakdown",
    "compare_partners": "tools.compare",
    "goal_progress": "tools.goals",
    "pending_applications": "tools.applications",
    "application_detail": "tools.applications",
    "quiet_partners": "tools.insights.quiet",
    "reversal_anomalies": "tools.insights.reversals",
    "top_movers": "tools.insights.movers",
    "recruitment_priorities": "tools.insights.recruitment",
    "needs_attention": "tools.attention",
    "qbr_summary": "tools.qbr",
    "metric_share": "tools.share",
    "best_period": "tools.extremes",
    "draft_outreach": "tools.drafts",
    "draft_content": "tools.drafts",
}
"""Where each tool lives, so a call imports only its own module (fast `partnerops ask`)."""


class ToolResult(Protocol):
    def report(self) -> Report: ...


Runner = Callable[[Session, ToolContext, Any], ToolResult]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    args: type[BaseModel]
    run: Runner


_REGISTRY: dict[str, ToolSpec] = {}


def tool(name: str, description: str, args: type[BaseModel]) -> Callable[[Runner], Runner]:
    """Register `run(session, ctx, args)` under `name`; a name registers once."""

    def decorate(run: Runner) -> Runner:
        if name in _REGISTRY:
            raise ValueError(f"tool {name!r} registered twice")
        _REGISTRY[name] = ToolSpec(name=name, description=description, args=args, run=run)
        return run

    return decorate


def load_all() -> dict[str, ToolSpec]:
    """Import every tool module (registering its tools) and return the registry."""
    for module in sorted(set(TOOL_MODULES.values())):
        import_module(module)
    return dict(_REGISTRY)


def get(name: str) -> ToolSpec:
    if name in TOOL_MODULES:
        import_module(TOOL_MODULES[name])
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ToolError(f"There is no tool called {name!r}.") from None


def call(session: Session, ctx: ToolContext, name: str, arguments: dict[str, Any]) -> ToolResult:
    """Validate `arguments` against the tool's model and run it. ToolErrors propagate; an
    argument the model rejects becomes a ToolError saying which and why."""
    spec = get(name)
    unknown = sorted(set(arguments) - set(spec.args.model_fields))
    if unknown:  # a planner's stray argument would otherwise vanish without a word
        raise UnknownArguments(name, unknown, sorted(spec.args.model_fields))
    try:
        args = spec.args.model_validate(arguments)
    except ValidationError as error:
        raise InvalidArguments(name, error) from None
    return spec.run(session, ctx, args)


class UnknownArguments(ToolError):
    """Arguments a tool does not take: refused, so nothing asked for is ignored in silence."""

    def __init__(self, tool_name: str, unknown: list[str], known: list[str]) -> None:
        super().__init__(
            f"{tool_name.replace('_', ' ')} doesn't take {', '.join(unknown)}; "
            f"it takes {', '.join(known)}."
        )
        self.unknown = unknown


class InvalidArguments(ToolError):
    """Arguments a tool's model rejected, explained field by field in plain words."""

    def __init__(self, tool_name: str, error: ValidationError) -> None:
        problems = []
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"]) or "arguments"
            problems.append(f"{field}: {_plain_error(item)}")
        super().__init__(
            f"I can't run {tool_name.replace('_', ' ')} with those values — "
            + "; ".join(problems)
            + "."
        )
        self.tool_name = tool_name
        self.problems = problems


def _plain_error(item: Any) -> str:
    """Pydantic's message, with the bound spelled out ('at most 50', 'one of top, bottom')."""
    kind = item.get("type", "")
    context = item.get("ctx") or {}
    if kind in {"less_than_equal", "less_than"}:
        return f"must be at most {context.get('le', context.get('lt'))}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"must be at least {context.get('ge', context.get('gt'))}"
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '')}".replace("'", "")
    if kind == "extra_forbidden":
        return "is not an argument of this tool"
    return str(item.get("msg", "is not valid")).lower()
