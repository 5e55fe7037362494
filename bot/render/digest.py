"""A digest as Slack shows it (Block Kit with a notification text) and as the terminal prints
it (`partnerops digest --dry-run`): the same report, so both say the same figures.

Readable on a phone: one line per goal, partner or applicant, its name in bold, no wide
tables. Every name from the database is escaped, so a partner called "<!channel>" is text,
not a ping; the only mentions are owners stored as Slack user ids, written by this module.
"""

from __future__ import annotations

from bot.render.blocks import (
    MAX_BLOCKS,
    MAX_TEXT,
    Block,
    SlackMessage,
    clip,
    context_block,
    escape,
    header,
    is_user_id,
    mrkdwn_section,
    pack_lines,
)
from bot.render.text import render_text
from bot.render.values import cell, change
from tools.digest.content import GoalDigest
from tools.digest.scope import DigestScope
from tools.digest.sections import SUBJECT
from tools.report import Bullet, Change, Section

_MENTIONED = frozenset({"owner"})
"""Line values shown as a mention when they are exactly a Slack user id."""


def digest_message(digest: GoalDigest, *, lead: str | None = None) -> SlackMessage:
    """Lead (e.g. that the digest is late) as a context line, the header, scope · data
    through, then one block or a few per section, notes last; never more than MAX_BLOCKS."""
    report = digest.report()
    blocks: list[Block] = []
    if lead and lead.strip():
        blocks.append(context_block(escape(lead.strip())))
    blocks.append(header(report.title))
    blocks.append(context_block(f"{_scope(digest.scope)} · {escape(report.period or '')}"))
    for section in report.sections:
        blocks.extend(_section(section))
    notes = [escape(n.strip()) for n in report.notes if n.strip()]
    if notes:
        blocks.append(context_block("\n".join(notes)))
    return SlackMessage(text=_fallback(digest, lead), blocks=_within_limit(blocks))


def digest_text(digest: GoalDigest, *, lead: str | None = None) -> str:
    """The digest as plain text: the CLI's report renderer, the lead on top."""
    text = render_text(digest.report())
    return f"{lead.strip()}\n\n{text}" if lead and lead.strip() else text


def headline(digest: GoalDigest) -> str:
    """'3 goals — 1 at risk, 1 behind, 1 on track; 2 partners flagged' (unescaped)."""
    if digest.nothing_to_report:
        return "nothing to report this week"
    parts = []
    if digest.goals:
        counts = ", ".join(f"{n} {status}" for status, n in digest.status_counts())
        many = "goal" if len(digest.goals) == 1 else "goals"
        parts.append(f"{len(digest.goals)} {many} — {counts}")
    else:
        parts.append("no goals running")
    flagged = sum(s.total for s in digest.attention.sections)
    if flagged:
        parts.append(f"{flagged} partner flag{'s' if flagged != 1 else ''} to look at")
    newly = [c for c in digest.changes if c.newly_lagging]
    if newly:
        parts.append(f"{len(newly)} goal{'s' if len(newly) != 1 else ''} newly at risk or behind")
    return "; ".join(parts)


def _fallback(digest: GoalDigest, lead: str | None) -> str:
    text = f"Weekly goal digest for {digest.scope.describe()}: {headline(digest)}"
    if lead and lead.strip():
        text = f"{lead.strip()} {text}"
    return clip(escape(text), MAX_TEXT)


def _scope(scope: DigestScope) -> str:
    """'tier:Gold', or 'owner:<@U123>' when the owner is a Slack user."""
    if scope.kind == "owner" and is_user_id(scope.value):
        return f"owner:<@{scope.value}>"
    return escape(str(scope))


def _item(item: Bullet) -> str:
    """One line as mrkdwn: its subject bold, owners that are Slack users as mentions, every
    value formatted as the text renderer does, and everything escaped."""
    if isinstance(item, str):
        return escape(item.strip())
    shown: dict[str, str] = {}
    for name, value in item.values.items():
        if isinstance(value, Change):
            text = escape(change(value))
        elif name in _MENTIONED and isinstance(value, str) and is_user_id(value):
            text = f"<@{value}>"
        else:
            text = escape(cell(value))
        shown[name] = f"*{text}*" if name == SUBJECT and text else text
    return escape(item.template).format_map(shown).strip()


def _section(section: Section) -> list[Block]:
    """Title, text and lines packed into as few sections as Slack's text limit allows."""
    lines: list[str] = []
    if section.title:
        lines.append(f"*{escape(section.title.strip())}*")
    if section.text:
        lines.extend(escape(t) for t in section.text.splitlines())
    lines.extend(_item(line) for line in section.lines)
    lines.extend(f"• {_item(b)}" for b in section.bullets)
    return [mrkdwn_section(chunk) for chunk in pack_lines(lines)]


def _within_limit(blocks: list[Block]) -> list[Block]:
    """At most MAX_BLOCKS, the last saying how much was left out."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    kept = blocks[: MAX_BLOCKS - 1]
    left = len(blocks) - len(kept)
    return [*kept, context_block(f"… and {left} more blocks left out to fit Slack.")]
