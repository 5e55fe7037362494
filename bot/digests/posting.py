"""What the pass needs from a chat platform, and how posting can fail.

The pass decides (claims, retries, pauses); a Poster only talks to the platform and turns
its errors into one of three kinds: try again later, stop posting to this channel, or a
refusal by the access rules. The Slack implementation is `bot.slack.digest_poster`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.render.blocks import SlackMessage
from bot.render.charts import Chart

METADATA_EVENT = "partnerops_digest"
"""The message metadata event type a posted digest carries, to be found again after a crash."""


@dataclass(frozen=True)
class DigestKey:
    """Which digest a message is: its subscription and slot (as message metadata)."""

    subscription_id: int
    slot_at: datetime

    def payload(self) -> dict[str, str | int]:
        return {"subscription_id": self.subscription_id, "slot": self.slot_at.isoformat()}

    def matches(self, payload: object) -> bool:
        if not isinstance(payload, dict):
            return False
        return (
            str(payload.get("subscription_id")) == str(self.subscription_id)
            and str(payload.get("slot")) == self.slot_at.isoformat()
        )


class PostFailed(Exception):
    """Slack was unavailable, rate limited or unreachable: retry later (not before
    `retry_after` seconds when Slack said so)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ChannelUnavailable(Exception):
    """The channel is gone, archived or the bot was removed: pause, don't retry."""


class ChannelRefused(Exception):
    """The channel may not receive program data (shared with another organisation)."""


class Poster(Protocol):
    def check_channel(self, channel: str) -> None:
        """Raise ChannelRefused / ChannelUnavailable / PostFailed when posting must not happen."""

    def find_posted(self, channel: str, key: DigestKey) -> str | None:
        """The ts of a message already carrying `key` in the channel's recent history."""

    def post(self, channel: str, message: SlackMessage, key: DigestKey) -> str:
        """Post `message` with `key` as metadata; its ts."""

    def attach_chart(self, channel: str, thread_ts: str, chart: Chart) -> None:
        """Upload `chart` into the digest's thread (best effort)."""
