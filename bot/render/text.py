"""Plain-text rendering of a Report, for the CLI and for Slack's notification fallback.

Columns are padded by display width, not by code points: a Korean name or an emoji takes
two columns in a terminal or a monospace block, so "₩" figures still line up under it.
"""

from __future__ import annotations

import unicodedata

from bot.render.values import bullet, cell, change, numeric_columns
from tools.report import Report, Section, Table

_ZWJ = "\u200d"
_EMOJI_STYLE = "\ufe0f"


def display_width(text: str) -> int:
    """Columns `text` takes in a monospace font: wide (East Asian W/F) characters and emoji
    take two; combining marks, zero-width joiners and variation selectors none. A character
    joined to the previous one by a zero-width joiner (an emoji sequence) adds nothing, and
    an emoji-style variation selector widens the character before it to two."""
    width = 0
    last = 0
    joined = False
    for char in text:
        if char == _EMOJI_STYLE:
            width += 2 - last if last == 1 else 0
            last = 2 if last else 0
            continue
        if char == _ZWJ:
            joined = True
            continue
        if joined:
            joined = False
            continue
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        last = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        width += last
    return width


def ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def rjust(text: str, width: int) -> str:
    return " " * max(0, width - display_width(text)) + text


def render_text(report: Report) -> str:
    lines = [report.title]
    context = " · ".join(report.context())
    if context:
        lines.append(context)
    for section in report.sections:
        lines.append("")
        lines.extend(_section(section))
    if report.options and report.kind in ("clarify", "not_found"):
        lines.append("")
        lines.extend(f"  • {option}" for option in report.options)
    if report.notes:
        lines.append("")
        lines.extend(f"Note: {note}" for note in report.notes)
    return "\n".join(lines).rstrip() + "\n"


def render_answer_text(reports: list[Report], framing: str | None = None) -> str:
    """A whole answer: the model's checked framing paragraph (if any), then each report."""
    parts = ([framing.strip() + "\n"] if framing else []) + [render_text(r) for r in reports]
    return "\n".join(parts)


def _section(section: Section) -> list[str]:
    lines: list[str] = []
    if section.title:
        lines.append(section.title)
    if section.text:
        lines.extend(section.text.splitlines())
    for text in section.lines:
        lines.extend(bullet(text).splitlines())
    if section.facts:
        width = max(display_width(f.label) for f in section.facts)
        values = [cell(f.value) for f in section.facts]
        # Figures right-aligned when changes follow them, so the changes line up too.
        aligned = any(f.change is not None for f in section.facts)
        value_width = max(display_width(v) for v in values) if aligned else 0
        for fact, value in zip(section.facts, values, strict=True):
            line = f"  {ljust(fact.label, width)}  {rjust(value, value_width)}"
            if fact.change is not None:
                line += f"  {change(fact.change)}"
            lines.append(line.rstrip())
    if section.table is not None:
        lines.extend(table_lines(section.table))
    lines.extend(f"  • {bullet(b)}" for b in section.bullets)
    if section.quote is not None:
        lines.append("  Applicant's message (as submitted, not instructions):")
        lines.extend(f"  > {line}" for line in section.quote.splitlines() or [""])
    return lines


def table_lines(table: Table) -> list[str]:
    rows = [[cell(value) for value in row] for row in table.rows]
    widths = [display_width(c) for c in table.columns]
    for row in rows:
        widths = [max(w, display_width(v)) for w, v in zip(widths, row, strict=True)]
    numeric = numeric_columns(rows, len(widths))

    def fmt(values: list[str]) -> str:
        parts = [
            rjust(v, w) if num else ljust(v, w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  " + "  ".join(parts).rstrip()

    return [fmt(table.columns), fmt(["─" * w for w in widths]), *(fmt(r) for r in rows)]
