"""Reversal anomalies: partners whose reversal rate spiked against their own history and the
program.

A partner of the segment (active partners unless the question names partners or statuses)
is flagged when, in the period, it has at least ANOMALY_MIN_CONVERSIONS conversions and at
least one reversal, and its reversal rate is at least ANOMALY_BASELINE_MULTIPLE × its own
rate over the ANOMALY_BASELINE_DAYS days before the period and at least
ANOMALY_PROGRAM_MULTIPLE × the whole program's rate in the period. The program rate is
always the whole program's, so a partner is flagged alike whichever segment is asked about.
A partner with no conversions in its baseline has no rate to compare and is not flagged.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.queries import Totals, activity
from tools.context import ToolContext
from tools.insights.common import HUNDRED, active_by_default, with_ties
from tools.performance import PERIOD_HELP, resolve_periods
from tools.periods import DateRange
from tools.registry import tool
from tools.report import Fact, Percent, Ratio, Report, Section, Table
from tools.segment import Segment, SegmentArgs, resolve_segment

ANOMALY_MIN_CONVERSIONS = 10
"""Fewer conversions than this in the period is too little volume to call a rate a spike."""
ANOMALY_BASELINE_MULTIPLE = Decimal(2)
"""A spike is at least this multiple of the partner's own baseline reversal rate..."""
ANOMALY_PROGRAM_MULTIPLE = Decimal(2)
"""...and at least this multiple of the whole program's reversal rate in the same period."""
ANOMALY_BASELINE_DAYS = 90
"""The partner's baseline: this many days immediately before the period."""
REVERSAL_WATCH = 5
"""Unflagged partners shown after the flagged ones: the highest rates with enough volume."""


def _rate(numerator: int, denominator: int) -> Decimal | None:
    return None if denominator == 0 else Decimal(numerator) / Decimal(denominator)


def _pct(value: Decimal | None) -> Percent | None:
    return None if value is None else Percent(value=value * HUNDRED)


def _times(value: Decimal | None) -> Ratio | None:
    return None if value is None else Ratio(value=value)


def _ratio_of(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    if value is None or base is None or base == 0:
        return None
    return value / base


class ReversalCheck(BaseModel):
    partner_key: str
    name: str
    owner: str | None
    conversions: int
    reversals: int
    rate: Decimal | None
    baseline_conversions: int
    baseline_reversals: int
    baseline_rate: Decimal | None
    vs_baseline: Decimal | None
    """rate ÷ baseline_rate (None when the baseline rate is 0 or unknown)."""
    vs_program: Decimal | None
    """rate ÷ program rate in the period."""
    flagged: bool


class ReversalAnomalies(BaseModel):
    """A segment's reversal rates against their own baseline and the program."""

    period: DateRange
    baseline: DateRange
    segment: Segment = Field(default_factory=Segment)
    """The partners checked (active partners unless the question said otherwise)."""
    program_conversions: int
    program_reversals: int
    program_rate: Decimal | None
    """The whole program's rate in the period, whatever the segment."""
    partners_checked: int
    """Partners of the segment with conversions in the period: everyone the rule was applied to."""
    partners: list[ReversalCheck]
    """Every flagged partner, then a watch list: the REVERSAL_WATCH highest rates among the
    others with enough volume to judge. Highest rate first."""
    notes: list[str] = Field(default_factory=list)

    @property
    def flagged(self) -> list[ReversalCheck]:
        return [p for p in self.partners if p.flagged]

    @property
    def watch(self) -> list[ReversalCheck]:
        return [p for p in self.partners if not p.flagged]

    def report(self) -> Report:
        flagged = self.flagged
        facts = [
            Fact(label="Program reversal rate", value=_pct(self.program_rate)),
            Fact(label="Program reversals", value=self.program_reversals),
            Fact(label="Partners checked", value=self.partners_checked),
        ]
        sections = [Section(facts=facts)]
        if flagged:
            title = (
                f"{len(flagged)} partner{'s' if len(flagged) != 1 else ''} with a reversal spike"
            )
            sections.append(Section(title="Flagged", table=reversal_table(flagged)))
        else:
            title = "No reversal spikes"
            sections.append(Section(text="No checked partner's reversal rate meets the rule."))
        if self.watch:
            sections.append(Section(title="Highest other rates", table=reversal_table(self.watch)))
        notes = [*self.notes, rule_note(self.baseline)]
        if not self.segment.without("statuses").is_program:
            notes.append("The program rate is the whole program's, not only these partners'.")
        return Report(
            title=title,
            period=self.period.describe(),
            scope=self.segment.describe(),
            sections=sections,
            notes=notes,
        )


def rule_note(baseline: DateRange) -> str:
    """The flagging rule in words, with the baseline window it used."""
    return (
        f"Flagged when the rate is ≥ {ANOMALY_BASELINE_MULTIPLE}× the partner's own rate "
        f"over its {baseline.describe()} and ≥ {ANOMALY_PROGRAM_MULTIPLE}× the program rate, "
        f"with at least {ANOMALY_MIN_CONVERSIONS} conversions in the period."
    )


def reversal_table(checks: list[ReversalCheck]) -> Table:
    return Table(
        columns=[
            "Partner",
            "Owner",
            "Conversions",
            "Reversals",
            "Reversal rate",
            "Own baseline",
            "× baseline",
            "× program",
        ],
        rows=[
            [
                p.name,
                p.owner,
                p.conversions,
                p.reversals,
                _pct(p.rate),
                _pct(p.baseline_rate),
                _times(p.vs_baseline),
                _times(p.vs_program),
            ]
            for p in checks
        ],
    )


def reversal_anomalies(
    session: Session, *, period: DateRange, segment: Segment | None = None
) -> ReversalAnomalies:
    """Partners whose reversal rate spiked against their own history and the program: fraud
    risk. `segment` defaults to active partners (see `active_by_default`)."""
    who = active_by_default(segment or Segment())
    baseline = DateRange(
        start=period.start - timedelta(days=ANOMALY_BASELINE_DAYS),
        end=period.start - timedelta(days=1),
        label=f"{ANOMALY_BASELINE_DAYS}-day baseline",
    )
    program = queries.totals(session, period.start, period.end)
    program_rate = _rate(program.reversals, program.conversions)
    # Both windows in one statement, two columns each, the segment's partners only.
    sums = queries.sums_by_partner(
        session,
        [(period.start, period.end), (baseline.start, baseline.end)],
        who,
        names=("conversions", "reversals"),
    )
    rated = [
        (rate, pid, now, base)
        for pid, (now, base) in sums.items()
        if now.conversions > 0 and (rate := _rate(now.reversals, now.conversions)) is not None
    ]
    flagged, others = [], []
    for rate, pid, now, base in rated:
        if _is_spike(now, rate, _rate(base.reversals, base.conversions), program_rate):
            flagged.append((rate, pid, now, base))
        elif now.conversions >= ANOMALY_MIN_CONVERSIONS:
            others.append((rate, pid, now, base))
    others.sort(key=lambda r: r[0], reverse=True)
    shown = flagged + with_ties(others, REVERSAL_WATCH)
    rows = activity.partner_rows(session, [pid for _, pid, _, _ in shown])
    checks: list[ReversalCheck] = []
    for rate, pid, now, base in shown:
        row = rows[pid]
        base_rate = _rate(base.reversals, base.conversions)
        checks.append(
            ReversalCheck(
                partner_key=row.key,
                name=row.name,
                owner=row.owner,
                conversions=now.conversions,
                reversals=now.reversals,
                rate=rate,
                baseline_conversions=base.conversions,
                baseline_reversals=base.reversals,
                baseline_rate=base_rate,
                vs_baseline=_ratio_of(rate, base_rate),
                vs_program=_ratio_of(rate, program_rate),
                flagged=_is_spike(now, rate, base_rate, program_rate),
            )
        )
    checks.sort(key=lambda c: (not c.flagged, -(c.rate or Decimal(0)), c.name))
    watched = [c for c in checks if not c.flagged][:REVERSAL_WATCH]
    return ReversalAnomalies(
        period=period,
        baseline=baseline,
        segment=who,
        program_conversions=program.conversions,
        program_reversals=program.reversals,
        program_rate=program_rate,
        partners_checked=len(rated),
        partners=[c for c in checks if c.flagged] + watched,
    )


def _is_spike(
    now: Totals, rate: Decimal | None, base_rate: Decimal | None, program_rate: Decimal | None
) -> bool:
    if now.conversions < ANOMALY_MIN_CONVERSIONS or now.reversals == 0 or rate is None:
        return False
    if base_rate is None or program_rate is None:
        return False
    return rate >= ANOMALY_BASELINE_MULTIPLE * base_rate and (
        rate >= ANOMALY_PROGRAM_MULTIPLE * program_rate
    )


class ReversalAnomaliesArgs(SegmentArgs):
    period: str | None = Field(None, description=PERIOD_HELP)


@tool(
    "reversal_anomalies",
    "Partners whose reversal (refund/fraud) rate spiked against their own baseline and the "
    "program in a period, within any segment (active partners unless statuses are given).",
    ReversalAnomaliesArgs,
)
def run_reversals(
    session: Session, ctx: ToolContext, args: ReversalAnomaliesArgs
) -> ReversalAnomalies:
    resolved = resolve_segment(session, args)
    periods = resolve_periods(session, ctx.today, args.period, compare=False)
    result = reversal_anomalies(session, period=periods.period, segment=resolved.segment)
    result.notes = [*resolved.notes, *periods.notes]
    return result
