"""Alembic owns the schema: it builds it from empty on both engines and matches the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from storage import migrate
from storage.db import make_engine
from storage.models import Base
from tests.conftest import BACKENDS


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    url: str = request.getfixturevalue("pg_schema_url")
    engine = make_engine(url)
    migrate.downgrade(engine, "base") if migrate.current_revision(engine) else None
    return engine


def test_migrations_build_the_schema_from_empty(empty_engine: Engine) -> None:
    assert migrate.current_revision(empty_engine) is None
    assert migrate.ensure_current(empty_engine) is True
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate.ensure_current(empty_engine) is False


def test_migrated_schema_matches_the_models(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrations_downgrade_to_empty_and_up_again(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    assert not set(Base.metadata.tables) & set(inspect(empty_engine).get_table_names())
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()


def test_sqlite_is_configured_for_concurrent_use(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000


def test_pinned_head_revision_matches_the_migration_scripts() -> None:
    assert migrate.head_revision() == migrate.HEAD_REVISION


def test_postgresql_performance_keys_cover_the_sums(empty_engine: Engine) -> None:
    """Index-only period scans on PostgreSQL need the sums inside the primary keys."""
    if empty_engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores these tables in key order (WITHOUT ROWID) instead")
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        for table, bucket in (("performance_daily", "day"), ("performance_weekly", "week"),
                              ("performance_monthly", "month")):  # fmt: skip
            definition = connection.exec_driver_sql(
                f"SELECT pg_get_indexdef('pk_{table}'::regclass)"
            ).scalar_one()
            assert f"({bucket}, partner_id) INCLUDE (clicks, leads, conversions, revenue, " in (
                definition
            ), definition
