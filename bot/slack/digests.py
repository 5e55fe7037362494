"""The digest pass on Slack, put together from settings: the database, the Slack poster,
composer, and the pass's timings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.digests.compose import composer, record_subscription_thread
from bot.digests.run import DigestPass, PassConfig, PassReport
from bot.settings import Settings
from bot.slack.access import Policy
from bot.slack.digest_poster import SlackDigestPoster


def pass_config(settings: Settings) -> PassConfig:
    return PassConfig(
        lease=timedelta(seconds=settings.digest_lease_seconds),
        grace=timedelta(hours=settings.digest_grace_hours),
    )


def digest_client(settings: Settings) -> WebClient:
    """The Web API client of a pass: connection errors retried once, but a rate limit
    ends the attempt (the pass records it and a later pass retries after Retry-After)
    instead of sleeping while other channels' digests wait."""
    from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

    from bot.slack.runtime import web_client

    client = web_client(settings)
    client.retry_handlers = [ConnectionErrorRetryHandler(max_retry_count=1)]
    return client


def poster_for(settings: Settings, client: WebClient) -> SlackDigestPoster:
    return SlackDigestPoster(
        client, Policy(home_team="", allowed_channels=settings.allowed_channels)
    )


def pass_runner(
    settings: Settings, engine: Engine, client: WebClient
) -> Callable[[datetime], PassReport]:
    """`run(now)`: one pass at `now` (each call a new holder)."""
    poster = poster_for(settings, client)
    config = pass_config(settings)

    def run(now: datetime) -> PassReport:
        return DigestPass(
            engine,
            poster,
            now=now,
            compose=composer(settings),  # one cache per pass, none across passes
            record=record_subscription_thread,
            config=config,
        ).run()

    return run
