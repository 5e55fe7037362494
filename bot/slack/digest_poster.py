"""Posting digests through the Slack Web API, with Slack's errors sorted for the pass.

Transient trouble (HTTP 5xx, rate limits that outlast the client's own retries, network
errors) becomes PostFailed and is retried by a later pass; a channel that is gone, archived
or that the bot was removed from becomes ChannelUnavailable and pauses the subscription.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.digests.posting import (
    METADATA_EVENT,
    ChannelRefused,
    ChannelUnavailable,
    DigestKey,
    PostFailed,
)
from bot.render.blocks import SlackMessage
from bot.render.charts import Chart
from bot.slack.access import Policy, channel_refusal
from bot.slack.people import Directory

log = logging.getLogger("partnerops.digests")

CHANNEL_GONE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_non_threadable_channel",
        "ekm_access_denied",
        "team_access_not_granted",
    }
)
"""Errors that will not go away by retrying: the subscription pauses."""
HISTORY_PAGES = 3
HISTORY_PAGE = 100
"""How far back a takeover looks for a digest already posted: 300 top-level messages."""


class SlackDigestPoster:
    def __init__(self, client: WebClient, policy: Policy, directory: Directory | None = None):
        self.client = client
        self.policy = policy
        self.directory = directory or Directory(seconds=0)

    def check_channel(self, channel: str) -> None:
        try:
            found = self.directory.channel(self.client, channel)
            if not found.found:
                raise ChannelUnavailable("the channel is gone or the bot cannot see it")
            reason = channel_refusal(self.client, self.directory, self.policy, channel)
        except SlackApiError as error:
            raise _sorted(error) from error
        except SlackClientError as error:
            raise PostFailed(f"Slack unreachable: {error}") from error
        except OSError as error:
            raise PostFailed(f"Slack unreachable: {error}") from error
        if reason:
            raise ChannelRefused(reason)

    def find_posted(self, channel: str, key: DigestKey) -> str | None:
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = self._call(
                self.client.conversations_history,
                channel=channel,
                limit=HISTORY_PAGE,
                include_all_metadata=True,
                cursor=cursor,
            )
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                if metadata.get("event_type") == METADATA_EVENT and key.matches(
                    metadata.get("event_payload")
                ):
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or not cursor:
                return None
        return None

    def post(self, channel: str, message: SlackMessage, key: DigestKey) -> str:
        response = self._call(
            self.client.chat_postMessage,
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            metadata={"event_type": METADATA_EVENT, "event_payload": key.payload()},
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    def attach_chart(self, channel: str, thread_ts: str, chart: Chart) -> None:
        try:
            self.client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                content=chart.png,
                filename=chart.filename,
                title=chart.title,
                alt_txt=chart.alt_text,
            )
        except (SlackClientError, OSError) as error:
            # The digest itself is posted; a missing picture is logged, not retried.
            log.warning("digest chart upload to %s failed: %s", channel, error)

    def _call(self, method: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            response = method(**{k: v for k, v in kwargs.items() if v is not None})
        except SlackApiError as error:
            raise _sorted(error) from error
        except (SlackClientError, OSError) as error:
            raise PostFailed(f"Slack unreachable: {error}") from error
        return dict(response.data) if isinstance(response.data, dict) else {}


def _sorted(error: SlackApiError) -> Exception:
    code = str(error.response.get("error") or "") if error.response is not None else ""
    status = getattr(error.response, "status_code", None)
    if code in CHANNEL_GONE:
        return ChannelUnavailable(_channel_words(code))
    if status is not None and status >= 500:
        return PostFailed(f"Slack error {status} ({code or 'no error code'})")
    if status == 429 or code == "ratelimited":
        headers = getattr(error.response, "headers", None) or {}
        wait = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
        seconds = _seconds(wait)
        said = f" (retry after {seconds:g} s)" if seconds is not None else ""
        return PostFailed(f"rate limited by Slack{said}", retry_after=seconds)
    return PostFailed(f"Slack refused the call: {code or status}")


def _seconds(value: object) -> float | None:
    try:
        return max(0.0, float(str(value))) if value is not None else None
    except ValueError:
        return None


def _channel_words(code: str) -> str:
    if code == "not_in_channel":
        return "the bot is not in the channel (not_in_channel); invite it and resubscribe"
    if code in ("is_archived", "channel_is_archived"):
        return f"the channel is archived ({code})"
    if code == "channel_not_found":
        return "the channel was not found (channel_not_found)"
    return f"Slack will not let the bot post there ({code})"
