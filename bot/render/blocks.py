"""Block Kit rendering of answers for Slack messages, previewable without Slack.

Text from the database goes out escaped (`&`, `<`, `>`), so a partner called "Smith & Sons"
or an applicant writing "<!channel>" can never become markup or a mention; the only
mentions in a message are the ones this module writes, for values that are exactly a Slack
user id. Untrusted applicant text is sent as a rich-text quote of plain text, which Slack
never interprets. Figures are formatted by `bot.render.values`, as in every other renderer,
and every message stays inside Slack's limits (blocks, text lengths, buttons).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.assistant.answer import Answer
from bot.assistant.plan import Option
from bot.render.text import display_width, render_text, table_lines
from bot.render.values import cell, change, numeric_columns
from tools.report import Bullet, Cell, Change, Fact, Line, Report, Section, Table

Block = dict[str, Any]

MAX_BLOCKS = 50
"""Blocks in one message."""
MAX_TEXT = 3000
"""Characters in a section's text, a context element, and the notification fallback."""
MAX_HEADER = 150
"""Characters in a header's plain text."""
MAX_FIELDS = 10
"""Fields in one section."""
MAX_FIELD_TEXT = 2000
"""Characters in one section field."""
MAX_ACTIONS = 25
"""Elements in one actions block."""
MAX_BUTTON_TEXT = 75
"""Characters in a button's label."""
MAX_BUTTON_VALUE = 2000
"""Characters in a button's value."""
MAX_ROW_LINES = 50
"""Rows of a wide table shown as lines before "… and N more"; a phone scrolls, but not forever."""
NARROW_TABLE = 60
"""A table at most this many columns wide reads well as a monospace block, even on a phone."""

OPTION_ACTION_PREFIX = "answer_option_"
"""action_id prefix of clarifying-option buttons; the listener matches on it."""

USER_ID = re.compile(r"^[UW][A-Z0-9]{8,11}$")
"""A Slack user id, which renders as a mention where mrkdwn renders."""

_CODE = "```"


@dataclass
class SlackMessage:
    """What `chat.postMessage` takes: the notification/fallback text and the blocks."""

    text: str
    blocks: list[Block]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters ending in "…", never inside an entity or a mention
    ("&am…", "<@U12…"), which Slack would show broken."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    amp = cut.rfind("&")
    if amp >= 0 and ";" not in cut[amp:] and len(cut) - amp <= 5:
        cut = cut[:amp]
    return cut + "…"


def _text(text: str) -> Block:
    """mrkdwn taken verbatim: Slack does not auto-link URLs or channel names or parse a
    plain "@channel" typed in data; only the mentions this renderer writes (`<@U…>`) work."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def mrkdwn_section(text: str) -> Block:
    return {"type": "section", "text": _text(clip(text, MAX_TEXT))}


def context_block(text: str) -> Block:
    return {"type": "context", "elements": [_text(clip(text, MAX_TEXT))]}


def pack_lines(lines: list[str], limit: int = MAX_TEXT) -> list[str]:
    """Lines joined by newlines into as few chunks of at most `limit` characters as fit."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for item in lines:
        item = clip(item, limit)
        extra = len(item) + (1 if current else 0)
        if current and size + extra > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
            extra = len(item)
        current.append(item)
        size += extra
    if current:
        chunks.append("\n".join(current))
    return [c for c in chunks if c.strip()]  # Slack refuses a section or context with no text


# --- values as mrkdwn -------------------------------------------------------------------------


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and USER_ID.fullmatch(value) is not None


def _cell(value: Cell | Line) -> str:
    """A cell as mrkdwn: a Slack user id as a mention, anything else formatted and escaped."""
    if isinstance(value, Line):
        return _line(value)
    if isinstance(value, str) and is_user_id(value):
        return f"<@{value}>"
    return escape(cell(value))


def _line(value: Bullet) -> str:
    """Words with their figures formatted as the text renderer does; every piece escaped."""
    if isinstance(value, str):
        return escape(value)
    shown = {
        name: escape(change(item)) if isinstance(item, Change) else _cell(item)
        for name, item in value.values.items()
    }
    return escape(value.template).format_map(shown)


# --- a report ---------------------------------------------------------------------------------


def render_blocks(report: Report) -> list[Block]:
    """One report as blocks: header, scope · period, sections, options as bullets, notes."""
    return _report_blocks(report, buttons=False)


def header(title: str) -> Block:
    """A header block: plain text (never parsed, so not escaped), one line, within MAX_HEADER."""
    text = " ".join(title.split()) or "Answer"
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER)}}


def _report_blocks(report: Report, *, buttons: bool) -> list[Block]:
    blocks: list[Block] = [header(report.title)]
    context = " · ".join(escape(p) for p in report.context())
    if context:
        blocks.append(context_block(context))
    for section in report.sections:
        blocks.extend(_section(section))
    if report.options and report.kind in ("clarify", "not_found") and not buttons:
        bullets = [f"• {escape(o)}" for o in report.options]
        blocks.extend(mrkdwn_section(chunk) for chunk in pack_lines(bullets))
    notes = [escape(n.strip()) for n in report.notes if n.strip()]
    if notes:
        blocks.append(context_block("\n".join(notes)))
    return blocks


def _section(section: Section) -> list[Block]:
    out: list[Block] = []
    if section.title and section.title.strip():
        out.append(mrkdwn_section(f"*{escape(section.title.strip())}*"))
    if section.text:
        out.extend(mrkdwn_section(c) for c in pack_lines(escape(section.text).splitlines()))
    for text in section.lines:
        out.extend(mrkdwn_section(c) for c in pack_lines(_line(text).splitlines()))
    for start in range(0, len(section.facts), MAX_FIELDS):
        fields = [_field(f) for f in section.facts[start : start + MAX_FIELDS]]
        out.append({"type": "section", "fields": fields})
    if section.table is not None:
        out.extend(table_blocks(section.table))
    if section.bullets:
        out.extend(
            mrkdwn_section(c) for c in pack_lines([f"• {_line(b)}" for b in section.bullets])
        )
    if section.quote is not None:
        out.append(quote_block(section.quote))
    return out


def quote_block(text: str) -> Block:
    """Untrusted text as a rich-text quote of plain text: Slack shows it as written and
    never reads it as markup, so it needs no escaping. An empty message says so (Slack
    refuses an empty text element)."""
    shown = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"  # no markup to spare
    element: Block = {"type": "text", "text": shown}
    if not text.strip():
        element = {"type": "text", "text": "(no message)", "style": {"italic": True}}
    return {"type": "rich_text", "elements": [{"type": "rich_text_quote", "elements": [element]}]}


def _field(fact: Fact) -> Block:
    label = escape(fact.label.strip())
    text = (f"*{label}*\n" if label else "") + (_cell(fact.value) or "—")
    if fact.change is not None:
        text += f"  _{escape(change(fact.change))}_"
    return _text(clip(text, MAX_FIELD_TEXT))


# --- tables -----------------------------------------------------------------------------------


def table_width(table: Table) -> int:
    """Columns the table takes as the text renderer lays it out."""
    return max((display_width(line[2:]) for line in table_lines(table)), default=0)


def table_blocks(table: Table) -> list[Block]:
    """A narrow table as a monospace block; a wide one as one line per row, which a phone
    wraps. So is a table naming Slack users (a code block would print the raw id, not a
    mention) or holding a backtick (which could close the code block early)."""
    mentions = any(is_user_id(value) for row in table.rows for value in row)
    lines = table_lines(table)
    ticks = any("`" in line for line in lines)
    width = max((display_width(line[2:]) for line in lines), default=0)
    if not mentions and not ticks and width <= NARROW_TABLE:
        return [_code_table(lines)]
    return _row_lines(table)


def _more(n: int) -> str:
    return f"… and {n:,} more"


def _code_table(text_lines: list[str]) -> Block:
    """The text renderer's table lines in a code block: as many rows as fit one section,
    then "… and N more" for the rest."""
    lines = [escape(line[2:]) for line in text_lines]
    head, rows = lines[:2], lines[2:]
    reserve = len(_CODE) * 2 + 2 + len(_more(len(rows)))
    size = sum(len(h) + 1 for h in head)
    shown = 0
    for row in rows:
        if size + len(row) + 1 + reserve > MAX_TEXT:
            break
        size += len(row) + 1
        shown += 1
    text = _CODE + "\n".join([*head, *rows[:shown]]) + _CODE
    if shown < len(rows):
        text += "\n" + _more(len(rows) - shown)
    return mrkdwn_section(text)


def _row_lines(table: Table) -> list[Block]:
    """'*1. Northwind Traders* — Revenue $286,154 · Share 13.7%' per row."""
    columns = table.columns
    rendered = [[cell(v) for v in row] for row in table.rows]
    numeric = numeric_columns(rendered, len(columns))
    ranked = bool(columns) and columns[0].strip().casefold() in ("rank", "#", "no.")
    rest = list(range(1 if ranked else 0, len(columns)))
    label = next((i for i in rest if not numeric[i]), rest[0] if rest else None)
    lines: list[str] = []
    for row in table.rows[:MAX_ROW_LINES]:
        head = _cell(row[label]) if label is not None else ""
        if ranked:
            head = f"{_cell(row[0])}. {head}".strip()
        parts = [f"{escape(columns[i])} {_cell(row[i])}" for i in rest if i != label]
        lines.append(f"*{head}*" + (" — " + " · ".join(parts) if parts else ""))
    left = len(table.rows) - len(lines)
    chunks = pack_lines([*lines, *([_more(left)] if left else [])])
    return [mrkdwn_section(c) for c in chunks]


# --- a whole answer -------------------------------------------------------------------------


def render_answer_message(answer: Answer, *, reserve: int = 0) -> SlackMessage:
    """The answer as one message: the model's framing, each report (dividers between),
    the clarifying options as buttons; cut to Slack's block limit with a note saying so.
    `reserve` is how many blocks the caller will add (a lead line), kept free of the limit."""
    body: list[list[Block]] = []
    if answer.framing and answer.framing.strip():
        body.append(
            [mrkdwn_section(c) for c in pack_lines(escape(answer.framing.strip()).splitlines())]
        )
    options = answer.options if answer.report.kind in ("clarify", "not_found") else []
    for i, report in enumerate(answer.reports):
        blocks = _report_blocks(report, buttons=bool(options) and i == 0)
        body.append(([{"type": "divider"}] if i else []) + blocks)
    limit = max(MAX_BLOCKS - max(reserve, 0), 2)
    tail = option_blocks(options)[: limit // 2]  # buttons never crowd out the answer itself
    blocks = _fit(body, tail, answer.reports, limit)
    return SlackMessage(text=fallback_text(answer), blocks=blocks)


def _fit(
    body: list[list[Block]], tail: list[Block], reports: list[Report], limit: int
) -> list[Block]:
    """Body then tail within `limit` blocks; what does not fit is counted in a closing
    context, naming the reports that were left out altogether."""
    flat = [b for part in body for b in part]
    if len(flat) + len(tail) <= limit:
        return flat + tail
    room = limit - len(tail) - 1
    kept = flat[:room]
    while kept and kept[-1]["type"] in ("divider", "header"):
        kept.pop()  # no dangling divider or title without its content
    left = len(flat) - len(kept)
    starts = [sum(len(p) for p in body[:i]) for i in range(len(body))]
    offset = len(body) - len(reports)  # the framing part, when there is one
    dropped = [r.title for r, s in zip(reports, starts[offset:], strict=True) if s >= len(kept)]
    text = f"Cut to fit Slack: {left} more blocks of this answer were left out"  # left ≥ 2
    if dropped:
        text += " (including " + "; ".join(escape(t) for t in dropped) + ")"
    text += ". Ask a narrower question to see the rest."
    return [*kept, context_block(text), *tail]


def option_blocks(options: list[Option]) -> list[Block]:
    """Each option a button (in actions blocks of at most MAX_ACTIONS) whose value carries
    its call, so pressing it runs that call without re-reading any text."""
    buttons = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": clip(o.label or "…", MAX_BUTTON_TEXT)},
            "action_id": f"{OPTION_ACTION_PREFIX}{i}",
            "value": encode_option(o),
        }
        for i, o in enumerate(options)
    ]
    return [
        {"type": "actions", "elements": buttons[start : start + MAX_ACTIONS]}
        for start in range(0, len(buttons), MAX_ACTIONS)
    ]


def encode_option(option: Option) -> str:
    """{"label", "call": {"tool", "arguments"}} as JSON within MAX_BUTTON_VALUE; a call too
    long to carry is dropped (the label is then asked as text), a label too long is cut."""
    label = option.label
    if option.call is not None:
        call = {"tool": option.call.tool, "arguments": option.call.arguments}
        value = json.dumps({"label": label, "call": call}, ensure_ascii=False, default=str)
        if len(value) <= MAX_BUTTON_VALUE:
            return value
    value = json.dumps({"label": label}, ensure_ascii=False)
    while len(value) > MAX_BUTTON_VALUE:
        label = label[: len(label) - (len(value) - MAX_BUTTON_VALUE) - 1]
        value = json.dumps({"label": label}, ensure_ascii=False)
    return value


def decode_option(value: str) -> tuple[str, dict[str, Any] | None]:
    """A button's value back into (label, call as {"tool", "arguments"} or None); a value
    that is not one of ours comes back as (value, None)."""
    try:
        data = json.loads(value)
    except ValueError:
        return value, None
    if not isinstance(data, dict) or not isinstance(data.get("label"), str):
        return value, None
    call = data.get("call")
    if (
        isinstance(call, dict)
        and isinstance(call.get("tool"), str)
        and isinstance(call.get("arguments", {}), dict)
    ):
        return data["label"], {"tool": call["tool"], "arguments": dict(call.get("arguments", {}))}
    return data["label"], None


def fallback_text(answer: Answer) -> str:
    """The notification text: title and scope · period first (what a preview shows), then
    the plain-text answer, escaped and cut to MAX_TEXT."""
    first, *others = answer.reports
    context = " · ".join(first.context())
    head = first.title + (f" — {context}" if context else "")
    lines = render_text(first).splitlines()
    rest = "\n".join(lines[2 if context else 1 :]).strip("\n")
    parts = [head]
    if answer.framing and answer.framing.strip():
        parts.append(answer.framing.strip())
    if rest:
        parts.append(rest)
    parts.extend(render_text(r).rstrip() for r in others)
    return clip(escape("\n\n".join(parts)), MAX_TEXT)
