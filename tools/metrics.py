"""The eleven program metrics, defined once so every tool computes and labels them alike.

Counts and money are sums of the daily rows; the five ratios are computed from those sums
(never averaged per day). Rates are returned as fractions (0.125) and shown as percents.
A ratio whose denominator is zero is None, shown as "n/a".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

from storage.queries import SumName, Totals
from tools.report import Cell, Change, Money, Percent, Ratio

Metric = Literal[
    "clicks",
    "leads",
    "conversions",
    "revenue",
    "payout",
    "reversals",
    "conversion_rate",
    "epc",
    "aov",
    "roas",
    "reversal_rate",
]
METRIC_NAMES: tuple[Metric, ...] = get_args(Metric)

MetricKind = Literal["count", "money", "percent", "ratio"]


@dataclass(frozen=True)
class MetricInfo:
    """How a metric is labelled, explained and shown."""

    label: str
    description: str
    kind: MetricKind


METRICS: dict[Metric, MetricInfo] = {
    "clicks": MetricInfo("Clicks", "clicks partners sent", "count"),
    "leads": MetricInfo("Leads", "leads partners sent", "count"),
    "conversions": MetricInfo("Conversions", "approved actions (sales, sign-ups)", "count"),
    "revenue": MetricInfo("Revenue", "partner-sourced revenue", "money"),
    "payout": MetricInfo("Payout", "commission owed to partners", "money"),
    "reversals": MetricInfo("Reversals", "conversions reversed (refunds, fraud)", "count"),
    "conversion_rate": MetricInfo("Conversion rate", "conversions ÷ clicks", "percent"),
    "epc": MetricInfo("EPC", "payout ÷ clicks: what a partner earns per click", "money"),
    "aov": MetricInfo("AOV", "revenue ÷ conversions: average order value", "money"),
    "roas": MetricInfo("ROAS", "revenue ÷ payout: return on partner spend", "ratio"),
    "reversal_rate": MetricInfo("Reversal rate", "reversals ÷ conversions", "percent"),
}

ADDITIVE_METRICS: frozenset[Metric] = frozenset(
    ("clicks", "leads", "conversions", "revenue", "payout", "reversals")
)
"""Metrics that are plain sums, so a partner's share of the total means something."""

SUMS_READ: dict[Metric, tuple[SumName, ...]] = {
    "clicks": ("clicks",),
    "leads": ("leads",),
    "conversions": ("conversions",),
    "revenue": ("revenue",),
    "payout": ("payout",),
    "reversals": ("reversals",),
    "conversion_rate": ("conversions", "clicks"),
    "epc": ("payout", "clicks"),
    "aov": ("revenue", "conversions"),
    "roas": ("revenue", "payout"),
    "reversal_rate": ("reversals", "conversions"),
}
"""The sums each metric is computed from, so program-wide queries read only those columns."""

Value = Decimal | int | None


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def metric_value(totals: Totals, metric: Metric) -> Value:
    """The metric computed from summed totals; ratios are None when their denominator is 0."""
    if metric == "clicks":
        return totals.clicks
    if metric == "leads":
        return totals.leads
    if metric == "conversions":
        return totals.conversions
    if metric == "reversals":
        return totals.reversals
    if metric == "revenue":
        return totals.revenue
    if metric == "payout":
        return totals.payout
    if metric == "conversion_rate":
        return _ratio(totals.conversions, totals.clicks)
    if metric == "epc":
        return _ratio(totals.payout, totals.clicks)
    if metric == "aov":
        return _ratio(totals.revenue, totals.conversions)
    if metric == "roas":
        return _ratio(totals.revenue, totals.payout)
    if metric == "reversal_rate":
        return _ratio(totals.reversals, totals.conversions)
    raise ValueError(f"unknown metric {metric!r}")


def metric_cell(value: Value, metric: Metric, currency: str = "USD") -> Cell:
    """A typed cell for a metric value: Money, Percent (rates × 100), Ratio or a count."""
    if value is None:
        return None
    kind = METRICS[metric].kind
    if kind == "money":
        return Money(amount=Decimal(value), currency=currency)
    if kind == "percent":
        return Percent(value=Decimal(value) * 100)
    if kind == "ratio":
        return Ratio(value=Decimal(value))
    return int(value)


def change(
    current: Value,
    previous: Value,
    *,
    metric: Metric,
    against: str,
    currency: str = "USD",
) -> Change | None:
    """Change from `previous` to `current`: absolute (rates in points) and relative percent.

    None when either value is missing (a ratio with nothing to divide by); `percent` is None
    when `previous` is 0, since growth from nothing has no meaningful percentage.
    """
    if current is None or previous is None:
        return None
    kind = METRICS[metric].kind
    delta = Decimal(current) - Decimal(previous)
    absolute: Money | Percent | Ratio | int | Decimal
    if kind == "money":
        absolute = Money(amount=delta, currency=currency)
    elif kind == "percent":
        absolute = Percent(value=delta * 100)
    elif kind == "ratio":
        absolute = Ratio(value=delta)
    else:
        absolute = int(delta)
    percent = None if previous == 0 else delta / Decimal(previous) * 100
    before = metric_cell(previous, metric, currency)
    return Change(
        absolute=absolute,
        percent=percent,
        against=against,
        previous=before if isinstance(before, Money | Percent | Ratio | int | Decimal) else None,
    )
