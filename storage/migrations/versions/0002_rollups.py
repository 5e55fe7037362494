"""Monthly and weekly performance rollups kept exact by triggers, so long periods sum fast.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUMS = ("clicks", "leads", "conversions", "revenue", "payout", "reversals")

# rollup table -> (its bucket column, the bucket of a daily row on SQLite, on PostgreSQL)
_ROLLUPS = {
    "performance_monthly": (
        "month",
        "date({d}, 'start of month')",
        "date_trunc('month', {d})::date",
    ),
    "performance_weekly": (
        "week",
        "date({d}, 'weekday 0', '-6 days')",
        "date_trunc('week', {d})::date",
    ),
}
"""Weeks are ISO weeks keyed by their Monday, on both engines."""


def _columns(bucket: str) -> str:
    return f"{bucket}, partner_id, days, " + ", ".join(_SUMS)


def _sqlite_triggers(table: str, bucket: str, expr: str) -> list[str]:
    new, old = expr.format(d="NEW.day"), expr.format(d="OLD.day")
    values = ", ".join(f"NEW.{c}" for c in _SUMS)
    add = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in _SUMS)
    insert = (
        f"INSERT INTO {table} ({_columns(bucket)}) VALUES ({new}, NEW.partner_id, 1, {values}) "
        f"ON CONFLICT ({bucket}, partner_id) DO UPDATE SET days = {table}.days + 1, {add};"
    )
    subtract = ", ".join(f"{c} = {c} - OLD.{c}" for c in _SUMS)
    remove = (
        f"UPDATE {table} SET days = days - 1, {subtract} "
        f"WHERE {bucket} = {old} AND partner_id = OLD.partner_id; "
        f"DELETE FROM {table} WHERE {bucket} = {old} AND partner_id = OLD.partner_id "
        "AND days = 0;"
    )
    return [
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON performance_daily BEGIN {insert} END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON performance_daily BEGIN {remove} END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE ON performance_daily BEGIN {remove} {insert} END",
    ]


def _aggregate(expr: str, rows: str) -> str:
    sums = ", ".join(f"sum({c}) AS {c}" for c in _SUMS)
    bucket = expr.format(d="day")
    return f"SELECT {bucket} AS b, partner_id, count(*) AS days, {sums} FROM {rows} GROUP BY 1, 2"


def _postgresql_triggers(table: str, bucket: str, expr: str) -> list[str]:
    """Statement-level triggers over transition tables: one rollup write per statement.

    A bulk import (COPY, then one INSERT … ON CONFLICT) updates each rollup row once
    instead of once per daily row, which keeps a million-row import about twice as fast.
    """
    add_sums = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in _SUMS)
    add = (
        f"INSERT INTO {table} ({_columns(bucket)}) {_aggregate(expr, 'new_rows')} "
        f"ON CONFLICT ({bucket}, partner_id) DO UPDATE SET "
        f"days = {table}.days + excluded.days, {add_sums};"
    )
    sub_sums = ", ".join(f"{c} = m.{c} - o.{c}" for c in _SUMS)
    subtract = (
        f"UPDATE {table} m SET days = m.days - o.days, {sub_sums} "
        f"FROM ({_aggregate(expr, 'old_rows')}) o "
        f"WHERE m.{bucket} = o.b AND m.partner_id = o.partner_id; "
        f"DELETE FROM {table} m WHERE m.days = 0 AND (m.{bucket}, m.partner_id) IN "
        f"(SELECT DISTINCT {expr.format(d='day')}, partner_id FROM old_rows);"
    )
    body = {"ins": add, "upd": subtract + " " + add, "del": subtract}
    functions = [
        f"CREATE FUNCTION {table}_{op_}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {sql} RETURN NULL; END $$"
        for op_, sql in body.items()
    ]
    transitions = {
        "ins": ("INSERT", "NEW TABLE AS new_rows"),
        "upd": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        "del": ("DELETE", "OLD TABLE AS old_rows"),
    }
    triggers = [
        f"CREATE TRIGGER {table}_{op_} AFTER {event} ON performance_daily "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {table}_{op_}()"
        for op_, (event, tables) in transitions.items()
    ]
    return functions + triggers


def _create(table: str, bucket: str) -> None:
    op.create_table(
        table,
        sa.Column(bucket, sa.Date(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("leads", sa.BigInteger(), nullable=False),
        sa.Column("conversions", sa.BigInteger(), nullable=False),
        sa.Column("revenue", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("payout", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("reversals", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f(f"fk_{table}_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(bucket, "partner_id", name=op.f(f"pk_{table}")),
        sqlite_with_rowid=False,
    )
    op.create_index(f"ix_{table}_partner_{bucket}", table, ["partner_id", bucket], unique=False)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (bucket, sqlite_expr, pg_expr) in _ROLLUPS.items():
        _create(table, bucket)
        expr = sqlite_expr if sqlite else pg_expr
        sums = ", ".join(f"sum({c})" for c in _SUMS)
        op.execute(
            f"INSERT INTO {table} ({_columns(bucket)}) "
            f"SELECT {expr.format(d='day')}, partner_id, count(*), {sums} "
            f"FROM performance_daily GROUP BY 1, 2"
        )
        make = _sqlite_triggers if sqlite else _postgresql_triggers
        for statement in make(table, bucket, expr):
            op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (bucket, _, _) in _ROLLUPS.items():
        for op_ in ("ai", "ad", "au") if sqlite else ("ins", "upd", "del"):
            if sqlite:
                op.execute(f"DROP TRIGGER {table}_{op_}")
            else:
                op.execute(f"DROP TRIGGER {table}_{op_} ON performance_daily")
                op.execute(f"DROP FUNCTION {table}_{op_}()")
        op.drop_index(f"ix_{table}_partner_{bucket}", table_name=table)
        op.drop_table(table)
