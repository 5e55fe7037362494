"""Who may see program data through Slack.

Partnership teams share channels with their partners (Slack Connect), so one partner must
never see another's figures. Only members of the installing workspace are answered: a user
from another organisation, a guest, or anyone in a channel shared with another
organisation is refused (unless that channel is listed in PARTNEROPS_ALLOWED_CHANNELS).
The optional allow-lists narrow it further. Every refusal is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.slack.people import Directory, Person

log = logging.getLogger("partnerops.slack.access")


@dataclass(frozen=True)
class Asker:
    """What a Slack payload says about who is asking and where."""

    user_id: str
    channel_id: str | None
    team_id: str | None
    """The team the payload names for the user (`user_team`, `user.team_id`, `team_id`)."""
    source_team: str | None = None
    """The team the message came from (`source_team`), when Slack says."""
    channel_shared: bool = False
    """The payload itself says the channel is shared externally (`is_ext_shared_channel`)."""
    direct: bool = False
    """A DM with the bot, or the assistant container."""


@dataclass(frozen=True)
class Policy:
    home_team: str
    """The installing workspace (auth.test's team_id)."""
    allowed_users: frozenset[str] = frozenset()
    allowed_channels: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    """For the log: why this asker was refused."""
    person: Person | None = None

    def message(self) -> str:
        return REFUSAL


REFUSAL = (
    "Sorry, I can't share program data here. I only share it with members of this "
    "workspace (not guests or people from other organisations), and not in channels shared "
    "with another organisation; a DM with me works. If you think you should have access, "
    "ask the team that runs partnerops."
)


def check(client: WebClient, directory: Directory, policy: Policy, asker: Asker) -> Decision:
    """Allowed, or refused with the reason logged."""
    decision = _decide(client, directory, policy, asker)
    if not decision.allowed:
        log.warning(
            "refused user=%s channel=%s team=%s: %s",
            asker.user_id,
            asker.channel_id,
            asker.team_id,
            decision.reason,
        )
    return decision


def _decide(client: WebClient, directory: Directory, policy: Policy, asker: Asker) -> Decision:
    for team in (asker.team_id, asker.source_team):
        if team and team != policy.home_team:
            return Decision(False, f"user from another organisation ({team})")
    person = directory.person(client, asker.user_id)
    if not person.found:
        return Decision(False, "user unknown to this workspace")
    if person.team_id and person.team_id != policy.home_team:
        return Decision(False, f"user from another organisation ({person.team_id})")
    if person.guest:
        return Decision(False, "guest account")
    if person.bot:
        return Decision(False, "bot user")
    if policy.allowed_users and not _user_allowed(client, directory, policy, asker.user_id):
        return Decision(False, "not in PARTNEROPS_ALLOWED_USERS")
    if asker.direct or not asker.channel_id:
        return Decision(True, person=person)
    reason = channel_refusal(
        client, directory, policy, asker.channel_id, shared=asker.channel_shared
    )
    if reason:
        return Decision(False, reason)
    return Decision(True, person=person)


def channel_refusal(
    client: WebClient,
    directory: Directory,
    policy: Policy,
    channel_id: str,
    *,
    shared: bool = False,
) -> str | None:
    """Why program data may not go to this channel, or None when it may: an explicitly
    allowed channel always may; with an allow-list, no other may; otherwise any channel
    shared with another organisation (or that the bot cannot see) may not."""
    if channel_id in policy.allowed_channels:
        return None
    if policy.allowed_channels:
        return "channel not in PARTNEROPS_ALLOWED_CHANNELS"
    if shared or directory.channel(client, channel_id).shared_externally:
        return "channel shared with another organisation"
    return None


def _user_allowed(client: WebClient, directory: Directory, policy: Policy, user_id: str) -> bool:
    if user_id in policy.allowed_users:
        return True
    return bool(directory.groups_of(client, user_id, policy.allowed_users))
