"""Two to six partners side by side over one period: "compare Northwind and Helios last month"."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.models import Partner
from storage.queries import Totals
from tools.context import ToolContext
from tools.errors import ToolError
from tools.metrics import METRICS, Metric, Value, metric_cell, metric_value
from tools.partners import resolve_partner
from tools.performance import METRIC_GROUPS, PERIOD_HELP, resolve_periods
from tools.periods import DateRange
from tools.registry import tool
from tools.report import Cell, Percent, Report, Section, Table
from tools.segment import Segment

MAX_COMPARED = 6
"""More columns than this stop reading as a comparison in Slack."""


_LEADS: tuple[tuple[Metric, str], ...] = (
    ("revenue", "Highest"),
    ("conversion_rate", "Highest"),
    ("roas", "Highest"),
    ("reversal_rate", "Lowest"),
)
"""What the comparison calls out under the table: who leads on each of these."""


def _lower(label: str) -> str:
    return label if label.isupper() else label.lower()


class ComparedPartner(BaseModel):
    partner_key: str
    name: str
    """Exactly as stored."""
    totals: Totals
    revenue_share: Decimal | None
    """Percent of the whole program's revenue in the period; 12.5 means 12.5 %."""

    def value(self, metric: Metric) -> Value:
        return metric_value(self.totals, metric)


class PartnerComparison(BaseModel):
    """The eleven metrics for each partner over the same period, in the order asked."""

    period: DateRange
    currency: str
    partners: list[ComparedPartner]
    notes: list[str] = Field(default_factory=list)
    asked: Metric | None = None
    """The metric the question named: its row leads the table."""

    def leader(self, metric: Metric, *, lowest: bool = False) -> str | None:
        """Who alone leads on `metric` (highest, or lowest); None on a tie for the lead."""
        valued = {p.name: Decimal(v) for p in self.partners if (v := p.value(metric)) is not None}
        if not valued:
            return None
        best = (min if lowest else max)(valued.values())
        holders = [name for name, value in valued.items() if value == best]
        return holders[0] if len(holders) == 1 else None

    def report(self) -> Report:
        names = [p.name for p in self.partners]
        order = [m for _group, metrics in METRIC_GROUPS for m in metrics]
        if self.asked is not None:
            order.remove(self.asked)
            order.insert(0, self.asked)
        rows: list[list[Cell]] = [
            [METRICS[m].label, *(metric_cell(p.value(m), m, self.currency) for p in self.partners)]
            for m in order
        ]
        rows.append(
            [
                "Share of program revenue",
                *(
                    None if p.revenue_share is None else Percent(value=p.revenue_share)
                    for p in self.partners
                ),
            ]
        )
        bullets = [
            f"{word} {_lower(METRICS[metric].label)}: {leader}"
            for metric, word in _LEADS
            if (leader := self.leader(metric, lowest=word == "Lowest")) is not None
        ]
        return Report(
            title=" vs ".join(names),
            period=self.period.describe(),
            scope=f"{len(names)} partners",
            sections=[
                Section(table=Table(columns=["Metric", *names], rows=rows)),
                Section(bullets=bullets),
            ],
            notes=[*self.notes, "EPC is payout ÷ clicks; ROAS is revenue ÷ payout."],
        )


def compare_partners(
    session: Session, partners: list[Partner], *, period: DateRange, currency: str = "USD"
) -> PartnerComparison:
    """Each partner's sums over `period` (one statement), and its share of program revenue."""
    sums = queries.sums_by_partner(session, [(period.start, period.end)], Segment.of(*partners))
    program = queries.totals(session, period.start, period.end).revenue
    compared = []
    for partner in partners:
        totals = sums[partner.id][0] if partner.id in sums else Totals()
        share = totals.revenue / program * 100 if program else None
        compared.append(
            ComparedPartner(
                partner_key=partner.partner_key,
                name=partner.name,
                totals=totals,
                revenue_share=share,
            )
        )
    silent = [p.name for p in compared if p.totals == Totals()]
    notes = [f"No data in the period for {', '.join(silent)}."] if silent else []
    return PartnerComparison(period=period, currency=currency, partners=compared, notes=notes)


class ComparePartnersArgs(BaseModel):
    partners: list[str] = Field(
        description=f"Two to {MAX_COMPARED} partner names, as the user wrote them."
    )
    period: str | None = Field(None, description=PERIOD_HELP)
    metric: Metric | None = Field(
        None, description="The metric the user asked about; its row comes first."
    )


@tool(
    "compare_partners",
    "Two to six partners side by side for one period: every metric, share of program "
    "revenue, and who leads on revenue, conversion rate, ROAS and reversal rate.",
    ComparePartnersArgs,
)
def run_compare_partners(
    session: Session, ctx: ToolContext, args: ComparePartnersArgs
) -> PartnerComparison:
    resolved: dict[int, Partner] = {}
    for name in args.partners:
        partner = resolve_partner(session, name)
        resolved.setdefault(partner.id, partner)
    if len(resolved) < 2:
        raise ToolError("Name at least two different partners to compare.")
    if len(resolved) > MAX_COMPARED:
        raise ToolError(
            f"I can compare up to {MAX_COMPARED} partners at once; for more, ask for a "
            "leaderboard (e.g. “top 10 partners by revenue last month”)."
        )
    periods = resolve_periods(session, ctx.today, args.period, compare=False)
    result = compare_partners(
        session, list(resolved.values()), period=periods.period, currency=ctx.currency
    )
    result.notes = [*periods.notes, *result.notes]
    result.asked = args.metric
    return result
