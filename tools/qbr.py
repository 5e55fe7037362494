"""Quarterly business review: one quarter's numbers, trends, goals and next steps for a segment.

The segment is any set of partners the segment contract can name: one partner, a tier, a
type, a country, a partner manager's book, or the whole program. Every figure a bullet
states is carried as a typed value inside a `Line`; `bot/render` formats it, so the QBR
reads money exactly as the tables do.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage.queries import Totals, count_in_segment, data_bounds, series, totals
from storage.queries import qbr as qbr_queries
from tools.context import ToolContext
from tools.errors import PeriodError
from tools.goals import GoalProgress, progress_of
from tools.metrics import change, metric_cell, metric_value
from tools.periods import (
    DateRange,
    last_full_quarter,
    like_for_like,
    parse_quarter,
    previous_period,
    quarter_of,
)
from tools.registry import tool
from tools.report import Cell, Change, Fact, Line, Money, Percent, Ratio, Report, Section, Table
from tools.segment import DIMENSION_WORDS, Segment, SegmentArgs, resolve_segment

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
"""A quarter-on-quarter move this large (in %) becomes a highlight or a risk.

Revenue and conversions are the exception on the way down: any fall is a risk."""
SLIGHT_PCT = Decimal("0.05")
"""A fall smaller than this (in %) is worded "slightly down" rather than given a percentage."""
GROWTH_FLOOR = Decimal("-0.20")
GROWTH_CEILING = Decimal("0.25")
"""Suggested goals apply the quarter-on-quarter trend, clamped to this range."""
QUIET_TAIL_DAYS = 14
"""A conversion-free stretch this long at the end of the quarter is flagged."""

_HUNDRED = Decimal(100)


# ---- dates inside sentences (shared with tools.drafts) ----


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
    """One whole ISO week (Monday–Sunday) inside the quarter."""

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
    """The whole program's rate in the same quarter (None when the segment is the program)."""


class SuggestedGoal(BaseModel):
    metric: Literal["revenue", "conversions"]
    target: Decimal
    run_rate: Decimal
    growth_pct: Decimal
    reasoning: Line
    """How the target was reached, with its figures typed."""


class QBRSummary(BaseModel):
    segment: Segment
    quarter: DateRange
    previous: DateRange
    next_quarter: DateRange
    currency: str
    kpis: list[KpiLine]
    goals: list[GoalProgress] = Field(default_factory=list)
    goals_apply: bool = True
    """False when no goal can cover the segment (a country, a type, several partners …)."""
    weeks: list[WeekLine] = Field(default_factory=list)
    """The whole ISO weeks inside the quarter; weeks straddling its edges are left out."""
    straddling: list[tuple[date, date]] = Field(default_factory=list)
    """(Monday, Sunday) of the weeks that straddle the quarter's start or end."""
    best_week: WeekLine | None = None
    worst_week: WeekLine | None = None
    reversals: ReversalHealth
    revenue_share_pct: Decimal | None = None
    """The segment's share of program revenue in the quarter (None for the program itself)."""
    owner: str | None = None
    exec_sponsor: str | None = None
    highlights: list[Line] = Field(default_factory=list)
    risks: list[Line] = Field(default_factory=list)
    suggested_goals: list[SuggestedGoal] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def kpi(self, metric: KpiName) -> KpiLine:
        """The headline line for `metric`."""
        return next(line for line in self.kpis if line.metric == metric)

    def report(self) -> Report:
        label = self.segment.describe()
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
        sections.append(
            Section(title="Highlights", bullets=[*self.highlights] or ["None stood out."])
        )
        sections.append(Section(title="Risks", bullets=[*self.risks] or ["None flagged."]))
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
            title=f"QBR: {label}, {self.quarter.label}",
            period=self.quarter.describe(),
            scope=label,
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
        if not self.segment.is_program:
            facts.append(Fact(label="Program", value=_percent_cell(r.program_rate)))
        return facts


# ---- the tool ----


def qbr_summary(
    session: Session,
    *,
    segment: Segment,
    quarter: DateRange | None = None,
    today: date,
    currency: str = "USD",
) -> QBRSummary:
    """Summarise a quarter for a segment of partners (or the program), with next-quarter goals."""
    quarter = _clip_quarter(quarter or last_full_quarter(today), today)
    bounds = data_bounds(session)
    # Ended on the last day with data, and the previous quarter cut to the same point.
    quarter, before_cut, cut_note = like_for_like(
        quarter, previous_period(quarter), bounds[1] if bounds else None
    )
    previous = _comparison(quarter, before_cut or previous_period(quarter))
    next_q = quarter_of(quarter_of(quarter.start).end + timedelta(days=1))
    whole_program = segment.is_program

    now = totals(session, quarter.start, quarter.end, segment)
    before = totals(session, previous.start, previous.end, segment)
    program = now if whole_program else totals(session, quarter.start, quarter.end)

    kpis = [_kpi_line(m, label, now, before, currency, previous.label) for m, label in KPIS]
    weeks, straddling = _weeks(session, quarter, segment, today)
    ranked = [w for w in weeks if w.complete]
    best = max(ranked, key=lambda w: (w.revenue, -w.monday.toordinal()), default=None)
    worst = min(ranked, key=lambda w: (w.revenue, w.monday.toordinal()), default=None)
    reversals = ReversalHealth(
        rate=_rate(now.reversals, now.conversions),
        previous_rate=_rate(before.reversals, before.conversions),
        program_rate=None if whole_program else _rate(program.reversals, program.conversions),
    )
    share = None
    if not whole_program and program.revenue > 0:
        share = now.revenue * _HUNDRED / program.revenue
    goals, goal_note = _goals(session, segment, quarter, today, currency)
    notes = _notes(quarter, weeks, straddling) + ([goal_note] if goal_note else [])
    if cut_note:
        notes.insert(0, cut_note)
    if not whole_program and count_in_segment(session, segment) == 0:
        notes.insert(0, f"No partner is among {segment.describe()}, so every figure is zero.")
    single = segment.single_partner
    owner, sponsor = qbr_queries.partner_people(session, single.id) if single else (None, None)

    summary = QBRSummary(
        segment=segment,
        quarter=quarter,
        previous=previous,
        next_quarter=next_q,
        currency=currency,
        kpis=kpis,
        goals=goals,
        goals_apply=goal_note is None,
        weeks=weeks,
        straddling=straddling,
        best_week=best if best is not None and best.revenue > 0 else None,
        worst_week=worst if len(ranked) > 1 else None,
        reversals=reversals,
        revenue_share_pct=share,
        owner=owner,
        exec_sponsor=sponsor,
        notes=notes,
    )
    summary.suggested_goals = _suggest(now, before, quarter, previous, next_q, currency)
    summary.highlights, summary.risks = _bullets(session, summary, segment, now, before)
    return summary


# ---- periods ----


def _clip_quarter(quarter: DateRange, today: date) -> DateRange:
    if quarter.start > today:
        raise PeriodError(
            f"{quarter.label} hasn't started yet (it begins {day_text(quarter.start)}). "
            "Try the last full quarter, e.g. “last quarter”."
        )
    if quarter.end >= today:
        return quarter.model_copy(update={"end": today, "to_date": True})
    return quarter


def _comparison(quarter: DateRange, before: DateRange) -> DateRange:
    """The previous quarter; for a quarter in progress, labelled with the point it is cut to."""
    if not quarter.to_date:
        return before
    return before.model_copy(
        update={"label": f"{before.label} to {before.end.day} {before.end:%b}"}
    )


# ---- goals ----


def _goals(
    session: Session, segment: Segment, quarter: DateRange, today: date, currency: str
) -> tuple[list[GoalProgress], str | None]:
    """Goals whose scope is the segment (program, its tiers, its one partner) and whose dates
    overlap the quarter, measured by tools.goals; or none, with the note saying why."""
    single = segment.single_partner
    if segment.is_program:
        rows = qbr_queries.program_goals(session, quarter.start, quarter.end)
        note = (
            "Goals shown are the program-wide ones; tier and partner goals are in those "
            "tiers' and partners' QBRs (e.g. “QBR for Gold”)."
        )
        goals = [progress_of(session, goal, today=today, currency=currency) for goal in rows]
        return goals, note
    elif single is not None and segment.excluding is None:
        rows = qbr_queries.partner_goals(session, quarter.start, quarter.end, single.id)
    elif not segment.partners and segment.filters() == ["tiers"] and segment.excluding is None:
        rows = qbr_queries.tier_goals(session, quarter.start, quarter.end, segment.tiers)
    else:
        return [], _no_goals_note(segment)
    return [progress_of(session, goal, today=today, currency=currency) for goal in rows], None


def _no_goals_note(segment: Segment) -> str:
    described = segment.describe()
    if segment.partners:
        return (
            f"No goals section: goals are set for the whole program, a tier or one partner, "
            f"so none covers {described} together; a QBR of one partner shows its goals."
        )
    words = [DIMENSION_WORDS[d] for d in segment.filters() if d != "tiers"]
    if not words:
        return (
            f"No goals section: a goal covers its whole program, tier or partner, so none "
            f"covers {described}."
        )
    split = words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" or {words[-1]}"
    return (
        f"No goals section: goals aren't split by {split}, so none covers {described}; "
        "goals are set for the whole program, a tier or one partner."
    )


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


def _weeks(
    session: Session, quarter: DateRange, who: Segment, today: date
) -> tuple[list[WeekLine], list[tuple[date, date]]]:
    """The whole ISO weeks (Mon–Sun) inside the quarter, complete once their Sunday is over,
    and the weeks straddling its start or end (left out: they hold another quarter's days)."""
    calendar_end = quarter_of(quarter.start).end if quarter.to_date else quarter.end
    first_monday = quarter.start + timedelta(days=-quarter.start.weekday() % 7)
    last_sunday = calendar_end - timedelta(days=(calendar_end.weekday() + 1) % 7)
    straddling: list[tuple[date, date]] = []
    if first_monday > quarter.start:
        straddling.append((first_monday - timedelta(days=7), first_monday - timedelta(days=1)))
    if last_sunday < calendar_end and calendar_end <= quarter.end:
        straddling.append((last_sunday + timedelta(days=1), last_sunday + timedelta(days=7)))
    data_end = min(last_sunday, quarter.end)
    if data_end < first_monday:
        return [], straddling
    weeks = [
        WeekLine(
            monday=monday,
            sunday=monday + timedelta(days=6),
            revenue=week.revenue,
            conversions=week.conversions,
            complete=monday + timedelta(days=6) < today,
        )
        for monday, week in series(session, first_monday, data_end, "week", who)
    ]
    return weeks, straddling


def _round_target(value: Decimal) -> Decimal:
    """Round a suggested target to a step that reads naturally (1,000s, 100s, 10s or units)."""
    size = abs(value)
    step = Decimal(1000 if size >= 10_000 else 100 if size >= 1_000 else 10 if size >= 100 else 1)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _amount(value: Decimal, metric: str, currency: str) -> Cell:
    """A suggested-goal figure as a typed value: money for revenue, a count or a decimal."""
    if metric == "revenue":
        return Money(amount=value, currency=currency)
    if value == value.to_integral_value():
        return int(value)
    return value


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
        values: dict[str, Cell | Change] = {"prev": previous.label}
        if prior > 0:
            raw = daily / (prior / previous.days) - 1
            growth = min(max(raw, GROWTH_FLOOR), GROWTH_CEILING)
            moved = "rose" if raw >= 0 else "fell"
            trend = f"the daily rate {moved} {{raw}} vs {{prev}}"
            values["raw"] = Percent(value=abs(raw) * _HUNDRED)
            if growth != raw:
                trend += f", capped at a {{cap}} {'rise' if growth >= 0 else 'fall'}"
                values["cap"] = Percent(value=abs(growth) * _HUNDRED)
        else:
            growth = Decimal(0)
            trend = f"no {metric} in {{prev}} to take a trend from, so no growth added"
        target = _round_target(run_rate * (1 + growth))
        so_far = " so far" if quarter.to_date else ""
        values.update(
            daily=_amount(daily, metric, currency),
            quarter=quarter.label,
            days=next_q.days,
            next=next_q.label,
            run_rate=_amount(run_rate, metric, currency),
            adjusted=_amount(run_rate * (1 + growth), metric, currency),
            target=_amount(target, metric, currency),
        )
        applied = "with that trend" if growth else "unchanged"
        reasoning = Line(
            template=(
                f"{metric.capitalize()}: {{daily}} a day in {{quarter}}{so_far} over the "
                f"{{days}} days of {{next}} is {{run_rate}}; {trend}; "
                f"{applied}, {{adjusted}}, rounded to {{target}}."
            ),
            values=values,
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


# ---- highlights and risks ----


def _line(template: str, **values: Cell | Change) -> Line:
    return Line(template=template, values=values)


def _bullets(
    session: Session, summary: QBRSummary, who: Segment, now: Totals, before: Totals
) -> tuple[list[Line], list[Line]]:
    """Rule-based highlights and risks, each a sentence stating the numbers behind it.

    Revenue or conversions falling quarter on quarter is always a risk, however small the
    fall, so a QBR never says "none flagged" over a decline."""
    highlights: list[Line] = []
    risks: list[Line] = []
    q, prev = summary.quarter.label, summary.previous.label
    silent = now.clicks == 0 and now.conversions == 0 and now.revenue == 0
    if silent:
        risks.append(_line("No activity recorded in {q}.", q=q))

    for metric, label in (("revenue", "Revenue"), ("conversions", "Conversions")):
        a, b = getattr(now, metric), getattr(before, metric)
        pct = _pct_change(a, b)
        was = _amount(Decimal(b), metric, summary.currency)
        is_ = _amount(Decimal(a), metric, summary.currency)
        if pct is None:
            if a > 0:
                first = f"{label} of {{now}} in {{q}}, up from nothing in {{prev}}."
                highlights.append(_line(first, now=is_, q=q, prev=prev))
            continue
        move = f"{label} {{move}} vs {{prev}} ({{before}} → {{now}})."
        if pct >= NOTABLE_CHANGE_PCT:
            move = move.replace("{move}", "up {pct}")
            highlights.append(_line(move, pct=Percent(value=pct), prev=prev, before=was, now=is_))
        elif pct < 0 and -pct < SLIGHT_PCT:
            risks.append(
                _line(move.replace("{move}", "slightly down"), prev=prev, before=was, now=is_)
            )
        elif pct < 0:
            move = move.replace("{move}", "down {pct}")
            risks.append(_line(move, pct=Percent(value=-pct), prev=prev, before=was, now=is_))
    if silent:
        return highlights, risks

    roas = summary.kpi("roas")
    roas_pct = roas.change.percent if roas.change is not None else None
    if roas_pct is not None and isinstance(roas.value, Ratio) and isinstance(roas.previous, Ratio):
        pair: dict[str, Cell | Change] = {"before": roas.previous, "now": roas.value}
        if roas_pct >= NOTABLE_CHANGE_PCT:
            highlights.append(
                _line(
                    "ROAS improved {pct} ({before} → {now}).", pct=Percent(value=roas_pct), **pair
                )
            )
        elif roas_pct <= -NOTABLE_CHANGE_PCT:
            risks.append(
                _line("ROAS fell {pct} ({before} → {now}).", pct=Percent(value=-roas_pct), **pair)
            )

    payout_change = _pct_change(now.payout, before.payout)
    revenue_change = _pct_change(now.revenue, before.revenue)
    if (
        payout_change is not None
        and revenue_change is not None
        and payout_change - revenue_change >= NOTABLE_CHANGE_PCT
    ):
        moved = "rose" if revenue_change >= 0 else "fell"
        risks.append(
            _line(
                f"Payout grew {{payout}} while revenue {moved} {{revenue}} vs {{prev}}.",
                payout=Percent(value=payout_change),
                revenue=Percent(value=abs(revenue_change)),
                prev=prev,
            )
        )

    _reversal_bullets(summary, highlights, risks)
    _goal_bullets(summary, highlights, risks)

    if summary.revenue_share_pct is not None and summary.revenue_share_pct >= NOTABLE_CHANGE_PCT:
        highlights.append(
            _line(
                "Brought {share} of program revenue in {q}.",
                share=Percent(value=summary.revenue_share_pct),
                q=q,
            )
        )
    if summary.best_week is not None:
        highlights.append(
            _line(
                "Best week: {week}, {revenue} revenue.",
                week=week_text(summary.best_week),
                revenue=Money(amount=summary.best_week.revenue, currency=summary.currency),
            )
        )
    quiet = _quiet_tail(session, summary.quarter, who)
    if quiet is not None:
        risks.append(quiet)
    return highlights, risks


def _reversal_bullets(summary: QBRSummary, highlights: list[Line], risks: list[Line]) -> None:
    r, prev = summary.reversals, summary.previous.label
    if r.rate is not None and r.previous_rate:
        ratio = r.rate / r.previous_rate
        rates: dict[str, Cell | Change] = {
            "now": Percent(value=r.rate),
            "before": Percent(value=r.previous_rate),
            "prev": prev,
        }
        if ratio >= 2 and r.rate >= 1:
            if ratio < Decimal("2.5"):
                word = "doubled"
            elif ratio < Decimal("3.5"):
                word = "tripled"
            else:
                word = "rose {fold}-fold"
                rates["fold"] = int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            risks.append(
                _line(f"Reversal rate {word} to {{now}} (from {{before}} in {{prev}}).", **rates)
            )
        elif ratio <= Decimal("0.5"):
            highlights.append(
                _line("Reversal rate halved or better: {before} in {prev} → {now}.", **rates)
            )
    if (
        r.rate is not None
        and r.program_rate is not None
        and r.rate >= r.program_rate * Decimal("1.5")
        and r.rate - r.program_rate >= 1
    ):
        risks.append(
            _line(
                "Reversal rate {rate} is well above the program's {program}.",
                rate=Percent(value=r.rate),
                program=Percent(value=r.program_rate),
            )
        )


def _goal_bullets(summary: QBRSummary, highlights: list[Line], risks: list[Line]) -> None:
    for g in summary.goals:
        if g.attainment is None:
            continue
        share = Percent(value=g.attainment)
        due = Percent(value=g.expected_fraction * _HUNDRED)
        if g.status == "achieved":
            highlights.append(
                _line("Goal “{goal}” achieved: {share} of target.", goal=g.name, share=share)
            )
        elif g.status == "missed":
            risks.append(
                _line(
                    "Goal “{goal}” missed: {share} of target when it ended.",
                    goal=g.name,
                    share=share,
                )
            )
        elif g.status in ("behind", "at risk"):
            risks.append(
                _line(
                    "Goal “{goal}” {status}: {share} of target vs {due} due by now.",
                    goal=g.name,
                    status=g.status,
                    share=share,
                    due=due,
                )
            )
        elif g.status == "ahead":
            highlights.append(
                _line(
                    "Goal “{goal}” ahead of pace: {share} of target vs {due} due by now.",
                    goal=g.name,
                    share=share,
                    due=due,
                )
            )


def _quiet_tail(session: Session, quarter: DateRange, who: Segment) -> Line | None:
    last = quarter.end - timedelta(days=1) if quarter.to_date else quarter.end
    if last < quarter.start:
        return None
    tail_start = max(quarter.start, last - timedelta(days=QUIET_TAIL_DAYS - 1))
    if totals(session, tail_start, last, who).conversions > 0:
        return None  # converted in the tail: no need to read the whole quarter day by day
    days = series(session, quarter.start, last, "day", who)
    converting = [day for day, t in days if t.conversions > 0]
    if not converting:
        return _line("No conversions at all in {q}.", q=quarter.label)
    gap = (last - converting[-1]).days
    if gap < QUIET_TAIL_DAYS:
        return None
    where = "so far this quarter" if quarter.to_date else "of the quarter"
    return _line(
        f"No conversions in the last {{weeks}} weeks {where} (last one on {{day}}).",
        weeks=gap // 7,
        day=converting[-1],
    )


def _notes(
    quarter: DateRange, weeks: list[WeekLine], straddling: list[tuple[date, date]]
) -> list[str]:
    ranking = f"Best and worst weeks are whole ISO weeks (Mon–Sun) inside {quarter.label}"
    if len(straddling) == 1:
        ranking += f"; {span_text(*straddling[0])} straddles its edge and is left out"
    elif straddling:
        spans = " and ".join(span_text(monday, sunday) for monday, sunday in straddling)
        ranking += f"; {spans} straddle its edges and are left out"
    notes = [ranking + "."]
    if quarter.to_date:
        notes.append(
            f"{quarter.label} is still running: figures cover it to date and compare with the "
            "previous quarter up to the same point."
        )
        if weeks and not weeks[-1].complete:
            notes.append("The running week is left out of the best/worst ranking.")
    return notes


# ---- registry adapter ----


QUARTER_HELP = (
    "The quarter to review, in the user's words: 'Q3', 'Q2 2026', 'last quarter', or "
    "'this quarter' (to date). Default: the last full quarter. Only calendar quarters; "
    "anything else is refused with an example."
)


class QBRArgs(SegmentArgs):
    """Which partners (any segment; none means the whole program) and which quarter."""

    period: str | None = Field(None, description=QUARTER_HELP)


@tool(
    "qbr_summary",
    "Quarterly business review for one partner, a tier, a type, a country, a partner "
    "manager's book or the whole program: headline KPIs vs the previous quarter, goals, "
    "best/worst weeks, reversals, highlights, risks, suggested next-quarter goals.",
    QBRArgs,
)
def run(session: Session, ctx: ToolContext, args: QBRArgs) -> QBRSummary:
    """Resolve the planner's words into a segment and a quarter, then summarise."""
    resolved = resolve_segment(session, args)
    quarter = parse_quarter(args.period, ctx.today)
    summary = qbr_summary(
        session, segment=resolved.segment, quarter=quarter, today=ctx.today, currency=ctx.currency
    )
    summary.notes.extend(resolved.notes)
    return summary


__all__ = [
    "KPIS",
    "KpiLine",
    "QBRArgs",
    "QBRSummary",
    "ReversalHealth",
    "SuggestedGoal",
    "WeekLine",
    "day_text",
    "qbr_summary",
    "span_text",
    "week_text",
]
