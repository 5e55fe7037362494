"""The `partnerops` command line, driven through its real entry point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from bot.cli import main
from bot.settings import get_settings
from storage.db import make_engine, session_factory
from storage.models import AuditEntry, DailyPerformance, Partner

TODAY = "2026-11-23"


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PARTNEROPS_APPROVERS", "UAPPROVER")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):  # these tests are about the router
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def count(url: str, model: type[Partner] | type[DailyPerformance] | type[AuditEntry]) -> int:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        value = int(session.scalar(select(func.count()).select_from(model)) or 0)
    engine.dispose()
    return value


def test_help_lists_every_command_and_each_has_an_example() -> None:
    top = invoke("--help")
    assert top.exit_code == 0
    commands = ["migrate", "demo", "import", "ask", "chat", "serve", "digest", "applications"]
    for command in commands:
        assert command in top.output
        sub = invoke(command, "--help")
        assert sub.exit_code == 0
        assert "Example" in sub.output, command


def test_migrate_creates_the_schema_then_reports_up_to_date(db_url: str) -> None:
    first = invoke("migrate")
    assert first.exit_code == 0
    assert "Migrated database from empty to revision" in first.output
    second = invoke("migrate")
    assert "up to date" in second.output


def test_demo_loads_once_and_refuses_to_overwrite_without_reset(db_url: str) -> None:
    loaded = invoke("demo", "--today", TODAY, "--days", "150", "--partners", "20")
    assert loaded.exit_code == 0, loaded.output
    assert "20 partners" in loaded.output
    assert count(db_url, Partner) == 20
    again = invoke("demo", "--today", TODAY)
    assert again.exit_code == 1
    assert "--reset" in again.output
    assert count(db_url, Partner) == 20
    reset = invoke("demo", "--reset", "--today", TODAY, "--days", "150", "--partners", "30")
    assert reset.exit_code == 0, reset.output
    assert count(db_url, Partner) == 30


def test_import_reports_line_numbered_errors_and_writes_nothing_from_a_bad_file(
    db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "partners.csv").write_text(
        "partner_key,name,type,status\nx1,New & Co,affiliate,active\n"
    )
    (tmp_path / "performance.csv").write_text(
        "date,partner_key,clicks,leads,conversions,revenue,payout\n"
        "2026-11-01,x1,10,2,1,50.00,5\n"
        "2026-11-02,x1,10,2,1,-5,5\n"
    )
    result = invoke("import", str(tmp_path))
    assert result.exit_code == 1
    assert "partners.csv: partners: 1 row — 1 inserted, 0 updated" in result.output
    assert "performance.csv:3: revenue:" in result.output
    assert "nothing from this file was imported" in result.output
    assert count(db_url, Partner) == 1
    assert count(db_url, DailyPerformance) == 0


def test_import_is_idempotent_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    csv = tmp_path / "partners_q4.csv"
    csv.write_text("partner_key,name,type,status\nx1,New & Co,affiliate,active\n")
    assert invoke("import", str(csv)).exit_code == 0
    second = invoke("import", str(csv))
    assert second.exit_code == 0
    assert "0 inserted, 1 updated" in second.output
    assert count(db_url, Partner) == 1


def test_ask_json_includes_tool_calls_and_raw_result(db_url: str) -> None:
    assert invoke("demo", "--today", TODAY, "--days", "150", "--partners", "20").exit_code == 0
    result = invoke("ask", "revenue for northwind last month", "--json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["tool_calls"][0]["tool"] == "performance"
    assert payload["tool_calls"][0]["arguments"]["partners"] == ["Northwind Traders"]
    assert "October 2026" in payload["answer"]
    assert payload["result"] is not None


def test_applications_approve_refused_for_non_approver_and_audited_for_approver(
    db_url: str,
) -> None:
    assert invoke("demo", "--today", TODAY, "--days", "150", "--partners", "20").exit_code == 0
    audits = count(db_url, AuditEntry)
    refused = invoke("applications", "approve", "app-001", "--user", "USOMEONE")
    assert refused.exit_code == 1
    assert "approver" in refused.output.lower()
    assert count(db_url, AuditEntry) == audits
    approved = invoke(
        "applications", "approve", "app-001", "--user", "UAPPROVER", "--reason", "good fit"
    )
    assert approved.exit_code == 0, approved.output
    assert count(db_url, AuditEntry) == audits + 1


def test_serve_without_slack_tokens_says_what_to_set(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    http = invoke("serve", "--http", "--port", "0")
    assert http.exit_code == 1
    assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set" in http.output
    socket = invoke("serve", "--socket")
    assert "SLACK_BOT_TOKEN and SLACK_APP_TOKEN must be set" in socket.output


def test_digest_alone_shows_its_subcommands(db_url: str) -> None:
    result = invoke("digest")
    assert result.exit_code == 0
    for sub in ("subscribe", "list", "unsubscribe", "run-due", "--dry-run"):
        assert sub in result.output
