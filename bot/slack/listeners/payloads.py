"""Reading who and where from Slack payloads (events, commands, interactions)."""

from __future__ import annotations

from typing import Any

from bot.slack.access import Asker


def event_asker(event: dict[str, Any], body: dict[str, Any]) -> Asker:
    return Asker(
        user_id=str(event.get("user") or ""),
        channel_id=event.get("channel"),
        team_id=event.get("user_team") or event.get("team"),
        source_team=event.get("source_team"),
        channel_shared=bool(body.get("is_ext_shared_channel")),
        direct=event.get("channel_type") == "im",
    )


def command_asker(command: dict[str, Any]) -> Asker:
    channel = command.get("channel_id")
    return Asker(
        user_id=str(command.get("user_id") or ""),
        channel_id=channel,
        team_id=command.get("user_team_id") or command.get("team_id"),
        # Not `direct`: a command typed in a DM with someone else (perhaps a partner)
        # must pass the channel check too; conversations.info tells them apart.
    )


def interaction_asker(body: dict[str, Any]) -> Asker:
    user = body.get("user") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return Asker(
        user_id=str(user.get("id") or ""),
        channel_id=channel,
        team_id=user.get("team_id") or (body.get("team") or {}).get("id"),
        direct=channel is None,  # the Home tab; a channel is checked like any other
    )
