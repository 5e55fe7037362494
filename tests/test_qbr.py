"""QBR summaries: headline numbers, weeks, goals, bullets and suggested goals vs own sums."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from storage.models import DailyPerformance, Goal, Partner
from tools import registry
from tools.context import ToolContext
from tools.errors import PeriodError
from tools.periods import DateRange, previous_period, quarter_of
from tools.qbr import GROWTH_CEILING, GROWTH_FLOOR, qbr_summary
from tools.report import Money, Percent, Ratio
from tools.scope import Scope

TODAY = date(2026, 10, 15)
Q2 = DateRange(start=date(2026, 4, 1), end=date(2026, 6, 30), label="Q2 2026")
Q3 = DateRange(start=date(2026, 7, 1), end=date(2026, 9, 30), label="Q3 2026")
SPIKE = date(2026, 8, 12)
LAST_CONVERSION = date(2026, 9, 9)


@dataclass(frozen=True)
class Row:
    day: date
    clicks: int
    conversions: int
    revenue: Decimal
    payout: Decimal
    reversals: int


def _north_row(day: date) -> Row:
    """Gold partner: steady Q2, stronger Q3 with a spike, silent after 9 Sep, busy in October."""
    if day <= Q2.end:
        return Row(day, 100, 4, Decimal("200.00"), Decimal("40.00"), 1 if day.day == 1 else 0)
    if day >= date(2026, 10, 1):
        return Row(day, 80, 3, Decimal("300.00"), Decimal("30.00"), 0)
    if day > LAST_CONVERSION:
        return Row(day, 120, 0, Decimal(0), Decimal(0), 0)
    revenue = Decimal("5000.00") if day == SPIKE else Decimal("260.50")
    return Row(day, 120, 5, revenue, Decimal("45.25"), 1 if day.day in (1, 10, 20) else 0)


def _other_row(day: date) -> Row:
    return Row(day, 50, 1, Decimal("100.00"), Decimal("10.00"), 0)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


NORTH_DAYS = _days(date(2026, 3, 30), date(2026, 10, 14))
OTHER_DAYS = _days(Q3.start, Q3.end)


def _sum(rows: list[Row]) -> dict[str, Decimal]:
    return {
        "clicks": Decimal(sum(r.clicks for r in rows)),
        "conversions": Decimal(sum(r.conversions for r in rows)),
        "revenue": sum((r.revenue for r in rows), Decimal(0)),
        "payout": sum((r.payout for r in rows), Decimal(0)),
        "reversals": Decimal(sum(r.reversals for r in rows)),
    }


def _north(start: date, end: date) -> dict[str, Decimal]:
    return _sum([_north_row(d) for d in NORTH_DAYS if start <= d <= end])


@pytest.fixture
def program(session: Session) -> Session:
    north = Partner(
        partner_key="north", name="Northwind Test", type="affiliate", status="active",
        tier="Gold", owner="maya@partnerops.example", exec_sponsor="Dana Lee",
    )  # fmt: skip
    other = Partner(
        partner_key="other", name="Other Media", type="content", status="active", tier="Silver"
    )
    session.add_all([north, other])
    session.flush()
    rows = [
        {
            "partner_id": partner.id, "day": r.day, "clicks": r.clicks, "leads": 0,
            "conversions": r.conversions, "revenue": r.revenue, "payout": r.payout,
            "reversals": r.reversals,
        }
        for partner, days, make in (
            (north, NORTH_DAYS, _north_row), (other, OTHER_DAYS, _other_row)
        )
        for r in map(make, days)
    ]  # fmt: skip
    session.execute(insert(DailyPerformance), rows)
    session.add_all(
        [
            Goal(
                goal_key="q3-north",
                name="Q3 Northwind revenue",
                scope="partner",
                partner_id=north.id,
                metric="revenue",
                target=Decimal(20000),
                start=Q3.start,
                end=Q3.end,
            ),
            Goal(
                goal_key="q1-north",
                name="Q1 Northwind revenue",
                scope="partner",
                partner_id=north.id,
                metric="revenue",
                target=Decimal(1000),
                start=date(2026, 1, 1),
                end=date(2026, 3, 31),
            ),
            Goal(
                goal_key="q3-gold",
                name="Q3 Gold conversions",
                scope="tier",
                tier="Gold",
                metric="conversions",
                target=Decimal(1000),
                start=Q3.start,
                end=Q3.end,
            ),
        ]
    )
    session.commit()
    return session


NORTH = Scope.partner("north", "Northwind Test")


def _pct(now: Decimal, before: Decimal) -> Decimal:
    return (now - before) / before * 100


def _round_step(value: Decimal) -> Decimal:
    step = Decimal(
        1000 if value >= 10_000 else 100 if value >= 1_000 else 10 if value >= 100 else 1
    )
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def test_qbr_headline_kpis_match_independent_sums_and_change(program: Session) -> None:
    summary = qbr_summary(program, scope=NORTH, today=TODAY, currency="EUR")
    now, before = _north(Q3.start, Q3.end), _north(Q2.start, Q2.end)

    assert (summary.quarter.start, summary.quarter.end, summary.quarter.label) == (
        Q3.start, Q3.end, "Q3 2026"
    )  # fmt: skip
    assert (summary.previous.start, summary.previous.end) == (Q2.start, Q2.end)
    assert summary.kpi("revenue").value == Money(amount=now["revenue"], currency="EUR")
    assert summary.kpi("payout").value == Money(amount=now["payout"], currency="EUR")
    assert summary.kpi("conversions").value == int(now["conversions"])
    assert summary.kpi("clicks").value == int(now["clicks"])
    roas = summary.kpi("roas").value
    assert isinstance(roas, Ratio)
    assert roas.value == now["revenue"] / now["payout"]
    rate = summary.kpi("conversion_rate").value
    assert isinstance(rate, Percent)
    assert rate.value.quantize(Decimal("0.0001")) == (
        now["conversions"] / now["clicks"] * 100
    ).quantize(Decimal("0.0001"))
    aov = summary.kpi("aov").value
    assert isinstance(aov, Money)
    assert aov.amount == now["revenue"] / now["conversions"]
    reversal = summary.kpi("reversal_rate").value
    assert isinstance(reversal, Percent)
    assert reversal.value.quantize(Decimal("0.0001")) == (
        now["reversals"] / now["conversions"] * 100
    ).quantize(Decimal("0.0001"))

    revenue_change = summary.kpi("revenue").change
    assert revenue_change is not None and revenue_change.percent is not None
    assert revenue_change.absolute == Money(
        amount=now["revenue"] - before["revenue"], currency="EUR"
    )
    assert revenue_change.percent.quantize(Decimal("0.001")) == _pct(
        now["revenue"], before["revenue"]
    ).quantize(Decimal("0.001"))
    conversions_change = summary.kpi("conversions").change
    assert conversions_change is not None
    assert conversions_change.absolute == int(now["conversions"] - before["conversions"])
    assert summary.owner == "maya@partnerops.example"
    assert summary.exec_sponsor == "Dana Lee"


def test_qbr_best_and_worst_weeks_are_whole_iso_weeks_ranked_by_revenue(program: Session) -> None:
    summary = qbr_summary(program, scope=NORTH, quarter=Q3, today=TODAY)

    mondays = [w.monday for w in summary.weeks]
    assert mondays[0] == date(2026, 6, 29) and mondays[-1] == date(2026, 9, 28)
    assert all(m.weekday() == 0 for m in mondays) and len(mondays) == 14
    weekly = {m: _north(m, m + timedelta(days=6))["revenue"] for m in mondays}
    assert {w.monday: w.revenue for w in summary.weeks} == weekly
    assert summary.best_week is not None and summary.worst_week is not None
    assert summary.best_week.monday == date(2026, 8, 10) == max(weekly, key=lambda m: weekly[m])
    # Two silent weeks tie at zero; the earlier one is reported.
    assert weekly[date(2026, 9, 14)] == weekly[date(2026, 9, 21)] == 0
    assert summary.worst_week.monday == date(2026, 9, 14)
    # The edge week at the end counts its October days too.
    assert weekly[date(2026, 9, 28)] == Decimal("1200.00")


def test_qbr_counts_only_goals_of_the_scope_that_overlap_the_quarter(program: Session) -> None:
    summary = qbr_summary(program, scope=NORTH, quarter=Q3, today=TODAY)

    assert [g.goal_key for g in summary.goals] == ["q3-north"]
    goal = summary.goals[0]
    expected = _north(Q3.start, Q3.end)["revenue"]
    assert goal.actual == expected
    assert goal.status == "achieved"
    assert goal.attainment is not None
    assert goal.attainment.quantize(Decimal("0.01")) == (expected / 200).quantize(Decimal("0.01"))
    assert any("Q3 Northwind revenue" in h and "achieved" in h for h in summary.highlights)

    tier = qbr_summary(program, scope=Scope.tier("gold"), quarter=Q3, today=TODAY)
    assert [g.goal_key for g in tier.goals] == ["q3-gold"]


def test_qbr_suggested_goals_are_run_rate_times_clamped_trend_rounded(program: Session) -> None:
    summary = qbr_summary(program, scope=NORTH, quarter=Q3, today=TODAY)
    now, before = _north(Q3.start, Q3.end), _north(Q2.start, Q2.end)
    next_days = 92  # Q4 2026

    assert summary.next_quarter.label == "Q4 2026"
    targets = {g.metric: g for g in summary.suggested_goals}
    for metric in ("revenue", "conversions"):
        daily_now, daily_before = now[metric] / Q3.days, before[metric] / Q2.days
        growth = min(max(daily_now / daily_before - 1, GROWTH_FLOOR), GROWTH_CEILING)
        expected = _round_step(daily_now * next_days * (1 + growth))
        assert targets[metric].target == expected, metric
        assert targets[metric].growth_pct == growth * 100
    # Revenue grew past the ceiling (capped at +25 %), conversions dipped slightly.
    assert targets["revenue"].growth_pct == Decimal(25)
    assert targets["revenue"].target == Decimal(29000)
    assert targets["conversions"].target == Decimal(340)
    assert "capped" in targets["revenue"].reasoning
    assert "29,000" in targets["revenue"].reasoning


def test_qbr_highlights_and_risks_come_from_the_numbers(program: Session) -> None:
    summary = qbr_summary(program, scope=NORTH, quarter=Q3, today=TODAY, currency="EUR")
    now, before = _north(Q3.start, Q3.end), _north(Q2.start, Q2.end)
    growth = _pct(now["revenue"], before["revenue"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    rate = (now["reversals"] / now["conversions"] * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    assert f"Revenue up {growth}% vs Q2 2026 (€18,200 → €23,235)." in summary.highlights
    assert f"Reversal rate doubled to {rate}% (from 0.8% in Q2 2026)." in summary.risks
    assert "Best week: 10–16 Aug 2026, €6,563 revenue." in summary.highlights
    assert "No conversions in the last 3 weeks of the quarter (last one on 9 Sep 2026)." in (
        summary.risks
    )
    report = summary.report()
    assert report.period == "Q3 2026 (1 Jul – 30 Sep 2026)"
    assert report.scope == "Northwind Test"


def test_qbr_tier_scope_sums_only_tier_partners_and_compares_reversals_with_program(
    program: Session,
) -> None:
    summary = qbr_summary(program, scope=Scope.tier("Silver"), quarter=Q3, today=TODAY)
    other = _sum([_other_row(d) for d in OTHER_DAYS])
    north = _north(Q3.start, Q3.end)

    assert summary.kpi("revenue").value == Money(amount=other["revenue"])
    revenue_change = summary.kpi("revenue").change
    assert revenue_change is not None
    assert revenue_change.percent is None  # nothing in Q2 to grow from
    assert summary.reversals.rate == 0
    program_rate = north["reversals"] / (north["conversions"] + other["conversions"]) * 100
    assert summary.reversals.program_rate is not None
    assert summary.reversals.program_rate.quantize(Decimal("0.0001")) == program_rate.quantize(
        Decimal("0.0001")
    )
    share = other["revenue"] / (other["revenue"] + north["revenue"]) * 100
    assert summary.revenue_share_pct is not None
    assert summary.revenue_share_pct.quantize(Decimal("0.01")) == share.quantize(Decimal("0.01"))
    assert summary.owner is None and summary.exec_sponsor is None


def test_qbr_quarter_in_progress_is_to_date_and_compared_like_for_like(program: Session) -> None:
    today = date(2026, 8, 16)
    summary = qbr_summary(program, scope=NORTH, quarter=quarter_of(today), today=today)

    assert summary.quarter.to_date and summary.quarter.end == today
    assert "to date" in summary.report().period  # type: ignore[operator]
    expected_previous = previous_period(summary.quarter)
    assert (summary.previous.start, summary.previous.end) == (
        expected_previous.start, expected_previous.end
    )  # fmt: skip
    assert summary.previous.start == date(2026, 4, 1) and summary.previous.end < Q2.end
    assert summary.kpi("revenue").value == Money(amount=_north(Q3.start, today)["revenue"])
    assert all(w.sunday <= today for w in [summary.best_week, summary.worst_week] if w)


def test_qbr_for_a_quarter_not_started_yet_raises_period_error(program: Session) -> None:
    future = DateRange(start=date(2027, 1, 1), end=date(2027, 3, 31), label="Q1 2027")
    with pytest.raises(PeriodError, match="hasn't started"):
        qbr_summary(program, scope=NORTH, quarter=future, today=TODAY)


def test_qbr_registered_tool_resolves_partner_name_and_quarter_words(program: Session) -> None:
    ctx = ToolContext(today=TODAY, currency="USD")
    result = registry.call(program, ctx, "qbr_summary", {"partner": "northwind", "quarter": "Q2"})
    report = result.report()

    assert report.scope == "Northwind Test"
    assert report.period is not None and report.period.startswith("Q2 2026")
    default = registry.call(program, ctx, "qbr_summary", {"tier": "gold"}).report()
    assert default.scope == "Gold tier" and default.period is not None
    assert default.period.startswith("Q3 2026")
