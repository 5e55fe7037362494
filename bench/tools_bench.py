"""Times every registered tool, and `answer()` on typical questions, on the scale program.

The bar (issue 3): in-process answer time p95 < 250 ms per tool on 5,000 partners x 3 years
of daily rows, on SQLite and on PostgreSQL. Each case runs once to warm up (imports, caches,
pool) and then RUNS times, each in a fresh session, timed with time.perf_counter around
`bot.assistant.answer.run_tool` (or `answer`). Rewrites the "## Tools" section of
bench/RESULTS.md (pass --no-record to only print).

    python -m bench.tools_bench [--backend sqlite|postgresql|both] [--runs 20] [--no-record]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import sqlite3
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bench.scale import TODAY, ScaleSummary, build_scale, urls
from bot.assistant.answer import Answer, answer, run_tool
from bot.process import freeze_startup_heap
from storage.db import make_engine, session_factory
from tools import registry
from tools.context import ToolContext
from tools.errors import ToolError

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BAR_MS = 250.0
RUNS = 20

CASES: list[tuple[str, dict[str, Any]]] = [
    ("find_partner", {"partner": "zabka"}),
    ("find_partner", {"partner": "Nortwind Tradrs"}),
    ("find_partner", {"partner": "Northwind Traders"}),
    ("list_partners", {"types": ["affiliate"], "statuses": ["active"]}),
    ("list_partners", {"tiers": ["Gold"], "count_only": True}),
    ("list_partners", {"countries": ["US"], "tags": ["deals"]}),
    ("performance", {"period": "last quarter"}),
    ("performance", {"period": "ytd", "compare_to": "last year"}),
    ("performance", {"partners": ["Northwind Traders"], "period": "last month"}),
    ("performance", {"tiers": ["Gold"], "period": "last 90 days"}),
    ("leaderboard", {"metric": "revenue", "period": "last month", "n": 10}),
    ("leaderboard", {"metric": "conversion_rate", "period": "this quarter", "order": "bottom"}),
    ("leaderboard", {"metric": "epc", "period": "last 30 days", "tiers": ["Gold"]}),
    ("performance_series", {"period": "last 90 days", "grain": "week"}),
    ("performance_series", {"partners": ["Northwind Traders"], "grain": "day"}),
    ("performance_series", {"tiers": ["Silver"], "metric": "conversions", "period": "ytd"}),
    ("performance_breakdown", {"by": "type", "period": "last quarter"}),
    (
        "performance_breakdown",
        {"metric": "conversion_rate", "by": "owner", "period": "last 30 days"},
    ),
    ("performance_breakdown", {"by": "tier", "period": "last quarter", "compare_to": "last year"}),
    ("compare_partners", {"partners": ["Northwind Traders", "zabka"], "period": "last month"}),
    (
        "compare_partners",
        {"partners": ["Lumen Coupons", "CashBack Kings", "Atlas"], "period": "ytd"},
    ),
    ("goal_progress", {}),
    ("goal_progress", {"goal": "revenue"}),
    ("pending_applications", {}),
    ("pending_applications", {"n": 50}),
    ("application_detail", {"application": "Totally Legit Marketing"}),
    ("application_detail", {"application": "app-003"}),
    ("quiet_partners", {}),
    ("quiet_partners", {"days": 30}),
    ("reversal_anomalies", {}),
    ("reversal_anomalies", {"period": "last quarter"}),
    ("top_movers", {"metric": "revenue", "period": "last month"}),
    ("top_movers", {"metric": "conversions", "period": "last 30 days", "n": 10}),
    ("top_movers", {"metric": "revenue", "period": "last quarter", "by": "tier"}),
    ("recruitment_priorities", {}),
    ("recruitment_priorities", {"types": ["influencer"], "n": 5}),
    ("qbr_summary", {}),
    ("qbr_summary", {"partners": ["Northwind Traders"]}),
    ("qbr_summary", {"tiers": ["Gold"], "period": "Q3 2026"}),
    ("metric_share", {"partners": ["Northwind Traders"], "period": "last quarter"}),
    ("metric_share", {"tiers": ["Gold"], "metric": "conversions", "period": "ytd"}),
    ("best_period", {"period": "ytd"}),
    ("best_period", {"metric": "conversions", "grain": "week", "period": "last quarter", "n": 3}),
    ("best_period", {"partners": ["Northwind Traders"], "grain": "day", "order": "bottom"}),
    ("draft_outreach", {"partner": "Lumen Coupons", "purpose": "reengage"}),
    ("draft_outreach", {"partner": "Northwind Traders", "purpose": "qbr_invite"}),
    ("draft_content", {"partner": "Atlas Outdoor Co.", "format": "webinar_plan"}),
    ("draft_content", {"partner": "Żabka Polska", "format": "cobranded_email"}),
]
"""2-4 realistic argument sets per registered tool, as a planner would send them."""

OPTIONAL_CASES: list[tuple[str, dict[str, Any]]] = [
    ("needs_attention", {}),
    ("needs_attention", {"tiers": ["Gold"]}),
]
"""Cases for tools that may not be registered yet; timed only when `registry.get` finds them."""


def bench_cases() -> list[tuple[str, dict[str, Any]]]:
    """CASES plus the optional cases whose tool is registered."""
    present = []
    for name, args in OPTIONAL_CASES:
        try:
            registry.get(name)
        except ToolError:
            continue
        present.append((name, args))
    return [*CASES, *present]


QUESTIONS: list[str] = [
    "how did northwind do last quarter?",
    "top 10 partners by revenue last month",
    "program revenue ytd vs last year",
    "which partners went quiet?",
    "any reversal spikes in the last 30 days?",
    "is the q4 revenue goal on track?",
    "show pending applications",
    "weekly revenue trend for the last 90 days",
    "qbr for Northwind Traders",
    "who is zabka?",
    "biggest movers in revenue last month",
    "draft a re-engagement email to Lumen Coupons",
]
"""Typical questions for `answer()` (offline router + tool)."""


@dataclass
class Timings:
    """Samples (ms) for one label on one backend, and what the answer looked like."""

    label: str
    cold_ms: float = 0.0
    samples: list[float] = field(default_factory=list)
    outcome: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def max(self) -> float:
        return max(self.samples)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _outcome(result: Answer) -> str:
    report = result.report
    tools = ",".join(str(c["tool"]) for c in result.calls) or "-"
    return f"{tools} -> {report.kind}: {report.title[:60]}"


def time_call(engine: Engine, label: str, call: Callable[[Session], Answer], runs: int) -> Timings:
    """One warm-up call (reported as cold), then `runs` timed calls, each in a fresh session."""
    timings = Timings(label)
    for i in range(runs + 1):
        with session_factory(engine)() as session:
            started = time.perf_counter()
            result = call(session)
            elapsed = (time.perf_counter() - started) * 1000
            session.rollback()
        if i == 0:
            timings.cold_ms = elapsed
            timings.outcome = _outcome(result)
        else:
            timings.samples.append(elapsed)
    return timings


@dataclass
class BackendRun:
    name: str
    scale: ScaleSummary
    cases: list[Timings]
    questions: list[Timings]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    seconds: float

    def by_tool(self) -> dict[str, list[float]]:
        """Samples per tool, in the order the tools first appear among the cases."""
        grouped: dict[str, list[float]] = {}
        for case in self.cases:
            grouped.setdefault(case.label.split("(", 1)[0], []).extend(case.samples)
        return grouped

    def errors(self) -> list[Timings]:
        """Cases whose answer was an error report (a wrong argument, a tool failure)."""
        return [case for case in self.cases if "-> error:" in case.outcome]


def _label(tool: str, args: dict[str, Any]) -> str:
    inner = ", ".join(f"{k}={v!r}" for k, v in args.items())
    return f"{tool}({inner})"


def bench_backend(url: str, runs: int) -> BackendRun:
    scale = build_scale(url)
    engine = make_engine(url)
    ctx = ToolContext(today=TODAY)
    freeze_startup_heap()  # as `partnerops chat` (and the Slack app) do once started
    name = _backend_name(engine)
    load_before = os.getloadavg()
    started = time.perf_counter()
    cases: list[Timings] = []
    try:
        for tool, args in bench_cases():

            def call(session: Session, tool: str = tool, args: dict[str, Any] = args) -> Answer:
                return run_tool(session, ctx, tool, dict(args))

            cases.append(time_call(engine, _label(tool, args), call, runs))
            _print(name, cases[-1])
        questions: list[Timings] = []
        for question in QUESTIONS:

            def ask(session: Session, question: str = question) -> Answer:
                return answer(session, ctx, question)

            questions.append(time_call(engine, question, ask, runs))
            _print(name, questions[-1])
    finally:
        engine.dispose()
    return BackendRun(
        name, scale, cases, questions, load_before, os.getloadavg(), time.perf_counter() - started
    )


def _backend_name(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as conn:
        version = str(conn.execute(text("SHOW server_version")).scalar_one()).split()[0]
    return f"PostgreSQL {version}"


def _print(backend: str, t: Timings) -> None:
    print(
        f"{backend:<16} {t.label[:70]:<70} cold {t.cold_ms:7.1f}  p50 {t.p50:7.1f}  "
        f"p95 {t.p95:7.1f}  max {t.max:7.1f} ms  | {t.outcome}",
        flush=True,
    )


# ---------------------------------------------------------------- RESULTS.md


def record_section(title: str, body: str, results: Path = RESULTS) -> None:
    """Replace (or append) the `## {title}` section of RESULTS.md, leaving other sections alone."""
    section = f"## {title}\n\n{body.strip()}\n"
    existing = results.read_text(encoding="utf-8") if results.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(existing):
        updated = pattern.sub(lambda _m: section + "\n", existing, count=1)
    else:
        updated = existing.rstrip("\n") + "\n\n" + section
    results.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def machine() -> str:
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}"
    )


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _verdict(p95: float) -> str:
    return "pass" if p95 < BAR_MS else "**FAIL**"


def _tool_table(runs: list[BackendRun]) -> list[str]:
    header = "| tool | arg sets |"
    rule = "|---|---:|"
    for run in runs:
        header += f" {run.name} p50 | p95 | max | bar |"
        rule += "---:|---:|---:|---|"
    lines = [header, rule]
    grouped = [run.by_tool() for run in runs]
    names = list(grouped[0])
    sets = {name: sum(c.label.startswith(name + "(") for c in runs[0].cases) for name in names}
    for name in names:
        row = f"| {name} | {sets[name]} |"
        for samples in grouped:
            p95 = percentile(samples[name], 95)
            row += (
                f" {statistics.median(samples[name]):.1f} | {p95:.1f} | {max(samples[name]):.1f} |"
                f" {_verdict(p95)} |"
            )
        lines.append(row)
    row = f"| **all tools** | {len(runs[0].cases)} |"
    for samples in grouped:
        every = [s for values in samples.values() for s in values]
        p95 = percentile(every, 95)
        row += f" {statistics.median(every):.1f} | {p95:.1f} | {max(every):.1f} | {_verdict(p95)} |"
    lines.append(row)
    return lines


def _detail_table(runs: list[BackendRun], attribute: str, first: str) -> list[str]:
    header = f"| {first} |"
    rule = "|---|"
    for run in runs:
        header += f" {run.name} cold | p50 | p95 |"
        rule += "---:|---:|---:|"
    lines = [header, rule]
    rows: list[list[Timings]] = [getattr(run, attribute) for run in runs]
    for i, t in enumerate(rows[0]):
        row = f"| `{t.label}` |"
        for per_backend in rows:
            u = per_backend[i]
            row += f" {u.cold_ms:.0f} | {u.p50:.1f} | {u.p95:.1f} |"
        lines.append(row)
    return lines


def section(runs: list[BackendRun], command: str, runs_per_case: int) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    scale = runs[0].scale
    lines = [
        f"Bar: p95 < {BAR_MS:.0f} ms in-process per tool (`bot.assistant.answer.run_tool`:",
        "argument validation, period/partner resolution, queries, result model, `report()`),",
        f"on the scale program built by `bench/scale.py`: {scale.partners:,} partners x 1,095",
        f"days = {scale.daily_rows:,} daily rows ({scale.demo_rows:,} from",
        f"`generate_demo(partners=5000, days=1095, seed=11)` plus {scale.filled_rows:,} filled",
        f"so every partner has every day), {scale.monthly_rows:,} monthly rollup rows,",
        f"{scale.start} – {scale.end}; today = {TODAY}. Each case: 1 warm-up call (the `cold`",
        f"column, includes importing the tool's module), then {runs_per_case} timed calls, each",
        "in a fresh session. Percentiles are nearest-rank over all samples of a tool's",
        "argument sets.",
        "",
        f"Regenerate: `{command}` (the scale databases are built on first use and cached in",
        "bench/data/ and schema `bench_scale`; `python -m bench.scale --rebuild` rebuilds them).",
        f"Run {when}. Machine: {machine()}.",
    ]
    for run in runs:
        lines.append(
            f"{run.name}: {run.seconds:.0f} s; load average (1/5/15 min) before "
            f"{_load(run.load_before)}, after {_load(run.load_after)}."
        )
    failed = sorted({t.label for run in runs for t in run.errors()})
    if failed:
        lines += ["", "These calls answered with an error report (timed all the same):", ""]
        lines += [f"- `{label}`" for label in failed]
    lines += ["", "### Per tool", "", *_tool_table(runs), ""]
    lines += ["### Per argument set (ms)", "", *_detail_table(runs, "cases", "call"), ""]
    every_q = [[s for t in run.questions for s in t.samples] for run in runs]
    summary = "; ".join(
        f"{run.name} p50 {statistics.median(q):.1f} ms, p95 {percentile(q, 95):.1f} ms"
        for run, q in zip(runs, every_q, strict=True)
    )
    lines += [
        "### `answer()`: offline router + tool (ms)",
        "",
        "Includes building the router's vocabulary (all partner, tier, goal and applicant",
        f"names) on every call. Overall: {summary}.",
        "",
        *_detail_table(runs, "questions", "question"),
        "",
        "What each question was routed to:",
        "",
        *[f"- `{t.label}` → {t.outcome}" for t in runs[0].questions],
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    runs = [bench_backend(url, args.runs) for url in urls(args.backend)]
    for run in runs:
        print(f"\n{run.name}")
        print("\n".join(_tool_table([run])))
        for t in run.errors():
            print(f"error report: {t.label} -> {t.outcome}")
    if not args.no_record:
        command = "python -m bench.tools_bench"
        if args.backend != "both":
            command += f" --backend {args.backend}"
        if args.runs != RUNS:
            command += f" --runs {args.runs}"
        record_section("Tools", section(runs, command, args.runs))
        print(f"recorded in {RESULTS}")


if __name__ == "__main__":
    main()
