"""Needs attention: one report of what is slipping, each row with the reason it is listed.

Sections, each stating its own window:
  Gone quiet        partners with no conversion in the last QUIET_DEFAULT_DAYS days that
                    converted before (`tools.insights.quiet`; its own look-back, whatever the
                    period);
  Reversal spikes   partners flagged by the reversal rule in the period
                    (`tools.insights.reversals`);
  Biggest drops     partners whose revenue fell most in the period against the previous
                    period of the same length (`tools.insights.movers`, order 'bottom');
  Goals             running goals at risk or behind as of today (`tools.goals`);
  Applications      pending applications waiting longest (the `pending_applications` tool).
Partner sections cover active partners unless the question names partners or statuses.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage.models import GoalMetric
from tools import registry
from tools.applications import ApplicationList
from tools.context import ToolContext
from tools.goals import AT_RISK_AT, ON_TRACK_AT, GoalProgress, goal_segment_notes
from tools.goals import goals_needing_attention as lagging_goals
from tools.insights.common import active_by_default
from tools.insights.movers import TopMovers, top_movers
from tools.insights.quiet import QUIET_DEFAULT_DAYS, QuietPartners, quiet_partners
from tools.insights.reversals import (
    ANOMALY_BASELINE_MULTIPLE,
    ANOMALY_PROGRAM_MULTIPLE,
    ReversalAnomalies,
    reversal_anomalies,
)
from tools.performance import resolve_periods
from tools.periods import DateRange, previous_period
from tools.registry import tool
from tools.report import Cell, Fact, Money, Percent, Ratio, Report, Section, Table
from tools.segment import DIMENSION_WORDS, Dimension, Segment, SegmentArgs, resolve_segment

SectionKind = Literal["quiet", "reversals", "drops", "goals", "applications"]

MAX_ROWS = 20
"""The most rows a planner may ask for per section."""
DEFAULT_ROWS = 5

_APPLICATION_DIMENSIONS: tuple[Dimension, ...] = ("types", "countries")
"""The segment dimensions applications can be filtered by; the others don't apply to them."""


class AttentionRow(BaseModel):
    """One thing that needs attention and why."""

    subject: str
    """The partner's name, the goal's name or the applicant's name."""
    key: str | None = None
    """The partner key, goal key or application key."""
    owner: str | None = None
    """The partner's manager (partner sections only)."""
    reason: str
    """Why it is listed, in words; the figures are in `figures`."""
    figures: list[Cell] = Field(default_factory=list)
    """Values under the section's `columns`."""


class AttentionSection(BaseModel):
    kind: SectionKind
    title: str
    window: str
    """The period the section covers, stated back ('last 14 days (9 Nov – 22 Nov 2026)')."""
    subject: str
    """Heading of the subject column: Partner, Goal or Applicant."""
    columns: list[str]
    rows: list[AttentionRow]
    total: int
    """How many matched; `rows` shows the first n."""
    none: str
    """What an empty section says."""

    def as_section(self, with_owner: bool) -> Section:
        title = f"{self.title} — {self.window}"
        if not self.rows:
            return Section(title=title, text=self.none)
        owner = ["Owner"] if with_owner else []
        table = Table(
            columns=[self.subject, *owner, "Reason", *self.columns],
            rows=[
                [r.subject, *([r.owner] if with_owner else []), r.reason, *r.figures]
                for r in self.rows
            ],
        )
        text = None
        if self.total > len(self.rows):
            text = f"The first {len(self.rows)} of {self.total}."
        return Section(title=title, table=table, text=text)


class NeedsAttention(BaseModel):
    """What needs attention in a segment, section by section."""

    today: date
    segment: Segment
    """The segment as asked."""
    partners: Segment
    """The partners the partner sections cover (active unless the question said otherwise)."""
    period: DateRange
    compare: DateRange
    n: int
    currency: str = "USD"
    sections: list[AttentionSection]
    notes: list[str] = Field(default_factory=list)

    def section(self, kind: SectionKind) -> AttentionSection | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def report(self) -> Report:
        facts = [Fact(label=s.title, value=s.total) for s in self.sections]
        sections = [Section(facts=facts)]
        sections += [
            s.as_section(with_owner=s.kind in ("quiet", "reversals", "drops"))
            for s in self.sections
        ]
        flagged = sum(s.total for s in self.sections)
        title = "Nothing needs attention" if flagged == 0 else "What needs attention"
        return Report(
            title=title,
            period=self.period.describe(),
            scope=self.partners.describe(),
            sections=sections,
            notes=[
                *self.notes,
                f"Each section states its own window: gone quiet looks back "
                f"{QUIET_DEFAULT_DAYS} days, reversal spikes and drops cover the period, goals "
                "and applications are as of today.",
            ],
        )


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def quiet_section(result: QuietPartners, n: int) -> AttentionSection:
    return AttentionSection(
        kind="quiet",
        title="Gone quiet",
        window=f"no conversions in the {result.window.describe()}",
        subject="Partner",
        columns=["Last conversion", "Revenue (90 days before)"],
        rows=[
            AttentionRow(
                subject=p.name,
                key=p.partner_key,
                owner=p.owner,
                reason=f"no conversion for {p.days_since} days",
                figures=[
                    p.last_conversion,
                    Money(amount=p.prior_revenue, currency=result.currency),
                ],
            )
            for p in result.partners[:n]
        ],
        total=len(result.partners),
        none=f"None: every partner checked converted in the {result.window.label} "
        "(or never converted).",
    )


def reversal_section(result: ReversalAnomalies, n: int) -> AttentionSection:
    flagged = result.flagged
    reason = (
        f"rate ≥ {ANOMALY_BASELINE_MULTIPLE}× its own baseline and "
        f"≥ {ANOMALY_PROGRAM_MULTIPLE}× the program's"
    )
    return AttentionSection(
        kind="reversals",
        title="Reversal spikes",
        window=f"{result.period.describe()}, against each partner's {result.baseline.describe()}",
        subject="Partner",
        columns=["Conversions", "Reversal rate", "Own baseline", "× baseline"],
        rows=[
            AttentionRow(
                subject=c.name,
                key=c.partner_key,
                owner=c.owner,
                reason=reason,
                figures=[
                    c.conversions,
                    None if c.rate is None else Percent(value=c.rate * 100),
                    None if c.baseline_rate is None else Percent(value=c.baseline_rate * 100),
                    None if c.vs_baseline is None else Ratio(value=c.vs_baseline),
                ],
            )
            for c in flagged[:n]
        ],
        total=len(flagged),
        none="None: no partner's reversal rate meets the spike rule.",
    )


def drops_attention_section(result: TopMovers) -> AttentionSection:
    def reason(current: Decimal) -> str:
        if current == 0:
            return f"no revenue, after revenue in the {result.compare.label}"
        return f"revenue down against the {result.compare.label}"

    return AttentionSection(
        kind="drops",
        title="Biggest revenue drops",
        window=f"{result.period.describe()} vs {result.compare.describe()}",
        subject="Partner",
        columns=[result.period.label, result.compare.label, "Change", "Change %"],
        rows=[
            AttentionRow(
                subject=m.name,
                key=m.key,
                owner=m.owner,
                reason=reason(m.current),
                figures=[
                    Money(amount=m.current, currency=result.currency),
                    Money(amount=m.previous, currency=result.currency),
                    Money(amount=m.change, currency=result.currency),
                    None if m.change_pct is None else Percent(value=m.change_pct),
                ],
            )
            for m in result.drops
        ],
        total=result.fell,
        none=f"None: no partner's revenue fell against the {result.compare.label}.",
    )


def _goal_value(value: Decimal, metric: str, currency: str) -> Cell:
    """Money for revenue and payout goals; counts of whole things as whole numbers."""
    if metric in (GoalMetric.REVENUE, GoalMetric.PAYOUT):
        return Money(amount=value, currency=currency)
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def _goal_reason(goal: GoalProgress) -> str:
    low, high = int(AT_RISK_AT * 100), int(ON_TRACK_AT * 100)
    if goal.status == "behind":
        return f"behind: pace under {low} % of expected by now"
    return f"at risk: pace {low}–{high} % of expected by now"


def _goals_section(goals: list[GoalProgress], today: date, n: int) -> AttentionSection:
    return AttentionSection(
        kind="goals",
        title="Goals at risk or behind",
        window=f"running goals as of {_day(today)}, data through the day before",
        subject="Goal",
        columns=["Covers", "Actual", "Expected by now", "Target", "Pace", "Ends"],
        rows=[
            AttentionRow(
                subject=g.name,
                key=g.goal_key,
                reason=_goal_reason(g),
                figures=[
                    g.scope.describe(),
                    _goal_value(g.actual, g.metric, g.currency),
                    _goal_value(g.expected, g.metric, g.currency),
                    _goal_value(g.target, g.metric, g.currency),
                    None if g.pace is None else Percent(value=g.pace),
                    g.period.end,
                ],
            )
            for g in goals[:n]
        ],
        total=len(goals),
        none="None: no running goal is at risk or behind.",
    )


def applications_section(result: ApplicationList, n: int) -> AttentionSection:
    what = result.where.describe()
    return AttentionSection(
        kind="applications",
        title="Applications waiting longest",
        window=f"pending as of {_day(result.today)}",
        subject="Applicant",
        columns=["Type", "Country", "Submitted"],
        rows=[
            AttentionRow(
                subject=a.name,
                key=a.application_key,
                reason=f"waiting {a.days_waiting} days for a decision",
                figures=[a.type, a.country, a.submitted_at],
            )
            for a in result.applications[:n]
        ],
        total=result.total,
        none=f"None: no {what} {'are' if what.endswith('s') else 'is'} waiting for a decision."
        if result.where.used
        else "None: no application is waiting for a decision.",
    )


def application_notes(segment: Segment) -> list[str]:
    if segment.partners:
        return [f"Pending applications aren't shown: applicants aren't among {segment.describe()}."]
    return [
        f"I didn't apply {_quoted(getattr(segment, d))} to pending applications: "
        f"applications aren't split by {DIMENSION_WORDS[d]}."
        for d in segment.filters()
        if d not in _APPLICATION_DIMENSIONS
    ]


def _quoted(values: tuple[str, ...]) -> str:
    quoted = [f"“{v}”" for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def needs_attention(
    session: Session,
    ctx: ToolContext,
    *,
    segment: Segment,
    period: DateRange,
    compare: DateRange | None = None,
    n: int = DEFAULT_ROWS,
) -> NeedsAttention:
    """Partners gone quiet, reversal spikes, the biggest revenue drops in `period` against the
    previous period, goals at risk or behind and the longest-waiting applications, at most
    `n` rows each, every row with its reason. `compare` defaults to the previous period of
    the same length."""
    partners = active_by_default(segment)
    compare = compare or previous_period(period)
    notes: list[str] = []
    quiet = quiet_partners(session, today=ctx.today, segment=partners, currency=ctx.currency)
    reversals = reversal_anomalies(session, period=period, segment=partners)
    drops = top_movers(
        session,
        metric="revenue",
        period=period,
        compare=compare,
        n=n,
        order="bottom",
        segment=partners,
        currency=ctx.currency,
    )
    goals = lagging_goals(session, today=ctx.today, segment=segment, currency=ctx.currency)
    notes += goal_segment_notes(segment)
    sections = [
        quiet_section(quiet, n),
        reversal_section(reversals, n),
        drops_attention_section(drops),
        _goals_section(goals, ctx.today, n),
    ]
    notes += application_notes(segment)
    if not segment.partners:
        applications = registry.call(
            session,
            ctx,
            "pending_applications",
            {"n": n, "types": list(segment.types), "countries": list(segment.countries)},
        )
        if not isinstance(applications, ApplicationList):
            raise TypeError(f"pending_applications returned {type(applications).__name__}")
        sections.append(applications_section(applications, n))
    return NeedsAttention(
        today=ctx.today,
        segment=segment,
        partners=partners,
        period=period,
        compare=compare,
        n=n,
        currency=ctx.currency,
        sections=sections,
        notes=notes,
    )


class NeedsAttentionArgs(SegmentArgs):
    period: str | None = Field(
        None,
        description="The period for reversal spikes and revenue drops (drops compare it with "
        "the previous period of the same length), in the user's words; default 'last 30 "
        "days'. Gone-quiet, goals and applications keep their own windows.",
    )
    n: int = Field(
        DEFAULT_ROWS, ge=1, le=MAX_ROWS, description="How many rows to show in each section."
    )


@tool(
    "needs_attention",
    "Which partners need attention or are slipping, in one report: partners gone quiet, "
    "reversal spikes, the biggest revenue drops, goals at risk or behind and the "
    "applications waiting longest, each row with its reason, within any segment.",
    NeedsAttentionArgs,
)
def run_needs_attention(
    session: Session, ctx: ToolContext, args: NeedsAttentionArgs
) -> NeedsAttention:
    resolved = resolve_segment(session, args)
    periods = resolve_periods(session, ctx.today, args.period)
    result = needs_attention(
        session,
        ctx,
        segment=resolved.segment,
        period=periods.period,
        compare=periods.comparison,
        n=args.n,
    )
    result.notes = [*resolved.notes, *periods.notes, *result.notes]
    return result
