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


def _postgresql_triggers() -> list[str]:
    new_month = "date_trunc('month', NEW.day)::date"
    old_month = "date_trunc('month', OLD.day)::date"
    return [
        "CREATE FUNCTION performance_monthly_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_remove(old_month)} END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {_insert(new_month, 'NEW')} END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER performance_daily_sync AFTER INSERT OR UPDATE OR DELETE "
        "ON performance_daily FOR EACH ROW EXECUTE FUNCTION performance_monthly_sync()",
    ]


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
        op.execute("DROP TRIGGER performance_daily_sync ON performance_daily")
        op.execute("DROP FUNCTION performance_monthly_sync()")
    op.drop_index("ix_performance_monthly_partner_month", table_name="performance_monthly")
    op.drop_table("performance_monthly")
