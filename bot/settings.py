"""The one place configuration is read: environment variables and an optional `.env` file."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration. Secrets are `SecretStr` so they never print or log."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default="sqlite:///partnerops.db", alias="DATABASE_URL")
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    openai_model: str = Field(default="gpt-4o-mini", alias="OPENAI_MODEL")
    llm_timeout: float = Field(default=12.0, gt=0, le=120, alias="PARTNEROPS_LLM_TIMEOUT")
    """Seconds the model may take for a whole request (every round) before the offline
    router answers instead; with start-up and the router's own time, within 20 s."""
    llm_first_token_timeout: float = Field(
        default=6.0, gt=0, le=120, alias="PARTNEROPS_LLM_FIRST_TOKEN_TIMEOUT"
    )
    """Seconds to wait for a model call's first byte: a model that hangs is given up on
    after this, not after the whole budget."""
    llm_max_retries: int = Field(default=1, ge=0, le=5, alias="PARTNEROPS_LLM_MAX_RETRIES")
    llm_streaming: bool = Field(default=True, alias="PARTNEROPS_LLM_STREAMING")
    llm_max_tool_rounds: int = Field(default=4, ge=1, le=8, alias="PARTNEROPS_LLM_MAX_TOOL_ROUNDS")
    approvers_raw: str = Field(default="", alias="PARTNEROPS_APPROVERS")
    allowed_users_raw: str = Field(default="", alias="PARTNEROPS_ALLOWED_USERS")
    """Optional: only these Slack user ids / user-group ids get answers (empty: every member
    of the installing workspace)."""
    allowed_channels_raw: str = Field(default="", alias="PARTNEROPS_ALLOWED_CHANNELS")
    """Optional: only these channels get answers (DMs and the assistant stay open to allowed
    users); a channel shared with another organisation is answered only when listed."""
    slack_workers: int = Field(default=8, ge=1, le=64, alias="PARTNEROPS_SLACK_WORKERS")
    """Threads computing answers; acknowledging Slack never waits for them."""
    answer_processes: int = Field(default=2, ge=0, le=32, alias="PARTNEROPS_ANSWER_PROCESSES")
    """Worker processes computing answers for the Slack app (0: on the serving process's
    threads), so the threads acknowledging Slack never wait behind the CPU work."""
    http_threads: int = Field(default=16, ge=2, le=128, alias="PARTNEROPS_HTTP_THREADS")
    """Threads of the HTTP server that receive Slack's requests and acknowledge them."""
    slack_cache_seconds: float = Field(
        default=300.0, ge=0, le=3600, alias="PARTNEROPS_SLACK_CACHE_SECONDS"
    )
    """How long users.info, conversations.info and user-group members are reused."""
    digest_grace_hours: float = Field(
        default=4.0, gt=0, le=72, alias="PARTNEROPS_DIGEST_GRACE_HOURS"
    )
    """How late a digest may still be posted (marked late) after downtime; older slots are
    recorded as missed."""
    digest_lease_seconds: float = Field(
        default=120.0, ge=10, le=3600, alias="PARTNEROPS_DIGEST_LEASE_SECONDS"
    )
    """How long a pass holds a digest's claim; a pass that dies is taken over after it."""
    digest_scheduler: bool = Field(default=True, alias="PARTNEROPS_DIGEST_SCHEDULER")
    """Whether `serve` also runs the digest scheduler (off when a separate
    `partnerops scheduler` process does)."""
    timezone: str = Field(default="UTC", alias="PARTNEROPS_TIMEZONE")
    currency: str = Field(default="USD", alias="PARTNEROPS_CURRENCY")
    sender_name: str | None = Field(default=None, alias="PARTNEROPS_SENDER_NAME")
    """Who signs drafts when the asking person's name is not known."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown PARTNEROPS_TIMEZONE {value!r}; use an IANA name like Europe/Warsaw"
            ) from None
        return value

    @field_validator("currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        code = value.strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError("PARTNEROPS_CURRENCY must be a 3-letter ISO 4217 code, e.g. USD")
        return code

    @property
    def approvers(self) -> frozenset[str]:
        """Slack user ids (U…/W…) and user-group ids (S…) allowed to approve applications."""
        return _ids(self.approvers_raw)

    @property
    def allowed_users(self) -> frozenset[str]:
        return _ids(self.allowed_users_raw)

    @property
    def allowed_channels(self) -> frozenset[str]:
        return _ids(self.allowed_channels_raw)

    def secret_values(self) -> list[str]:
        """Every configured secret, so nothing a model writes that contains one is shown."""
        values = (getattr(self, name) for name in type(self).model_fields)
        return [v.get_secret_value() for v in values if isinstance(v, SecretStr)]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_signing_secret is not None or self.slack_app_token is not None
        )

    @property
    def llm_configured(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None


def _ids(raw: str) -> frozenset[str]:
    """Comma- or space-separated Slack ids."""
    return frozenset(part for part in raw.replace(",", " ").split() if part)


@cache
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
