"""Program performance: a scope's metrics for a period with change, leaderboards and series.

Every figure is a sum from `storage.queries` (ratios are computed from the sums), so the
same question gives the same numbers in a summary, a leaderboard, a chart or a QBR.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.queries import Totals
from storage.queries.rankings import rank_partners
from tools.context import ToolContext
from tools.errors import ToolError
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
from tools.periods import (
    DateRange,
    latest_with_data,
    like_for_like,
    resolve_comparison,
    resolve_period,
)
from tools.registry import tool
from tools.report import Cell, Change, Fact, Percent, Report, Section, Table
from tools.segment import Segment, SegmentArgs, resolve_segment

# --- performance summary --------------------------------------------------------------------

METRIC_GROUPS: tuple[tuple[str, tuple[Metric, ...]], ...] = (
    ("Money", ("revenue", "payout")),
    ("Volume", ("clicks", "leads", "conversions", "reversals")),
    ("Efficiency", ("conversion_rate", "epc", "aov", "roas", "reversal_rate")),
)
"""The order and grouping every per-scope answer shows the eleven metrics in."""


class MetricFigure(BaseModel):
    """One metric for the period, the comparison period's value and the change between them."""

    metric: Metric
    label: str
    value: Value
    previous: Value = None
    change: Change | None = None


class PerformanceSummary(BaseModel):
    """A scope's totals and all eleven metrics for a period, with change against a comparison."""

    segment: Segment
    period: DateRange
    comparison: DateRange | None
    currency: str
    totals: Totals
    previous_totals: Totals | None
    has_data: bool
    """Any daily row exists for the scope in the period (zeros from real rows still count)."""
    comparison_has_data: bool
    partners_with_data: int
    members: int | None = None
    """How many partners the segment holds (None for the whole program)."""
    data_through: date | None
    """The last day with data anywhere in the program, to flag periods that run past it."""
    figures: list[MetricFigure]
    notes: list[str] = Field(default_factory=list)
    """What the answer must say about how the request was read (a period moved, a filter
    not applied), shown first."""
    asked: Metric | None = None
    """The metric the question named: shown first, on its own line."""

    def figure(self, metric: Metric) -> MetricFigure:
        return next(f for f in self.figures if f.metric == metric)

    def report(self) -> Report:
        label = self.segment.describe()
        report = Report(
            title=f"Performance — {label}",
            period=self.period.describe(),
            scope=label,
            notes=list(self.notes),
        )
        if not self.has_data:
            text = f"{_capital(label)} had no performance data in {self.period.describe()}."
            if self.members == 0:
                text = (
                    f"No partner is in this segment ({label}), so there are no figures; "
                    "ask “list partners” with fewer conditions to see who there is."
                )
            if self.comparison is not None and self.comparison_has_data:
                revenue = self.previous_totals.revenue if self.previous_totals else Decimal(0)
                report.sections.append(
                    Section(
                        text=text,
                        facts=[
                            Fact(
                                label=f"Revenue in {self.comparison.label}",
                                value=metric_cell(revenue, "revenue", self.currency),
                            )
                        ],
                    )
                )
            else:
                report.sections.append(Section(text=text))
            return report
        if self.asked is not None:
            asked = self.figure(self.asked)
            report.sections.append(
                Section(
                    facts=[
                        Fact(
                            label=asked.label,
                            value=metric_cell(asked.value, self.asked, self.currency),
                            change=asked.change,
                        )
                    ]
                )
            )
        for title, metrics in METRIC_GROUPS:
            facts = [
                Fact(
                    label=self.figure(m).label,
                    value=metric_cell(self.figure(m).value, m, self.currency),
                    change=self.figure(m).change,
                )
                for m in metrics
            ]
            report.sections.append(Section(title=title, facts=facts))
        if self.comparison is not None:
            if self.comparison_has_data:
                report.notes.append(f"Compared with {self.comparison.describe()}.")
            else:
                report.notes.append(
                    f"No data in {self.comparison.describe()}, so no change is shown."
                )
        if self.segment.single_partner is None:
            n = self.partners_with_data
            report.notes.append(f"{n} partner{'' if n == 1 else 's'} had data in the period.")
        if self.data_through is not None and self.data_through < self.period.end:
            report.notes.append(f"Data runs through {_day(self.data_through)}.")
        report.notes.append("EPC is payout ÷ clicks; ROAS is revenue ÷ payout.")
        return report


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def period_with_data(session: Session, period: DateRange) -> tuple[DateRange, str | None]:
    """`period`, or — when it is a calendar unit with no data yet — the latest unit of the same
    kind that has some, with a note saying so. On Monday morning "this week" means last week's
    figures, not an empty answer about today."""
    bounds = queries.data_bounds(session)
    latest = latest_with_data(period, bounds[1]) if bounds else None
    if latest is None or bounds is None:
        return period, None
    return latest, (
        f"No data yet for {period.describe()}: data runs through {_day(bounds[1])}, "
        f"so this shows {latest.label}."
    )


class Periods(BaseModel):
    """A request's period and comparison, resolved and cut to the data like for like."""

    period: DateRange
    comparison: DateRange | None = None
    notes: list[str] = Field(default_factory=list)


def resolve_periods(
    session: Session,
    today: date,
    period_words: str | None,
    compare_words: str | None = None,
    *,
    compare: bool = True,
    default: str = "last 30 days",
) -> Periods:
    """The one way tools read "for which days": the words resolved as of `today`, a calendar
    unit with no data yet moved to the latest one that has some, the period ended on the last
    day with data, and the comparison cut to the same stretch — each step stated in a note."""
    bounds = queries.data_bounds(session)
    first = bounds[0] if bounds else None
    asked = resolve_period(period_words, today, default=default, data_from=first)
    period, moved = period_with_data(session, asked)
    everything = period.label == "all time" and not compare_words
    comparison = (
        resolve_comparison(compare_words, period, today) if compare and not everything else None
    )
    period, comparison, cut = like_for_like(period, comparison, bounds[1] if bounds else None)
    notes = [n for n in (moved, cut, _span_of_two(period_words, asked, today)) if n]
    if first is not None and period.start < first <= period.end:
        notes.append(f"Data starts on {_day(first)}; the days before it have none.")
    if comparison is not None and comparison.start <= period.end and period.start <= comparison.end:
        notes.append(
            f"{period.describe()} and {comparison.describe()} overlap, so their change counts "
            "the shared days on both sides; name two separate periods to compare them."
        )
    if first is not None and comparison is not None and comparison.start < first <= comparison.end:
        notes.append(
            f"{comparison.label} is only partly covered by the data (it starts on "
            f"{_day(first)}), so the change against it is not like for like."
        )
    return Periods(period=period, comparison=comparison, notes=notes)


_TWO_ENDS = re.compile(r"^(?:from |between )?(.+?) (?:to|until|till|through|thru|-) (.+)$")


def _span_of_two(words: str | None, span: DateRange, today: date) -> str | None:
    """'Q1 to Q2' reads as one span (1 Jan – 30 Jun); when its ends are two back-to-back
    periods of the same length, the asker may have meant the change from one to the other,
    so the answer says how it was read and how to ask for the change."""
    found = _TWO_ENDS.match((words or "").strip().casefold())
    if not found:
        return None
    try:
        first, second = (resolve_period(end, today) for end in found.groups())
    except (ValueError, ToolError):
        return None
    lengths = ((first.end - first.start).days, (second.end - second.start).days)
    back_to_back = second.start == first.end + timedelta(days=1)
    if (
        not back_to_back
        or abs(lengths[0] - lengths[1]) > 3
        or (first.start, second.end)
        != (
            span.start,
            span.end,
        )
    ):
        return None
    return (
        f"I read “{words}” as one period, {span.describe()}; for the change from "
        f"{first.label} to {second.label}, ask “{second.label} vs {first.label}”."
    )


def performance(
    session: Session,
    *,
    segment: Segment,
    period: DateRange,
    compare: DateRange | None = None,
    currency: str = "USD",
) -> PerformanceSummary:
    """All eleven metrics for `segment` over `period`, with change against `compare`."""
    who = segment
    current = queries.count_partners(session, period.start, period.end, who)
    totals = queries.totals(session, period.start, period.end, who) if current else Totals()
    previous_totals: Totals | None = None
    comparison_has_data = False
    if compare is not None:
        previous = queries.count_partners(session, compare.start, compare.end, who)
        previous_totals = queries.totals(session, compare.start, compare.end, who)
        comparison_has_data = previous > 0
    bounds = queries.data_bounds(session)
    members = None if segment.is_program else queries.count_in_segment(session, segment)
    figures = []
    for metric in METRICS:
        value = metric_value(totals, metric)
        figure = MetricFigure(metric=metric, label=METRICS[metric].label, value=value)
        if compare is not None and previous_totals is not None and comparison_has_data:
            figure.previous = metric_value(previous_totals, metric)
            figure.change = change(
                value, figure.previous, metric=metric, against=compare.label, currency=currency
            )
        figures.append(figure)
    return PerformanceSummary(
        segment=segment,
        period=period,
        comparison=compare,
        currency=currency,
        totals=totals,
        previous_totals=previous_totals,
        has_data=bool(current),
        comparison_has_data=comparison_has_data,
        partners_with_data=current,
        members=members,
        data_through=bounds[1] if bounds else None,
        figures=figures,
    )


# --- leaderboard ----------------------------------------------------------------------------

MIN_DENOMINATOR: dict[Metric, tuple[Metric, Decimal, str]] = {
    "conversion_rate": ("clicks", Decimal(100), "at least 100 clicks"),
    "epc": ("clicks", Decimal(100), "at least 100 clicks"),
    "aov": ("conversions", Decimal(10), "at least 10 conversions"),
    "reversal_rate": ("conversions", Decimal(10), "at least 10 conversions"),
    "roas": ("payout", Decimal("0.01"), "a payout above 0"),
}
"""Ratio leaderboards rank only partners whose denominator makes the ratio meaningful."""


class LeaderboardEntry(BaseModel):
    rank: int
    partner_key: str
    name: str
    """The partner's name exactly as stored."""
    value: Value
    share: Decimal | None = None
    """Percent of the scope's total (additive metrics only); 12.5 means 12.5 %."""
    basis: Value = None
    """The ratio's denominator (clicks, conversions or payout) for ratio metrics."""


class Leaderboard(BaseModel):
    """Partners ranked by a metric over a period, ties broken by name."""

    metric: Metric
    period: DateRange
    segment: Segment
    order: Literal["top", "bottom"]
    n: int
    currency: str
    entries: list[LeaderboardEntry]
    total: Value
    """The metric over every partner in scope (the base of `share`)."""
    ranked: int
    """Partners eligible for ranking (with data, and the minimum denominator for ratios)."""
    excluded: int = 0
    """Partners with data left out because their denominator was below the minimum."""
    notes: list[str] = Field(default_factory=list)

    def report(self) -> Report:
        label = METRICS[self.metric].label
        which = "Top" if self.order == "top" else "Bottom"
        report = Report(
            title=f"{which} {len(self.entries) or self.n} partners by {_lower(label)}",
            period=self.period.describe(),
            scope=self.segment.describe(),
            notes=list(self.notes),
        )
        if not self.entries:
            report.sections.append(
                Section(text=f"No partners to rank in {self.period.describe()}.")
            )
            return report
        denominator = MIN_DENOMINATOR.get(self.metric)
        columns = ["Rank", "Partner", label]
        if self.metric in ADDITIVE_METRICS:
            columns.append("Share")
        elif denominator is not None:
            columns.append(METRICS[denominator[0]].label)
        rows: list[list[Cell]] = []
        for entry in self.entries:
            row: list[Cell] = [
                entry.rank,
                entry.name,
                metric_cell(entry.value, self.metric, self.currency),
            ]
            if self.metric in ADDITIVE_METRICS:
                row.append(None if entry.share is None else Percent(value=entry.share))
            elif denominator is not None:
                row.append(metric_cell(entry.basis, denominator[0], self.currency))
            rows.append(row)
        report.sections.append(Section(table=Table(columns=columns, rows=rows)))
        return report


def _lower(label: str) -> str:
    """'Revenue' → 'revenue' inside a sentence; acronyms such as 'EPC' stay as they are."""
    return label if label.isupper() else label.lower()


def leaderboard(
    session: Session,
    *,
    metric: Metric = "revenue",
    period: DateRange,
    n: int = 5,
    order: Literal["top", "bottom"] = "top",
    segment: Segment | None = None,
    currency: str = "USD",
) -> Leaderboard:
    """The `n` highest (or lowest) partners by `metric` among partners with data in the period."""
    if n < 1:  # a caller outside the registry; LeaderboardArgs bounds `n` for planners
        raise ToolError("How many partners? Give a number of at least 1, e.g. 10.")
    segment = segment or Segment()
    rule = MIN_DENOMINATOR.get(metric)
    reads = SUMS_READ[metric]
    # One ranked statement: the n best (and anyone tied with the n-th) with their names, how
    # many partners are ranked and the scope's sums; ratios only among partners whose
    # denominator reaches the minimum.
    ranking = rank_partners(
        session,
        period.start,
        period.end,
        segment,
        numerator=reads[0],
        denominator=reads[1] if len(reads) > 1 else None,
        minimum=(rule[0], rule[1]) if rule else None,  # type: ignore[arg-type]
        n=n,
        order=order,
    )
    sign = -1 if order == "top" else 1
    shown: list[tuple[Decimal, str, str, Decimal | int, Value]] = []
    for candidate in ranking.candidates:
        totals = candidate.sums[0]
        basis = metric_value(totals, rule[0]) if rule else None
        value = metric_value(totals, metric)
        if rule is not None and (basis is None or Decimal(basis) < rule[1]):
            continue
        if value is None:
            continue
        shown.append((sign * Decimal(value), candidate.name, candidate.key, value, basis))
    # Ties go by name.
    shown.sort(key=lambda c: (c[0], c[1].casefold(), c[2]))
    total = metric_value(ranking.totals[0], metric)
    ranked = ranking.counts[0]
    excluded = ranking.with_data - ranked
    additive = metric in ADDITIVE_METRICS
    entries = []
    for rank, (_, name, key, value, basis) in enumerate(shown[:n], start=1):
        share = None
        if additive and total:
            share = Decimal(value) / Decimal(total) * 100
        entries.append(
            LeaderboardEntry(
                rank=rank, partner_key=key, name=name, value=value, share=share, basis=basis
            )
        )
    notes = [f"Ranked among {ranked} partners with data in the period; ties are broken by name."]
    if rule is not None:
        notes.append(
            f"Only partners with {rule[2]} are ranked by {_lower(METRICS[metric].label)}"
            f" ({excluded} left out)."
        )
    if additive and total:
        notes.append("Share is each partner's part of the scope's total.")
    return Leaderboard(
        metric=metric,
        period=period,
        segment=segment,
        order=order,
        n=n,
        currency=currency,
        entries=entries,
        total=total,
        ranked=ranked,
        excluded=excluded,
        notes=notes,
    )


# --- series ---------------------------------------------------------------------------------


class Series(BaseModel):
    """A metric per day or per week over a period, for charts and trend questions."""

    metric: Metric
    segment: Segment
    period: DateRange
    grain: Literal["day", "week"]
    currency: str
    points: list[tuple[date, Value]]
    """(first day the bucket covers inside the period, value); weeks run Monday–Sunday."""
    total: Value
    """The metric over the whole period."""
    data_through: date | None = None
    """Last day with data in the program; buckets starting after it are left out."""
    notes: list[str] = Field(default_factory=list)

    def report(self) -> Report:
        label = METRICS[self.metric].label
        scope = self.segment.describe()
        report = Report(
            title=f"{label} by {self.grain} — {scope}",
            period=self.period.describe(),
            scope=scope,
            notes=list(self.notes),
        )
        heading = "Week of" if self.grain == "week" else "Day"
        rows: list[list[Cell]] = [
            [start, metric_cell(value, self.metric, self.currency)] for start, value in self.points
        ]
        report.sections.append(Section(table=Table(columns=[heading, label], rows=rows)))
        report.sections.append(
            Section(
                facts=[
                    Fact(
                        label=f"{label}, whole period",
                        value=metric_cell(self.total, self.metric, self.currency),
                    )
                ]
            )
        )
        if self.data_through is not None and self.data_through < self.period.end:
            report.notes.append(
                f"Data runs through {_day(self.data_through)}; later days are not shown."
            )
        if self.grain == "week":
            report.notes.append(
                "Weeks run Monday to Sunday; a week cut by the period's start or end "
                "is dated from its first day inside the period and counts only those days."
            )
        return report


def performance_series(
    session: Session,
    *,
    segment: Segment,
    metric: Metric = "revenue",
    period: DateRange,
    grain: Literal["day", "week"] = "week",
    currency: str = "USD",
) -> Series:
    """`metric` per day or ISO week for `scope` over `period`.

    Empty buckets are included (a quiet week shows as 0), except buckets that start after the
    program's last day of data (today's, before it is imported), which would read as a collapse.
    """
    who = segment
    buckets = queries.series(session, period.start, period.end, grain, who, names=SUMS_READ[metric])
    bounds = queries.data_bounds(session)
    data_through = bounds[1] if bounds else None
    points: list[tuple[date, Value]] = []
    total = Totals()
    for start, totals in buckets:
        first_day = max(start, period.start)
        total = total + totals
        if data_through is not None and first_day > data_through:
            continue
        points.append((first_day, metric_value(totals, metric)))
    return Series(
        metric=metric,
        segment=segment,
        period=period,
        grain=grain,
        currency=currency,
        points=points,
        total=metric_value(total, metric),
        data_through=data_through,
    )


# --- registry adapters ----------------------------------------------------------------------

MAX_LEADERBOARD = 50

PERIOD_HELP = (
    "The period in the user's words ('last month', 'Q3 2026', 'since March', '1-15 Sep'); "
    "default 'last 30 days'."
)
COMPARE_HELP = (
    "What to compare with: default the previous period of the same length, 'last year' for "
    "the same period a year earlier, 'none' for no comparison, or a period in words."
)


class PerformanceArgs(SegmentArgs):
    period: str | None = Field(None, description=PERIOD_HELP)
    compare_to: str | None = Field(None, description=COMPARE_HELP)
    metric: Metric | None = Field(
        None,
        description="The metric the user asked about; it leads the answer (all eleven "
        "metrics are shown).",
    )


class LeaderboardArgs(SegmentArgs):
    metric: Metric = Field("revenue", description="The metric to rank partners by.")
    period: str | None = Field(None, description=PERIOD_HELP)
    n: int = Field(5, ge=1, le=MAX_LEADERBOARD, description="How many partners to list.")
    order: Literal["top", "bottom"] = Field(
        "top", description="'top' for the highest first, 'bottom' for the lowest first."
    )


class PerformanceSeriesArgs(SegmentArgs):
    metric: Metric = Field("revenue", description="The metric to chart.")
    period: str | None = Field(
        None, description="The period in the user's words; default 'last 90 days'."
    )
    grain: Literal["day", "week"] = Field("week", description="One point per day or per week.")


@tool(
    "performance",
    "Metrics for any segment of partners (one partner, a tier, a type, a country, an owner's "
    "book … or the whole program) over a period: revenue, payout, clicks, leads, conversions, "
    "reversals, conversion rate, EPC, AOV, ROAS, reversal rate, each with both periods' values "
    "and the change against a comparison period.",
    PerformanceArgs,
)
def run_performance(
    session: Session, ctx: ToolContext, args: PerformanceArgs
) -> PerformanceSummary:
    resolved = resolve_segment(session, args)
    periods = resolve_periods(session, ctx.today, args.period, args.compare_to)
    summary = performance(
        session,
        segment=resolved.segment,
        period=periods.period,
        compare=periods.comparison,
        currency=ctx.currency,
    )
    summary.notes = [*resolved.notes, *periods.notes]
    summary.asked = args.metric
    return summary


@tool(
    "leaderboard",
    "The top or bottom partners by a metric for a period, within any segment.",
    LeaderboardArgs,
)
def run_leaderboard(session: Session, ctx: ToolContext, args: LeaderboardArgs) -> Leaderboard:
    resolved = resolve_segment(session, args)
    periods = resolve_periods(session, ctx.today, args.period, compare=False)
    board = leaderboard(
        session,
        metric=args.metric,
        period=periods.period,
        n=args.n,
        order=args.order,
        segment=resolved.segment,
        currency=ctx.currency,
    )
    board.notes = [*resolved.notes, *periods.notes, *board.notes]
    return board


@tool(
    "performance_series",
    "A metric per day or week over a period for any segment (for trends and charts).",
    PerformanceSeriesArgs,
)
def run_performance_series(
    session: Session, ctx: ToolContext, args: PerformanceSeriesArgs
) -> Series:
    resolved = resolve_segment(session, args)
    series = performance_series(
        session,
        segment=resolved.segment,
        metric=args.metric,
        period=resolve_period(args.period, ctx.today, default="last 90 days"),
        grain=args.grain,
        currency=ctx.currency,
    )
    series.notes = list(resolved.notes)
    return series
