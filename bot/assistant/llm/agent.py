"""The LangChain agent: any OpenAI-compatible model planning over the registry's tools.

The graph is built once per process (`create_agent` with `ChatOpenAI`); each request brings
its own `TurnContext`. A guard middleware keeps the turn inside its budget: one deadline for
the whole turn, enforced on every byte the model sends (see `transport`), a first-token
limit per call, retries that never sleep past the deadline, at most `max_tool_rounds`
rounds of tool calls, and one chance to correct a malformed or unknown tool call. Whatever
goes wrong ends in `ModelUnavailable`, which the planner answers with the offline router.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

import openai
from langchain.agents import create_agent
from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGenerationChunk, GenerationChunk
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import SecretStr
from sqlalchemy.exc import SQLAlchemyError

from bot.assistant.llm.tools import WRITE_TOOLS, ArgumentsRefused, registry_tools
from bot.assistant.llm.transport import deadline, http_client
from bot.assistant.llm.turn import TurnContext
from prompts import render as render_prompt

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

    from bot.settings import Settings

log = logging.getLogger("partnerops.assistant")


class ModelUnavailable(Exception):
    """The model could not plan this turn; `reason` is short, fixed wording, safe to show.

    `transient` failures (unreachable, timed out, 5xx, rate-limited) say the model is down
    and count towards the circuit breaker; a model that misbehaves in one turn (garbage
    calls, too many rounds) is not a reason to skip it for everyone."""

    def __init__(self, reason: str, *, transient: bool = False, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.detail = detail
        """For the log only: what exactly went wrong (may contain the model's words)."""


@dataclass(frozen=True)
class AgentLimits:
    total_seconds: float = 12.0
    first_token_seconds: float = 6.0
    max_retries: int = 1
    max_tool_rounds: int = 4
    streaming: bool = True
    """Whether replies stream: the first-token limit then bounds the wait for the first
    chunk; without streaming the first byte is the whole reply, so only the deadline does."""

    @classmethod
    def from_settings(cls, settings: Settings) -> AgentLimits:
        return cls(
            total_seconds=settings.llm_timeout,
            first_token_seconds=settings.llm_first_token_timeout,
            max_retries=settings.llm_max_retries,
            max_tool_rounds=settings.llm_max_tool_rounds,
            streaming=settings.llm_streaming,
        )


def chat_model(settings: Settings, limits: AgentLimits) -> ChatOpenAI:
    """ChatOpenAI for whatever serves the OpenAI API at the base URL (OpenAI, a gateway,
    vLLM, Ollama, llama.cpp's server, LM Studio). Local servers need no key. The client
    itself never retries: the guard does, inside the turn's deadline."""
    from langchain_openai import ChatOpenAI

    key = settings.openai_api_key or SecretStr("not-needed")
    return ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=key,
        timeout=call_timeout(limits, limits.total_seconds),
        max_retries=0,
        streaming=limits.streaming,
        stream_usage=True,
        http_client=http_client(),
    )


def call_timeout(limits: AgentLimits, remaining: float) -> openai.Timeout:
    """The read timeout is the wait for each chunk: with streaming, the first token."""
    read = min(limits.first_token_seconds, remaining) if limits.streaming else remaining
    return openai.Timeout(remaining, connect=min(3.0, remaining), read=read)


@dataclass
class ModelTurn:
    """What the model did in one turn, before any of it is shown."""

    text: str
    """The model's final words (a framing paragraph, a rewritten draft, or a reply)."""


class Agent:
    """One compiled agent graph, reused by every request in the process."""

    def __init__(
        self,
        model: BaseChatModel,
        limits: AgentLimits,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = limits
        tools = list(registry_tools())
        offered = {t.name for t in tools} & WRITE_TOOLS
        if offered:  # the registry has no write tools; this keeps it that way
            raise RuntimeError(f"write tools must never reach the model: {sorted(offered)}")
        self.tool_names = frozenset(t.name for t in tools)
        # Converted to the wire format once: LangChain would otherwise redo it (inlining
        # every schema reference) on each model call, the agent's largest own cost.
        wire_tools = [convert_to_openai_tool(t) for t in tools]
        self._graph = create_agent(
            model,
            tools,
            middleware=[_Guard(self.tool_names, limits, wire_tools, sleep)],
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
        """Plan and run tools for `question` after the conversation's earlier (question,
        answer) pairs; raises ModelUnavailable on any failure of the model, SQLAlchemyError
        when the database fails under a tool."""
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
        except (ModelUnavailable, SQLAlchemyError):
            raise
        except ArgumentsRefused as error:
            raise ModelUnavailable(
                "the model kept sending arguments the tools refused", detail=str(error)
            ) from None
        except openai.OpenAIError as error:
            raise _unavailable(error) from None
        except Exception as error:  # a library or protocol surprise must not reach the user
            log.warning("model turn failed unexpectedly", exc_info=True)
            raise ModelUnavailable(
                "the model's reply couldn't be used", detail=type(error).__name__
            ) from error
        final = state["messages"][-1]
        text = final.content if isinstance(final, AIMessage) else ""
        if not isinstance(text, str):
            text = "".join(
                part.get("text", "") if isinstance(part, dict) else str(part) for part in text
            )
        return ModelTurn(text=text.strip())


def _unavailable(error: openai.OpenAIError) -> ModelUnavailable:
    if isinstance(error, openai.APITimeoutError):
        return ModelUnavailable("the model didn't answer in time", transient=True)
    if isinstance(error, openai.APIConnectionError):
        return ModelUnavailable("the model couldn't be reached", transient=True)
    if isinstance(error, openai.APIStatusError):
        transient = error.status_code == 429 or error.status_code >= 500
        return ModelUnavailable(f"the model answered HTTP {error.status_code}", transient=transient)
    return ModelUnavailable("the model's reply couldn't be used", detail=type(error).__name__)


_RETRYABLE = (
    openai.APIConnectionError,  # a timeout (a subclass) is not retried
    openai.RateLimitError,
    openai.InternalServerError,
)


class _StreamWatch(BaseCallbackHandler):
    """Keeps each streamed tool call's raw argument text, which LangChain's partial-JSON
    parsing would otherwise quietly repair (a cut-off `{"period": "last mo` must be refused,
    not run without its period)."""

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
        message = getattr(chunk, "message", None)
        for part in getattr(message, "tool_call_chunks", None) or []:
            index = part.get("index") or 0
            so_far = self.turn.streamed_arguments.get(index, "")
            self.turn.streamed_arguments[index] = so_far + (part.get("args") or "")


class _Guard(AgentMiddleware[Any, TurnContext]):
    """The turn's limits, applied around every model call."""

    def __init__(
        self,
        tool_names: frozenset[str],
        limits: AgentLimits,
        wire_tools: list[dict[str, Any]],
        sleep: Callable[[float], None],
    ) -> None:
        super().__init__()
        self.tool_names = tool_names
        self.limits = limits
        self.wire_tools = wire_tools
        self.sleep = sleep

    def wrap_model_call(
        self,
        request: ModelRequest[TurnContext],
        handler: Callable[[ModelRequest[TurnContext]], ModelResponse[Any]],
    ) -> ModelResponse[Any]:
        turn = request.runtime.context
        request = request.override(tools=list(self.wire_tools))
        while True:
            response = self._call_with_retries(turn, request, handler)
            message = next((m for m in response.result if isinstance(m, AIMessage)), None)
            problem = self._problem(message, turn)
            if problem is None:
                break
            turn.mistakes += 1
            if turn.mistakes > turn.mistakes_allowed:
                raise ModelUnavailable("the model kept making invalid tool calls", detail=problem)
            # Said once, as the user would: the bad call itself is not replayed.
            correction = HumanMessage(render_prompt("tool_call_correction", problem=problem))
            request = request.override(messages=[*request.messages, correction])
        if message is not None and message.tool_calls:
            turn.rounds += 1
            if turn.rounds > self.limits.max_tool_rounds:
                raise ModelUnavailable(
                    f"the model needed more than {self.limits.max_tool_rounds} rounds"
                )
            turn.call_order += [call["id"] or "" for call in message.tool_calls]
        return response

    def _call_with_retries(
        self,
        turn: TurnContext,
        request: ModelRequest[TurnContext],
        handler: Callable[[ModelRequest[TurnContext]], ModelResponse[Any]],
    ) -> ModelResponse[Any]:
        """One model call, retried on connection failures, 5xx and 429 while the deadline
        leaves room; a Retry-After longer than what is left ends the turn at once. A timeout
        is not retried: waiting twice for a model that hangs is what the budget prevents."""
        attempt = 0
        while True:
            try:
                return self._timed_call(turn, request, handler)
            except openai.APITimeoutError:
                raise  # a model that hung once will hang again: the router answers now
            except _RETRYABLE as error:
                attempt += 1
                wait = _retry_after(error) or 0.5 * 2 ** (attempt - 1)
                if attempt > self.limits.max_retries or wait + 1.0 > turn.remaining():
                    raise
                self.sleep(wait)

    def _timed_call(
        self,
        turn: TurnContext,
        request: ModelRequest[TurnContext],
        handler: Callable[[ModelRequest[TurnContext]], ModelResponse[Any]],
    ) -> ModelResponse[Any]:
        remaining = turn.remaining()
        if remaining <= 0.2:
            raise ModelUnavailable("the model didn't answer in time", transient=True)
        settings = {**request.model_settings, "timeout": call_timeout(self.limits, remaining)}
        started = time.monotonic()
        try:
            with deadline(turn.deadline):
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
            calls = message.tool_calls
            name = calls[index]["name"] if index < len(calls) else "a tool call"
            try:
                parsed = json.loads(raw or "{}")
            except ValueError:
                return f"the arguments of {name} are not valid JSON"
            if not isinstance(parsed, dict):
                return f"the arguments of {name} are not a JSON object"
        unknown = [c["name"] for c in message.tool_calls if c["name"] not in self.tool_names]
        if unknown:
            return f"there is no tool called {unknown[0][:60]!r}"
        return None


def _retry_after(error: Exception) -> float | None:
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for header, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(header)
        if value is None:
            continue
        try:
            return float(value) / divisor
        except ValueError:
            return None
    return None


def system_prompt(today: str, currency: str, timezone: str) -> str:
    return render_prompt("system", today=today, currency=currency, timezone=timezone)
