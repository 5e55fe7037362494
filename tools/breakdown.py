"""A metric split by partner type, tier, country, manager, status or commission model: where
a segment's numbers come from ("revenue by partner type last quarter"), with both periods'
values and the change per group. The database does the grouping."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.queries import Totals
from tools.context import ToolContext
from tools.metrics import (
    ADDITIVE_METRICS,
    METRICS,
    SUMS_READ,
    Metric,
    Value,
    change,
    metric_cell,
    metric_value,
)
from tools.partners import COMMISSION_LABELS, TYPE_LABELS
from tools.performance import COMPARE_HELP, PERIOD_HELP, resolve_periods
from tools.periods import DateRange
from tools.registry import tool
from tools.report import Cell, Change, Percent, Report, Section, Table
from tools.segment import Segment, SegmentArgs, resolve_segment

Dimension = Literal["type", "tier", "country", "owner", "status", "commission_model"]

_DIMENSIONS: dict[Dimension, tuple[str, str]] = {
    "type": ("partner type", "no type"),
    "tier": ("tier", "no tier"),
    "country": ("country", "no country"),
    "owner": ("partner manager", "no manager"),
    "status": ("status", "no status"),
    "commission_model": ("commission model", "no commission model"),
}
"""Each dimension: how it reads in a title, and the group for partners without a value."""


class BreakdownGroup(BaseModel):
    name: str
    """The group as stored ('affiliate', 'Gold', 'US', an owner), or 'no tier' and alike."""
    label: str
    """The group as shown ('B2B brand' for b2b_brand)."""
    partners: int
    """Partners in the group with any activity in the period."""
    value: Value
    share: Decimal | None = None
    """Percent of the program total (additive metrics only); 36.2 means 36.2 %."""
    previous: Value = None
    change: Change | None = None


class Breakdown(BaseModel):
    """One metric per group of partners, largest first, adding up to the program total."""

    metric: Metric
    by: Dimension
    segment: Segment = Field(default_factory=Segment)
    period: DateRange
    comparison: DateRange | None
    currency: str
    groups: list[BreakdownGroup]
    total: Value
    previous_total: Value = None
    notes: list[str] = Field(default_factory=list)

    def report(self) -> Report:
        label = METRICS[self.metric].label
        dimension = _DIMENSIONS[self.by][0]
        report = Report(
            title=f"{label} by {dimension}",
            period=self.period.describe(),
            scope=self.segment.describe(),
            notes=list(self.notes),
        )
        if not self.groups:
            report.sections.append(Section(text="No partner has data in this period."))
            return report
        additive = self.metric in ADDITIVE_METRICS
        columns = [dimension.capitalize(), "Partners", label]
        if additive:
            columns.append("Share")
        if self.comparison is not None:
            columns.append(self.comparison.label)
            columns.append("Change")
        rows: list[list[Cell]] = []
        for group in self.groups:
            row: list[Cell] = [
                group.label,
                group.partners,
                metric_cell(group.value, self.metric, self.currency),
            ]
            if additive:
                row.append(None if group.share is None else Percent(value=group.share))
            if self.comparison is not None:
                row.append(metric_cell(group.previous, self.metric, self.currency))
                row.append(_change_pct(group.change))
            rows.append(row)
        total_row: list[Cell] = [
            "Whole program" if self.segment.is_program else "Total",
            sum(g.partners for g in self.groups),
            metric_cell(self.total, self.metric, self.currency),
        ]
        if additive:
            total_row.append(Percent(value=Decimal(100)))
        if self.comparison is not None:
            total_row.append(metric_cell(self.previous_total, self.metric, self.currency))
            total_row.append(
                _change_pct(
                    change(
                        self.total,
                        self.previous_total,
                        metric=self.metric,
                        against=self.comparison.label,
                        currency=self.currency,
                    )
                )
            )
        rows.append(total_row)
        report.sections.append(Section(table=Table(columns=columns, rows=rows)))
        if self.comparison is not None:
            report.notes.append(f"Compared with {self.comparison.describe()}.")
        if not additive:
            report.notes.append(
                f"{label} ({METRICS[self.metric].description}) is computed from each group's "
                "own sums, so groups don't add up to the program figure."
            )
        return report


def _change_pct(value: Change | None) -> Percent | None:
    """The relative change alone, so the table's cells stay short."""
    return None if value is None or value.percent is None else Percent(value=value.percent)


def _label(by: Dimension, name: str) -> str:
    if by == "type":
        return TYPE_LABELS.get(name, name)
    if by == "commission_model":
        return COMMISSION_LABELS.get(name, name)
    return name


def performance_breakdown(
    session: Session,
    *,
    metric: Metric = "revenue",
    by: Dimension = "type",
    period: DateRange,
    compare: DateRange | None = None,
    segment: Segment | None = None,
    currency: str = "USD",
) -> Breakdown:
    """`metric` per group of the segment's partners over `period`, with change against
    `compare`; one row per group comes back from the database."""
    segment = segment or Segment()
    ranges = [(period.start, period.end)]
    if compare is not None:
        ranges.append((compare.start, compare.end))
    # Clicks and conversions too, to count the partners active in each group.
    names = tuple(dict.fromkeys((*SUMS_READ[metric], "clicks", "conversions")))
    rows = queries.sums_by_group(session, ranges, by, segment, names)
    missing = _DIMENSIONS[by][1]
    now: dict[str, Totals] = {}
    before: dict[str, Totals] = {}
    members: dict[str, int] = {}
    for row in rows:
        name = row.group or missing
        now[name] = now.get(name, Totals()) + row.sums[0]
        if compare is not None:
            before[name] = before.get(name, Totals()) + row.sums[1]
        members[name] = members.get(name, 0) + row.active
    total_now = sum(now.values(), Totals())
    total = metric_value(total_now, metric)
    previous_total = metric_value(sum(before.values(), Totals()), metric) if compare else None
    additive = metric in ADDITIVE_METRICS
    groups = []
    for name, sums_now in now.items():
        value = metric_value(sums_now, metric)
        previous = metric_value(before[name], metric) if compare is not None else None
        groups.append(
            BreakdownGroup(
                name=name,
                label=_label(by, name),
                partners=members[name],
                value=value,
                share=Decimal(value) / Decimal(total) * 100
                if additive and total and value is not None
                else None,
                previous=previous,
                change=None
                if compare is None
                else change(
                    value, previous, metric=metric, against=compare.label, currency=currency
                ),
            )
        )
    groups.sort(key=lambda g: (g.value is None, -Decimal(g.value or 0), g.label.casefold()))
    return Breakdown(
        metric=metric,
        by=by,
        segment=segment,
        period=period,
        comparison=compare,
        currency=currency,
        groups=groups,
        total=total,
        previous_total=previous_total,
    )


class BreakdownArgs(SegmentArgs):
    metric: Metric = Field("revenue", description="What to split, e.g. revenue or conversions.")
    by: Dimension = Field(
        "type",
        description="Group partners by type, tier, country, owner (partner manager), status "
        "or commission model.",
    )
    period: str | None = Field(None, description=PERIOD_HELP)
    compare_to: str | None = Field(None, description=COMPARE_HELP)


@tool(
    "performance_breakdown",
    "A metric split by partner type, tier, country, partner manager (owner), status or "
    "commission model for a period, within any segment: each group's value, share, the "
    "comparison period's value and the change (e.g. whose book shrank most this quarter).",
    BreakdownArgs,
)
def run_breakdown(session: Session, ctx: ToolContext, args: BreakdownArgs) -> Breakdown:
    resolved = resolve_segment(session, args)
    periods = resolve_periods(session, ctx.today, args.period, args.compare_to)
    result = performance_breakdown(
        session,
        segment=resolved.segment,
        metric=args.metric,
        by=args.by,
        period=periods.period,
        compare=periods.comparison,
        currency=ctx.currency,
    )
    result.notes = [*resolved.notes, *periods.notes, *result.notes]
    return result
