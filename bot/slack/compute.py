"""Answers computed off the process that talks to Slack.

Planning, the tools, rendering and charts are CPU work; run on threads of the serving
process they hold the GIL, and the threads acknowledging Slack wait behind them (the
3-second rule, and the bench's p99 < 100 ms). So `serve` computes a turn in a small pool
of worker processes, each with its own engine and planner, and the serving process only
acknowledges, waits (without the GIL) and posts. With 0 processes (tests, tiny setups)
a turn is computed on the calling thread.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.assistant.conversation import ConversationKey
from bot.assistant.converse import converse
from bot.render.blocks import SlackMessage, render_answer_message
from bot.render.charts import Chart, chart_for
from tools.context import ToolContext

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.assistant.answer import ModelAnswerer
    from bot.settings import Settings


@dataclass(frozen=True)
class Turn:
    """A computed turn, ready to post (plain data, so it crosses a process boundary)."""

    message: SlackMessage
    chart: Chart | None
    planner: str
    tools: list[str] = field(default_factory=list)


def compute_turn(
    engine: Engine,
    model: ModelAnswerer | None,
    ctx: ToolContext,
    key: ConversationKey,
    text: str,
    *,
    started: float,
    reserve: int = 0,
) -> Turn:
    """Answer `text` as the next turn of `key` (recorded), rendered for Slack."""
    from storage.db import session_scope

    with session_scope(engine) as session:
        result = converse(session, ctx, key, text, model=model, started=started)
    return Turn(
        message=render_answer_message(result, reserve=reserve),
        chart=chart_for(result),
        planner=result.planner,
        tools=[str(c["tool"]) for c in result.calls],
    )


ANSWER_NICENESS = 10
_child: dict[str, object] = {}


def _start_child(settings: Settings) -> None:
    """Each worker process opens its own database engine and planner, at a lower CPU
    priority: when cores are short, the process acknowledging Slack goes first."""
    import contextlib
    import os

    from bot.runtime import model_planner

    with contextlib.suppress(OSError, AttributeError):  # not on every platform
        os.nice(ANSWER_NICENESS)
    from storage.db import make_engine

    _child["engine"] = make_engine(settings.database_url)
    _child["model"] = model_planner(settings)


def _child_turn(
    ctx: ToolContext, key: ConversationKey, text: str, started: float, reserve: int
) -> Turn:
    engine: Engine = _child["engine"]  # type: ignore[assignment]
    model: ModelAnswerer | None = _child["model"]  # type: ignore[assignment]
    return compute_turn(engine, model, ctx, key, text, started=started, reserve=reserve)


def _ready() -> bool:
    return "engine" in _child


class Answers:
    """Where turns are computed: `processes` worker processes, or the calling thread."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        model: ModelAnswerer | None,
        *,
        processes: int,
    ) -> None:
        self._engine = engine
        self._model = model
        self._pool: ProcessPoolExecutor | None = None
        if processes > 0:
            self._pool = ProcessPoolExecutor(
                max_workers=processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_child,
                initargs=(settings,),
            )
            for warming in [self._pool.submit(_ready) for _ in range(processes)]:
                warming.result()

    def turn(
        self, ctx: ToolContext, key: ConversationKey, text: str, *, started: float, reserve: int = 0
    ) -> Turn:
        if self._pool is None:
            return compute_turn(
                self._engine, self._model, ctx, key, text, started=started, reserve=reserve
            )
        return self._pool.submit(_child_turn, ctx, key, text, started, reserve).result()

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
