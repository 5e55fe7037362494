"""Quarter goals whose targets are set from the generated rows, so each lands where its story
needs it (ahead, on track, at risk, behind)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from storage.demo.partners import CENT, Spec
from storage.demo.performance import season, weekday
from storage.models import Goal, GoalCheckpoint, GoalMetric, GoalScope, Partner


@dataclass
class Facts:
    """The generated rows, summed the way goals are measured, to set believable targets."""

    today: date
    specs: Sequence[Spec]
    rows_by_key: dict[str, list[dict[str, Any]]]
    tiers: dict[str, str | None] = field(init=False)

    def __post_init__(self) -> None:
        self.tiers = {s.key: s.tier for s in self.specs}

    def _rows(self, start: date, end: date, keys: Iterable[str]) -> Iterable[dict[str, Any]]:
        for key in keys:
            for row in self.rows_by_key.get(key, ()):
                if start <= row["day"] <= end:
                    yield row

    def keys(self, tier: str | None = None, key: str | None = None) -> list[str]:
        if key is not None:
            return [key]
        return [k for k in self.rows_by_key if tier is None or self.tiers[k] == tier]

    def value(self, metric: str, start: date, end: date, keys: list[str]) -> Decimal:
        if metric == GoalMetric.ACTIVE_PARTNERS:
            active = {k for k in keys if any(r["conversions"] for r in self._rows(start, end, [k]))}
            return Decimal(len(active))
        return sum((Decimal(r[metric]) for r in self._rows(start, end, keys)), Decimal(0))


@dataclass(frozen=True)
class _GoalPlan:
    slug: str
    title: str
    metric: str
    tier: str | None = None
    partner_key: str | None = None
    checkpoints: str = ""
    """"seasonal": month ends following the program's seasonality; "count": a distinct count
    expected mostly from the first month on; "": none (paced linearly)."""
    pace_now: float = 1.0
    """Where the current quarter's goal stands: projected outcome / target."""
    attained_before: float = 1.0
    """How much of the previous quarter's target was reached."""
    step: int = 1000


# Current quarter: revenue on track, Gold conversions ahead, leads at risk, Northwind behind;
# active partners (a count, not paced) a few short of target so far.
_GOAL_PLANS = (
    _GoalPlan("revenue", "partner revenue", GoalMetric.REVENUE, checkpoints="seasonal",
              pace_now=1.02, attained_before=1.04, step=1000),
    _GoalPlan("gold-conversions", "Gold conversions", GoalMetric.CONVERSIONS, tier="Gold",
              checkpoints="seasonal", pace_now=1.15, attained_before=0.97, step=10),
    _GoalPlan("active-partners", "active partners", GoalMetric.ACTIVE_PARTNERS,
              checkpoints="count", attained_before=1.0, step=1),
    _GoalPlan("northwind-revenue", "Northwind revenue", GoalMetric.REVENUE,
              partner_key="p-northwind", pace_now=0.74, attained_before=0.91, step=1000),
    _GoalPlan("leads", "partner leads", GoalMetric.LEADS, pace_now=0.9, attained_before=1.08,
              step=100),
)  # fmt: skip


def _quarter(day: date) -> tuple[date, date, str]:
    q = (day.month - 1) // 3
    start = date(day.year, 3 * q + 1, 1)
    end_month = 3 * q + 3
    end = date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
    return start, end, f"Q{q + 1} {day.year}"


def quarter_goals(facts: Facts, northwind: Partner) -> list[Goal]:
    """Quarter goals for the current and previous quarter, targets set from the data."""
    today = facts.today
    current = _quarter(today)
    previous = _quarter(current[0] - timedelta(days=1))
    goals: list[Goal] = []
    for plan in _GOAL_PLANS:
        for quarter, is_current in ((previous, False), (current, True)):
            start, end, label = quarter
            keys = facts.keys(plan.tier, plan.partner_key)
            checkpoints = _checkpoints(start, end, plan.checkpoints)
            target = _target(facts, plan, start, end, checkpoints, keys, is_current, previous)
            goals.append(
                Goal(
                    goal_key=f"{label.lower().replace(' ', '-')}-{plan.slug}",
                    name=f"{label} {plan.title}",
                    scope=_goal_scope(plan),
                    tier=plan.tier,
                    partner_id=northwind.id if plan.partner_key else None,
                    metric=str(plan.metric),
                    target=target,
                    start=start,
                    end=end,
                    checkpoints=[GoalCheckpoint(due_on=d, fraction=f) for d, f in checkpoints],
                )
            )
    return goals


def _goal_scope(plan: _GoalPlan) -> str:
    if plan.partner_key:
        return str(GoalScope.PARTNER)
    return str(GoalScope.TIER if plan.tier else GoalScope.PROGRAM)


def _target(
    facts: Facts,
    plan: _GoalPlan,
    start: date,
    end: date,
    checkpoints: list[tuple[date, Decimal]],
    keys: list[str],
    is_current: bool,
    previous: tuple[date, date, str],
) -> Decimal:
    """A round target putting the goal where the plan says: ahead, on track, at risk, behind."""
    asof = facts.today - timedelta(days=1)
    if not is_current:
        outcome = facts.value(plan.metric, start, end, keys)
        return _round_target(outcome / Decimal(str(plan.attained_before)), plan.step)
    actual = facts.value(plan.metric, start, asof, keys)
    prior = facts.value(plan.metric, previous[0], previous[1], keys)
    if plan.metric == GoalMetric.ACTIVE_PARTNERS:
        return _round_target(max(actual, prior) + 3, plan.step)
    expected = _expected_fraction(start, end, checkpoints, asof)
    if expected < 0.08 or actual <= 0:
        return _round_target(prior * Decimal("1.06"), plan.step)
    projected = actual / Decimal(str(expected))
    return _round_target(projected / Decimal(str(plan.pace_now)), plan.step)


def _round_target(value: Decimal, step: int) -> Decimal:
    steps = (value / step).quantize(Decimal(1), ROUND_HALF_UP)
    return Decimal(max(int(steps), 1) * step).quantize(CENT)


def _checkpoints(start: date, end: date, kind: str) -> list[tuple[date, Decimal]]:
    """Month-end checkpoints: cumulative fractions follow seasonality, or a count's plateau."""
    if not kind:
        return []
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    ends = [d for d in days if (d + timedelta(days=1)).day == 1]
    if kind == "count":
        plateau = (Decimal("0.90"), Decimal("0.95"), Decimal("1.00"))[-len(ends) :]
        return list(zip(ends, plateau, strict=True))
    weights = [season(d) * weekday(d, 0.28) for d in days]
    total = sum(weights)
    due = [sum(weights[: (d - start).days + 1]) / total for d in ends[:-1]]
    return [(d, Decimal(f"{f:.2f}")) for d, f in zip(ends, due, strict=False)] + [
        (end, Decimal("1.00"))
    ]


def _expected_fraction(
    start: date, end: date, checkpoints: Sequence[tuple[date, Decimal]], asof: date
) -> float:
    """Share of the target due by `asof`: linear, or interpolated between checkpoints."""
    if asof < start:
        return 0.0
    if not checkpoints:
        return min(1.0, ((asof - start).days + 1) / ((end - start).days + 1))
    prev_day, prev_fraction = start - timedelta(days=1), 0.0
    for due, fraction in checkpoints:
        if asof <= due:
            share = (asof - prev_day).days / (due - prev_day).days
            return prev_fraction + (float(fraction) - prev_fraction) * share
        prev_day, prev_fraction = due, float(fraction)
    return 1.0
