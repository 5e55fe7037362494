"""The LangChain agent: any OpenAI-compatible model planning over the registry's tools.

The graph is built once per process (`create_agent` with `ChatOpenAI`); each request brings
its own `TurnContext`. A guard middleware keeps the turn inside its budget: a time limit
for the whole turn and a first-byte limit per call, at most `max_tool_rounds` rounds of
tool calls, and one chance to correct a malformed or unknown tool call. Whatever goes
wrong ends in `ModelUnavailable`, which the planner answers with the offline router.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

import httpx
import openai
from langchain.agents import create_agent
from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGenerationChunk, GenerationChunk
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import SecretStr

from bot.assistant.llm.tools import WRITE_TOOLS, ArgumentsRefused, registry_tools
from bot.assistant.llm.turn import TurnContext
from prompts import render as render_prompt

if TYPE_CHECKING:
    from bot.settings import Settings


class ModelUnavailable(Exception):
    """The model could not plan this turn; `reason` is short and safe to show and log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AgentLimits:
    total_seconds: float = 14.0
    first_token_seconds: float = 6.0
    max_retries: int = 1
    max_tool_rounds: int = 4

    @classmethod
    def from_settings(cls, settings: Settings) -> AgentLimits:
        return cls(
            total_seconds=settings.llm_timeout,
            first_token_seconds=settings.llm_first_token_timeout,
            max_retries=settings.llm_max_retries,
            max_tool_rounds=settings.llm_max_tool_rounds,
        )


def chat_model(settings: Settings, limits: AgentLimits) -> ChatOpenAI:
    """ChatOpenAI for whatever serves the OpenAI API at the base URL (OpenAI, a gateway,
    vLLM, Ollama, llama.cpp's server, LM Studio). Local servers need no key."""
    from langchain_openai import ChatOpenAI

    key = settings.openai_api_key or SecretStr("not-needed")
    return ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=key,
        timeout=_timeout(limits.first_token_seconds, limits.total_seconds),
        max_retries=limits.max_retries,
        streaming=settings.llm_streaming,
        stream_usage=True,
    )


if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI


def _timeout(first_byte: float, total: float) -> httpx.Timeout:
    """httpx's read timeout is the wait for each chunk: with streaming, the first token."""
    return httpx.Timeout(total, connect=min(3.0, total), read=min(first_byte, total))


@dataclass
class ModelTurn:
    """What the model did in one turn, before any of it is shown."""

    text: str
    """The model's final words (a framing paragraph, a rewritten draft, or a reply)."""
    turn: TurnContext


class Agent:
    """One compiled agent graph, reused by every request in the process."""

    def __init__(self, model: BaseChatModel, limits: AgentLimits) -> None:
        self.limits = limits
        tools = list(registry_tools())
        offered = {t.name for t in tools} & WRITE_TOOLS
        if offered:  # the registry has no write tools; this keeps it that way
            raise RuntimeError(f"write tools must never reach the model: {sorted(offered)}")
        self.tool_names = frozenset(t.name for t in tools)
        # Converted to the wire format once: LangChain would otherwise redo it (inlining
        # every schema reference) on each model call, the agent's largest own cost.
        offered_tools = [convert_to_openai_tool(t) for t in tools]
        self._graph = create_agent(
            model,
            tools,
            middleware=[_Guard(self.tool_names, limits, offered_tools)],
            context_schema=TurnContext,
        )

    def run(
        self,
        turn: TurnContext,
        question: str,
        *,
        history: Sequence[tuple[str, str]] = (),
        system: str,
    ) -> ModelTurn:
        """Plan and run tools for `question`; raises ModelUnavailable on any failure."""
        messages: list[BaseMessage] = [SystemMessage(system)]
        for asked, answered in history:
            messages += [HumanMessage(asked), AIMessage(answered)]
        messages.append(HumanMessage(question))
        config: dict[str, Any] = {
            "callbacks": [_StreamWatch(turn)],
            "recursion_limit": 4 * (self.limits.max_tool_rounds + 2),
        }
        try:
            state = self._graph.invoke(  # type: ignore[call-overload]
                {"messages": messages}, config=config, context=turn
            )
        except ModelUnavailable:
            raise
        except ArgumentsRefused:
            raise ModelUnavailable("the model kept sending arguments the tools refused") from None
        except openai.APITimeoutError:
            raise ModelUnavailable("the model didn't answer in time") from None
        except openai.APIConnectionError:
            raise ModelUnavailable("the model couldn't be reached") from None
        except openai.APIStatusError as error:
            raise ModelUnavailable(f"the model answered HTTP {error.status_code}") from None
        except (httpx.TimeoutException, TimeoutError):
            raise ModelUnavailable("the model didn't answer in time") from None
        except Exception as error:  # a library or protocol surprise must not reach the user
            raise ModelUnavailable(
                f"the model's reply couldn't be used ({type(error).__name__})"
            ) from error
        final = state["messages"][-1]
        text = final.content if isinstance(final, AIMessage) else ""
        if not isinstance(text, str):
            text = "".join(
                part.get("text", "") if isinstance(part, dict) else str(part) for part in text
            )
        return ModelTurn(text=text.strip(), turn=turn)


class _StreamWatch(BaseCallbackHandler):
    """Watches a streamed reply as it arrives: stops a model that streams too slowly, and
    keeps each tool call's raw argument text, which LangChain's partial-JSON parsing would
    otherwise quietly repair (a cut-off `{"period": "last mo` must be refused, not run
    without its period)."""

    raise_error = True

    def __init__(self, turn: TurnContext) -> None:
        self.turn = turn

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.turn.streamed_arguments = {}

    def on_llm_new_token(
        self,
        token: str | list[str | dict[str, Any]],
        *,
        chunk: GenerationChunk | ChatGenerationChunk | None = None,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if self.turn.remaining() <= 0:
            raise ModelUnavailable("the model didn't finish in time")
        message = getattr(chunk, "message", None)
        for part in getattr(message, "tool_call_chunks", None) or []:
            index = part.get("index") or 0
            so_far = self.turn.streamed_arguments.get(index, "")
            self.turn.streamed_arguments[index] = so_far + (part.get("args") or "")


class _Guard(AgentMiddleware[Any, TurnContext]):
    """The turn's limits, applied around every model call."""

    def __init__(
        self, tool_names: frozenset[str], limits: AgentLimits, tools: list[dict[str, Any]]
    ) -> None:
        super().__init__()
        self.tool_names = tool_names
        self.limits = limits
        self.wire_tools = tools

    def wrap_model_call(
        self,
        request: ModelRequest[TurnContext],
        handler: Callable[[ModelRequest[TurnContext]], ModelResponse[Any]],
    ) -> ModelResponse[Any]:
        turn = request.runtime.context
        request = request.override(tools=list(self.wire_tools))
        while True:
            response = self._timed_call(turn, request, handler)
            message = next((m for m in response.result if isinstance(m, AIMessage)), None)
            problem = self._problem(message, turn)
            if problem is None:
                break
            turn.mistakes += 1
            if turn.mistakes > turn.mistakes_allowed:
                raise ModelUnavailable(f"the model kept making invalid tool calls ({problem})")
            # Said once, as the user would: the bad call itself is not replayed.
            correction = HumanMessage(
                f"Your last tool call could not be run: {problem}. Call one of the listed "
                "tools with arguments that match its schema, as JSON."
            )
            request = request.override(messages=[*request.messages, correction])
        if message is not None and message.tool_calls:
            turn.rounds += 1
            if turn.rounds > turn.max_tool_rounds:
                raise ModelUnavailable(f"the model needed more than {turn.max_tool_rounds} rounds")
        return response

    def _timed_call(
        self,
        turn: TurnContext,
        request: ModelRequest[TurnContext],
        handler: Callable[[ModelRequest[TurnContext]], ModelResponse[Any]],
    ) -> ModelResponse[Any]:
        remaining = turn.remaining()
        if remaining <= 0.2:
            raise ModelUnavailable("the model didn't finish in time")
        # Each attempt (the client retries) gets its share of what is left of the turn.
        share = remaining / (1 + self.limits.max_retries)
        settings = {
            **request.model_settings,
            "timeout": _timeout(min(self.limits.first_token_seconds, share), share),
        }
        started = time.monotonic()
        try:
            response = handler(request.override(model_settings=settings))
        finally:
            turn.model_seconds += time.monotonic() - started
            turn.model_calls += 1
        for message in response.result:
            if isinstance(message, AIMessage):
                turn.add_usage(dict(message.usage_metadata or {}))
        return response

    def _problem(self, message: AIMessage | None, turn: TurnContext) -> str | None:
        if message is None:
            return "no reply"
        if message.invalid_tool_calls:
            bad = message.invalid_tool_calls[0]
            return f"the arguments of {bad.get('name') or 'a tool call'} are not valid JSON"
        for index, raw in sorted(turn.streamed_arguments.items()):
            try:
                json.loads(raw or "{}")
            except ValueError:
                calls = message.tool_calls
                name = calls[index]["name"] if index < len(calls) else "a tool call"
                return f"the arguments of {name} are not valid JSON"
        unknown = [c["name"] for c in message.tool_calls if c["name"] not in self.tool_names]
        if unknown:
            return f"there is no tool called {unknown[0]!r}"
        return None


def system_prompt(today: str, currency: str, timezone: str) -> str:
    return render_prompt("system", today=today, currency=currency, timezone=timezone)
