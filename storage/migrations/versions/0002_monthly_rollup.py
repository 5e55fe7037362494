"""Monthly performance rollup kept exact by triggers, so long periods sum fast.

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
_COLUMNS = "month, partner_id, days, " + ", ".join(_SUMS)
_ADD = ", ".join(f"{c} = performance_monthly.{c} + excluded.{c}" for c in _SUMS)
_SUBTRACT = ", ".join(f"{c} = {c} - OLD.{c}" for c in _SUMS)


def _insert(month: str, row: str) -> str:
    values = ", ".join(f"{row}.{c}" for c in _SUMS)
    return (
        f"INSERT INTO performance_monthly ({_COLUMNS}) "
        f"VALUES ({month}, {row}.partner_id, 1, {values}) "
        f"ON CONFLICT (month, partner_id) DO UPDATE SET days = performance_monthly.days + 1, "
        f"{_ADD};"
    )


def _remove(month: str) -> str:
    return (
        f"UPDATE performance_monthly SET days = days - 1, {_SUBTRACT} "
        f"WHERE month = {month} AND partner_id = OLD.partner_id; "
        f"DELETE FROM performance_monthly WHERE month = {month} "
        "AND partner_id = OLD.partner_id AND days = 0;"
    )


def _sqlite_triggers() -> list[str]:
    new_month, old_month = "date(NEW.day, 'start of month')", "date(OLD.day, 'start of month')"
    return [
        "CREATE TRIGGER performance_daily_ai AFTER INSERT ON performance_daily BEGIN "
        f"{_insert(new_month, 'NEW')} END",
        "CREATE TRIGGER performance_daily_ad AFTER DELETE ON performance_daily BEGIN "
        f"{_remove(old_month)} END",
        "CREATE TRIGGER performance_daily_au AFTER UPDATE ON performance_daily BEGIN "
        f"{_remove(old_month)} {_insert(new_month, 'NEW')} END",
    ]


def _pg_aggregate(rows: str) -> str:
    sums = ", ".join(f"sum({c}) AS {c}" for c in _SUMS)
    return (
        f"SELECT date_trunc('month', day)::date AS month, partner_id, count(*) AS days, {sums} "
        f"FROM {rows} GROUP BY 1, 2"
    )


def _postgresql_triggers() -> list[str]:
    """Statement-level triggers over transition tables: one rollup write per statement.

    A bulk import (COPY, then one INSERT … ON CONFLICT) updates each monthly row once
    instead of once per daily row, which keeps a million-row import about twice as fast.
    """
    add_sums = ", ".join(f"{c} = performance_monthly.{c} + excluded.{c}" for c in _SUMS)
    add = (
        f"INSERT INTO performance_monthly ({_COLUMNS}) {_pg_aggregate('new_rows')} "
        f"ON CONFLICT (month, partner_id) DO UPDATE SET "
        f"days = performance_monthly.days + excluded.days, {add_sums};"
    )
    sub_sums = ", ".join(f"{c} = m.{c} - o.{c}" for c in _SUMS)
    subtract = (
        f"UPDATE performance_monthly m SET days = m.days - o.days, {sub_sums} "
        f"FROM ({_pg_aggregate('old_rows')}) o "
        "WHERE m.month = o.month AND m.partner_id = o.partner_id; "
        "DELETE FROM performance_monthly m WHERE m.days = 0 AND (m.month, m.partner_id) IN "
        "(SELECT DISTINCT date_trunc('month', day)::date, partner_id FROM old_rows);"
    )
    body = {"ins": add, "upd": subtract + " " + add, "del": subtract}
    functions = [
        f"CREATE FUNCTION performance_monthly_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {sql} RETURN NULL; END $$"
        for op, sql in body.items()
    ]
    triggers = [
        "CREATE TRIGGER performance_daily_rollup_ins AFTER INSERT ON performance_daily "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION performance_monthly_ins()",
        "CREATE TRIGGER performance_daily_rollup_upd AFTER UPDATE ON performance_daily "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION performance_monthly_upd()",
        "CREATE TRIGGER performance_daily_rollup_del AFTER DELETE ON performance_daily "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION performance_monthly_del()",
    ]
    return functions + triggers


def _backfill(month: str) -> str:
    sums = ", ".join(f"sum({c})" for c in _SUMS)
    return (
        f"INSERT INTO performance_monthly ({_COLUMNS}) "
        f"SELECT {month}, partner_id, count(*), {sums} FROM performance_daily "
        f"GROUP BY {month}, partner_id"
    )


def upgrade() -> None:
    op.create_table(
        "performance_monthly",
        sa.Column("month", sa.Date(), nullable=False),
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
            name=op.f("fk_performance_monthly_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("month", "partner_id", name=op.f("pk_performance_monthly")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_performance_monthly_partner_month",
        "performance_monthly",
        ["partner_id", "month"],
        unique=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_backfill("date(day, 'start of month')"))
        statements = _sqlite_triggers()
    else:
        op.execute(_backfill("date_trunc('month', day)::date"))
        statements = _postgresql_triggers()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("performance_daily_ai", "performance_daily_ad", "performance_daily_au"):
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name in ("ins", "upd", "del"):
            op.execute(f"DROP TRIGGER performance_daily_rollup_{name} ON performance_daily")
            op.execute(f"DROP FUNCTION performance_monthly_{name}()")
    op.drop_index("ix_performance_monthly_partner_month", table_name="performance_monthly")
    op.drop_table("performance_monthly")
