"""Block Kit rendering of a Report for Slack messages, previewable without Slack.

Text from the database goes out escaped (`&`, `<`, `>`), so a partner called "Smith & Sons"
or an applicant writing "<!channel>" can never become markup or a mention. Untrusted
applicant text is sent as a rich-text quote of plain text, which Slack never interprets.
"""

from __future__ import annotations

from typing import Any

from bot.render.text import table_lines
from bot.render.values import bullet, cell, change
from tools.report import Report, Section

Block = dict[str, Any]

MAX_TEXT = 3000
MAX_HEADER = 150
MAX_FIELDS = 10


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, MAX_TEXT)}}


def render_blocks(report: Report) -> list[Block]:
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(report.title, MAX_HEADER)}}
    ]
    context = " · ".join(escape(p) for p in report.context())
    if context:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    for section in report.sections:
        blocks.extend(_section(section))
    if report.options and report.kind in ("clarify", "not_found"):
        blocks.append(_mrkdwn("\n".join(f"• {escape(o)}" for o in report.options)))
    if report.notes:
        notes = "\n".join(escape(n) for n in report.notes)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": notes}]})
    return blocks


def _section(section: Section) -> list[Block]:
    out: list[Block] = []
    if section.title:
        out.append(_mrkdwn(f"*{escape(section.title)}*"))
    if section.text:
        out.append(_mrkdwn(escape(section.text)))
    out.extend(_mrkdwn(escape(bullet(text))) for text in section.lines)
    for start in range(0, len(section.facts), MAX_FIELDS):
        fields = []
        for fact in section.facts[start : start + MAX_FIELDS]:
            value = f"*{escape(fact.label)}*\n{escape(cell(fact.value))}"
            if fact.change is not None:
                value += f"  _{escape(change(fact.change))}_"
            fields.append({"type": "mrkdwn", "text": value})
        out.append({"type": "section", "fields": fields})
    if section.table is not None:
        lines = "\n".join(line[2:] for line in table_lines(section.table))
        out.append(_mrkdwn(f"```{escape(_clip(lines, MAX_TEXT - 6))}```"))
    if section.bullets:
        out.append(_mrkdwn("\n".join(f"• {escape(bullet(b))}" for b in section.bullets)))
    if section.quote is not None:
        out.append(
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_quote",
                        "elements": [{"type": "text", "text": _clip(section.quote, MAX_TEXT)}],
                    }
                ],
            }
        )
    return out
