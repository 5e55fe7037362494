"""Bulk upsert of daily performance: the one import big enough to need each backend's fast path.

SQLite gets `executemany` of an `INSERT ... ON CONFLICT DO UPDATE` in batches; PostgreSQL
gets `COPY` into a temporary table and one `INSERT ... SELECT ... ON CONFLICT`. Both run
inside the caller's transaction and never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from storage.models import DailyPerformance

BATCH = 20_000
"""Rows per executemany (SQLite) or per progress step (PostgreSQL COPY)."""

PerformanceRow = tuple[int, date, int, int, int, Decimal, Decimal, int]
"""(partner_id, day, clicks, leads, conversions, revenue, payout, reversals)."""

_TABLE = DailyPerformance.__tablename__
_COLUMNS = ("partner_id", "day", "clicks", "leads", "conversions", "revenue", "payout", "reversals")
_KEY = ("partner_id", "day")
_COLUMN_LIST = ", ".join(_COLUMNS)
_SET = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in _KEY)
_STAGE = "_import_performance"
_IMPORT_CACHE_KIB = 256 * 1024
_ROWS_PER_STATEMENT = 50
"""SQLite rows per INSERT (400 parameters): far fewer statement executions, same upsert."""


def upsert_performance(
    session: Session, rows: Sequence[PerformanceRow], progress: Callable[[int, int], None]
) -> tuple[int, int]:
    """Insert or replace rows by (partner_id, day) — keys must be distinct; (inserted, updated).

    `progress(done, total)` is called as batches are written.
    """
    if not rows:
        return 0, 0
    connection = session.connection()
    backend = connection.dialect.name
    if backend == "sqlite":
        return _sqlite(connection, rows, progress)
    if backend == "postgresql":
        return _postgresql(connection, rows, progress)
    raise NotImplementedError(f"performance import supports SQLite and PostgreSQL, not {backend}")


def _sqlite_upsert(rows_per_statement: int) -> str:
    values = ", ".join(["(" + ", ".join("?" for _ in _COLUMNS) + ")"] * rows_per_statement)
    return (
        f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) VALUES {values} "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {_SET}"
    )


def _sqlite(
    connection: Connection, rows: Sequence[PerformanceRow], progress: Callable[[int, int], None]
) -> tuple[int, int]:
    """Counts rows in the file's date range before and after; the difference was inserted."""
    first = min(row[1] for row in rows).isoformat()
    last = max(row[1] for row in rows).isoformat()
    count = f"SELECT count(*) FROM {_TABLE} WHERE day BETWEEN ? AND ?"
    before = int(connection.exec_driver_sql(count, (first, last)).scalar_one())
    total = len(rows)
    step = len(_COLUMNS) * _ROWS_PER_STATEMENT
    upsert = _sqlite_upsert(_ROWS_PER_STATEMENT)
    iso: dict[date, str] = {}
    with _sqlite_cache(connection):
        for start in range(0, total, BATCH):
            # Stored as SQLAlchemy stores them on SQLite: ISO date text, money as REAL.
            flat = [
                value
                for p, d, c, le, cv, r, pay, rv in rows[start : start + BATCH]
                for value in (
                    p, iso.get(d) or iso.setdefault(d, d.isoformat()), c, le, cv,
                    float(r), float(pay), rv,
                )
            ]  # fmt: skip
            whole = len(flat) - len(flat) % step
            params = list(zip(*[iter(flat[:whole])] * step, strict=True))
            if params:
                connection.exec_driver_sql(upsert, params)
            if whole < len(flat):
                rest = tuple(flat[whole:])
                connection.exec_driver_sql(_sqlite_upsert(len(rest) // len(_COLUMNS)), rest)
            progress(min(start + BATCH, total), total)
    after = int(connection.exec_driver_sql(count, (first, last)).scalar_one())
    inserted = after - before
    return inserted, total - inserted


@contextmanager
def _sqlite_cache(connection: Connection) -> Iterator[None]:
    """A bigger page cache while the indexes take a million keys, then the old size back."""
    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = -{_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {previous}")


def _postgresql(
    connection: Connection, rows: Sequence[PerformanceRow], progress: Callable[[int, int], None]
) -> tuple[int, int]:
    """COPY into a temporary table, count keys that already exist, then merge in one statement."""
    total = len(rows)
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {_STAGE} (LIKE {_TABLE} INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    driver: Any = connection.connection.driver_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {_STAGE} ({_COLUMN_LIST}) FROM STDIN") as copy,
    ):
        for done, row in enumerate(rows, 1):
            copy.write_row(row)
            if done % BATCH == 0:
                progress(done // 2, total)
    existing = connection.exec_driver_sql(
        f"SELECT count(*) FROM {_STAGE} s JOIN {_TABLE} t "
        "ON t.partner_id = s.partner_id AND t.day = s.day"
    ).scalar_one()
    connection.exec_driver_sql(
        f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM {_STAGE} "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {_SET}"
    )
    connection.exec_driver_sql(f"DROP TABLE {_STAGE}")
    progress(total, total)
    updated = int(existing)
    return total - updated, updated
