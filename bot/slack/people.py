"""Who a Slack user is, what a channel is, who is in a user group: asked of Slack's Web API
and reused for a few minutes.

The cache only saves calls; nothing that correctness needs lives here (a fresh instance
simply asks again), so several instances behind a load balancer stay one app.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

T = TypeVar("T")

CHANNEL_SECONDS = 30.0


@dataclass(frozen=True)
class Person:
    user_id: str
    team_id: str | None
    name: str | None
    """The person's real or display name, for signing drafts."""
    guest: bool
    """A multi- or single-channel guest (`is_restricted` / `is_ultra_restricted`)."""
    bot: bool
    found: bool = True


@dataclass(frozen=True)
class Channel:
    channel_id: str
    shared_externally: bool
    """Shared with another organisation (Slack Connect) — partners may be in it."""
    direct: bool
    """A DM or group DM."""
    found: bool = True


class _Ttl(Generic[T]):
    """A small thread-safe cache whose entries expire after `seconds`."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self._seconds = seconds
        self._clock = clock
        self._items: dict[str, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, load: Callable[[], T]) -> T:
        now = self._clock()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and now - hit[0] < self._seconds:
                return hit[1]
        value = load()
        with self._lock:
            self._items[key] = (now, value)
        return value


class Directory:
    """users.info, conversations.info and usergroups.users.list, cached `seconds`."""

    def __init__(self, seconds: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._people: _Ttl[Person] = _Ttl(seconds, clock)
        # A channel can be shared with a partner at any moment: its answer is kept briefly.
        self._channels: _Ttl[Channel] = _Ttl(min(seconds, CHANNEL_SECONDS), clock)
        self._groups: _Ttl[frozenset[str]] = _Ttl(seconds, clock)

    def person(self, client: WebClient, user_id: str) -> Person:
        return self._people.get(user_id, lambda: _load_person(client, user_id))

    def channel(self, client: WebClient, channel_id: str) -> Channel:
        return self._channels.get(channel_id, lambda: _load_channel(client, channel_id))

    def group_members(self, client: WebClient, group_id: str) -> frozenset[str]:
        return self._groups.get(group_id, lambda: _load_group(client, group_id))

    def groups_of(self, client: WebClient, user_id: str, groups: frozenset[str]) -> frozenset[str]:
        """Which of `groups` (ids starting with S) `user_id` belongs to."""
        return frozenset(
            g for g in groups if g.startswith("S") and user_id in self.group_members(client, g)
        )


def _load_person(client: WebClient, user_id: str) -> Person:
    try:
        user: dict[str, Any] = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        if error.response.get("error") in ("user_not_found", "user_not_visible"):
            return Person(user_id, None, None, guest=False, bot=False, found=False)
        raise
    profile = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or profile.get("display_name")
    return Person(
        user_id=user_id,
        team_id=user.get("team_id"),
        name=name or None,
        guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
        bot=bool(user.get("is_bot")),
    )


def _load_channel(client: WebClient, channel_id: str) -> Channel:
    try:
        # Slack always names the channel in an ok answer; an ok without one says nothing
        # about sharing, so it reads as an ordinary channel.
        channel: dict[str, Any] = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as error:
        if error.response.get("error") in ("channel_not_found", "not_in_channel"):
            # Unknown to the bot: treat as shared, the cautious reading.
            return Channel(channel_id, shared_externally=True, direct=False, found=False)
        raise
    return Channel(
        channel_id=channel_id,
        shared_externally=bool(
            channel.get("is_ext_shared") or channel.get("is_pending_ext_shared")
        ),
        direct=bool(channel.get("is_im") or channel.get("is_mpim")),
    )


def _load_group(client: WebClient, group_id: str) -> frozenset[str]:
    try:
        return frozenset(client.usergroups_users_list(usergroup=group_id).get("users") or [])
    except SlackApiError as error:
        if error.response.get("error") in ("no_such_subteam", "subteam_not_found"):
            return frozenset()
        raise
