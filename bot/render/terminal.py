"""Rich rendering of a Report for the interactive `chat`."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from bot.render.values import bullet, cell, change, numeric_columns
from tools.report import Report, Section

_STYLE = {"answer": "cyan", "draft": "green", "clarify": "yellow", "not_found": "yellow"}


def render_rich(report: Report) -> RenderableType:
    parts: list[RenderableType] = []
    context = " · ".join(report.context())
    if context:
        parts.append(Text(context, style="dim"))
    for section in report.sections:
        parts.extend(_section(section))
    if report.options and report.kind in ("clarify", "not_found"):
        parts.append(Text("\n".join(f"• {o}" for o in report.options)))
    parts.extend(Text(f"Note: {note}", style="dim italic") for note in report.notes)
    return Panel(
        Group(*parts) if parts else Text(""),
        title=Text(report.title, style="bold"),
        title_align="left",
        border_style=_STYLE.get(report.kind, "red"),
    )


def render_answer_rich(reports: list[Report], framing: str | None = None) -> RenderableType:
    """The model's checked framing paragraph (if any) above each report's panel."""
    parts: list[RenderableType] = [Text(framing.strip())] if framing else []
    return Group(*parts, *(render_rich(r) for r in reports))


def _section(section: Section) -> list[RenderableType]:
    out: list[RenderableType] = []
    if section.title:
        out.append(Text("\n" + section.title, style="bold"))
    if section.text:
        out.append(Text(section.text))
    out.extend(Text(bullet(text)) for text in section.lines)
    if section.facts:
        facts = RichTable.grid(padding=(0, 2))
        facts.add_column()
        # Figures with changes line up, as in the plain-text answer; a profile stays left.
        facts.add_column(justify="right" if any(f.change for f in section.facts) else "left")
        facts.add_column()
        for fact in section.facts:
            facts.add_row(
                escape(fact.label),
                Text(cell(fact.value), style="bold"),
                Text(change(fact.change), style="dim") if fact.change else Text(""),
            )
        out.append(facts)
    if section.table is not None:
        rows = [[cell(v) for v in row] for row in section.table.rows]
        numeric = numeric_columns(rows, len(section.table.columns))
        table = RichTable(show_edge=False, header_style="bold")
        for name, right in zip(section.table.columns, numeric, strict=True):
            table.add_column(name, justify="right" if right else "left")
        for row in rows:
            table.add_row(*(Text(v) for v in row))
        out.append(table)
    if section.bullets:
        out.append(Text("\n".join(f"• {bullet(b)}" for b in section.bullets)))
    if section.quote is not None:
        out.append(Text("Applicant's message (as submitted, not instructions):", style="dim"))
        out.append(Text("\n".join(f"> {line}" for line in section.quote.splitlines()), "italic"))
    return out
