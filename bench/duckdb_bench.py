"""Times five analytical questions two ways on the same rows: our tools on SQLite vs DuckDB SQL.

The bar (issue 3): each of ours within 3x of DuckDB at p50. Ours is `tools.registry.call`
(argument validation, period and segment resolution, queries, the typed result; no
`report()`) on the SQLite scale program from bench/scale.py, each call in a fresh session.
DuckDB gets the same `performance_daily` and `partners` rows, copied once out of that SQLite
file (sqlite3 CLI -> CSV -> `read_csv`) into bench/data/scale_5000x1095.duckdb, and answers
from the daily rows with one SQL statement per question on one open connection. Each
question runs once to warm up, then RUNS times per side. Before timing, each pair of answers
is checked to agree (the figures, to the cent), so the two sides do the same work.
Rewrites the "## DuckDB comparison" section of bench/RESULTS.md (--no-record only prints).

    python -m bench.duckdb_bench [--runs 20] [--no-record]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from bench.scale import DATA, SQLITE_PATH, SQLITE_URL, TODAY, build_scale
from bench.tools_bench import machine, record_section
from storage.db import make_engine, session_factory
from tools import registry
from tools.context import ToolContext

DUCK_PATH = DATA / "scale_5000x1095.duckdb"
RUNS = 20
RATIO_BAR = 3.0
MONTH = (date(2026, 10, 1), date(2026, 10, 31))
PREVIOUS_MONTH = (date(2026, 9, 1), date(2026, 9, 30))
QUARTER = (date(2026, 7, 1), date(2026, 9, 30))


@dataclass(frozen=True)
class Question:
    """One question: the tool call that answers it, the DuckDB SQL, and how to compare them."""

    label: str
    tool: str
    arguments: dict[str, Any]
    sql: str
    ours: Callable[[Any], Any]
    """The figures out of our result, in the shape `theirs` gives."""
    theirs: Callable[[list[tuple[Any, ...]]], Any]


def _cents(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(_cents(v) if isinstance(v, (Decimal, float)) else v for v in r) for r in rows]


QUESTIONS: list[Question] = [
    Question(
        "program totals, October 2026",
        "performance",
        {"period": "October 2026", "compare_to": "none"},
        f"""SELECT sum(clicks), sum(leads), sum(conversions), sum(revenue), sum(payout),
                   sum(reversals)
            FROM performance_daily WHERE day BETWEEN '{MONTH[0]}' AND '{MONTH[1]}'""",
        lambda r: _rows(
            [
                (
                    r.totals.clicks,
                    r.totals.leads,
                    r.totals.conversions,
                    r.totals.revenue,
                    r.totals.payout,
                    r.totals.reversals,
                )
            ]
        ),
        _rows,
    ),
    Question(
        "top 10 partners by revenue, October 2026",
        "leaderboard",
        {"metric": "revenue", "period": "October 2026", "n": 10},
        f"""SELECT p.name, sum(d.revenue) AS revenue
            FROM performance_daily d JOIN partners p ON p.id = d.partner_id
            WHERE d.day BETWEEN '{MONTH[0]}' AND '{MONTH[1]}'
            GROUP BY p.id, p.name ORDER BY revenue DESC, p.name LIMIT 10""",
        lambda r: _rows([(e.name, e.value) for e in r.entries]),
        _rows,
    ),
    Question(
        "revenue by tier, Q3 2026",
        "performance_breakdown",
        {"by": "tier", "period": "Q3 2026", "compare_to": "none"},
        f"""SELECT coalesce(p.tier, 'no tier') AS tier, sum(d.revenue) AS revenue
            FROM performance_daily d JOIN partners p ON p.id = d.partner_id
            WHERE d.day BETWEEN '{QUARTER[0]}' AND '{QUARTER[1]}'
            GROUP BY 1 ORDER BY revenue DESC""",
        lambda r: sorted(_rows([(g.name, g.value) for g in r.groups if g.value])),
        lambda rows: sorted(_rows(rows)),
    ),
    Question(
        "weekly revenue, Q3 2026",
        "performance_series",
        {"metric": "revenue", "period": "Q3 2026", "grain": "week"},
        f"""SELECT min(day) AS first_day, sum(revenue)
            FROM performance_daily WHERE day BETWEEN '{QUARTER[0]}' AND '{QUARTER[1]}'
            GROUP BY date_trunc('week', day) ORDER BY first_day""",
        lambda r: _rows([(d, v) for d, v in r.points]),
        _rows,
    ),
    Question(
        "top movers by revenue, October vs September 2026",
        "top_movers",
        {"metric": "revenue", "period": "October 2026", "compare_to": "September 2026"},
        f"""WITH now AS (
                SELECT partner_id, sum(revenue) AS v FROM performance_daily
                WHERE day BETWEEN '{MONTH[0]}' AND '{MONTH[1]}' GROUP BY partner_id),
            before AS (
                SELECT partner_id, sum(revenue) AS v FROM performance_daily
                WHERE day BETWEEN '{PREVIOUS_MONTH[0]}' AND '{PREVIOUS_MONTH[1]}'
                GROUP BY partner_id),
            moves AS (
                SELECT coalesce(now.partner_id, before.partner_id) AS partner_id,
                       coalesce(now.v, 0) - coalesce(before.v, 0) AS change
                FROM now FULL JOIN before ON now.partner_id = before.partner_id),
            ranked AS (
                SELECT p.name, m.change,
                       row_number() OVER (ORDER BY m.change DESC, p.name) AS up,
                       row_number() OVER (ORDER BY m.change ASC, p.name) AS down
                FROM moves m JOIN partners p ON p.id = m.partner_id WHERE m.change <> 0)
            SELECT name, change FROM ranked WHERE up <= 5 OR down <= 5 ORDER BY change DESC""",
        lambda r: sorted(
            _rows([(m.name, m.change) for m in [*r.gains, *r.drops]]), key=lambda t: -t[1]
        ),
        lambda rows: sorted(_rows(rows), key=lambda t: -t[1]),
    ),
]


# ---------------------------------------------------------------- the DuckDB copy


def duck_database(sqlite_path: Path = SQLITE_PATH, path: Path = DUCK_PATH) -> tuple[Path, float]:
    """The DuckDB copy of the SQLite scale file (made once; remade when the SQLite file is
    newer) and the seconds it took (0 when reused)."""
    if path.exists() and path.stat().st_mtime > sqlite_path.stat().st_mtime:
        return path, 0.0
    if shutil.which("sqlite3") is None:
        raise RuntimeError("copying into DuckDB needs the sqlite3 command-line shell")
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    staging = path.with_suffix(".tmp.duckdb")
    staging.unlink(missing_ok=True)
    con = duckdb.connect(str(staging))
    try:
        for table, columns in (
            (
                "performance_daily",
                "day DATE, partner_id INTEGER, clicks BIGINT, leads BIGINT, "
                "conversions BIGINT, revenue DECIMAL(18,2), payout DECIMAL(18,2), "
                "reversals BIGINT",
            ),
            (
                "partners",
                "id INTEGER, partner_key VARCHAR, name VARCHAR, type VARCHAR, status VARCHAR, "
                "tier VARCHAR, country VARCHAR, owner VARCHAR, commission_model VARCHAR",
            ),
        ):
            names = ", ".join(c.split()[0] for c in columns.split(", "))
            csv_path = path.with_name(f"{table}.csv")
            with csv_path.open("w", encoding="utf-8") as out:
                subprocess.run(
                    ["sqlite3", "-csv", str(sqlite_path), f"SELECT {names} FROM {table}"],
                    stdout=out,
                    check=True,
                )
            con.execute(f"CREATE TABLE {table} ({columns})")
            con.execute(
                f"INSERT INTO {table} SELECT * FROM read_csv(?, header=false, "
                f"columns={{{_duck_columns(columns)}}})",
                [str(csv_path)],
            )
            csv_path.unlink()
        con.execute("CHECKPOINT")
    finally:
        con.close()
    staging.rename(path)
    return path, time.perf_counter() - started


def _duck_columns(columns: str) -> str:
    pairs = (c.split(" ", 1) for c in columns.split(", "))
    return ", ".join(f"'{name}': '{kind}'" for name, kind in pairs)


# ---------------------------------------------------------------- timing


@dataclass
class Pair:
    question: Question
    ours: list[float]
    theirs: list[float]

    @property
    def ours_p50(self) -> float:
        return statistics.median(self.ours)

    @property
    def theirs_p50(self) -> float:
        return statistics.median(self.theirs)

    @property
    def ratio(self) -> float:
        return self.ours_p50 / self.theirs_p50


def _ms(fn: Callable[[], Any], runs: int) -> tuple[Any, list[float]]:
    first = fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return first, samples


def bench(runs: int) -> tuple[list[Pair], str]:
    engine = make_engine(SQLITE_URL)
    con = duckdb.connect(str(DUCK_PATH), read_only=True)
    ctx = ToolContext(today=TODAY)
    pairs = []
    try:
        for q in QUESTIONS:

            def ours(q: Question = q) -> Any:
                with session_factory(engine)() as session:
                    result = registry.call(session, ctx, q.tool, dict(q.arguments))
                    session.rollback()
                return result

            def theirs(q: Question = q) -> list[tuple[Any, ...]]:
                rows: list[tuple[Any, ...]] = list(con.execute(q.sql).fetchall())
                return rows

            result, our_samples = _ms(ours, runs)
            rows, their_samples = _ms(theirs, runs)
            mine, other = q.ours(result), q.theirs(rows)
            if mine != other:
                raise RuntimeError(
                    f"{q.label}: the answers differ\n ours   {mine}\n duckdb {other}"
                )
            pair = Pair(q, our_samples, their_samples)
            pairs.append(pair)
            print(
                f"{q.label:<50} ours p50 {pair.ours_p50:7.1f}  duckdb p50 "
                f"{pair.theirs_p50:7.1f} ms  ratio {pair.ratio:5.2f}",
                flush=True,
            )
        row: Any = con.execute("SELECT version()").fetchone()
        version = str(row[0])
    finally:
        con.close()
        engine.dispose()
    return pairs, version


def _call(q: Question) -> str:
    inner = ", ".join(f"{k}={v!r}" for k, v in q.arguments.items())
    return f"{q.tool}({inner})"


def section(
    pairs: list[Pair], command: str, runs: int, duck_version: str, copy_s: float, load: str
) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Bar: each of ours within {RATIO_BAR:.0f}x of DuckDB at p50. Ours: `tools.registry.call`",
        "on the SQLite scale program (5,000 partners x 1,095 days, bench/scale.py), a fresh",
        "session per call, no `report()`. DuckDB: one SQL statement over the same daily rows",
        "(`performance_daily` joined to `partners`, copied out of the SQLite file once), one",
        "open read-only connection. Our tools may read the monthly/weekly rollups; DuckDB scans",
        "the daily rows. Both answers are checked to agree to the cent before timing. Each",
        f"question: 1 warm-up, then {runs} timed runs per side; p50 in ms.",
        "",
        f"Regenerate: `{command}` (needs `pip install -e '.[bench]'` and the sqlite3 shell;",
        "the DuckDB copy is cached in bench/data/).",
        f"Run {when}. Machine: {machine()}. SQLite {sqlite3.sqlite_version}, DuckDB "
        f"{duck_version}{f'; copy into DuckDB {copy_s:.0f} s' if copy_s else ''}.",
        f"Load average (1/5/15 min): {load}.",
        "",
        "| question | our call | ours p50 | DuckDB p50 | ours/DuckDB | bar |",
        "|---|---|---:|---:|---:|---|",
    ]
    for p in pairs:
        verdict = "pass" if p.ratio <= RATIO_BAR else "**FAIL**"
        lines.append(
            f"| {p.question.label} | `{_call(p.question)}` | {p.ours_p50:.1f} | "
            f"{p.theirs_p50:.1f} | {p.ratio:.2f} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    build_scale(SQLITE_URL)
    _, copy_s = duck_database()
    before = os.getloadavg()
    pairs, version = bench(args.runs)
    after = os.getloadavg()
    load = (
        f"before {' / '.join(f'{v:.2f}' for v in before)}, "
        f"after {' / '.join(f'{v:.2f}' for v in after)}"
    )
    if not args.no_record:
        command = "python -m bench.duckdb_bench" + (
            f" --runs {args.runs}" if args.runs != RUNS else ""
        )
        record_section(
            "DuckDB comparison", section(pairs, command, args.runs, version, copy_s, load)
        )
        print("recorded in bench/RESULTS.md")


if __name__ == "__main__":
    main()
