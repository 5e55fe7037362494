"""PostgreSQL: the performance tables' primary keys carry the sums (INCLUDE), so a period's
per-partner sums are index-only scans.

A program's daily rows land in the heap in import order — a backfill file sorted by
partner scatters one day's rows over thousands of pages — so reading "last 30 days" for
every partner cost one random heap page per row. With the sums in the (bucket, partner_id)
key the scan reads the index alone, in bucket order, whatever the import order was. SQLite
needs nothing: its performance tables are WITHOUT ROWID, stored in key order already.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUMS = "clicks, leads, conversions, revenue, payout, reversals"
_TABLES = {"performance_daily": "day", "performance_weekly": "week", "performance_monthly": "month"}


def _rekey(include: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, bucket in _TABLES.items():
        op.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, "
            f"ADD CONSTRAINT pk_{table} PRIMARY KEY ({bucket}, partner_id){include}"
        )


def upgrade() -> None:
    _rekey(f" INCLUDE ({_SUMS})")


def downgrade() -> None:
    _rekey("")
