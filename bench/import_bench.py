"""Times the CSV import at production size (1,000,000 performance rows) through import_file.

Generates bench/data/partners_bench.csv (2,000 partners) and performance_bench.csv
(2,000 partners x 500 days), imports them into a fresh SQLite database and, when it is
reachable, into a scratch schema on PostgreSQL (created and dropped here), first as new
rows and then again as a re-import that updates every row. Prints the timings and
rewrites the "## Import" section of bench/RESULTS.md (pass --no-record to only print).

    python -m bench.import_bench [--partners 2000] [--days 500] [--no-record] [--skip-pg]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import re
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
        f"{backend:<10} {step:<24} {report.rows:>9,} rows {seconds:7.2f} s (cpu {cpu:6.2f} s) "
        f"({timings[-1].rate:>9,.0f} rows/s) inserted {report.inserted:,} "
        f"updated {report.updated:,}",
        flush=True,
    )
    return report


def _run(engine: Engine, backend: str, files: tuple[Path, Path], timings: list[Timing]) -> None:
    partners_csv, performance_csv = files
    _timed(engine, backend, "partners (new)", partners_csv, timings)
    _timed(engine, backend, "performance (new)", performance_csv, timings)
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


def _section(timings: list[Timing], command: str, machine: str) -> str:
    lines = [
        "## Import",
        "",
        "1,000,000 daily performance rows (2,000 partners x 500 days) imported through",
        "`storage.importer.import_file`, the function `partnerops import` calls: validation of",
        'every row, then one transaction. "re-import" imports the same file again, so every row',
        "is an update. Timings are wall-clock for the whole call (read, validate, write, commit).",
        "",
        f"Regenerate: `{command}` (or `make bench`). Machine: {machine}.",
        "",
        "| backend | file | rows | seconds | rows/s | inserted | updated |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        lines.append(
            f"| {t.backend} | {t.step} | {t.rows:,} | {t.seconds:.1f} | {t.rate:,.0f} | "
            f"{t.inserted:,} | {t.updated:,} |"
        )
    return "\n".join(lines) + "\n"


def record(section: str, results: Path = RESULTS) -> None:
    """Replace (or add) the "## Import" section of RESULTS.md, leaving other sections alone."""
    existing = results.read_text(encoding="utf-8") if results.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Import\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(existing):
        updated = pattern.sub(lambda _m: section + "\n", existing, count=1)
    else:
        updated = existing.rstrip("\n") + "\n\n" + section
    results.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--days", type=int, default=500)
    parser.add_argument("--no-record", action="store_true", help="print only")
    parser.add_argument("--skip-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    files = generate(args.partners, args.days)
    print(f"data ready in {time.perf_counter() - started:.1f} s: {files[0].name}, {files[1].name}")
    timings: list[Timing] = []
    with _sqlite() as engine:
        _run(engine, "SQLite", files, timings)
    pg_version = ""
    if not args.skip_pg:
        with _postgresql() as pg_engine:
            if pg_engine is not None:
                pg_version = _pg_version(pg_engine)
                _run(pg_engine, "PostgreSQL", files, timings)
    for t in timings:
        if t.backend == "PostgreSQL" and pg_version:
            t.backend = f"PostgreSQL {pg_version}"
    machine = (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {_sqlite_version()}, {platform.system()} {platform.machine()}"
    )
    command = "python -m bench.import_bench"
    if not args.no_record:
        record(_section(timings, command, machine))
        print(f"recorded in {RESULTS}")


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    main()
