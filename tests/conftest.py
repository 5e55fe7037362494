"""Shared fixtures: migrated databases on SQLite and PostgreSQL, sessions, a demo program.

PostgreSQL tests use their own schema (created at session start, dropped at the end) in
the database named by PARTNEROPS_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/test.
Set PARTNEROPS_TEST_SKIP_PG=1 to run SQLite only on a machine without PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from storage import migrate
from storage.db import make_engine, session_factory
from storage.models import Base
from tests.factories import load_program

PG_URL = os.environ.get(
    "PARTNEROPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SKIP_PG = os.environ.get("PARTNEROPS_TEST_SKIP_PG") == "1"

DEMO_TODAY = date(2026, 11, 23)
"""The fixed 'today' the shared demo program is generated for and questioned on."""

pytest_plugins = ["tests.digest_harness"]
"""Digest fixtures (a program by URL on each backend, the fake Slack with a channel)."""

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(SKIP_PG, reason="PARTNEROPS_TEST_SKIP_PG=1"),
        ],
    ),
]


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A throwaway schema in the test database; yields a URL whose search_path points at it."""
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def _pg_engine(pg_schema_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_schema_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        sqlite = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        migrate.upgrade(sqlite)
        yield sqlite
        sqlite.dispose()
        return
    pg: Engine = request.getfixturevalue("_pg_engine")
    _truncate(pg)
    yield pg
    _truncate(pg)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A small program (tests.factories) on each backend, by URL, for processes to open."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'program.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
    else:
        url = request.getfixturevalue("pg_schema_url")
        engine = request.getfixturevalue("_pg_engine")
        _truncate(engine)
    with session_factory(engine)() as session:
        load_program(session)
        session.commit()
    yield url
    if request.param == "sqlite":
        engine.dispose()
    else:
        _truncate(engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty SQLite database, for tests that need only one backend."""
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite database holding the demo program (seed 7) as of DEMO_TODAY. Read-only use."""
    from storage.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with session_factory(engine)() as s:
        generate_demo(s, today=DEMO_TODAY, seed=7)
        s.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def demo_session(demo_engine: Engine) -> Iterator[Session]:
    """A session on the demo program; changes are rolled back after the test."""
    with session_factory(demo_engine)() as s:
        yield s
        s.rollback()


TRAVEL = os.environ.get("PARTNEROPS_TEST_TRAVEL")
"""A date (YYYY-MM-DD) to run the whole suite at, proving no test reads the wall clock:
`make test-dates` runs it at a month end, a leap day and a new year."""


@pytest.fixture(scope="session", autouse=True)
def _wall_clock_shifted() -> Iterator[None]:
    if not TRAVEL:
        yield
        return
    import time_machine

    with time_machine.travel(f"{TRAVEL}T23:30:00+00:00", tick=True):
        yield


SUMMARY: list[str] = []
"""Figures tests report (e.g. router accuracy), printed at the end of every run."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SUMMARY:
        terminalreporter.section("partnerops figures")
        for line in SUMMARY:
            terminalreporter.write_line(line)


def _clock_runs() -> bool:
    """False under a stopped clock (`faketime 'YYYY-MM-DD hh:mm'` freezes time)."""
    import time

    start = time.monotonic()
    spin = 0
    while time.monotonic() == start and spin < 2_000_000:
        spin += 1
    return time.monotonic() != start


needs_running_clock = pytest.mark.skipif(
    not _clock_runs(),
    reason="the clock is stopped (faketime): slack_sdk's Socket Mode client and the "
    "served processes' own timers need time to pass; they run whenever it does",
)
"""For tests whose third-party clients or subprocesses wait on time actually passing."""
