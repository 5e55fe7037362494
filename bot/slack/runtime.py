"""What every Slack listener shares: settings, the database, the planner, the work pool
and the directory of people; and the one way a listener turns a Slack user into a
ToolContext.

Built once per process. Nothing here is state that correctness needs: event ids,
conversations and decisions live in the database, so any instance can take any request.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.assistant.answer import ModelAnswerer
from bot.assistant.conversation import ConversationKey
from bot.runtime import build_context
from bot.settings import Settings
from bot.slack.access import Asker, Decision, Policy, check
from bot.slack.compute import Answers, Turn
from bot.slack.people import Directory
from bot.slack.work import Worker
from storage.db import session_scope
from storage.queries.slack_events import KEEP_EVENTS_FOR, prune_events, take_event
from tools.context import ToolContext

log = logging.getLogger("partnerops.slack")


def web_client(settings: Settings) -> WebClient:
    """The Web API client every call goes through: SLACK_API_URL as its base, retried on
    rate limits (honouring Retry-After) and on connection errors."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    base_url = settings.slack_api_url
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class SlackRuntime:
    settings: Settings
    engine: Engine
    client: WebClient
    home_team: str
    """The installing workspace, from auth.test."""
    bot_user_id: str
    model: ModelAnswerer | None = None
    today: date | None = None
    """Injected "today" (tests, replays); None is the wall clock in the program timezone."""
    answers: Answers | None = None
    """Where turns are computed; None computes on the calling thread."""
    worker: Worker = field(default_factory=lambda: Worker(8))
    directory: Directory = field(default_factory=Directory)
    instance: str = field(default_factory=instance_name)

    @property
    def policy(self) -> Policy:
        return Policy(
            home_team=self.home_team,
            allowed_users=self.settings.allowed_users,
            allowed_channels=self.settings.allowed_channels,
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            yield session

    def turn(
        self, ctx: ToolContext, key: ConversationKey, text: str, *, started: float, reserve: int = 0
    ) -> Turn:
        if self.answers is None:
            self.answers = Answers(self.settings, self.engine, self.model, processes=0)
        return self.answers.turn(ctx, key, text, started=started, reserve=reserve)

    def close(self) -> None:
        """Finish the work in flight, then stop the worker processes."""
        self.worker.drain(30.0)
        self.worker.shutdown(wait=True)
        if self.answers is not None:
            self.answers.shutdown()

    def first_delivery(self, body: dict[str, Any]) -> bool:
        """Claim an Events API delivery by its event id; False when a retry, or another
        instance, already took it. Called by the work an event starts, not in the ack."""
        event_id = body.get("event_id")
        if not event_id:
            return True
        with self.session() as session:
            first = take_event(session, str(event_id), at=datetime.now(UTC), taken_by=self.instance)
        if not first:
            log.info("event %s already taken; not processed again", event_id)
        return first

    def access(self, asker: Asker) -> Decision:
        return check(self.client, self.directory, self.policy, asker)

    def context(
        self,
        user_id: str,
        *,
        source: str,
        channel: str | None = None,
        name: str | None = None,
    ) -> ToolContext:
        """The request's ToolContext: the Slack user, their approver groups, where it came from."""
        groups = self.directory.groups_of(self.client, user_id, self.settings.approvers)
        ctx = build_context(
            self.settings, user=user_id, user_name=name, today=self.today, user_groups=groups
        )
        return replace(ctx, source=source, channel=channel)


def build_runtime(
    settings: Settings,
    engine: Engine,
    *,
    model: ModelAnswerer | None = None,
    today: date | None = None,
    client: WebClient | None = None,
) -> SlackRuntime:
    """Ask Slack who we are (auth.test) and put the pieces together."""
    client = client or web_client(settings)
    identity = client.auth_test()
    with session_scope(engine) as session:
        prune_events(session, before=datetime.now(UTC) - KEEP_EVENTS_FOR)
    return SlackRuntime(
        settings=settings,
        engine=engine,
        client=client,
        home_team=str(identity["team_id"]),
        bot_user_id=str(identity["user_id"]),
        model=model,
        today=today,
        answers=Answers(settings, engine, model, processes=settings.answer_processes),
        worker=Worker(settings.slack_workers),
        directory=Directory(settings.slack_cache_seconds),
    )
