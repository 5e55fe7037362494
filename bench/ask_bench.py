"""Times `partnerops ask "…"` as a whole process: start-up, imports, database, router, tool, render.

The bar (issue 3): whole-process time < 1.5 s. Runs .venv/bin/partnerops as a subprocess with
DATABASE_URL set, against (a) the demo-size SQLite program (60 partners x 730 days, seed 7,
built in bench/data on first use) and (b) the SQLite scale program from bench/scale.py.
Each question runs once untimed (page cache, bytecode cache), then RUNS timed runs.

Two bytecode modes: `cached` (PYTHONPYCACHEPREFIX=bench/data/pycache, bytecode written
once and reused, the state of a normal install) and `none` (PYTHONDONTWRITEBYTECODE=1 with no
__pycache__ for the project, every run compiles the project's modules: this sandbox's default).
Rewrites the "## partnerops ask" section of bench/RESULTS.md (pass --no-record to only print).

    python -m bench.ask_bench [--runs 10] [--no-record]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.scale import DATA, SQLITE_URL, TODAY, build_scale
from bench.tools_bench import machine, percentile, record_section
from storage import migrate
from storage.db import make_engine, session_factory
from storage.demo import generate_demo

ROOT = Path(__file__).resolve().parent.parent
PARTNEROPS = ROOT / ".venv" / "bin" / "partnerops"
DEMO_PATH = DATA / "demo_60x730.db"
DEMO_URL = f"sqlite:///{DEMO_PATH}"
PYCACHE = DATA / "pycache"
BAR_S = 1.5
RUNS = 10
QUESTIONS = (
    "how did northwind do last quarter?",
    "top 10 partners by revenue last month",
    "qbr for Northwind Traders",
)
MODES = ("cached", "none")


@dataclass
class AskTimings:
    database: str
    mode: str
    question: str
    samples: list[float] = field(default_factory=list)
    first_line: str = ""


def demo_database() -> str:
    """The demo program as `partnerops demo --today 2026-11-23` writes it (reused if present)."""
    if DEMO_PATH.exists():
        return DEMO_URL
    DATA.mkdir(parents=True, exist_ok=True)
    engine = make_engine(DEMO_URL)
    try:
        migrate.upgrade(engine)
        with session_factory(engine)() as session:
            generate_demo(session, today=TODAY, seed=7)
            session.commit()
    finally:
        engine.dispose()
    return DEMO_URL


def _environment(url: str, mode: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url)
    env.pop("PYTHONPYCACHEPREFIX", None)
    if mode == "cached":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _ask(question: str, env: dict[str, str]) -> tuple[float, str]:
    command = [str(PARTNEROPS), "ask", question, "--today", TODAY.isoformat()]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
    return elapsed, (done.stdout.strip().splitlines() or [""])[0]


def bench(database: str, url: str, runs: int) -> list[AskTimings]:
    results = []
    for mode in MODES:
        env = _environment(url, mode)
        for question in QUESTIONS:
            timings = AskTimings(database, mode, question)
            _, timings.first_line = _ask(question, env)
            for _ in range(runs):
                timings.samples.append(_ask(question, env)[0])
            results.append(timings)
            print(
                f"{database:<28} {mode:<7} {question:<40} min {min(timings.samples):.3f}  "
                f"median {statistics.median(timings.samples):.3f}  "
                f"p95 {percentile(timings.samples, 95):.3f} s  | {timings.first_line[:50]}",
                flush=True,
            )
    return results


def _verdict(p95: float) -> str:
    return "pass" if p95 < BAR_S else "**FAIL**"


def section(results: list[AskTimings], command: str, runs: int, loads: list[str]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f'Bar: whole-process `partnerops ask "…"` < {BAR_S} s. Wall time of a subprocess',
        "`.venv/bin/partnerops ask QUESTION --today 2026-11-23` with DATABASE_URL set (Python",
        "start-up, imports, schema-revision check, router vocabulary, tool, plain-text render).",
        f"Each question: 1 untimed run, then {runs} timed runs. Bytecode `cached`: compiled once",
        "into PYTHONPYCACHEPREFIX and reused (a normal install); `none`: PYTHONDONTWRITEBYTECODE=1",
        "and no `__pycache__` for the project, so every run compiles the project's own modules",
        "(this sandbox's default environment).",
        "",
        f"Regenerate: `{command}`. Run {when}. Machine: {machine()}.",
        f"Load average (1/5/15 min): {'; '.join(loads)}.",
        "",
        "| database | bytecode | question | min s | median s | p95 s | bar |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for t in results:
        p95 = percentile(t.samples, 95)
        lines.append(
            f"| {t.database} | {t.mode} | `{t.question}` | {min(t.samples):.3f} | "
            f"{statistics.median(t.samples):.3f} | {p95:.3f} | {_verdict(p95)} |"
        )
    lines += ["", "First line of each answer:", ""]
    seen: set[str] = set()
    for t in results:
        key = f"{t.database}: `{t.question}`"
        if key not in seen:
            seen.add(key)
            lines.append(f"- {key} → {t.first_line}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    databases = [("demo (60 partners x 730 days)", demo_database())]
    scale = build_scale(SQLITE_URL)
    databases.append((f"scale SQLite ({scale.daily_rows:,} rows)", SQLITE_URL))
    results: list[AskTimings] = []
    loads: list[str] = []
    for name, url in databases:
        load = os.getloadavg()
        results += bench(name, url, args.runs)
        after = os.getloadavg()
        loads.append(
            f"{name.split(' (')[0]} before {' / '.join(f'{v:.2f}' for v in load)}, "
            f"after {' / '.join(f'{v:.2f}' for v in after)}"
        )
    if not args.no_record:
        command = "python -m bench.ask_bench" + (
            f" --runs {args.runs}" if args.runs != RUNS else ""
        )
        record_section("partnerops ask", section(results, command, args.runs, loads))
        print("recorded in bench/RESULTS.md")


if __name__ == "__main__":
    main()
