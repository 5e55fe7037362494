"""The best or worst day, week or month of a metric: "our weakest month this year".

Buckets are calendar units: days, ISO weeks (Monday–Sunday) and calendar months. Only whole
buckets are ranked; a bucket cut by the period's start or end, or by the edges of the data
(the program's first and last day with data), is partial and is listed apart, never ranked
against whole ones. Ratio metrics are computed from each bucket's sums, not averaged.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.queries import Totals
from tools.context import ToolContext
from tools.metrics import ADDITIVE_METRICS, METRICS, Metric, Value, metric_cell, metric_value
from tools.performance import MIN_DENOMINATOR, resolve_periods
from tools.periods import DateRange
from tools.registry import tool
from tools.report import Cell, Fact, Report, Section, Table
from tools.segment import Segment, SegmentArgs, resolve_segment

Grain = Literal["day", "week", "month", "quarter"]
Order = Literal["top", "bottom"]

MAX_BUCKETS = 12

DEFAULT_PERIODS: dict[Grain, str] = {
    "quarter": "last 2 years",
    "month": "this year",
    "week": "last 90 days",
    "day": "last 30 days",
}
"""The period ranked when none is given: enough buckets of the grain to make a ranking."""

_NOUNS: dict[Grain, tuple[str, str]] = {
    "day": ("day", "days"),
    "week": ("week", "weeks"),
    "month": ("month", "months"),
    "quarter": ("quarter", "quarters"),
}


class Bucket(BaseModel):
    """One calendar day, ISO week or month, and the days of it that were counted."""

    start: date
    end: date
    """The calendar bucket's own first and last day."""
    first: date
    last: date
    """The days counted: the bucket cut to the period and to the days with data."""
    label: str
    """'March 2026', 'week of 7 Apr 2026 (7–13 Apr)', 'Tue 7 Apr 2026'."""
    value: Value
    basis: Value = None
    """The ratio's denominator (clicks, conversions or payout) for ratio metrics."""
    active: bool
    """Any click, lead, conversion, reversal, revenue or payout in the counted days."""

    @property
    def partial(self) -> bool:
        return (self.first, self.last) != (self.start, self.end)

    @property
    def counted(self) -> str:
        """The counted days, for a partial bucket: 'partial: 1–22 Nov'."""
        return f"partial: {_short_span(self.first, self.last)}"


class RankedBucket(BaseModel):
    rank: int
    bucket: Bucket


class BestPeriods(BaseModel):
    """The whole buckets of a period ranked by a metric, best (or worst) first."""

    metric: Metric
    grain: Grain
    order: Order
    n: int
    segment: Segment
    period: DateRange
    currency: str
    ranked: list[RankedBucket]
    whole: int
    """Whole buckets in the period (ranked, plus any ratio with nothing to divide by)."""
    average: Value
    """Additive metrics: the mean per whole bucket; ratios: the ratio over all whole buckets."""
    partial: list[Bucket] = Field(default_factory=list)
    """Buckets cut by the period or by the data's edges: listed, never ranked."""
    no_value: list[Bucket] = Field(default_factory=list)
    """Whole buckets whose ratio has nothing to divide by (no clicks …): not ranked."""
    data_bounds: tuple[date, date] | None = None
    notes: list[str] = Field(default_factory=list)

    def report(self) -> Report:
        label = METRICS[self.metric].label
        one, many = _NOUNS[self.grain]
        best = "Best" if self.order == "top" else "Worst"
        shown = len(self.ranked) or self.n
        noun = one if shown == 1 else f"{shown} {many}"
        scope = self.segment.describe()
        report = Report(
            title=f"{best} {noun} by {_lower(label)}",
            period=self.period.describe(),
            scope=scope,
            notes=list(self.notes),
        )
        rule = MIN_DENOMINATOR.get(self.metric)
        if self.ranked:
            columns = ["Rank", _capital(one), label]
            if rule is not None:
                columns.append(METRICS[rule[0]].label)
            rows: list[list[Cell]] = []
            for entry in self.ranked:
                row: list[Cell] = [
                    entry.rank,
                    entry.bucket.label,
                    metric_cell(entry.bucket.value, self.metric, self.currency),
                ]
                if rule is not None:
                    row.append(metric_cell(entry.bucket.basis, rule[0], self.currency))
                rows.append(row)
            report.sections.append(Section(table=Table(columns=columns, rows=rows)))
            additive = self.metric in ADDITIVE_METRICS
            average_label = (
                f"Average per {one}, {self.whole} whole {many if self.whole != 1 else one}"
                if additive
                else f"{label} over the {self.whole} whole {many if self.whole != 1 else one}"
            )
            average: Cell = metric_cell(self.average, self.metric, self.currency)
            if METRICS[self.metric].kind == "count" and self.average is not None:
                average = Decimal(self.average)  # a mean count keeps its fraction
            report.sections.append(Section(facts=[Fact(label=average_label, value=average)]))
        else:
            report.sections.append(
                Section(text=f"No whole {one} in {self.period.describe()} to rank.")
            )
        if self.partial:
            report.sections.append(
                Section(
                    title=f"Partial {many if len(self.partial) > 1 else one}, not ranked",
                    table=Table(
                        columns=[_capital(one), "Days counted", label],
                        rows=[
                            [
                                b.label,
                                b.counted,
                                metric_cell(b.value, self.metric, self.currency),
                            ]
                            for b in self.partial
                        ],
                    ),
                )
            )
        return report


def _lower(label: str) -> str:
    return label if label.isupper() else label.lower()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _short_span(first: date, last: date) -> str:
    """'7 Apr', '7–13 Apr', '30 Mar – 5 Apr', '29 Dec 2025 – 4 Jan 2026'."""
    if first == last:
        return f"{first.day} {first:%b}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b}"
    return f"{_day(first)} – {_day(last)}"


def _bucket_of(grain: Grain, day: date) -> tuple[date, date, str]:
    """The calendar bucket holding `day`: (first day, last day, label)."""
    if grain == "day":
        return day, day, f"{day:%a} {_day(day)}"
    if grain == "week":
        monday = day - timedelta(days=day.weekday())
        sunday = monday + timedelta(days=6)
        return monday, sunday, f"week of {_day(monday)} ({_short_span(monday, sunday)})"
    if grain == "quarter":
        q = (day.month - 1) // 3
        start = date(day.year, 3 * q + 1, 1)
        after = date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
        return start, after - timedelta(days=1), f"Q{q + 1} {day.year}"
    first = day.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, after - timedelta(days=1), f"{first:%B %Y}"


def _bucket(
    grain: Grain, key: date, first: date, last: date, totals: Totals, metric: Metric
) -> Bucket:
    start, end, label = _bucket_of(grain, key)
    rule = MIN_DENOMINATOR.get(metric)
    return Bucket(
        start=start,
        end=end,
        first=first,
        last=last,
        label=label,
        value=metric_value(totals, metric),
        basis=metric_value(totals, rule[0]) if rule else None,
        active=totals != Totals(),
    )


def _buckets(
    session: Session, segment: Segment, grain: Grain, first: date, last: date, metric: Metric
) -> tuple[list[Bucket], Totals]:
    """Every bucket meeting [first, last], each summed over its days inside that span, and
    the sums over the whole buckets among them."""
    buckets: list[Bucket] = []
    whole = Totals()
    if grain == "quarter":
        key = _bucket_of("quarter", first)[0]
        while key <= last:
            start, end, _ = _bucket_of("quarter", key)
            lo, hi = max(start, first), min(end, last)
            totals = queries.totals(session, lo, hi, segment)  # whole months from the rollup
            bucket = _bucket("quarter", key, lo, hi, totals, metric)
            buckets.append(bucket)
            if not bucket.partial:
                whole = whole + totals
            key = end + timedelta(days=1)
        return buckets, whole
    if grain == "month":
        months = [(k, *_bucket_of("month", k)[:2]) for k in _months(first, last)]
        inner = [(k, s, e) for k, s, e in months if first <= s and e <= last]
        sums = (
            dict(queries.month_sums(session, inner[0][0], inner[-1][0], segment)) if inner else {}
        )
        for key, start, end in months:
            lo, hi = max(start, first), min(end, last)
            totals = sums[key] if key in sums else queries.totals(session, lo, hi, segment)
            buckets.append(_bucket("month", key, lo, hi, totals, metric))
            if key in sums:
                whole = whole + totals
        return buckets, whole
    for key, totals in queries.series(session, first, last, grain, segment):
        start, end, _ = _bucket_of(grain, key)
        bucket = _bucket(grain, key, max(start, first), min(end, last), totals, metric)
        buckets.append(bucket)
        if not bucket.partial:
            whole = whole + totals
    return buckets, whole


def _months(first: date, last: date) -> list[date]:
    """The first day of every calendar month meeting [first, last]."""
    months: list[date] = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def best_period(
    session: Session,
    *,
    segment: Segment,
    metric: Metric = "revenue",
    period: DateRange,
    grain: Grain = "month",
    order: Order = "top",
    n: int = 1,
    currency: str = "USD",
) -> BestPeriods:
    """The `n` best (`top`) or worst (`bottom`) whole days, weeks or months of `metric` for
    `segment` in `period`; ties go to the earlier bucket."""
    bounds = queries.data_bounds(session)
    one, many = _NOUNS[grain]
    notes: list[str] = []
    buckets: list[Bucket] = []
    whole_totals = Totals()
    if bounds is not None:
        first, last = max(period.start, bounds[0]), min(period.end, bounds[1])
        if first <= last:
            buckets, whole_totals = _buckets(session, segment, grain, first, last, metric)
    whole = [b for b in buckets if not b.partial]
    rankable = [b for b in whole if b.value is not None]
    no_value = [b for b in whole if b.value is None]
    sign = -1 if order == "top" else 1
    rankable.sort(key=lambda b: (sign * Decimal(b.value or 0), b.start))
    ranked = [RankedBucket(rank=i, bucket=b) for i, b in enumerate(rankable[:n], start=1)]
    if metric in ADDITIVE_METRICS:
        average: Value = (
            Decimal(metric_value(whole_totals, metric) or 0) / len(whole) if whole else None
        )
    else:
        average = metric_value(whole_totals, metric)
    partial = [b for b in buckets if b.partial]
    if bounds is None:
        notes.append("The program has no performance data yet.")
    else:
        if period.end > bounds[1]:
            notes.append(f"Data runs through {_day(bounds[1])}; later days are not counted.")
        if period.start < bounds[0]:
            notes.append(f"Data starts on {_day(bounds[0])}; earlier days are not counted.")
    if partial:
        spans = ", ".join(_short_span(b.first, b.last) for b in partial)
        kind = f"whole {many} (Monday to Sunday)" if grain == "week" else f"whole {many}"
        notes.append(
            f"Only {kind} are ranked; {'the one' if len(partial) == 1 else 'those'} cut by the "
            f"period or by the data ({spans}) {'is' if len(partial) == 1 else 'are'} listed "
            "apart, not ranked."
        )
    elif grain == "week":
        notes.append("Weeks run Monday to Sunday.")
    if no_value:
        rule = MIN_DENOMINATOR.get(metric)
        basis = _lower(METRICS[rule[0]].label) if rule else "denominator"
        count = len(no_value)
        notes.append(
            f"{count} whole {one if count == 1 else many} had no {basis}, so no "
            f"{_lower(METRICS[metric].label)}, and {'is' if count == 1 else 'are'} not ranked."
        )
    if metric not in ADDITIVE_METRICS:
        notes.append(
            f"{METRICS[metric].label} is {METRICS[metric].description}, computed from each "
            f"{one}'s sums" + ("." if grain == "day" else ", not averaged from daily rates.")
        )
    elif grain == "month" and len(rankable) > 1:
        notes.append("Months are compared by their totals, so a shorter month starts behind.")
    idle = [r.bucket.label for r in ranked if not r.bucket.active]
    if idle:
        notes.append(f"No activity at all for {segment.describe()} in: {', '.join(idle)}.")
    if len(rankable) > 1:
        notes.append(f"Ranked among {len(rankable)} whole {many}; ties go to the earlier one.")
    return BestPeriods(
        metric=metric,
        grain=grain,
        order=order,
        n=n,
        segment=segment,
        period=period,
        currency=currency,
        ranked=ranked,
        whole=len(whole),
        average=average,
        partial=partial,
        no_value=no_value,
        data_bounds=bounds,
        notes=notes,
    )


# --- registry adapter -----------------------------------------------------------------------


class BestPeriodArgs(SegmentArgs):
    metric: Metric = Field(
        "revenue", description="The metric to rank the days, weeks or months by."
    )
    period: str | None = Field(
        None,
        description="The period in the user's words ('this year', 'Q2', 'October'); default "
        "'this year' for months, 'last 90 days' for weeks, 'last 30 days' for days.",
    )
    grain: Grain = Field(
        "month",
        description="What to rank: 'day', 'week' (ISO weeks, Monday–Sunday), 'month' "
        "(calendar months) or 'quarter' (calendar quarters).",
    )
    order: Order = Field(
        "top", description="'top' for the best (highest) first, 'bottom' for the worst first."
    )
    n: int = Field(1, ge=1, le=MAX_BUCKETS, description="How many days, weeks or months to list.")


@tool(
    "best_period",
    "The best or worst day, week or month of a metric for any segment over a period "
    '("our weakest month this year", "Helios\'s best week in Q2"); whole calendar weeks '
    "and months only, with the period's average.",
    BestPeriodArgs,
)
def run_best_period(session: Session, ctx: ToolContext, args: BestPeriodArgs) -> BestPeriods:
    resolved = resolve_segment(session, args)
    periods = resolve_periods(
        session, ctx.today, args.period, compare=False, default=DEFAULT_PERIODS[args.grain]
    )
    result = best_period(
        session,
        segment=resolved.segment,
        metric=args.metric,
        period=periods.period,
        grain=args.grain,
        order=args.order,
        n=args.n,
        currency=ctx.currency,
    )
    said = {n.split(";")[0] for n in periods.notes}
    own = [n for n in result.notes if n.split(";")[0] not in said]  # no "Data starts on" twice
    result.notes = [*resolved.notes, *periods.notes, *own]
    return result
