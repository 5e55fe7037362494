"""Goal progress: how far each goal is, where it should be by now, what the next checkpoint needs.

Counting days. Data for a day is complete only once the day is over (imports and the demo
carry data up to yesterday), so a goal counts full days only: the last counted day is
`through = min(today - 1, end)`. Actual, expected and pace are all taken at `through`.

Expected by now. A goal's schedule is a piecewise-linear curve of the share of the target due,
measured in elapsed days: 0 at the start (no day counted yet), each checkpoint's fraction once
its due day is counted, and 1.0 once the end day is counted. A goal without checkpoints is
paced linearly: elapsed days ÷ total days. Expected = target × that share.

Status of a running goal compares actual with expected (pace = actual ÷ expected):
  ahead       pace ≥ AHEAD_AT (105 %)
  on track    pace ≥ ON_TRACK_AT (95 %)
  at risk     pace ≥ AT_RISK_AT (80 %)
  behind      pace < 80 %
Nothing due yet counts as on track. A goal whose end day is counted is "achieved"
(actual ≥ target) or "missed"; one with no counted day yet is "not started".
Forecast is the pace to date carried to the end: actual ÷ elapsed days × total days
(not for active_partners, a distinct count that does not grow linearly).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import queries
from storage.models import Goal, GoalMetric, GoalScope, Partner
from storage.queries import PartnerFilter
from tools.context import ToolContext
from tools.errors import NotFound
from tools.partners import resolve_partner
from tools.performance import resolve_tier
from tools.periods import DateRange, quarter_of, resolve_period
from tools.registry import tool
from tools.report import Cell, Money, Percent, Report, Section, Table
from tools.scope import Scope

GoalStatus = Literal["ahead", "on track", "at risk", "behind", "achieved", "missed", "not started"]

AHEAD_AT = Decimal("1.05")
"""Pace (actual ÷ expected) at or above which a running goal is ahead."""
ON_TRACK_AT = Decimal("0.95")
"""Pace at or above which a running goal is on track."""
AT_RISK_AT = Decimal("0.80")
"""Pace at or above which a running goal is at risk; below it, behind."""
FINISHED_LOOKBACK_DAYS = 92
"""Without a goal filter, finished goals are listed for this long after they end (a quarter)."""


def pace_status(actual: Decimal, expected: Decimal) -> GoalStatus:
    """The status of a running goal from actual against expected-by-now (module thresholds)."""
    if expected <= 0:
        return "on track"
    pace = actual / expected
    if pace >= AHEAD_AT:
        return "ahead"
    if pace >= ON_TRACK_AT:
        return "on track"
    if pace >= AT_RISK_AT:
        return "at risk"
    return "behind"


def expected_fraction(
    start: date, end: date, checkpoints: Sequence[tuple[date, Decimal]], through: date
) -> Decimal:
    """Share of the target due once day `through` is counted (see the module docstring)."""
    total = (end - start).days + 1
    elapsed = (through - start).days + 1
    if elapsed <= 0:
        return Decimal(0)
    if elapsed >= total:
        return Decimal(1)
    points = [(0, Decimal(0))]
    for due_on, fraction in sorted(checkpoints):
        x = (due_on - start).days + 1
        if 0 < x < total:
            points.append((x, Decimal(fraction)))
    points.append((total, Decimal(1)))
    for (x0, f0), (x1, f1) in pairwise(points):
        if x0 <= elapsed <= x1 and x1 > x0:
            return f0 + (f1 - f0) * Decimal(elapsed - x0) / Decimal(x1 - x0)
    return Decimal(1)  # pragma: no cover - the points span 0..total


class NextCheckpoint(BaseModel):
    """The next date something is due: a checkpoint, or the goal's end."""

    due_on: date
    fraction: Decimal
    """Cumulative share of the target due by then (0.4 = 40 %)."""
    amount_due: Decimal
    """Cumulative amount due by then (target × fraction)."""
    still_needed: Decimal
    """What must still be added from now to meet it (0 when already met)."""
    days_left: int
    """Days from the last counted day to the due day."""
    per_day: Decimal | None
    """still_needed ÷ days_left; None for active_partners or when no day is left."""
    is_goal_end: bool


class GoalProgress(BaseModel):
    """One goal's progress as of the last full day of data."""

    goal_key: str
    name: str
    scope: Scope
    metric: str
    """A GoalMetric value: revenue, conversions, leads, clicks, payout, active_partners."""
    target: Decimal
    currency: str = "USD"
    """Currency of revenue and payout goals."""
    period: DateRange
    through: date | None
    """Last day counted; None when no day of the goal has passed yet."""
    days_elapsed: int
    days_total: int
    actual: Decimal
    expected: Decimal
    expected_fraction: Decimal
    attainment: Decimal | None
    """Actual as a percent of target (40 = 40 %)."""
    pace: Decimal | None
    """Actual as a percent of expected-by-now; None when nothing is due yet."""
    forecast: Decimal | None
    """Pace-based value at the end date (the final actual once finished)."""
    status: GoalStatus
    finished: bool
    next_checkpoint: NextCheckpoint | None


class GoalProgressList(BaseModel):
    """Progress of the goals a request asked about, running goals first."""

    today: date
    currency: str
    filter_label: str
    goals: list[GoalProgress]
    notes: list[str] = Field(default_factory=list)

    def report(self) -> Report:
        yesterday = self.today - timedelta(days=1)
        report = Report(
            title="Goal progress",
            period=f"As of {_day(self.today)} (data through {_day(yesterday)})",
            scope=self.filter_label,
            notes=list(self.notes),
        )
        if not self.goals:
            report.sections.append(Section(text=f"No goals found for {self.filter_label}."))
            return report
        columns = [
            "Goal",
            "Period",
            "Actual",
            "Target",
            "Expected by now",
            "Attainment",
            "Status",
            "Forecast at end",
        ]
        rows: list[list[Cell]] = []
        bullets: list[str] = []
        for g in self.goals:
            rows.append(
                [
                    g.name,
                    g.period.describe(),
                    _cell(g.actual, g.metric, self.currency),
                    _cell(g.target, g.metric, self.currency),
                    None if g.finished else _cell(g.expected, g.metric, self.currency),
                    None if g.attainment is None else Percent(value=g.attainment),
                    g.status,
                    _cell(g.forecast, g.metric, self.currency),
                ]
            )
            bullets.append(self._bullet(g))
        report.sections.append(Section(table=Table(columns=columns, rows=rows), bullets=bullets))
        report.notes.append(
            "Expected by now follows each goal's checkpoints (linear between them, or linear "
            "over the whole period without checkpoints); status compares actual with it: "
            "ahead ≥ 105 %, on track ≥ 95 %, at risk ≥ 80 %, behind below."
        )
        return report

    def _bullet(self, g: GoalProgress) -> str:
        if g.finished:
            done = f"{_pct(g.attainment)} of target" if g.attainment is not None else "done"
            return f"{g.name} ({g.scope.label}) ended {_day(g.period.end)}: {g.status}, {done}."
        nxt = g.next_checkpoint
        if nxt is None:  # pragma: no cover - running goals always have one
            return f"{g.name}: {g.status}."
        what = "the goal's end" if nxt.is_goal_end else "the next checkpoint"
        due = (
            f"{_amount(nxt.amount_due, g.metric, self.currency)} "
            f"({_pct(nxt.fraction * 100)} of target) is due by {what}, {_day(nxt.due_on)}"
        )
        if nxt.still_needed <= 0:
            return f"{g.name} ({g.scope.label}): {due}; already reached."
        needs = f"needs {_amount(nxt.still_needed, g.metric, self.currency)} more"
        if nxt.per_day is not None:
            needs += (
                f", about {_amount(nxt.per_day, g.metric, self.currency)} a day"
                f" over {nxt.days_left} days"
            )
        return f"{g.name} ({g.scope.label}): {due}; {needs}."


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _pct(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value:.0f}%"


def _amount(value: Decimal, metric: str, currency: str) -> str:
    """Money to whole units; counts rounded up (2.2 partners still needed means 3)."""
    if metric in (GoalMetric.REVENUE, GoalMetric.PAYOUT):
        return f"{currency} {value:,.0f}"
    return f"{value.to_integral_value(rounding=ROUND_CEILING):,}"


def _cell(value: Decimal | None, metric: str, currency: str) -> Cell:
    if value is None:
        return None
    if metric in (GoalMetric.REVENUE, GoalMetric.PAYOUT):
        return Money(amount=value, currency=currency)
    # Counts of whole things (partners, leads) read as whole things: "34", not "33.72".
    # Status and forecasts are computed from the exact value, before this rounding.
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def _goal_period(start: date, end: date) -> DateRange:
    quarter = quarter_of(start)
    label = quarter.label if (quarter.start, quarter.end) == (start, end) else "goal period"
    return DateRange(start=start, end=end, label=label)


def _scope(goal: Goal) -> tuple[Scope, PartnerFilter]:
    if goal.scope == GoalScope.TIER and goal.tier:
        return Scope.tier(goal.tier), PartnerFilter(tier=goal.tier)
    if goal.scope == GoalScope.PARTNER:
        partner = goal.partner
        ids = [goal.partner_id] if goal.partner_id is not None else []
        if partner is None:
            return Scope(kind="partner", label="unknown partner"), PartnerFilter(partner_ids=ids)
        return Scope.partner(partner.partner_key, partner.name), PartnerFilter(partner_ids=ids)
    return Scope.program(), PartnerFilter()


def _actual(session: Session, goal: Goal, who: PartnerFilter, through: date) -> Decimal:
    if through < goal.start:
        return Decimal(0)
    if goal.metric == GoalMetric.ACTIVE_PARTNERS:
        return Decimal(queries.active_partner_count(session, goal.start, through, who))
    totals = queries.totals(session, goal.start, through, who)
    if goal.metric not in ("revenue", "conversions", "leads", "clicks", "payout"):
        raise ValueError(f"goal {goal.goal_key} has unknown metric {goal.metric!r}")
    return Decimal(getattr(totals, goal.metric))


def progress_of(
    session: Session, goal: Goal, *, today: date, currency: str = "USD"
) -> GoalProgress:
    """One goal's progress counting full days up to yesterday (see the module docstring)."""
    scope, who = _scope(goal)
    through = min(today - timedelta(days=1), goal.end)
    counted = max(through, goal.start - timedelta(days=1))
    days_total = (goal.end - goal.start).days + 1
    days_elapsed = (counted - goal.start).days + 1
    finished = through >= goal.end
    target = Decimal(goal.target)
    checkpoints = [(c.due_on, Decimal(c.fraction)) for c in goal.checkpoints]
    actual = _actual(session, goal, who, through)
    fraction = expected_fraction(goal.start, goal.end, checkpoints, counted)
    expected = target * fraction
    distinct = goal.metric == GoalMetric.ACTIVE_PARTNERS
    status: GoalStatus
    forecast: Decimal | None
    if finished:
        status = "achieved" if actual >= target else "missed"
        forecast = actual
    elif days_elapsed == 0:
        status, forecast = "not started", None
    else:
        status = pace_status(actual, expected)
        forecast = None if distinct else actual / days_elapsed * days_total
    next_checkpoint = None
    if not finished:
        upcoming = [(d, f) for d, f in checkpoints if counted < d < goal.end]
        due_on, due_fraction = upcoming[0] if upcoming else (goal.end, Decimal(1))
        amount_due = target * due_fraction
        still_needed = max(Decimal(0), amount_due - actual)
        days_left = (due_on - counted).days
        next_checkpoint = NextCheckpoint(
            due_on=due_on,
            fraction=due_fraction,
            amount_due=amount_due,
            still_needed=still_needed,
            days_left=days_left,
            per_day=None if distinct or days_left <= 0 else still_needed / days_left,
            is_goal_end=not upcoming,
        )
    return GoalProgress(
        goal_key=goal.goal_key,
        name=goal.name,
        scope=scope,
        metric=goal.metric,
        target=target,
        currency=currency,
        period=_goal_period(goal.start, goal.end),
        through=through if days_elapsed > 0 else None,
        days_elapsed=days_elapsed,
        days_total=days_total,
        actual=actual,
        expected=expected,
        expected_fraction=fraction,
        attainment=actual / target * 100 if target else None,
        pace=actual / expected * 100 if expected > 0 else None,
        forecast=forecast,
        status=status,
        finished=finished,
        next_checkpoint=next_checkpoint,
    )


def _matches(goal: Goal, text: str) -> bool:
    """Every word of `text` appears in the goal's key or name ('q4 revenue', 'NORTHWIND')."""
    words = text.casefold().replace("-", " ").split()
    haystack = f"{goal.goal_key} {goal.name}".casefold().replace("-", " ")
    return bool(words) and all(word in haystack for word in words)


def goal_progress(
    session: Session,
    *,
    today: date,
    goal: str | None = None,
    partner: Partner | None = None,
    tier: str | None = None,
    period: DateRange | None = None,
    currency: str = "USD",
) -> GoalProgressList:
    """Progress of goals, running ones first; finished ones show their final attainment.

    Lists goals that have started and are running or ended within FINISHED_LOOKBACK_DAYS,
    or, given a `period`, the started goals whose own period overlaps it ("Q4 goals").
    `goal` (words of a key or name, any case) keeps matching goals, and when none of them is
    in that window, lists every match, past or future. `partner` keeps that partner's goals;
    `tier` keeps that tier's goals.
    """
    goals = list(session.scalars(select(Goal).order_by(Goal.start, Goal.name)))
    labels: list[str] = []
    oldest_end = today - timedelta(days=FINISHED_LOOKBACK_DAYS)
    if period is not None:
        current = [g for g in goals if g.start <= period.end and g.end >= period.start]
        labels.append(f"goals in {period.label}")
    else:
        current = [g for g in goals if g.start <= today and g.end >= oldest_end]
    if goal:
        matched = [g for g in goals if _matches(g, goal)]
        if not matched:
            names = [g.name for g in goals]
            raise NotFound(f"I couldn't find a goal matching “{goal}”.", names)
        goals = [g for g in matched if g in current] or matched
        labels.append(f"goals matching “{goal}”")
    else:
        goals = current
    if partner is not None:
        goals = [g for g in goals if g.scope == GoalScope.PARTNER and g.partner_id == partner.id]
        labels.append(partner.name)
    if tier:
        goals = [
            g
            for g in goals
            if g.scope == GoalScope.TIER and (g.tier or "").casefold() == tier.casefold()
        ]
        labels.append(f"{tier} tier")
    items = [progress_of(session, g, today=today, currency=currency) for g in goals]
    scope_rank = {"program": 0, "tier": 1, "type": 1, "partner": 2}

    def order(p: GoalProgress) -> tuple[int, int, int, str]:
        group = 1 if p.finished else (2 if p.status == "not started" else 0)
        end = -p.period.end.toordinal() if p.finished else p.period.end.toordinal()
        return (group, end, scope_rank[p.scope.kind], p.name.casefold())

    items.sort(key=order)
    return GoalProgressList(
        today=today,
        currency=currency,
        filter_label=", ".join(labels) if labels else "all current goals",
        goals=items,
    )


class GoalProgressArgs(BaseModel):
    goal: str | None = Field(None, description="Goal name or key fragment, e.g. 'revenue'.")
    partner: str | None = Field(None, description="Only this partner's goals.")
    tier: str | None = Field(None, description="Only this tier's goals, e.g. Gold.")
    period: str | None = Field(
        None, description="Only goals whose period overlaps this one, e.g. 'Q4', 'this quarter'."
    )


@tool(
    "goal_progress",
    "Progress of program, tier and partner goals: actual vs target, expected by now from "
    "checkpoints, status, forecast and what the next checkpoint needs.",
    GoalProgressArgs,
)
def run_goal_progress(
    session: Session, ctx: ToolContext, args: GoalProgressArgs
) -> GoalProgressList:
    partner = resolve_partner(session, args.partner) if args.partner else None
    tier = resolve_tier(session, args.tier) if args.tier else None
    return goal_progress(
        session,
        today=ctx.today,
        goal=args.goal,
        partner=partner,
        tier=tier,
        period=resolve_period(args.period, ctx.today) if args.period else None,
        currency=ctx.currency,
    )
