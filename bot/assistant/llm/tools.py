"""The registry's read-only tools as LangChain tools: one adapter, nothing hand-written.

Names, descriptions and argument schemas come from `tools.registry`, so the model is
offered exactly what the offline router calls. The session, the acting user and "today"
reach a tool through LangChain's runtime context (`ToolRuntime.context`), which is not
part of any schema: the model can neither see nor set them. Write tools are not in the
registry, so they cannot be offered whatever a prompt says.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from langchain.tools import ToolRuntime
from langchain_core.tools import BaseTool, StructuredTool

from bot.assistant.answer import run_tool
from bot.assistant.llm.turn import ToolRun, TurnContext
from bot.render.model import render_for_model
from tools import registry

WRITE_TOOLS = frozenset(
    {"approve_application", "reject_application", "subscribe_digest", "import_csv"}
)
"""What must never be offered to a model; a test asserts none of these is ever sent."""


class ArgumentsRefused(Exception):
    """The model kept sending arguments a tool refused: the turn falls back to the router."""


@cache
def registry_tools() -> tuple[BaseTool, ...]:
    """Every registered tool as a StructuredTool (built once per process)."""
    specs = registry.load_all()
    return tuple(_structured(spec) for spec in sorted(specs.values(), key=lambda s: s.name))


def _structured(spec: registry.ToolSpec) -> BaseTool:
    name = spec.name

    def run(runtime: ToolRuntime[TurnContext], **arguments: Any) -> str:
        return call_for_model(runtime.context, name, arguments, call_id=runtime.tool_call_id)

    return StructuredTool.from_function(
        func=run,
        name=name,
        description=spec.description,
        # A plain JSON schema: LangChain passes the model's arguments through untouched and
        # the registry validates them, so an unknown argument is refused, never dropped.
        args_schema=model_schema(spec),
    )


def model_schema(spec: registry.ToolSpec) -> dict[str, Any]:
    """The argument model's JSON schema without pydantic's titles (tokens the model
    doesn't need)."""
    schema: dict[str, Any] = _without_titles(spec.args.model_json_schema())
    return schema


def _without_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _without_titles(value)
            for key, value in node.items()
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_without_titles(item) for item in node]
    return node


def call_for_model(
    turn: TurnContext, name: str, arguments: dict[str, Any], *, call_id: str | None = None
) -> str:
    """Run one registry tool for the model and give back what it may read.

    Refused arguments are explained so the model can correct them, once; a second refusal
    in the same turn (with any other mistake) ends the model's part of it.
    """
    arguments = {key: value for key, value in arguments.items() if value is not None}
    with turn.lock:
        started = time.monotonic()
        result = run_tool(turn.session, turn.ctx, name, arguments)
        turn.tool_seconds += time.monotonic() - started
        turn.runs.append(ToolRun(name, arguments, result, call_id=call_id or ""))
        number = len(turn.runs)
        if result.refused:
            turn.mistakes += 1
            if turn.mistakes > turn.mistakes_allowed:
                raise ArgumentsRefused(result.report.title)
    return render_for_model(name, result.report, call_number=number)
