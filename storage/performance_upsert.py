"""Bulk upsert of daily performance: the one import big enough to need each backend's fast path.

SQLite gets `executemany` of an `INSERT ... ON CONFLICT DO UPDATE` in batches; PostgreSQL
gets `COPY` into a temporary table and one `INSERT ... SELECT ... ON CONFLICT`. Both run
inside the caller's transaction and never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def _sqlite(
    connection: Connection, rows: Sequence[PerformanceRow], progress: Callable[[int, int], None]
) -> tuple[int, int]:
    """Counts rows in the file's date range before and after; the difference was inserted."""
    first = min(row[1] for row in rows).isoformat()
    last = max(row[1] for row in rows).isoformat()
    count = f"SELECT count(*) FROM {_TABLE} WHERE day BETWEEN ? AND ?"
    before = int(connection.exec_driver_sql(count, (first, last)).scalar_one())
    placeholders = ", ".join("?" for _ in _COLUMNS)
    upsert = (
        f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) VALUES ({placeholders}) "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {_SET}"
    )
    total = len(rows)
    for start in range(0, total, BATCH):
        # The same storage SQLAlchemy uses on SQLite: ISO date text, money as REAL.
        batch = [
            (p, d.isoformat(), c, le, cv, float(r), float(pay), rv)
            for p, d, c, le, cv, r, pay, rv in rows[start : start + BATCH]
        ]
        connection.exec_driver_sql(upsert, batch)
        progress(min(start + BATCH, total), total)
    after = int(connection.exec_driver_sql(count, (first, last)).scalar_one())
    inserted = after - before
    return inserted, total - inserted


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
