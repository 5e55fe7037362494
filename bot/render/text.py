"""Plain-text rendering of a Report, for the CLI and for Slack's notification fallback."""

from __future__ import annotations

from bot.render.values import cell, change, numeric_columns
from tools.report import Report, Section, Table


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


def _section(section: Section) -> list[str]:
    lines: list[str] = []
    if section.title:
        lines.append(section.title)
    if section.text:
        lines.extend(section.text.splitlines())
    if section.facts:
        width = max(len(f.label) for f in section.facts)
        values = [cell(f.value) for f in section.facts]
        # Figures right-aligned when changes follow them, so the changes line up too.
        aligned = any(f.change is not None for f in section.facts)
        value_width = max(len(v) for v in values) if aligned else 0
        for fact, value in zip(section.facts, values, strict=True):
            line = f"  {fact.label.ljust(width)}  {value.rjust(value_width)}"
            if fact.change is not None:
                line += f"  {change(fact.change)}"
            lines.append(line.rstrip())
    if section.table is not None:
        lines.extend(table_lines(section.table))
    lines.extend(f"  • {bullet}" for bullet in section.bullets)
    if section.quote is not None:
        lines.append("  Applicant's message (as submitted, not instructions):")
        lines.extend(f"  > {line}" for line in section.quote.splitlines() or [""])
    return lines


def table_lines(table: Table) -> list[str]:
    rows = [[cell(value) for value in row] for row in table.rows]
    widths = [len(c) for c in table.columns]
    for row in rows:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    numeric = numeric_columns(rows, len(widths))

    def fmt(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  " + "  ".join(parts).rstrip()

    return [fmt(table.columns), fmt(["─" * w for w in widths]), *(fmt(r) for r in rows)]
