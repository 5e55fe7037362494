"""A digest as Slack shows it (Block Kit, within Slack's limits, with a text fallback) and
as the terminal prints it (`digest --dry-run`)."""

from __future__ import annotations

from bot.render.blocks import (
    MAX_BLOCKS,
    Block,
    SlackMessage,
    context_block,
    escape,
    render_blocks,
)
from bot.render.text import render_text
from tools.digest.content import GoalDigest


def digest_message(digest: GoalDigest, *, lead: str | None = None) -> SlackMessage:
    """The digest's blocks; `lead` (e.g. that it is late) opens it as a context line."""
    blocks = render_blocks(digest.report())
    if lead:
        blocks = [context_block(escape(lead)), *blocks]
    return SlackMessage(text=_fallback(digest, lead), blocks=_within_limit(blocks))


def digest_text(digest: GoalDigest, *, lead: str | None = None) -> str:
    text = render_text(digest.report())
    return f"{lead}\n{text}" if lead else text


def _fallback(digest: GoalDigest, lead: str | None) -> str:
    """The notification: which scope, and how its goals stand."""
    head = f"Weekly goal digest for {digest.scope.describe()}"
    body = "nothing to report this week" if digest.nothing_to_report else digest.headline()
    text = f"{head}: {body}"
    return escape(f"{lead} {text}" if lead else text)


def _within_limit(blocks: list[Block]) -> list[Block]:
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    kept = blocks[: MAX_BLOCKS - 1]
    left = len(blocks) - len(kept)
    return [*kept, context_block(f"… and {left} more sections left out to fit Slack.")]
