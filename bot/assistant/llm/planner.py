"""The LLM planner: the agent plans and calls tools; the offline router is always behind it.

When the model is down, slow, or answers garbage, the offline router answers the same
question with a short note that the model was unavailable; a circuit breaker stops every
user from waiting out the timeout while it stays down. Every request logs the planner,
its tool calls, tokens and time (never the key).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.assistant.answer import Answer, answer_offline, run_call, vocabulary
from bot.assistant.llm.agent import Agent, AgentLimits, ModelUnavailable, chat_model, system_prompt
from bot.assistant.llm.breaker import CircuitBreaker
from bot.assistant.llm.compose import Words, from_tool_runs, second_reading, without_tools
from bot.assistant.llm.turn import TurnContext
from bot.assistant.offline.replies import WRITE_TEXT
from bot.assistant.offline.router import route
from bot.assistant.plan import Decision, Refuse, ToolCall, TurnState
from bot.render.values import cell
from tools.context import ToolContext

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from bot.settings import Settings

log = logging.getLogger("partnerops.assistant")


class ModelPlanner:
    """Answers with the model when it can, with the offline router when it cannot."""

    def __init__(
        self,
        model: BaseChatModel,
        limits: AgentLimits,
        breaker: CircuitBreaker | None = None,
        model_name: str = "",
    ) -> None:
        self.agent = Agent(model, limits)
        self.limits = limits
        self.breaker = breaker or CircuitBreaker()
        self.model_name = model_name

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelPlanner:
        limits = AgentLimits.from_settings(settings)
        return cls(chat_model(settings, limits), limits, model_name=settings.openai_model)

    def answer(
        self,
        session: Session,
        ctx: ToolContext,
        text: str,
        *,
        previous: TurnState | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> Answer:
        started = time.monotonic()
        turn = TurnContext(
            session=session,
            ctx=ctx,
            deadline=started + self.limits.total_seconds,
            max_tool_rounds=self.limits.max_tool_rounds,
        )
        reason: str | None = None
        words = Words("none", [])
        reading = route(text, vocabulary(session, ctx.user), previous)
        if isinstance(reading, Refuse) and reading.text == WRITE_TEXT:
            # A request to change something is answered with the pointer to the command,
            # the same every time, without asking the model.
            result = answer_offline(session, ctx, text, previous)
        elif not self.breaker.allow():
            reason = "it failed several times in a row, so it is skipped for a minute"
            result = self._offline(session, ctx, text, previous, reason)
        else:
            try:
                planned = self.agent.run(turn, text, history=history, system=self._system(ctx))
            except ModelUnavailable as error:
                self.breaker.failed()
                reason = error.reason
                result = self._offline(session, ctx, text, previous, reason)
            else:
                self.breaker.succeeded()
                ran = [run for run in turn.runs if not run.refused]
                secrets = configured_secrets()
                if ran:
                    result, words = from_tool_runs(text, turn.runs, planned.text, secrets)
                    self._check_reading(session, ctx, result, reading)
                else:
                    result, words, reason = without_tools(
                        text,
                        planned.text,
                        lambda: answer_offline(session, ctx, text, previous),
                        secrets,
                    )
        total = (time.monotonic() - started) * 1000
        model_ms = turn.model_seconds * 1000
        tools_ms = turn.tool_seconds * 1000
        result.usage = dict(turn.usage)
        result.timing = {
            "total_ms": round(total, 1),
            "model_ms": round(model_ms, 1),
            "tools_ms": round(tools_ms, 1),
            "overhead_ms": round(total - model_ms - tools_ms, 1),
        }
        result.fallback = reason
        result.words = words.shown
        self._log(result, turn, words)
        return result

    def _check_reading(
        self, session: Session, ctx: ToolContext, result: Answer, reading: Decision
    ) -> None:
        """Compare the model's call with the offline router's reading of the same question
        when both chose the same tool; differences lead the answer's notes."""
        if not isinstance(reading, ToolCall) or not result.calls:
            return
        if reading.tool != result.calls[0]["tool"] or result.more:
            return
        if reading.arguments == result.calls[0]["arguments"]:
            return
        notes = second_reading(result, run_call(session, ctx, reading))
        if notes:
            log.info("readings differ: %s", notes)
            result.report.notes = [*notes, *result.report.notes]

    def _offline(
        self,
        session: Session,
        ctx: ToolContext,
        text: str,
        previous: TurnState | None,
        reason: str,
    ) -> Answer:
        result = answer_offline(session, ctx, text, previous)
        result.report.notes = [
            *result.report.notes,
            f"The language model was unavailable ({reason}); the built-in router answered.",
        ]
        return result

    def _system(self, ctx: ToolContext) -> str:
        return system_prompt(cell(ctx.today), ctx.currency, ctx.tz.key)

    def _log(self, result: Answer, turn: TurnContext, words: Words) -> None:
        log.info(
            "answered planner=%s model=%s tools=%s rounds=%d model_calls=%d "
            "tokens_in=%d tokens_out=%d total_ms=%.0f model_ms=%.0f words=%s%s%s",
            result.planner,
            self.model_name,
            ",".join(run.name for run in turn.runs) or "-",
            turn.rounds,
            turn.model_calls,
            turn.usage.get("input", 0),
            turn.usage.get("output", 0),
            result.timing["total_ms"],
            result.timing["model_ms"],
            words.shown,
            f" dropped={words.dropped}" if words.dropped else "",
            f" fallback={result.fallback!r}" if result.fallback else "",
        )


def configured_secrets() -> list[str]:
    """Every secret in the settings, so no model output that contains one is shown."""
    from pydantic import SecretStr

    from bot.runtime import RuntimeSetupError, load_settings

    try:
        settings = load_settings()
    except RuntimeSetupError:
        return []
    values = (getattr(settings, name) for name in type(settings).model_fields)
    return [v.get_secret_value() for v in values if isinstance(v, SecretStr)]


_PLANNERS: dict[tuple[object, ...], ModelPlanner] = {}


def planner_for(settings: Settings) -> ModelPlanner:
    """One planner (one agent graph, one breaker) per process and model configuration."""
    key = (
        settings.openai_base_url,
        settings.openai_model,
        settings.openai_api_key,
        AgentLimits.from_settings(settings),
        settings.llm_streaming,
    )
    if key not in _PLANNERS:
        _PLANNERS[key] = ModelPlanner.from_settings(settings)
    return _PLANNERS[key]
