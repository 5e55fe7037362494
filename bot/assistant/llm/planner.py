"""The LLM planner: the agent plans and calls tools; the offline router is always behind it.

When the model is down, slow, or answers garbage, the offline router answers the same
question with a short note that the model was unavailable; a circuit breaker stops every
user from waiting out the timeout while it stays down. Every request logs the planner,
its tool calls, tokens and time (never the key).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.assistant.answer import Answer, answer_offline, run_call, vocabulary
from bot.assistant.llm.agent import Agent, AgentLimits, ModelUnavailable, chat_model, system_prompt
from bot.assistant.llm.breaker import CircuitBreaker
from bot.assistant.llm.compose import Words, from_tool_runs, second_reading, without_tools
from bot.assistant.llm.turn import TurnContext
from bot.assistant.offline.replies import WRITE_TEXT
from bot.assistant.offline.router import route
from bot.assistant.plan import Decision, Help, Refuse, ToolCall, TurnState
from bot.render.model import previous_answer
from bot.render.values import cell
from tools.context import ToolContext

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from bot.settings import Settings

log = logging.getLogger("partnerops.assistant")

HISTORY_TURNS = 3
"""Earlier turns the model sees: enough for "and the month before?", small enough for a
local model's context."""


class ModelPlanner:
    """Answers with the model when it can, with the offline router when it cannot."""

    def __init__(
        self,
        model: BaseChatModel,
        limits: AgentLimits,
        *,
        breaker: CircuitBreaker | None = None,
        model_name: str = "",
        secrets: Sequence[str] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.agent = Agent(model, limits, sleep=sleep)
        self.limits = limits
        self.breaker = breaker or CircuitBreaker()
        self.model_name = model_name
        self.secrets = tuple(s for s in secrets if s)
        """Configured secrets: no model output containing one is ever shown."""

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelPlanner:
        limits = AgentLimits.from_settings(settings)
        return cls(
            chat_model(settings, limits),
            limits,
            model_name=settings.openai_model,
            secrets=settings.secret_values(),
        )

    def answer(
        self,
        session: Session,
        ctx: ToolContext,
        text: str,
        *,
        previous: TurnState | None = None,
        history: Sequence[tuple[str, str]] = (),
        started: float | None = None,
    ) -> Answer:
        """`started` is when the request arrived (a CLI process's start, a Slack event's
        receipt): the budget counts from then, so start-up time is not added on top."""
        now = time.monotonic()
        started = min(started, now) if started is not None else now
        turn = TurnContext(session=session, ctx=ctx, deadline=started + self.limits.total_seconds)
        reading = route(text, vocabulary(session, ctx.user), previous)
        words = Words("none", [])
        if isinstance(reading, Refuse) and reading.text == WRITE_TEXT:
            # A request to change something gets the pointer to the command, the same
            # every time, without asking the model.
            result, reason = answer_offline(session, ctx, text, previous), None
        elif not self.breaker.allow():
            reason = (
                "it failed several times in a row, so it is skipped for "
                f"{self.breaker.cooldown_seconds:.0f} s"
            )
            result = self._offline(session, ctx, text, previous, reason)
        else:
            result, words, reason = self._with_model(
                session, ctx, text, previous, history, turn, reading
            )
            if result.planner == "llm":
                self._check_reading(session, ctx, result, reading)
        total = (time.monotonic() - now) * 1000
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

    def _with_model(
        self,
        session: Session,
        ctx: ToolContext,
        text: str,
        previous: TurnState | None,
        history: Sequence[tuple[str, str]],
        turn: TurnContext,
        reading: Decision,
    ) -> tuple[Answer, Words, str | None]:
        """One attempt with the model; the breaker hears how the model itself fared."""
        reachable = False
        try:
            planned = self.agent.run(
                turn,
                text,
                history=[(q, previous_answer(a)) for q, a in history[-HISTORY_TURNS:]],
                system=self._system(ctx),
            )
            reachable = True
        except ModelUnavailable as error:
            reachable = not error.transient
            log.info("model unavailable: %s %s", error.reason, error.detail)
            result = self._offline(session, ctx, text, previous, error.reason)
            return result, Words("none", []), error.reason
        except SQLAlchemyError:
            # The database failed under a tool: not the model's fault. The router tries
            # once more on a clean transaction; if the database is down, that fails too.
            log.warning("a tool's query failed during a model turn", exc_info=True)
            reachable = True
            session.rollback()
            result = answer_offline(session, ctx, text, previous)
            return result, Words("none", []), "a database query failed during the model's turn"
        finally:
            if reachable:
                self.breaker.succeeded()
            else:
                self.breaker.failed()
        ran = [run for run in turn.runs if not run.refused]
        if ran:
            result, words = from_tool_runs(turn.ordered_runs(), planned.text, self.secrets)
            return result, words, None
        offline = answer_offline(session, ctx, text, previous)
        return without_tools(
            planned.text, offline, small_talk=isinstance(reading, Help), secrets=self.secrets
        )

    def _check_reading(
        self, session: Session, ctx: ToolContext, result: Answer, reading: Decision
    ) -> None:
        """Compare the model's call with the offline router's reading of the same question
        when both chose the same tool; differences lead the answer's notes."""
        if not isinstance(reading, ToolCall) or not result.calls or result.more:
            return
        if reading.tool != result.calls[-1]["tool"]:
            return
        if reading.arguments == result.calls[-1]["arguments"]:
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
            "tokens_in=%d tokens_out=%d total_ms=%.0f model_ms=%.0f tools_ms=%.0f words=%s%s%s",
            result.planner,
            self.model_name,
            ",".join(run.name for run in turn.ordered_runs()) or "-",
            turn.rounds,
            turn.model_calls,
            turn.usage.get("input", 0),
            turn.usage.get("output", 0),
            result.timing["total_ms"],
            result.timing["model_ms"],
            result.timing["tools_ms"],
            words.shown,
            f" dropped={words.dropped}" if words.dropped else "",
            f" fallback={result.fallback!r}" if result.fallback else "",
        )


_PLANNERS: dict[tuple[object, ...], ModelPlanner] = {}
_PLANNERS_LOCK = threading.Lock()


def planner_for(settings: Settings) -> ModelPlanner:
    """One planner (one agent graph, one breaker) per process and model configuration."""
    key = (
        settings.openai_base_url,
        settings.openai_model,
        settings.openai_api_key,
        AgentLimits.from_settings(settings),
    )
    with _PLANNERS_LOCK:
        if key not in _PLANNERS:
            _PLANNERS[key] = ModelPlanner.from_settings(settings)
        return _PLANNERS[key]
