"""Quarterly business review: one quarter's numbers, trends, goals and next steps for a scope."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Goal, GoalScope, Partner
from storage.queries import PartnerFilter, Totals, series, totals
from tools.context import ToolContext
from tools.errors import NotFound, PeriodError
from tools.goals import GoalProgress, progress_of
from tools.metrics import change, metric_cell, metric_value
from tools.partners import resolve_partner
from tools.performance import resolve_tier
from tools.periods import DateRange, last_full_quarter, parse_quarter, previous_period, quarter_of
from tools.registry import tool
from tools.report import Cell, Change, Fact, Money, Percent, Ratio, Report, Section, Table
from tools.scope import Scope

KpiName = Literal[
    "revenue",
    "conversions",
    "clicks",
    "payout",
    "roas",
    "conversion_rate",
    "aov",
    "reversal_rate",
]
KPIS: tuple[tuple[KpiName, str], ...] = (
    ("revenue", "Revenue"),
    ("conversions", "Conversions"),
    ("clicks", "Clicks"),
    ("payout", "Payout"),
    ("roas", "ROAS"),
    ("conversion_rate", "Conversion rate"),
    ("aov", "Average order value"),
    ("reversal_rate", "Reversal rate"),
)
NOTABLE_CHANGE_PCT = Decimal(10)
"""A quarter-on-quarter move this large (in %) becomes a highlight or a risk."""
GROWTH_FLOOR = Decimal("-0.20")
GROWTH_CEILING = Decimal("0.25")
"""Suggested goals apply the quarter-on-quarter trend, clamped to this range."""
QUIET_TAIL_DAYS = 14
"""A conversion-free stretch this long at the end of the quarter is flagged."""

_HUNDRED = Decimal(100)
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "KRW": "₩"}


# ---- wording of numbers inside sentences (shared with tools.drafts) ----


def money_text(amount: Decimal, currency: str) -> str:
    """Money inside a sentence: whole units from 1,000 up, cents below, symbol or ISO code."""
    places = Decimal(1) if abs(amount) >= 1000 else Decimal("0.01")
    rounded = amount.quantize(places, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    digits = f"{abs(rounded):,}"
    symbol = _SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency.upper()}"


def percent_text(value: Decimal, places: int = 1) -> str:
    """A percentage inside a sentence: `12.5` reads '12.5%'."""
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,}%"


def count_text(value: int) -> str:
    """A count inside a sentence, with thousands separators."""
    return f"{value:,}"


def day_text(day: date) -> str:
    """A date inside a sentence: '3 Aug 2026'."""
    return f"{day.day} {day:%b %Y}"


def span_text(start: date, end: date) -> str:
    """A span of days inside a sentence: '10–16 Aug 2026', '28 Sep – 4 Oct 2026'."""
    if start.year != end.year:
        return f"{day_text(start)} – {day_text(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {day_text(end)}"
    return f"{start.day}–{day_text(end)}"


# ---- result models ----


class KpiLine(BaseModel):
    metric: KpiName
    label: str
    value: Cell
    previous: Cell
    change: Change | None = None


class WeekLine(BaseModel):
    monday: date
    sunday: date
    revenue: Decimal
    conversions: int
    complete: bool
    """False for the running week of a quarter in progress."""


def week_text(week: WeekLine) -> str:
    """An ISO week inside a sentence: '10–16 Aug 2026'."""
    return span_text(week.monday, week.sunday)


class ReversalHealth(BaseModel):
    rate: Decimal | None
    previous_rate: Decimal | None
    program_rate: Decimal | None
    """The whole program's rate in the same quarter (None when the scope is the program)."""


class SuggestedGoal(BaseModel):
    metric: Literal["revenue", "conversions"]
    target: Decimal
    run_rate: Decimal
    growth_pct: Decimal
    reasoning: str


class QBRSummary(BaseModel):
    scope: Scope
    quarter: DateRange
    previous: DateRange
    next_quarter: DateRange
    currency: str
    kpis: list[KpiLine]
    goals: list[GoalProgress] = Field(default_factory=list)
    weeks: list[WeekLine] = Field(default_factory=list)
    best_week: WeekLine | None = None
    worst_week: WeekLine | None = None
    reversals: ReversalHealth
    revenue_share_pct: Decimal | None = None
    """The scope's share of program revenue in the quarter (None for the program itself)."""
    owner: str | None = None
    exec_sponsor: str | None = None
    highlights: list[str] = Field(default_factory=list)
    risks: list[str] = Field(default_factory=list)
    suggested_goals: list[SuggestedGoal] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def kpi(self, metric: KpiName) -> KpiLine:
        """The headline line for `metric`."""
        return next(line for line in self.kpis if line.metric == metric)

    def report(self) -> Report:
        sections = [
            Section(
                title="Headline",
                facts=[Fact(label=k.label, value=k.value, change=k.change) for k in self.kpis],
            )
        ]
        if self.revenue_share_pct is not None:
            sections[0].facts.append(
                Fact(label="Share of program revenue", value=Percent(value=self.revenue_share_pct))
            )
        if self.goals:
            sections.append(Section(title="Goals", table=self._goal_table()))
        sections.append(Section(title="Weeks", facts=self._week_facts()))
        sections.append(Section(title="Reversal health", facts=self._reversal_facts()))
        if self.owner or self.exec_sponsor:
            sections.append(
                Section(
                    title="People",
                    facts=[
                        Fact(label="Owner", value=self.owner or "not set"),
                        Fact(label="Exec sponsor", value=self.exec_sponsor or "not set"),
                    ],
                )
            )
        sections.append(Section(title="Highlights", bullets=self.highlights or ["None stood out."]))
        sections.append(Section(title="Risks", bullets=self.risks or ["None flagged."]))
        if self.suggested_goals:
            sections.append(
                Section(
                    title=f"Suggested goals for {self.next_quarter.label}",
                    facts=[
                        Fact(label=f"{g.metric.capitalize()} target", value=self._goal_cell(g))
                        for g in self.suggested_goals
                    ],
                    bullets=[g.reasoning for g in self.suggested_goals],
                )
            )
        return Report(
            title=f"QBR: {self.scope.label}, {self.quarter.label}",
            period=self.quarter.describe(),
            scope=self.scope.label,
            sections=sections,
            notes=[f"Changes compare with {self.previous.describe()}.", *self.notes],
        )

    def _goal_cell(self, goal: SuggestedGoal) -> Cell:
        if goal.metric == "revenue":
            return Money(amount=goal.target, currency=self.currency)
        return int(goal.target)

    def _goal_table(self) -> Table:
        rows: list[list[Cell]] = []
        for g in self.goals:
            target, actual = (
                self._goal_value(g.metric, g.target),
                self._goal_value(g.metric, g.actual),
            )
            attainment = None if g.attainment is None else Percent(value=g.attainment)
            rows.append([g.name, target, actual, attainment, g.status])
        return Table(columns=["Goal", "Target", "Actual", "Attainment", "Status"], rows=rows)

    def _goal_value(self, metric: str, value: Decimal) -> Cell:
        if metric in ("revenue", "payout"):
            return Money(amount=value, currency=self.currency)
        return int(value) if value == value.to_integral_value() else value

    def _week_facts(self) -> list[Fact]:
        facts: list[Fact] = []
        for label, week in (("Best week", self.best_week), ("Worst week", self.worst_week)):
            if week is not None:
                facts.append(
                    Fact(
                        label=f"{label} ({week_text(week)})",
                        value=Money(amount=week.revenue, currency=self.currency),
                    )
                )
        if not facts:
            facts.append(Fact(label="Weeks", value="no complete week yet"))
        return facts

    def _reversal_facts(self) -> list[Fact]:
        r = self.reversals
        facts = [
            Fact(
                label="Reversal rate",
                value=_percent_cell(r.rate),
                change=change(
                    None if r.rate is None else r.rate / _HUNDRED,
                    None if r.previous_rate is None else r.previous_rate / _HUNDRED,
                    metric="reversal_rate",
                    against=self.previous.label,
                ),
            ),
            Fact(label=f"Previous ({self.previous.label})", value=_percent_cell(r.previous_rate)),
        ]
        if self.scope.kind != "program":
            facts.append(Fact(label="Program", value=_percent_cell(r.program_rate)))
        return facts


# ---- the tool ----


def qbr_summary(
    session: Session,
    *,
    scope: Scope,
    quarter: DateRange | None = None,
    today: date,
    currency: str = "USD",
) -> QBRSummary:
    """Summarise a quarter for a partner, tier or the program, with next-quarter goals."""
    quarter = _clip_quarter(quarter or last_full_quarter(today), today)
    previous = _comparison(quarter)
    next_q = quarter_of(quarter_of(quarter.start).end + timedelta(days=1))
    who, partner = _filter(session, scope)

    now = totals(session, quarter.start, quarter.end, who)
    before = totals(session, previous.start, previous.end, who)
    program = totals(session, quarter.start, quarter.end) if scope.kind != "program" else now

    kpis = [_kpi_line(m, label, now, before, currency, previous.label) for m, label in KPIS]
    weeks = _weeks(session, quarter, who, today)
    ranked = [w for w in weeks if w.complete] or weeks
    best = max(ranked, key=lambda w: (w.revenue, -w.monday.toordinal()), default=None)
    worst = min(ranked, key=lambda w: (w.revenue, w.monday.toordinal()), default=None)
    reversals = ReversalHealth(
        rate=_rate(now.reversals, now.conversions),
        previous_rate=_rate(before.reversals, before.conversions),
        program_rate=_rate(program.reversals, program.conversions)
        if scope.kind != "program"
        else None,
    )
    share = None
    if scope.kind != "program" and program.revenue > 0:
        share = now.revenue * _HUNDRED / program.revenue

    summary = QBRSummary(
        scope=scope,
        quarter=quarter,
        previous=previous,
        next_quarter=next_q,
        currency=currency,
        kpis=kpis,
        goals=_goals(session, scope, partner, quarter, today, currency),
        weeks=weeks,
        best_week=best if best is not None and best.revenue > 0 else None,
        worst_week=worst if len(ranked) > 1 else None,
        reversals=reversals,
        revenue_share_pct=share,
        owner=partner.owner if partner else None,
        exec_sponsor=partner.exec_sponsor if partner else None,
        notes=_notes(quarter, weeks),
    )
    summary.suggested_goals = _suggest(now, before, quarter, previous, next_q, currency)
    summary.highlights, summary.risks = _bullets(session, summary, who, now, before)
    return summary


# ---- periods and scope ----


def _clip_quarter(quarter: DateRange, today: date) -> DateRange:
    if quarter.start > today:
        raise PeriodError(
            f"{quarter.label} hasn't started yet (it begins {day_text(quarter.start)}). "
            "Try the last full quarter, e.g. “last quarter”."
        )
    if quarter.end >= today:
        return quarter.model_copy(update={"end": today, "to_date": True})
    return quarter


def _comparison(quarter: DateRange) -> DateRange:
    """The previous quarter; for a quarter in progress, that quarter up to the same point."""
    before = previous_period(quarter)
    if not quarter.to_date:
        return before
    return before.model_copy(
        update={"label": f"{before.label} to {before.end.day} {before.end:%b}"}
    )


def _filter(session: Session, scope: Scope) -> tuple[PartnerFilter, Partner | None]:
    if scope.kind == "program":
        return PartnerFilter(), None
    if scope.kind == "tier":
        return PartnerFilter(tier=scope.value), None
    if scope.kind == "type":
        return PartnerFilter(partner_type=scope.value), None
    partner = session.scalar(select(Partner).where(Partner.partner_key == scope.value))
    if partner is None:
        raise NotFound(f"There is no partner with key “{scope.value}”.")
    return PartnerFilter(partner_ids=[partner.id]), partner


# ---- numbers ----


def _rate(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole` (12.5 means 12.5 %); None when `whole` is 0."""
    return None if whole == 0 else Decimal(part) * _HUNDRED / Decimal(whole)


def _percent_cell(value: Decimal | None) -> Cell:
    return None if value is None else Percent(value=value)


def _pct_change(now: Decimal | int, before: Decimal | int) -> Decimal | None:
    if before == 0:
        return None
    return (Decimal(now) - Decimal(before)) * _HUNDRED / Decimal(before)


def _kpi_line(
    metric: KpiName, label: str, now: Totals, before: Totals, currency: str, against: str
) -> KpiLine:
    value, previous = metric_value(now, metric), metric_value(before, metric)
    return KpiLine(
        metric=metric,
        label=label,
        value=metric_cell(value, metric, currency),
        previous=metric_cell(previous, metric, currency),
        change=change(value, previous, metric=metric, against=against, currency=currency),
    )


def _weeks(session: Session, quarter: DateRange, who: PartnerFilter, today: date) -> list[WeekLine]:
    """ISO weeks (Mon–Sun) touching the quarter; complete once their Sunday is over."""
    first_monday = quarter.start - timedelta(days=quarter.start.weekday())
    last_sunday = quarter.end + timedelta(days=6 - quarter.end.weekday())
    data_end = min(last_sunday, today)
    return [
        WeekLine(
            monday=monday,
            sunday=monday + timedelta(days=6),
            revenue=week.revenue,
            conversions=week.conversions,
            complete=monday + timedelta(days=6) < today,
        )
        for monday, week in series(session, first_monday, data_end, "week", who)
    ]


def _goals(
    session: Session,
    scope: Scope,
    partner: Partner | None,
    quarter: DateRange,
    today: date,
    currency: str,
) -> list[GoalProgress]:
    """Goals of exactly this scope whose dates overlap the quarter, measured by tools.goals."""
    stmt = select(Goal).where(Goal.start <= quarter.end, Goal.end >= quarter.start)
    if scope.kind == "program":
        stmt = stmt.where(Goal.scope == GoalScope.PROGRAM)
    elif scope.kind == "tier" and scope.value is not None:
        stmt = stmt.where(
            Goal.scope == GoalScope.TIER, func.lower(Goal.tier) == scope.value.lower()
        )
    elif partner is not None:
        stmt = stmt.where(Goal.scope == GoalScope.PARTNER, Goal.partner_id == partner.id)
    else:
        return []
    goals = session.scalars(stmt.order_by(Goal.start, Goal.goal_key)).all()
    return [progress_of(session, goal, today=today, currency=currency) for goal in goals]


def _round_target(value: Decimal) -> Decimal:
    """Round a suggested target to a step that reads naturally (1,000s, 100s, 10s or units)."""
    size = abs(value)
    step = Decimal(1000 if size >= 10_000 else 100 if size >= 1_000 else 10 if size >= 100 else 1)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _suggest(
    now: Totals,
    before: Totals,
    quarter: DateRange,
    previous: DateRange,
    next_q: DateRange,
    currency: str,
) -> list[SuggestedGoal]:
    """Next quarter's targets: this quarter's daily run-rate × its length × (1 + clamped trend)."""
    goals: list[SuggestedGoal] = []
    counted = quarter.days - 1 if quarter.to_date else quarter.days
    # Days with complete data: a running quarter's last day is today, still in progress.
    if counted < 1:
        return goals
    for metric in ("revenue", "conversions"):
        current = Decimal(getattr(now, metric))
        if current <= 0:
            continue
        prior = Decimal(getattr(before, metric))
        daily = current / counted
        run_rate = daily * next_q.days
        if prior > 0:
            raw = daily / (prior / previous.days) - 1
            growth = min(max(raw, GROWTH_FLOOR), GROWTH_CEILING)
            trend = f"the daily rate moved {_signed_pct(raw * _HUNDRED)} vs {previous.label}" + (
                f", capped at {_signed_pct(growth * _HUNDRED)}" if growth != raw else ""
            )
        else:
            growth = Decimal(0)
            trend = f"no {metric} in {previous.label} to take a trend from, so no growth added"
        target = _round_target(run_rate * (1 + growth))
        so_far = " so far" if quarter.to_date else ""
        reasoning = (
            f"{metric.capitalize()}: {_amount(daily, metric, currency)} a day in "
            f"{quarter.label}{so_far} over the {next_q.days} days of {next_q.label} is "
            f"{_amount(run_rate, metric, currency)}; {trend}; "
            f"{_amount(run_rate, metric, currency)} × {1 + growth:.3f} rounds to "
            f"{_amount(target, metric, currency)}."
        )
        goals.append(
            SuggestedGoal(
                metric=metric,
                target=target,
                run_rate=run_rate,
                growth_pct=growth * _HUNDRED,
                reasoning=reasoning,
            )
        )
    return goals


def _amount(value: Decimal, metric: str, currency: str) -> str:
    if metric == "revenue":
        return money_text(value, currency)
    if abs(value) < 100 and value != value.to_integral_value():
        return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"
    return count_text(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def _signed_pct(value: Decimal) -> str:
    text = percent_text(value)
    return text if text.startswith("-") else "+" + text


# ---- highlights and risks ----


def _bullets(
    session: Session, summary: QBRSummary, who: PartnerFilter, now: Totals, before: Totals
) -> tuple[list[str], list[str]]:
    """Rule-based highlights and risks, each a sentence stating the numbers behind it."""
    highlights: list[str] = []
    risks: list[str] = []
    q, prev, cur = summary.quarter.label, summary.previous.label, summary.currency
    if now.clicks == 0 and now.conversions == 0 and now.revenue == 0:
        risks.append(f"No activity recorded in {q}.")
        return highlights, risks

    for metric, label in (("revenue", "Revenue"), ("conversions", "Conversions")):
        a, b = getattr(now, metric), getattr(before, metric)
        change = _pct_change(a, b)
        shown = (
            (money_text(b, cur), money_text(a, cur))
            if metric == "revenue"
            else (count_text(b), count_text(a))
        )
        if change is None:
            if a > 0:
                highlights.append(f"{label} of {shown[1]} in {q}, up from nothing in {prev}.")
        elif change >= NOTABLE_CHANGE_PCT:
            highlights.append(
                f"{label} up {percent_text(change)} vs {prev} ({shown[0]} → {shown[1]})."
            )
        elif change <= -NOTABLE_CHANGE_PCT:
            risks.append(
                f"{label} down {percent_text(-change)} vs {prev} ({shown[0]} → {shown[1]})."
            )

    roas = summary.kpi("roas")
    roas_pct = roas.change.percent if roas.change is not None else None
    if roas_pct is not None and isinstance(roas.value, Ratio) and isinstance(roas.previous, Ratio):
        pair = f"{roas.previous.value:.2f}× → {roas.value.value:.2f}×"
        if roas_pct >= NOTABLE_CHANGE_PCT:
            highlights.append(f"ROAS improved {percent_text(roas_pct)} ({pair}).")
        elif roas_pct <= -NOTABLE_CHANGE_PCT:
            risks.append(f"ROAS fell {percent_text(-roas_pct)} ({pair}).")

    payout_change = _pct_change(now.payout, before.payout)
    revenue_change = _pct_change(now.revenue, before.revenue)
    if (
        payout_change is not None
        and revenue_change is not None
        and payout_change - revenue_change >= NOTABLE_CHANGE_PCT
    ):
        risks.append(
            f"Payout grew {percent_text(payout_change)} while revenue moved "
            f"{_signed_pct(revenue_change)} vs {prev}."
        )

    _reversal_bullets(summary, highlights, risks)
    _goal_bullets(summary, highlights, risks)

    if summary.revenue_share_pct is not None and summary.revenue_share_pct >= NOTABLE_CHANGE_PCT:
        highlights.append(
            f"Brought {percent_text(summary.revenue_share_pct)} of program revenue in {q}."
        )
    if summary.best_week is not None:
        highlights.append(
            f"Best week: {week_text(summary.best_week)}, "
            f"{money_text(summary.best_week.revenue, cur)} revenue."
        )
    quiet = _quiet_tail(session, summary.quarter, who)
    if quiet is not None:
        risks.append(quiet)
    return highlights, risks


def _reversal_bullets(summary: QBRSummary, highlights: list[str], risks: list[str]) -> None:
    r, prev = summary.reversals, summary.previous.label
    if r.rate is not None and r.previous_rate:
        ratio = r.rate / r.previous_rate
        if ratio >= 2 and r.rate >= 1:
            word = (
                "doubled"
                if ratio < Decimal("2.5")
                else "tripled"
                if ratio < Decimal("3.5")
                else f"rose {ratio:.0f}-fold"
            )
            risks.append(
                f"Reversal rate {word} to {percent_text(r.rate)} "
                f"(from {percent_text(r.previous_rate)} in {prev})."
            )
        elif ratio <= Decimal("0.5"):
            highlights.append(
                f"Reversal rate halved or better: {percent_text(r.previous_rate)} in {prev} "
                f"→ {percent_text(r.rate)}."
            )
    if (
        r.rate is not None
        and r.program_rate is not None
        and r.rate >= r.program_rate * Decimal("1.5")
        and r.rate - r.program_rate >= 1
    ):
        risks.append(
            f"Reversal rate {percent_text(r.rate)} is well above the program's "
            f"{percent_text(r.program_rate)}."
        )


def _goal_bullets(summary: QBRSummary, highlights: list[str], risks: list[str]) -> None:
    for g in summary.goals:
        if g.attainment is None:
            continue
        share = percent_text(g.attainment)
        if g.status == "achieved":
            highlights.append(f"Goal “{g.name}” achieved: {share} of target.")
        elif g.status == "missed":
            risks.append(f"Goal “{g.name}” missed: {share} of target when it ended.")
        elif g.status in ("behind", "at risk"):
            risks.append(
                f"Goal “{g.name}” {g.status}: {share} of target vs "
                f"{percent_text(g.expected_fraction * _HUNDRED)} due by now."
            )
        elif g.status == "ahead":
            highlights.append(
                f"Goal “{g.name}” ahead of pace: {share} of target vs "
                f"{percent_text(g.expected_fraction * _HUNDRED)} due by now."
            )


def _quiet_tail(session: Session, quarter: DateRange, who: PartnerFilter) -> str | None:
    last = quarter.end - timedelta(days=1) if quarter.to_date else quarter.end
    if last < quarter.start:
        return None
    tail_start = max(quarter.start, last - timedelta(days=QUIET_TAIL_DAYS - 1))
    if totals(session, tail_start, last, who).conversions > 0:
        return None  # converted in the tail: no need to read the whole quarter day by day
    days = series(session, quarter.start, last, "day", who)
    converting = [day for day, t in days if t.conversions > 0]
    if not converting:
        return f"No conversions at all in {quarter.label}."
    gap = (last - converting[-1]).days
    if gap < QUIET_TAIL_DAYS:
        return None
    where = "so far this quarter" if quarter.to_date else "of the quarter"
    return (
        f"No conversions in the last {gap // 7} weeks {where} "
        f"(last one on {day_text(converting[-1])})."
    )


def _notes(quarter: DateRange, weeks: list[WeekLine]) -> list[str]:
    notes = ["Best and worst weeks are whole ISO weeks (Mon–Sun) touching the quarter."]
    if quarter.to_date:
        notes.append(
            f"{quarter.label} is still running: figures cover it to date and compare with the "
            "previous quarter up to the same point."
        )
        if weeks and not weeks[-1].complete:
            notes.append("The running week is left out of the best/worst ranking.")
    return notes


# ---- registry adapter ----


class QBRArgs(BaseModel):
    partner: str | None = None
    tier: str | None = None
    quarter: str | None = None
    """A quarter such as “Q3”, “Q3 2026” or “last quarter”; default the last full quarter."""


@tool(
    "qbr_summary",
    "Quarterly business review for a partner, a tier or the whole program: headline KPIs vs the "
    "previous quarter, goals, best/worst weeks, reversals, highlights, risks, suggested goals.",
    QBRArgs,
)
def run(session: Session, ctx: ToolContext, args: QBRArgs) -> QBRSummary:
    """Resolve the planner's words into a scope and quarter, then summarise."""
    if args.partner:
        found = resolve_partner(session, args.partner)
        scope = Scope.partner(found.partner_key, found.name)
    elif args.tier:
        scope = Scope.tier(resolve_tier(session, args.tier))
    else:
        scope = Scope.program()
    quarter = parse_quarter(args.quarter, ctx.today) if args.quarter else None
    summary = qbr_summary(
        session, scope=scope, quarter=quarter, today=ctx.today, currency=ctx.currency
    )
    if args.partner and args.tier:
        summary.notes.append(
            f"Showing the partner {scope.label}; the tier “{args.tier}” was set aside."
        )
    return summary


__all__ = [
    "KPIS",
    "KpiLine",
    "QBRArgs",
    "QBRSummary",
    "ReversalHealth",
    "SuggestedGoal",
    "WeekLine",
    "count_text",
    "day_text",
    "money_text",
    "percent_text",
    "qbr_summary",
    "span_text",
    "week_text",
]
