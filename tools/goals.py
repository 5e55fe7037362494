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
(not for active_partners, a distinct count that does not grow linearly). An active-partners
goal is a level, not a running total, so its "expected by now" is the level due at the next
checkpoint (or the target at the end), not a share rising from zero.

Which goals. A goal is set for the program, a tier or one partner, and counts those
partners (its `scope` is that Segment). A segment selects goals by its partners (their
goals), else its tiers (theirs), else every goal; its other dimensions (type, country,
owner …) cannot narrow a set of goals, so they are not applied and a note says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.models import Goal, GoalMetric, GoalScope
from storage.queries import goals as goal_queries
from tools.context import ToolContext
from tools.errors import NotFound
from tools.partners import (
    COMMISSION_LABELS,
    PIPELINE,
    PIPELINE_STATUSES,
    TYPE_LABELS,
    known_tiers,
)
from tools.periods import DateRange, quarter_of, resolve_period
from tools.registry import tool
from tools.report import Bullet, Cell, Line, Money, Percent, Report, Section, Table
from tools.segment import DIMENSION_WORDS, Dimension, Segment, SegmentArgs, resolve_segment

GoalMetricName = Literal["revenue", "conversions", "leads", "clicks", "payout", "active_partners"]
GoalStatus = Literal["ahead", "on track", "at risk", "behind", "achieved", "missed", "not started"]

AHEAD_AT = Decimal("1.05")
"""Pace (actual ÷ expected) at or above which a running goal is ahead."""
ON_TRACK_AT = Decimal("0.95")
"""Pace at or above which a running goal is on track."""
AT_RISK_AT = Decimal("0.80")
"""Pace at or above which a running goal is at risk; below it, behind."""
FINISHED_LOOKBACK_DAYS = 92
"""Without a goal filter, finished goals are listed for this long after they end (a quarter)."""
PROGRAM = Segment()
"""The whole program: every goal, and what a program goal counts."""


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
    scope: Segment
    """The partners the goal counts: its partner, its tier, or the whole program (describe()
    is the scope label)."""
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
    segment: Segment = PROGRAM
    """What the goals were selected by: partners, tiers, or nothing (every goal)."""
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
        bullets: list[Bullet] = []
        for g in self.goals:
            rows.append(
                [
                    g.name,
                    g.period.describe(),
                    goal_figure(g.actual, g.metric, self.currency),
                    goal_figure(g.target, g.metric, self.currency),
                    None if g.finished else goal_figure(g.expected, g.metric, self.currency),
                    None if g.attainment is None else Percent(value=g.attainment),
                    g.status,
                    goal_figure(g.forecast, g.metric, self.currency),
                ]
            )
            bullets.append(self._bullet(g))
        report.sections.append(Section(table=Table(columns=columns, rows=rows), bullets=bullets))
        report.notes.append(
            "Expected by now follows each goal's checkpoints (linear between them, or linear "
            "over the whole period without checkpoints); status compares actual with it: "
            "ahead ≥ 105 %, on track ≥ 95 %, at risk ≥ 80 %, behind below. An active-partners "
            "goal is a level: it is held against the level due at its next checkpoint."
        )
        young = sorted({g.name for g in self.goals if not g.finished and 0 < g.days_elapsed < 7})
        if young:
            report.notes.insert(
                0,
                f"{', '.join(young)}: only a few days of data so far, so pace and forecast "
                "are rough.",
            )
        return report

    def _bullet(self, g: GoalProgress) -> Line:
        head = f"{g.name} ({g.scope.describe()})"
        if g.finished:
            done: list[str | Cell] = (
                ["done"] if g.attainment is None else [Percent(value=g.attainment), " of target"]
            )
            return Line.join([f"{head} ended {_day(g.period.end)}: {g.status}, ", *done, "."])
        nxt = g.next_checkpoint
        if nxt is None:  # pragma: no cover - running goals always have one
            return Line.join([f"{g.name}: {g.status}."])
        what = "the goal's end" if nxt.is_goal_end else "the next checkpoint"
        due: list[str | Cell] = [
            f"{head}: ",
            goal_amount(nxt.amount_due, g.metric, self.currency),
            " (",
            Percent(value=nxt.fraction * 100),
            f" of target) is due by {what}, {_day(nxt.due_on)}",
        ]
        if nxt.still_needed <= 0:
            return Line.join([*due, "; already reached."])
        needs: list[str | Cell] = [
            "; needs ",
            goal_amount(nxt.still_needed, g.metric, self.currency),
            " more",
        ]
        if nxt.per_day is not None:
            needs += [
                ", about ",
                goal_amount(nxt.per_day, g.metric, self.currency),
                " a day over ",
                nxt.days_left,
                " days",
            ]
        return Line.join([*due, *needs, "."])


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def goal_amount(value: Decimal, metric: str, currency: str) -> Cell:
    """Money as money; counts rounded up (2.2 partners still needed means 3)."""
    if metric in (GoalMetric.REVENUE, GoalMetric.PAYOUT):
        return Money(amount=value, currency=currency)
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def goal_figure(value: Decimal | None, metric: str, currency: str) -> Cell:
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


def _span(start: date, end: date) -> str:
    """'1 Jul – 30 Sep 2026', as periods are stated back."""
    if start == end:
        return _day(start)
    if start.year == end.year:
        return f"{start.day} {start:%b} – {_day(end)}"
    return f"{_day(start)} – {_day(end)}"


def _tier_as_stored(session: Session, tier: str) -> str:
    """A goal's tier spelled as the partners' tier is ('bronze' in a goal row reads 'Bronze')."""
    for known in known_tiers(session):
        if known.casefold() == tier.casefold():
            return known
    return tier


def goal_segment(session: Session, goal: Goal) -> Segment:
    """The partners a goal counts: its partner, its tier's partners, or the whole program."""
    if goal.scope == GoalScope.PROGRAM:
        return PROGRAM
    if goal.scope == GoalScope.TIER:
        if not goal.tier:
            raise ValueError(f"tier goal {goal.goal_key} has no tier")
        return Segment(tiers=(_tier_as_stored(session, goal.tier),))
    if goal.scope == GoalScope.PARTNER:
        if goal.partner is None:
            raise ValueError(f"partner goal {goal.goal_key} has no partner")
        return Segment.of(goal.partner)
    raise ValueError(f"goal {goal.goal_key} has unknown scope {goal.scope!r}")


def _actual(session: Session, goal: Goal, who: Segment, through: date) -> Decimal:
    if through < goal.start:
        return Decimal(0)
    if goal.metric == GoalMetric.ACTIVE_PARTNERS:
        return Decimal(queries.active_partner_count(session, goal.start, through, who))
    totals = queries.totals(session, goal.start, through, who)
    if goal.metric not in ("revenue", "conversions", "leads", "clicks", "payout"):
        raise ValueError(f"goal {goal.goal_key} has unknown metric {goal.metric!r}")
    return Decimal(getattr(totals, goal.metric))


def progress_of(
    session: Session,
    goal: Goal,
    *,
    today: date,
    currency: str = "USD",
    actual: Decimal | None = None,
) -> GoalProgress:
    """One goal's progress counting full days up to yesterday (see the module docstring).
    `actual` is the goal's actual when the caller already summed it (`goal_actuals`)."""
    scope = goal_segment(session, goal)
    through = min(today - timedelta(days=1), goal.end)
    counted = max(through, goal.start - timedelta(days=1))
    days_total = (goal.end - goal.start).days + 1
    days_elapsed = (counted - goal.start).days + 1
    finished = through >= goal.end
    target = Decimal(goal.target)
    checkpoints = [(c.due_on, Decimal(c.fraction)) for c in goal.checkpoints]
    if actual is None:
        actual = _actual(session, goal, scope, through)
    distinct = goal.metric == GoalMetric.ACTIVE_PARTNERS
    fraction = expected_fraction(goal.start, goal.end, checkpoints, counted)
    if distinct:
        # A count of partners is not a running total: it is judged against the level due
        # at the next checkpoint (or the end), not a line rising from zero.
        ahead = [f for d, f in sorted(checkpoints) if counted < d < goal.end]
        fraction = ahead[0] if ahead else Decimal(1)
    expected = target * fraction
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


def goal_actuals(session: Session, goals: Sequence[Goal], *, today: date) -> dict[int, Decimal]:
    """The actuals of many partner goals at once: one per-partner sum for each (start,
    through) the goals share, instead of a query per goal. Goals of other scopes, and
    active-partners goals (a distinct count), are left to `progress_of`."""
    groups: dict[tuple[date, date], list[Goal]] = {}
    for goal in goals:
        through = min(today - timedelta(days=1), goal.end)
        summable = goal.metric != GoalMetric.ACTIVE_PARTNERS and through >= goal.start
        if goal.scope == GoalScope.PARTNER and goal.partner_id is not None and summable:
            groups.setdefault((goal.start, through), []).append(goal)
    actuals: dict[int, Decimal] = {}
    for (start, through), members in groups.items():
        if len(members) < 2:
            continue
        sums = queries.totals_by_partner(session, start, through)
        for goal in members:
            found = sums.get(goal.partner_id) if goal.partner_id is not None else None
            actuals[goal.id] = Decimal(getattr(found, goal.metric)) if found else Decimal(0)
    return actuals


# --- which goals a segment selects ------------------------------------------------------------


def _quoted(values: Sequence[str]) -> str:
    quoted = [f"“{v}”" for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def _words(segment: Segment, dimension: Dimension) -> list[str]:
    """A dimension's values as a sentence names them ('content', 'revenue share', 'pipeline')."""
    values = list(getattr(segment, dimension))
    if dimension == "types":
        return [TYPE_LABELS.get(v, v) for v in values]
    if dimension == "commission_models":
        return [COMMISSION_LABELS.get(v, v) for v in values]
    if dimension == "statuses" and set(PIPELINE_STATUSES) <= set(values):
        return [PIPELINE, *(v for v in values if v not in PIPELINE_STATUSES)]
    return values


def goal_selection(segment: Segment) -> tuple[Segment, list[str]]:
    """The part of `segment` goals can be selected by, and a note for each part they can't.

    Goals are set for the program, a tier or a partner: explicit partners select their
    goals (and win over tiers), tiers select theirs, nothing selects every goal. Any other
    dimension cannot narrow a set of goals.
    """
    notes: list[str] = []
    if segment.partners:
        chosen = Segment(partners=segment.partners)
        if segment.tiers:
            notes.append(
                f"I didn't apply {_quoted(segment.tiers)}: these are the goals set for "
                f"{chosen.describe()}."
            )
    else:
        chosen = Segment(tiers=segment.tiers)
    for dimension in segment.filters():
        if dimension != "tiers":
            notes.append(
                f"I didn't apply {_quoted(_words(segment, dimension))}: goals aren't split by "
                f"{DIMENSION_WORDS[dimension]}."
            )
    if segment.excluding is not None:
        notes.append(
            f"I didn't leave out {segment.excluding.describe()}: a goal covers its whole "
            "program, tier or partner."
        )
    return chosen, notes


def goal_segment_notes(segment: Segment) -> list[str]:
    """What a list of goals cannot honour of `segment`, as notes for the answer to carry."""
    return goal_selection(segment)[1]


def _matches(goal: Goal, text: str) -> bool:
    """Every word of `text` appears in the goal's key or name ('q4 revenue', 'NORTHWIND')."""
    words = text.casefold().replace("-", " ").split()
    haystack = f"{goal.goal_key} {goal.name}".casefold().replace("-", " ")
    return bool(words) and all(word in haystack for word in words)


def _overlaps(goal: Goal, period: DateRange) -> bool:
    return goal.start <= period.end and goal.end >= period.start


def _current_label(goals: Sequence[Goal], today: date) -> str:
    """Say so when the list holds goals that have already ended (kept for a quarter)."""
    if any(g.end < today for g in goals):
        return "running goals, and goals that ended in the last 3 months"
    return "all current goals"


def is_current_goal(goal: Goal, today: date) -> bool:
    """Started, and running or ended within FINISHED_LOOKBACK_DAYS."""
    return goal.start <= today and goal.end >= today - timedelta(days=FINISHED_LOOKBACK_DAYS)


def _period_note(words: str, goals: Sequence[Goal], goal_words: str) -> str:
    if len(goals) == 1:
        only = goals[0]
        return (
            f"“{words}” was not applied: the goal “{only.name}” has its own period, "
            f"{_span(only.start, only.end)}."
        )
    spans = {(g.start, g.end) for g in goals}
    if len(spans) == 1:
        start, end = spans.pop()
        return (
            f"“{words}” was not applied: the goals matching “{goal_words}” have their own "
            f"period, {_span(start, end)}."
        )
    return (
        f"“{words}” was not applied: the goals matching “{goal_words}” have their own "
        "periods, shown with each."
    )


_SCOPE_RANK = {"program": 0, "tier": 1, "partner": 2}


def _scope_rank(scope: Segment) -> int:
    if scope.partners:
        return _SCOPE_RANK["partner"]
    return _SCOPE_RANK["tier"] if scope.tiers else _SCOPE_RANK["program"]


def listing_order(p: GoalProgress) -> tuple[int, int, int, str]:
    """Running goals first (soonest end), then finished (latest end), then not started."""
    group = 1 if p.finished else (2 if p.status == "not started" else 0)
    end = -p.period.end.toordinal() if p.finished else p.period.end.toordinal()
    return (group, end, _scope_rank(p.scope), p.name.casefold())


def goal_progress(
    session: Session,
    *,
    today: date,
    goal: str | None = None,
    segment: Segment = PROGRAM,
    period: DateRange | None = None,
    period_words: str | None = None,
    currency: str = "USD",
) -> GoalProgressList:
    """Progress of goals, running ones first; finished ones show their final attainment.

    `segment` selects goals: its partners' goals, else its tiers' goals, else every goal;
    its other dimensions are not applied and the result says so in a note. Without `goal`,
    lists the goals that have started and are running or ended within
    FINISHED_LOOKBACK_DAYS, or, given a `period`, every goal whose own period overlaps it
    ("Q4 goals"). `goal` (words of a key or name, any case) keeps the matching goals: those
    overlapping `period` when some do; otherwise the current matches (or every match, past
    or future) with their own periods, and a note that `period` (stated back as
    `period_words`, default its label) was not applied.
    """
    chosen, notes = goal_selection(segment)
    selected = goal_queries.list_goals(session, partner_ids=chosen.partner_ids, tiers=chosen.tiers)
    in_period = period is not None
    if goal:
        everything = goal_queries.list_goals(session)
        if not any(_matches(g, goal) for g in everything):
            names = [g.name for g in everything]
            raise NotFound(f"I couldn't find a goal matching “{goal}”.", names)
        matched = [g for g in selected if _matches(g, goal)]
        overlapping = [g for g in matched if period is not None and _overlaps(g, period)]
        if overlapping:
            goals = overlapping
        else:
            goals = [g for g in matched if is_current_goal(g, today)] or matched
            if period is not None and goals:
                notes.append(_period_note(period_words or period.label, goals, goal))
            in_period = False
    elif period is not None:
        goals = [g for g in selected if _overlaps(g, period)]
    else:
        goals = [g for g in selected if is_current_goal(g, today)]
    labels: list[str] = []
    if in_period and period is not None:
        labels.append(f"goals in {period.label}")
    if goal:
        labels.append(f"goals matching “{goal}”")
    if not chosen.is_program:
        labels.append(chosen.describe())
    items = sorted(
        (progress_of(session, g, today=today, currency=currency) for g in goals),
        key=listing_order,
    )
    return GoalProgressList(
        today=today,
        currency=currency,
        filter_label=", ".join(labels) if labels else _current_label(goals, today),
        segment=chosen,
        goals=items,
        notes=notes,
    )


NEEDS_ATTENTION: tuple[GoalStatus, ...] = ("at risk", "behind")
"""Statuses of a running goal that a needs-attention summary lists."""


def goals_needing_attention(
    session: Session, *, today: date, segment: Segment, currency: str
) -> list[GoalProgress]:
    """Running goals of `segment` that are at risk or behind, worst pace first.

    Goals are selected as in `goal_progress` (partners, else tiers, else every goal); what
    `segment` asks beyond that is not applied: `goal_segment_notes(segment)` says so.
    """
    chosen, _ = goal_selection(segment)
    selected = goal_queries.list_goals(session, partner_ids=chosen.partner_ids, tiers=chosen.tiers)
    running = [g for g in selected if g.start < today <= g.end]
    progress = [progress_of(session, g, today=today, currency=currency) for g in running]
    lagging = [p for p in progress if p.status in NEEDS_ATTENTION and p.pace is not None]

    def worst_first(p: GoalProgress) -> tuple[Decimal, date, int, str]:
        assert p.pace is not None
        return (p.pace, p.period.end, _scope_rank(p.scope), p.name.casefold())

    return sorted(lagging, key=worst_first)


# --- registry adapter -------------------------------------------------------------------------


class GoalProgressArgs(SegmentArgs):
    goal: str | None = Field(
        None,
        description="Words of a goal's name or key as the user wrote them ('revenue', "
        "'Q4 Northwind'); every word must appear. Named goals keep their own periods.",
    )
    period: str | None = Field(
        None,
        description="Only goals whose own period overlaps this one, in the user's words "
        "('Q4', 'this quarter', 'since September'); default the running goals and those "
        "that ended in the last quarter.",
    )
    metric: GoalMetricName | None = Field(
        None,
        description="Only goals on this metric: revenue, conversions, leads, clicks, payout "
        "or active_partners.",
    )
    goal_statuses: list[GoalStatus] = Field(
        default_factory=list,
        description='Only goals with these statuses ("which goals are behind?"): ahead, '
        "on track, at risk, behind, achieved, missed or not started.",
    )


@tool(
    "goal_progress",
    "Progress of program, tier and partner goals: actual vs target, expected by now from "
    "checkpoints, status, forecast and what the next checkpoint needs. Goals are set per "
    "partner or tier, so other partner filters are noted, not applied.",
    GoalProgressArgs,
)
def run_goal_progress(
    session: Session, ctx: ToolContext, args: GoalProgressArgs
) -> GoalProgressList:
    resolved = resolve_segment(session, args)
    progress = goal_progress(
        session,
        today=ctx.today,
        goal=args.goal,
        segment=resolved.segment,
        period=resolve_period(args.period, ctx.today) if args.period else None,
        period_words=args.period,
        currency=ctx.currency,
    )
    progress.notes = [*resolved.notes, *progress.notes]
    if args.goal_statuses:
        wanted = set(args.goal_statuses)
        progress.goals = [g for g in progress.goals if g.status in wanted]
        which = " or ".join(args.goal_statuses)
        label = progress.filter_label.removeprefix("all ")
        progress.filter_label = f"{label} that are {which}"
    if args.metric is not None:
        progress.goals = [g for g in progress.goals if g.metric == args.metric]
        label = args.metric.replace("_", " ")
        progress.filter_label = f"{progress.filter_label}, {label} goals"
    return progress
