"""A subscription's digest for one day, built by the digest tool and rendered for Slack,
and the conversation a posted digest leaves so replies in its thread keep its scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.assistant.conversation import ConversationKey, Turn, record_turn
from bot.assistant.plan import TurnState
from bot.digests.subscriptions import scope_of
from bot.render.blocks import SlackMessage
from bot.render.charts import Chart, digest_chart
from bot.render.digest import digest_message, digest_text
from bot.settings import Settings
from storage.models import DigestSubscription
from tools.context import ToolContext
from tools.digest.cache import DigestCache
from tools.digest.content import GoalDigest, build_digest
from tools.digest.scope import DigestScope


@dataclass(frozen=True)
class ComposedDigest:
    digest: GoalDigest
    message: SlackMessage
    chart: Chart | None
    snapshot: dict[str, Any]

    def late(self, due: str) -> ComposedDigest:
        """The same digest, saying at the top that it was due at `due`."""
        lead = f"Late: this digest was due {due}."
        return replace(self, message=digest_message(self.digest, lead=lead))

    @property
    def text(self) -> str:
        return digest_text(self.digest)


Compose = Callable[[Session, DigestSubscription, date, "dict[str, Any] | None"], ComposedDigest]
"""Builds a subscription's digest for a day: (session, subscription, today, previous)."""


def composer(settings: Settings) -> Compose:
    """One pass's compose function, in the program's currency; its digests share one
    cache (each goal's progress, each scope's partner sections), so build one per pass."""
    cache = DigestCache()

    def compose(
        session: Session, sub: DigestSubscription, today: date, previous: dict[str, Any] | None
    ) -> ComposedDigest:
        ctx = ToolContext(today=today, tz=settings.tz, currency=settings.currency)
        return compose_digest(session, ctx, scope_of(sub), previous=previous, cache=cache)

    return compose


def compose_digest(
    session: Session,
    ctx: ToolContext,
    scope: DigestScope,
    *,
    previous: dict[str, Any] | None = None,
    cache: DigestCache | None = None,
) -> ComposedDigest:
    digest = build_digest(session, ctx, scope, previous=previous, cache=cache)
    return ComposedDigest(
        digest=digest,
        message=digest_message(digest),
        chart=digest_chart(digest),
        snapshot=digest.snapshot(),
    )


def record_thread(
    session: Session,
    channel: str,
    user: str,
    scope: DigestScope,
    ts: str,
    composed: ComposedDigest,
    now: datetime,
) -> None:
    """Store the digest as the first turn of its thread: a reply there is a question about
    the digest's scope, answered as a follow-up."""
    arguments = scope.segment_arguments()
    record_turn(
        session,
        ConversationKey(channel, ts),
        user,
        Turn(
            question=f"Weekly goal digest for {scope.describe()}",
            answer=composed.text,
            calls=[{"tool": "goal_progress", "arguments": arguments}],
            state=TurnState("goal_progress", arguments, scope=dict(arguments)),
            planner="offline",
            at=now,
        ),
    )


def record_subscription_thread(
    session: Session, sub: DigestSubscription, ts: str, composed: ComposedDigest, now: datetime
) -> None:
    """The pass's `record`: the subscription's channel and scope."""
    record_thread(session, sub.channel_id, sub.created_by, scope_of(sub), ts, composed, now)
