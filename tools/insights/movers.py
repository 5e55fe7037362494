"""Top movers: the partners, or groups of partners, whose metric rose or fell most between two
periods.

Per-partner (or per-group) change of an additive metric (a plain sum) between a period and
a comparison period; ratio metrics are refused because their changes do not add up across
partners. A group's value is the sum over its partners in the segment: a partner manager's
book (`by="owner"`) is the sum of their partners' metric, aggregated by the database.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.queries import Totals, activity
from storage.queries.rankings import rank_changes
from tools.context import ToolContext
from tools.errors import ToolError
from tools.insights.common import HUNDRED, with_ties
from tools.metrics import (
    ADDITIVE_METRICS,
    METRICS,
    SUMS_READ,
    Metric,
    change,
    metric_cell,
    metric_value,
)
from tools.partners import TYPE_LABELS
from tools.performance import COMPARE_HELP, PERIOD_HELP, resolve_periods
from tools.periods import DateRange
from tools.registry import tool
from tools.report import Cell, Fact, Percent, Report, Section, Table
from tools.segment import Segment, SegmentArgs, resolve_segment

MoverBy = Literal["partner", "owner", "tier", "type", "country"]
MoverOrder = Literal["top", "bottom"]

_BY: dict[MoverBy, tuple[str, str]] = {
    "partner": ("partner", ""),
    "owner": ("partner manager", "no manager"),
    "tier": ("tier", "no tier"),
    "type": ("partner type", "no type"),
    "country": ("country", "no country"),
}
"""How each grouping reads ('partner manager'), and the group of partners without a value."""
_PLURAL: dict[MoverBy, str] = {
    "partner": "partners",
    "owner": "partner managers",
    "tier": "tiers",
    "type": "partner types",
    "country": "countries",
}

MAX_MOVERS = 50


class Mover(BaseModel):
    key: str | None
    """The partner's key, or the group as stored (an owner's email, 'Gold', 'affiliate', 'FR');
    None for the group of partners without a value."""
    name: str
    """The partner's name, or the group as shown ('B2B brand', 'no manager')."""
    owner: str | None = None
    """The partner's manager (rows of single partners only)."""
    current: Decimal
    previous: Decimal
    change: Decimal
    change_pct: Decimal | None
    """Relative change in percent; None when the previous value was 0."""


class TopMovers(BaseModel):
    """Partners, or groups of them, whose metric rose or fell most between two periods."""

    metric: Metric
    by: MoverBy = "partner"
    order: MoverOrder | None = None
    """'top' lists gains only, 'bottom' drops only, None both."""
    segment: Segment = Field(default_factory=Segment)
    period: DateRange
    compare: DateRange
    n: int
    currency: str = "USD"
    total_current: Decimal
    """The metric over the whole segment in the period (the rows' sum, so it adds up)."""
    total_previous: Decimal
    rose: int = 0
    """How many rows (partners or groups) rose; `gains` lists the biggest n of them."""
    fell: int = 0
    """How many rows fell; `drops` lists the biggest n of them."""
    gains: list[Mover]
    drops: list[Mover]
    notes: list[str] = Field(default_factory=list)

    def report(self) -> Report:
        label = METRICS[self.metric].label
        noun = _BY[self.by][0]
        which = {None: "gains and drops", "top": "gains", "bottom": "drops"}[self.order]
        title = f"Biggest {which} in {_lower(label)}"
        if self.by != "partner":
            title += f" by {noun}"
        scope = self.segment.describe()
        total = Fact(
            label=f"{'Program' if self.segment.is_program else 'Total'} {_lower(label)}",
            value=metric_cell(self.total_current, self.metric, self.currency),
            change=change(
                self.total_current,
                self.total_previous,
                metric=self.metric,
                against=self.compare.label,
                currency=self.currency,
            ),
        )
        sections = [Section(facts=[total])]
        lists = []
        if self.order in (None, "top"):
            lists.append(("Biggest gains", self.gains, "rose"))
        if self.order in (None, "bottom"):
            lists.append(("Biggest drops", self.drops, "fell"))
        for heading, movers, verb in lists:
            if not movers:
                text = f"None: no {noun}'s {_lower(label)} {verb}."
                sections.append(Section(title=heading, text=text))
                continue
            sections.append(Section(title=heading, table=self._table(movers)))
        notes = list(self.notes)
        each = "each way" if self.order is None else "in all"
        notes.append(f"Up to {self.n} {each}, ranked by absolute change.")
        notes.append(f"{self._count(self.rose)} rose and {self._count(self.fell)} fell.")
        if self.by == "owner":
            notes.append(
                f"A partner manager's book is the sum of the {_lower(label)} of the partners "
                "they manage today, in both periods; partners without a manager are grouped "
                "as “no manager”."
            )
        elif self.by != "partner":
            notes.append(
                f"Each {noun}'s {_lower(label)} is the sum of its partners'; "
                f"partners without one are grouped as “{_BY[self.by][1]}”."
            )
        return Report(
            title=title,
            period=f"{self.period.describe()} vs {self.compare.describe()}",
            scope=scope,
            sections=sections,
            notes=notes,
        )

    def _count(self, count: int) -> str:
        return f"{count} {_BY[self.by][0] if count == 1 else _PLURAL[self.by]}"

    def _table(self, movers: list[Mover]) -> Table:
        partners = self.by == "partner"
        columns = [_BY[self.by][0].capitalize(), *(["Owner"] if partners else [])]
        rows: list[list[Cell]] = []
        for m in movers:
            row: list[Cell] = [m.name, *([m.owner] if partners else [])]
            row += [
                metric_cell(m.current, self.metric, self.currency),
                metric_cell(m.previous, self.metric, self.currency),
                metric_cell(m.change, self.metric, self.currency),
                None if m.change_pct is None else Percent(value=m.change_pct),
            ]
            rows.append(row)
        columns += [self.period.label, self.compare.label, "Change", "Change %"]
        return Table(columns=columns, rows=rows)


def _lower(label: str) -> str:
    return label if label.isupper() else label.lower()


def _group_name(by: MoverBy, group: str | None) -> str:
    if group is None or group == "":
        return _BY[by][1]
    return TYPE_LABELS.get(group, group) if by == "type" else group


def top_movers(
    session: Session,
    *,
    metric: Metric,
    period: DateRange,
    compare: DateRange,
    n: int = 5,
    by: MoverBy = "partner",
    order: MoverOrder | None = None,
    segment: Segment | None = None,
    currency: str = "USD",
) -> TopMovers:
    """The partners (or groups of them) whose additive metric gained or dropped most, to
    explain a change: `order` 'top' keeps the gains, 'bottom' the drops, None both."""
    if metric not in ADDITIVE_METRICS:
        label = METRICS[metric].label
        raise ToolError(
            f"Top movers compares sums, and {label} is a ratio, whose per-partner changes "
            "don't add up to the program's. Ask for movers by revenue, conversions, clicks, "
            f"leads or payout, or for a {label} leaderboard."
        )
    if n < 1:
        raise ToolError("How many movers? Give a number of at least 1, e.g. 5.")
    segment = segment or Segment()
    if by == "partner":
        return _partner_movers(
            session,
            metric=metric,
            period=period,
            compare=compare,
            n=n,
            order=order,
            segment=segment,
            currency=currency,
        )
    ranges = [(period.start, period.end), (compare.start, compare.end)]
    values: dict[int | str | None, tuple[Decimal, Decimal]] = {}
    for row in queries.sums_by_group(session, ranges, by, segment, SUMS_READ[metric]):
        group = row.group or None
        now, then = values.get(group, (Decimal(0), Decimal(0)))
        values[group] = (
            now + _additive(row.sums[0], metric),
            then + _additive(row.sums[1], metric),
        )
    changed = [(now - then, key) for key, (now, then) in values.items() if now != then]
    rising = sorted((c for c in changed if c[0] > 0), key=lambda c: -c[0])
    falling = sorted((c for c in changed if c[0] < 0), key=lambda c: c[0])
    # Names only for the candidates: a tie at the cut-off is broken by name, so take every
    # row whose change reaches the n-th largest one each way.
    ups = with_ties(rising, n) if order in (None, "top") else []
    downs = with_ties(falling, n) if order in (None, "bottom") else []
    names = _names(session, by, [key for _, key in ups + downs])

    def movers(picked: list[tuple[Decimal, int | str | None]], sign: int) -> list[Mover]:
        ranked = sorted(
            picked, key=lambda c: (-sign * c[0], names[c[1]][1].casefold(), names[c[1]][0] or "")
        )[:n]
        result = []
        for _delta, key in ranked:
            now, then = values[key]
            stored, name, owner = names[key]
            result.append(_mover(stored, name, owner, now, then))
        return result

    return TopMovers(
        metric=metric,
        by=by,
        order=order,
        segment=segment,
        period=period,
        compare=compare,
        n=n,
        currency=currency,
        # The totals are the rows' sums added up, so the table adds up exactly.
        total_current=sum((now for now, _ in values.values()), Decimal(0)),
        total_previous=sum((then for _, then in values.values()), Decimal(0)),
        rose=len(rising),
        fell=len(falling),
        gains=movers(ups, 1),
        drops=movers(downs, -1),
    )


def _mover(key: str | None, name: str, owner: str | None, now: Decimal, then: Decimal) -> Mover:
    delta = now - then
    return Mover(
        key=key,
        name=name,
        owner=owner,
        current=now,
        previous=then,
        change=delta,
        change_pct=None if then == 0 else delta / then * HUNDRED,
    )


def _partner_movers(
    session: Session,
    *,
    metric: Metric,
    period: DateRange,
    compare: DateRange,
    n: int,
    order: MoverOrder | None,
    segment: Segment,
    currency: str,
) -> TopMovers:
    """Movers of single partners: the database ranks each partner's change and returns just
    the candidates each way (with names), the counts and the totals, in one statement."""
    (name,) = SUMS_READ[metric]
    ranking = rank_changes(
        session,
        (period.start, period.end),
        (compare.start, compare.end),
        segment,
        name=name,
        n=n,
    )
    moves = []
    for candidate in ranking.candidates:
        now, then = (_additive(sums, metric) for sums in candidate.sums)
        if now != then:
            moves.append((now - then, candidate, now, then))

    def movers(sign: int) -> list[Mover]:
        picked = sorted(
            (m for m in moves if m[0] * sign > 0),
            key=lambda m: (-sign * m[0], m[1].name.casefold(), m[1].key),
        )[:n]
        return [_mover(c.key, c.name, c.owner, now, then) for _, c, now, then in picked]

    rose, fell = ranking.counts
    return TopMovers(
        metric=metric,
        by="partner",
        order=order,
        segment=segment,
        period=period,
        compare=compare,
        n=n,
        currency=currency,
        total_current=_additive(ranking.totals[0], metric),
        total_previous=_additive(ranking.totals[1], metric),
        rose=rose,
        fell=fell,
        gains=movers(1) if order in (None, "top") else [],
        drops=movers(-1) if order in (None, "bottom") else [],
    )


def _names(
    session: Session, by: MoverBy, keys: list[int | str | None]
) -> dict[int | str | None, tuple[str | None, str, str | None]]:
    """(stored key, shown name, owner) per row key: partner ids are looked up, groups are
    named (a group has no single owner)."""
    if by != "partner":
        return {
            key: (
                None if key is None else str(key),
                _group_name(by, None if key is None else str(key)),
                None,
            )
            for key in keys
        }
    rows = activity.partner_rows(session, [key for key in keys if isinstance(key, int)])
    return {pid: (row.key, row.name, row.owner) for pid, row in rows.items()}


def _additive(sums: Totals, metric: Metric) -> Decimal:
    value = metric_value(sums, metric)
    return Decimal(0) if value is None else Decimal(value)


class TopMoversArgs(SegmentArgs):
    metric: Metric = Field(
        "revenue",
        description="An additive metric to compare: revenue, conversions, clicks, leads, "
        "payout or reversals (ratios such as ROAS are refused).",
    )
    period: str | None = Field(None, description=PERIOD_HELP)
    compare_to: str | None = Field(None, description=COMPARE_HELP)
    n: int = Field(5, ge=1, le=MAX_MOVERS, description="How many rows to list each way.")
    by: MoverBy = Field(
        "partner",
        description="Rank single partners, or groups of them by owner (each partner "
        "manager's book: the sum of their partners), tier, type or country.",
    )
    order: MoverOrder | None = Field(
        None,
        description="'top' for the biggest gains only, 'bottom' for the biggest drops only "
        "(e.g. whose book shrank most); leave out for both.",
    )


@tool(
    "top_movers",
    "Partners, or partner managers' books, tiers, types or countries, with the biggest gains "
    "and drops in an additive metric (revenue, conversions, clicks, leads, payout) between a "
    "period and a comparison period, within any segment; both periods' values and the change.",
    TopMoversArgs,
)
def run_movers(session: Session, ctx: ToolContext, args: TopMoversArgs) -> TopMovers:
    resolved = resolve_segment(session, args)
    periods = resolve_periods(session, ctx.today, args.period, args.compare_to)
    period, compare = periods.period, periods.comparison
    if compare is None:
        raise ToolError(
            "Top movers needs something to compare with, e.g. the previous period or last year."
        )
    result = top_movers(
        session,
        metric=args.metric,
        period=period,
        compare=compare,
        n=args.n,
        by=args.by,
        order=args.order,
        segment=resolved.segment,
        currency=ctx.currency,
    )
    result.notes = [*resolved.notes, *periods.notes]
    return result
