"""A segment's share of the whole program: "what % of conversions came from Bronze last month".

The part is any segment (a tier, a type, a country, named partners …); the base is always
the whole program, and the answer says so. Only additive metrics have shares: a share of
a conversion rate means nothing, so a ratio is refused with the breakdown to ask for instead.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from tools.context import ToolContext
from tools.errors import ToolError
from tools.metrics import (
    ADDITIVE_METRICS,
    METRICS,
    Metric,
    Value,
    change,
    metric_cell,
    metric_value,
)
from tools.performance import COMPARE_HELP, PERIOD_HELP, resolve_periods
from tools.periods import DateRange
from tools.registry import tool
from tools.report import Change, Fact, Percent, Report, Section
from tools.segment import Segment, SegmentArgs, resolve_segment

WHOLE_PROGRAM = "Whole program"


class NotAShare(ToolError):
    """A share asked of something that has none: a ratio metric, or the whole program itself."""

    kind = "clarify"


class ShareFigure(BaseModel):
    """The part, the base and the part's share of it over one period."""

    period: DateRange
    part: Value
    base: Value
    share: Decimal | None
    """Percent of the base (12.5 means 12.5 %); None when the base is 0."""


class MetricShare(BaseModel):
    """A segment's value of an additive metric as a share of the whole program's value."""

    metric: Metric
    segment: Segment
    currency: str
    current: ShareFigure
    previous: ShareFigure | None = None
    points: Decimal | None = None
    """Change in share against the comparison, in percentage points; None without one."""
    data_through: date | None = None
    notes: list[str] = Field(default_factory=list)

    def scope_line(self) -> str:
        """'Bronze partners' share of the whole program's conversions'."""
        metric = _lower(METRICS[self.metric].label)
        part = self.segment.describe()
        if (
            self.segment.countries
            or self.segment.owners
            or self.segment.tags
            or (self.segment.commission_models)
        ):
            return f"share of the whole program's {metric} from {part}"
        return f"{_possessive(part)} share of the whole program's {metric}"

    def report(self) -> Report:
        label = _lower(METRICS[self.metric].label)
        part = self.segment.describe()
        title = _capital(self.scope_line())
        report = Report(
            title=title, period=self.current.period.describe(), scope=title, notes=list(self.notes)
        )
        now, before = self.current, self.previous
        if now.share is None:
            report.sections.append(
                Section(
                    text=f"The whole program had no {label} in {now.period.describe()}, "
                    "so there is no share to give."
                )
            )
            return report
        compared = before if before is not None and before.share is not None else None
        report.sections.append(
            Section(
                facts=[
                    Fact(
                        label=f"Share of {label}",
                        value=Percent(value=now.share),
                        change=self._share_change(compared),
                    ),
                    Fact(
                        label=_capital(part),
                        value=metric_cell(now.part, self.metric, self.currency),
                        change=self._change(now.part, compared.part if compared else None),
                    ),
                    Fact(
                        label=WHOLE_PROGRAM,
                        value=metric_cell(now.base, self.metric, self.currency),
                        change=self._change(now.base, compared.base if compared else None),
                    ),
                ]
            )
        )
        if before is not None and compared is None:
            report.notes.append(
                f"The whole program had no {label} in {before.period.describe()}, "
                "so no change in share is shown."
            )
        elif before is not None:
            report.notes.append(f"Compared with {before.period.describe()}.")
        how = f"Share is the {label} of {part} ÷ the whole program's {label}"
        report.notes.append(how + ("; its change is in percentage points." if compared else "."))
        if self.data_through is not None and self.data_through < now.period.end:
            report.notes.append(f"Data runs through {_day(self.data_through)}.")
        return report

    def _share_change(self, before: ShareFigure | None) -> Change | None:
        if before is None or before.share is None or self.points is None:
            return None
        return Change(
            absolute=Percent(value=self.points),
            percent=None,
            against=before.period.label,
            previous=Percent(value=before.share),
        )

    def _change(self, now: Value, before: Value) -> Change | None:
        if self.previous is None or before is None:
            return None
        return change(
            now,
            before,
            metric=self.metric,
            against=self.previous.period.label,
            currency=self.currency,
        )


def _lower(label: str) -> str:
    return label if label.isupper() else label.lower()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _possessive(text: str) -> str:
    return f"{text}'" if text.endswith("s") else f"{text}'s"


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _figure(session: Session, segment: Segment, period: DateRange, metric: Metric) -> ShareFigure:
    part = metric_value(queries.totals(session, period.start, period.end, segment), metric)
    base = metric_value(queries.totals(session, period.start, period.end, None), metric)
    share = None
    if base:
        share = Decimal(part or 0) / Decimal(base) * 100
    return ShareFigure(period=period, part=part, base=base, share=share)


def ratio_refusal(metric: Metric) -> NotAShare:
    label = METRICS[metric].label
    return NotAShare(
        f"{label} is a ratio ({METRICS[metric].description}), so it has no share of a total: "
        "a share needs an additive metric (clicks, leads, conversions, revenue, payout or "
        f"reversals). To compare {_lower(label)} across groups, ask for "
        f"“{_lower(label)} by tier” (or by type, country …).",
        [f"{_lower(label)} by tier", f"{_lower(label)} by partner type"],
    )


def metric_share(
    session: Session,
    *,
    segment: Segment,
    metric: Metric = "revenue",
    period: DateRange,
    compare: DateRange | None = None,
    currency: str = "USD",
) -> MetricShare:
    """`segment`'s `metric` over `period` as a share of the whole program's, with the change in
    points against `compare`. NotAShare for a ratio metric or for the whole program itself."""
    if metric not in ADDITIVE_METRICS:
        raise ratio_refusal(metric)
    if segment.is_program:
        raise NotAShare(
            f"Whose share of the program's {_lower(METRICS[metric].label)}? Name partners, a "
            "tier, a type, a country or a partner manager.",
            ["Gold partners", "affiliates", "partners in US"],
        )
    current = _figure(session, segment, period, metric)
    previous = _figure(session, segment, compare, metric) if compare is not None else None
    points = None
    if previous is not None and current.share is not None and previous.share is not None:
        points = current.share - previous.share
    bounds = queries.data_bounds(session)
    return MetricShare(
        metric=metric,
        segment=segment,
        currency=currency,
        current=current,
        previous=previous,
        points=points,
        data_through=bounds[1] if bounds else None,
    )


# --- registry adapter -----------------------------------------------------------------------


class MetricShareArgs(SegmentArgs):
    """The part is the segment fields; the base is always the whole program."""

    metric: Metric = Field(
        "revenue",
        description="The metric to take the share of; only additive ones have shares: "
        "clicks, leads, conversions, revenue, payout or reversals.",
    )
    period: str | None = Field(None, description=PERIOD_HELP)
    compare_to: str | None = Field(None, description=COMPARE_HELP)


@tool(
    "metric_share",
    "What share of the whole program's clicks, leads, conversions, revenue, payout or "
    "reversals came from a segment (partners, a tier, a type, a country …) over a period, "
    "with the change in points against a comparison period.",
    MetricShareArgs,
)
def run_metric_share(session: Session, ctx: ToolContext, args: MetricShareArgs) -> MetricShare:
    if args.metric not in ADDITIVE_METRICS:
        raise ratio_refusal(args.metric)
    resolved = resolve_segment(session, args)
    periods = resolve_periods(session, ctx.today, args.period, args.compare_to)
    result = metric_share(
        session,
        segment=resolved.segment,
        metric=args.metric,
        period=periods.period,
        compare=periods.comparison,
        currency=ctx.currency,
    )
    notes = [*resolved.notes, *periods.notes]
    narrowed = any(
        getattr(args, d)
        for d in ("types", "tiers", "statuses", "countries", "owners", "tags", "commission_models")
    )
    if args.partners and narrowed:
        notes.append(
            "The share is of the whole program: a share of a smaller base (a manager's book, "
            "a tier) isn't supported yet; the other filters only check the partners named."
        )  # fmt: skip
    result.notes = [*notes, *result.notes]
    return result
