"""Shared pieces for digest tests: a program on each backend (by URL, so processes can open
it too), the fake Slack, a subscription made at an injected time, and a pass at an
injected time through the real Slack poster."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.digests.compose import composer, record_subscription_thread
from bot.digests.run import DigestPass, PassConfig, PassReport
from bot.digests.slots import Schedule
from bot.digests.subscriptions import subscribe
from bot.settings import Settings
from bot.slack.access import Policy
from bot.slack.digest_poster import SlackDigestPoster
from storage.db import make_engine, session_scope
from tests.fakes.slack_api import FakeSlack
from tools.digest.scope import DigestScope

CHANNEL = "CDIGEST01"
BOT_TOKEN = "xoxb-digest-test"
WARSAW = ZoneInfo("Europe/Warsaw")
SUBSCRIBED_AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
"""A Monday afternoon: the first Monday 09:00 Warsaw slot after it is 7 Dec 08:00 UTC."""
FIRST_SLOT = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_channel(CHANNEL, name="partnerships")
        yield fake


def settings_for(database_url: str, slack: FakeSlack, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.url,
        "PARTNEROPS_DIGEST_LEASE_SECONDS": LEASE.total_seconds(),
    }
    values.update(extra)
    return Settings(_env_file=None, **values)


def add_subscription(
    engine: Engine,
    *,
    channel: str = CHANNEL,
    scope: str = "program",
    weekday: int = 0,
    hour: int = 9,
    minute: int = 0,
    tz: ZoneInfo = WARSAW,
    at: datetime = SUBSCRIBED_AT,
) -> int:
    with session_scope(engine) as session:
        result = subscribe(
            session,
            channel=channel,
            schedule=Schedule(weekday, hour, minute, tz),
            scope=DigestScope.parse(scope),
            actor="UOWNER0001",
            source="test",
            now=at,
        )
        return result.subscription.id


def run_pass(
    engine: Engine,
    slack: FakeSlack,
    now: datetime,
    *,
    allowed_channels: frozenset[str] = frozenset(),
    holder: str | None = None,
) -> PassReport:
    client = WebClient(token=BOT_TOKEN, base_url=slack.url, retry_handlers=[])
    poster = SlackDigestPoster(
        client, Policy(home_team=slack.team_id, allowed_channels=allowed_channels)
    )
    settings = Settings(_env_file=None)
    return DigestPass(
        engine,
        poster,
        now=now,
        compose=composer(settings),
        record=record_subscription_thread,
        config=PassConfig(lease=LEASE),
        holder=holder,
    ).run()


def digests_in(slack: FakeSlack, channel: str = CHANNEL) -> list[dict[str, Any]]:
    """Top-level digest messages that reached the channel."""
    return [
        m
        for m in slack.messages(channel)
        if (m.get("metadata") or {}).get("event_type") == "partnerops_digest"
    ]


def run_due_process(settings: Settings, now: datetime) -> subprocess.Popen[str]:
    """`partnerops digest run-due --now …` as its own process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PARTNEROPS_"))}
    env.update(
        {
            "DATABASE_URL": settings.database_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": settings.slack_api_url,
            "PARTNEROPS_DIGEST_LEASE_SECONDS": str(int(settings.digest_lease_seconds)),
        }
    )
    env.pop("OPENAI_API_KEY", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "digest", "run-due", "--now", now.isoformat()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
