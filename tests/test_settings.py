"""Settings: read from environment and .env, defaults, and secrets that never print."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings

SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-secret-bot-token-123",
    "SLACK_SIGNING_SECRET": "signing-secret-456",
    "SLACK_APP_TOKEN": "xapp-secret-app-789",
    "OPENAI_API_KEY": "sk-secret-openai-000",
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [*SECRETS, "DATABASE_URL", "PARTNEROPS_APPROVERS", "PARTNEROPS_TIMEZONE"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_are_the_embedded_sqlite_offline_setup() -> None:
    settings = Settings()
    assert settings.database_url == "sqlite:///partnerops.db"
    assert settings.timezone == "UTC"
    assert settings.currency == "USD"
    assert not settings.slack_configured
    assert not settings.llm_configured
    assert settings.approvers == frozenset()


def test_settings_never_print_secrets(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    logging.getLogger("test").warning("settings: %s %r", settings, settings)
    shown = [
        str(settings),
        repr(settings),
        settings.model_dump_json(),
        str(settings.model_dump()),
        caplog.text,
    ]
    for text in shown:
        for secret in SECRETS.values():
            assert secret not in text
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == SECRETS["SLACK_BOT_TOKEN"]
    assert settings.slack_configured and settings.llm_configured


def test_settings_read_dotenv_file_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "DATABASE_URL=postgresql://app@db/partnerops\n"
        "PARTNEROPS_APPROVERS=U123, S456 ,\n"
        "PARTNEROPS_TIMEZONE=Europe/Warsaw\n"
    )
    monkeypatch.setenv("PARTNEROPS_TIMEZONE", "America/New_York")
    settings = Settings()
    assert settings.database_url == "postgresql://app@db/partnerops"
    assert settings.approvers == frozenset({"U123", "S456"})
    assert settings.timezone == "America/New_York"


def test_unknown_timezone_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNEROPS_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="Mars/Olympus"):
        Settings()


def test_currency_must_be_an_iso_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNEROPS_CURRENCY", "eur")
    assert Settings().currency == "EUR"
    monkeypatch.setenv("PARTNEROPS_CURRENCY", "euros")
    with pytest.raises(ValidationError, match="3-letter"):
        Settings()
