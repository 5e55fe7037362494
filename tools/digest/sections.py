"""The digest's words: one line per goal, change, partner or applicant, figures kept typed.

Each item is a `Line` whose first value is named `subject` (the goal, partner or applicant
name, as stored), so a renderer can set it in bold and escape it like any other value.
Goal figures are formatted exactly as the goal tool's own table and bullets format them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tools.attention import AttentionSection
from tools.digest.changes import GoalChange
from tools.goals import AHEAD_AT, AT_RISK_AT, ON_TRACK_AT, GoalProgress, goal_amount, goal_figure
from tools.insights.movers import Mover, TopMovers
from tools.report import Bullet, Cell, Change, Line, Money, Percent, Section

Part = str | Line | Cell | Change
"""One piece of a Line.join: words, a Line, or a figure."""

SUBJECT = "subject"
"""The value name of an item's subject (bold in Block Kit)."""
BULLET = "  • "
MAX_GOAL_LINES = 40
"""Goals listed one per line before "… and N more"; the rest are a goal-progress question away."""
MAX_CHANGE_LINES = 20

STATUS_ORDER = ("behind", "at risk", "on track", "ahead", "not started", "missed", "achieved")
"""The digest lists goals that need attention first; the goal tool's order within a status."""


def _named(name: str, value: str) -> Line:
    """A value from the database (a name), never part of a template."""
    return Line(template="{" + name + "}", values={name: value})


def subject(name: str) -> Line:
    return _named(SUBJECT, name)


def more(count: int, what: str = "") -> str:
    return f"  … and {count:,} more{what}"


def by_status(goals: Sequence[GoalProgress]) -> list[GoalProgress]:
    """Goals in STATUS_ORDER, keeping the goal tool's order among equals."""
    return sorted(goals, key=lambda g: STATUS_ORDER.index(g.status))


def status_counts(goals: Sequence[GoalProgress]) -> list[tuple[str, int]]:
    """(status, how many) in STATUS_ORDER, only the statuses present."""
    counts = {s: sum(1 for g in goals if g.status == s) for s in STATUS_ORDER}
    return [(s, n) for s, n in counts.items() if n]


def goal_line(g: GoalProgress) -> Line:
    """'Q4 revenue — $41,200 of $60,000 (68.7%), expected $45,000 by now · at risk · next:
    50.0% ($30,000) by 15 Dec 2026, needs $2,100/day · forecast $55,000'."""

    def fig(value: Decimal | None) -> Cell:
        return goal_figure(value, g.metric, g.currency)

    parts: list[Part] = [BULLET, subject(g.name)]
    if not g.scope.is_program:
        parts += [" (", _named("covers", g.scope.describe()), ")"]
    of_target: list[Part] = [fig(g.actual), " of ", fig(g.target)]
    if g.attainment is not None:
        of_target += [" (", Percent(value=g.attainment), ")"]
    if g.finished:
        parts += [" — ended ", g.period.end, ": ", *of_target, f" · {g.status}"]
    elif g.status == "not started":
        parts += [" — starts ", g.period.start, ", target ", fig(g.target), " by ", g.period.end]
        parts.append(" · not started")
    else:
        parts += [" — ", *of_target, ", expected ", fig(g.expected), f" by now · {g.status}"]
    nxt = g.next_checkpoint
    if nxt is not None and g.status != "not started":
        due = goal_amount(nxt.amount_due, g.metric, g.currency)
        if nxt.is_goal_end:
            parts += [" · next: the target by the end, ", nxt.due_on]
        else:
            parts += [" · next: ", Percent(value=nxt.fraction * 100), " (", due, ") by "]
            parts.append(nxt.due_on)
        if nxt.still_needed <= 0:
            parts.append(", already reached")
        elif nxt.per_day is not None:
            parts += [", needs ", goal_amount(nxt.per_day, g.metric, g.currency), "/day"]
        else:
            parts += [", needs ", goal_amount(nxt.still_needed, g.metric, g.currency), " more"]
    if g.forecast is not None and not g.finished:
        parts += [" · forecast ", fig(g.forecast)]
    return Line.join(parts)


def goal_section(goals: Sequence[GoalProgress], describe: str, note: str | None) -> Section:
    counts = status_counts(goals)
    if not goals:
        return Section(title="Goals", text=note or f"No goals are running for {describe}.")
    summary = ", ".join(f"{n} {s}" for s, n in counts)
    ordered = by_status(goals)
    lines: list[Bullet] = [goal_line(g) for g in ordered[:MAX_GOAL_LINES]]
    if len(ordered) > MAX_GOAL_LINES:
        lines.append(more(len(ordered) - MAX_GOAL_LINES, " (ask for goal progress for all)"))
    many = "goal" if len(goals) == 1 else "goals"
    return Section(title=f"Goals — {len(goals)} {many}: {summary}", lines=lines)


def change_line(c: GoalChange) -> Line:
    words = f": new since the last digest, {c.new}" if c.kind == "new" else f": {c.old} → {c.new}"
    flag = f" (newly {c.new})" if c.newly_lagging else ""
    return Line.join([BULLET, subject(c.name), words + flag])


def changes_section(changes: Sequence[GoalChange], since: str) -> Section:
    title = f"Since the last digest ({since})"
    if not changes:
        return Section(title=title, text="No goal changed status.")
    lines: list[Bullet] = [change_line(c) for c in changes[:MAX_CHANGE_LINES]]
    if len(changes) > MAX_CHANGE_LINES:
        lines.append(more(len(changes) - MAX_CHANGE_LINES))
    return Section(title=title, lines=lines)


def attention_section(section: AttentionSection) -> Section:
    """An attention section one line per row: subject (owner) — reason · column figure …"""
    title = f"{section.title} — {section.window}"
    if not section.rows:
        return Section(title=title, text=section.none)
    lines: list[Bullet] = []
    for row in section.rows:
        parts: list[Part] = [BULLET, subject(row.subject)]
        if row.owner:
            parts += [" (", _named("owner", row.owner), ")"]
        parts.append(f" — {row.reason}")
        for column, value in zip(section.columns, row.figures, strict=True):
            parts += [f" · {column} ", value]
        lines.append(Line.join(parts))
    if section.total > len(section.rows):
        lines.append(more(section.total - len(section.rows)))
    return Section(title=title, lines=lines)


def mover_line(m: Mover, movers: TopMovers) -> Line:
    def money(value: Decimal) -> Money:
        return Money(amount=value, currency=movers.currency)

    moved = Change(
        absolute=money(m.change),
        percent=m.change_pct,
        against=movers.compare.label,
        previous=money(m.previous),
    )
    parts: list[Part] = [BULLET, subject(m.name)]
    if m.owner:
        parts += [" (", _named("owner", m.owner), ")"]
    parts += [" — ", money(m.current), ", ", moved]
    return Line.join(parts)


def movers_section(movers: TopMovers) -> Section:
    """The week's biggest revenue gains, one line per partner."""
    title = f"Top movers — revenue, {movers.period.describe()} vs {movers.compare.describe()}"
    if not movers.gains:
        none = f"None: no partner's revenue rose against the {movers.compare.label}."
        return Section(title=title, text=none)
    lines: list[Bullet] = [mover_line(m, movers) for m in movers.gains]
    if movers.rose > len(movers.gains):
        lines.append(more(movers.rose - len(movers.gains), " rose"))
    return Section(title=title, lines=lines)


def drops_section(section: AttentionSection, movers: TopMovers) -> Section:
    """The attention tool's drops section, its rows as mover lines (the same movers)."""
    if not movers.drops:
        return attention_section(section)
    lines: list[Bullet] = [mover_line(m, movers) for m in movers.drops]
    if movers.fell > len(movers.drops):
        lines.append(more(movers.fell - len(movers.drops), " fell"))
    return Section(title=f"{section.title} — {section.window}", lines=lines)


def status_rule() -> str:
    ahead, on_track, at_risk = (int(x * 100) for x in (AHEAD_AT, ON_TRACK_AT, AT_RISK_AT))
    return (
        "Status compares actual with expected by now (each goal's checkpoints, or a linear "
        f"pace without them): ahead ≥ {ahead} %, on track ≥ {on_track} %, at risk ≥ "
        f"{at_risk} %, behind below. Per day is what the next checkpoint still needs, "
        "spread over the days left; forecast carries the pace to date to the goal's end."
    )
