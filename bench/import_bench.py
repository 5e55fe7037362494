"""Times the CSV import at production size (1,000,000 performance rows) through import_file.

Generates bench/data/partners_bench_*.csv (2,000 partners) and performance_bench_*.csv
(2,000 partners x 500 days; reused once made), imports them into a fresh SQLite database
and, when it is reachable, into a scratch schema on PostgreSQL (created and dropped here):
first as new rows, then (SQLite always, PostgreSQL with --pg-reimport) the same file again
so every row is an update. Prints wall and CPU seconds and rewrites the generated table in
the "## Import" section of bench/RESULTS.md (--no-record only prints).

    python -m bench.import_bench [--partners 2000] [--days 500] [--pg-reimport]
                                 [--skip-pg] [--no-record]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import re
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from storage import migrate
from storage.db import make_engine, session_factory
from storage.importer import FileReport, import_file

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "RESULTS.md"
PG_URL = os.environ.get(
    "PARTNEROPS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FIRST_DAY = date(2025, 1, 1)
TYPES = ("affiliate", "influencer", "b2b_brand", "channel", "agency", "referral", "content")


@dataclass
class Timing:
    backend: str
    step: str
    rows: int
    seconds: float
    cpu_seconds: float
    inserted: int
    updated: int

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def generate(partners: int, days: int, seed: int = 7) -> tuple[Path, Path]:
    """Write the two CSV files (reused when they already exist for these sizes)."""
    DATA.mkdir(parents=True, exist_ok=True)
    partners_csv = DATA / f"partners_bench_{partners}.csv"
    performance_csv = DATA / f"performance_bench_{partners}x{days}.csv"
    rng = random.Random(seed)
    if not partners_csv.exists():
        with partners_csv.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["partner_key", "name", "type", "status", "tier", "country", "tags"])
            for i in range(partners):
                writer.writerow(
                    [f"p{i:05d}", f"Bench Partner {i}", TYPES[i % len(TYPES)], "active",
                     ("Gold", "Silver", "Bronze")[i % 3], "US", "bench;generated"]
                )  # fmt: skip
    if not performance_csv.exists():
        with performance_csv.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(
                ["date", "partner_key", "clicks", "leads", "conversions", "revenue", "payout",
                 "reversals"]
            )  # fmt: skip
            for d in range(days):
                day = (FIRST_DAY + timedelta(days=d)).isoformat()
                for i in range(partners):
                    clicks = rng.randrange(0, 5000)
                    leads = clicks // rng.randrange(5, 20)
                    conversions = leads // rng.randrange(2, 6)
                    cents = conversions * rng.randrange(2000, 15000)
                    writer.writerow(
                        [day, f"p{i:05d}", clicks, leads, conversions,
                         f"{cents // 100}.{cents % 100:02d}",
                         f"{cents // 1000}.{cents // 10 % 100:02d}", conversions // 20]
                    )  # fmt: skip
    return partners_csv, performance_csv


def _timed(
    engine: Engine, backend: str, step: str, path: Path, timings: list[Timing]
) -> FileReport:
    calls = 0

    def progress(done: int, total: int) -> None:
        nonlocal calls
        calls += 1

    with session_factory(engine)() as session:
        started, cpu_started = time.perf_counter(), time.process_time()
        report = import_file(session, path, progress=progress)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    timings.append(
        Timing(backend, step, report.rows, seconds, cpu, report.inserted, report.updated)
    )
    print(
        f"{backend:<16} {step:<24} {report.rows:>9,} rows {seconds:7.2f} s (cpu {cpu:6.2f} s) "
        f"({timings[-1].rate:>9,.0f} rows/s) inserted {report.inserted:,} "
        f"updated {report.updated:,}",
        flush=True,
    )
    return report


def _run(
    engine: Engine,
    backend: str,
    files: tuple[Path, Path],
    timings: list[Timing],
    *,
    reimport: bool,
) -> None:
    partners_csv, performance_csv = files
    _timed(engine, backend, "partners (new)", partners_csv, timings)
    _timed(engine, backend, "performance (new)", performance_csv, timings)
    if reimport:
        _timed(engine, backend, "performance (re-import)", performance_csv, timings)


@contextmanager
def _sqlite() -> Iterator[Engine]:
    path = DATA / "import_bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _postgresql() -> Iterator[Engine | None]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        print(f"PostgreSQL not reachable ({error.orig}); skipped")
        admin.dispose()
        yield None
        return
    separator = "&" if "?" in PG_URL else "?"
    engine = make_engine(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _pg_version(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SHOW server_version")).scalar_one()).split()[0]


START, END = "<!-- import-bench:start -->", "<!-- import-bench:end -->"
"""The generated table sits between these markers; notes around it are kept."""


def _table(timings: list[Timing], command: str, machine: str) -> str:
    lines = [
        START,
        f"Last run: `{command}` on {machine}, {time.strftime('%Y-%m-%d')}.",
        "",
        "| backend | file | rows | wall s | CPU s (client) | rows/s (wall) | inserted | updated |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        lines.append(
            f"| {t.backend} | {t.step} | {t.rows:,} | {t.seconds:.1f} | {t.cpu_seconds:.1f} | "
            f"{t.rate:,.0f} | {t.inserted:,} | {t.updated:,} |"
        )
    lines.append(END)
    return "\n".join(lines)


def record(table: str, results: Path = RESULTS) -> None:
    """Put `table` in the "## Import" section of RESULTS.md, leaving everything else alone."""
    text_ = results.read_text(encoding="utf-8") if results.exists() else "# Benchmarks\n"
    if START in text_ and END in text_:
        head, rest = text_.split(START, 1)
        updated = head + table + rest.split(END, 1)[1]
    elif re.search(r"^## Import$", text_, re.MULTILINE):
        updated = re.sub(
            r"^## Import\n",
            lambda _m: f"## Import\n\n{table}\n",
            text_,
            count=1,
            flags=re.MULTILINE,
        )
    else:
        updated = text_.rstrip("\n") + f"\n\n## Import\n\n{table}\n"
    results.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--days", type=int, default=500)
    parser.add_argument("--no-record", action="store_true", help="print only")
    parser.add_argument("--skip-pg", action="store_true", help="SQLite only")
    parser.add_argument(
        "--pg-reimport",
        action="store_true",
        help="also time the PostgreSQL re-import (minutes with row-level rollup triggers)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    files = generate(args.partners, args.days)
    print(f"data ready in {time.perf_counter() - started:.1f} s: {files[0].name}, {files[1].name}")
    timings: list[Timing] = []
    with _sqlite() as engine:
        _run(engine, "SQLite", files, timings, reimport=True)
    if not args.skip_pg:
        with _postgresql() as pg_engine:
            if pg_engine is not None:
                backend = f"PostgreSQL {_pg_version(pg_engine)}"
                _run(pg_engine, backend, files, timings, reimport=args.pg_reimport)
    machine = (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.machine()}"
    )
    command = " ".join(
        ["python -m bench.import_bench", *(argv if argv is not None else sys.argv[1:])]
    )
    if not args.no_record:
        record(_table(timings, command, machine))
        print(f"recorded in {RESULTS}")


if __name__ == "__main__":
    main()
