"""QBR summaries: headline numbers, weeks, goals, bullets and suggested goals vs own sums."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.render.text import render_text
from bot.render.values import line
from storage.models import DailyPerformance, Goal, Partner
from tools import registry
from tools.context import ToolContext
from tools.errors import PeriodError
from tools.periods import DateRange, previous_period, quarter_of
from tools.qbr import GROWTH_CEILING, GROWTH_FLOOR, QBRSummary, qbr_summary
from tools.report import Line, Money, Percent, Ratio
from tools.segment import Segment

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
                goal_key="q3-program",
                name="Q3 program revenue",
                scope="program",
                metric="revenue",
                target=Decimal(30000),
                start=Q3.start,
                end=Q3.end,
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


def _partner(session: Session, key: str) -> Partner:
    partner = session.query(Partner).filter_by(partner_key=key).one()
    return partner


def _north_segment(session: Session) -> Segment:
    return Segment.of(_partner(session, "north"))


def _texts(lines: list[Line]) -> list[str]:
    """Bullets as a person reads them, formatted by the one formatter in bot.render."""
    return [line(item) for item in lines]


def _pct(now: Decimal, before: Decimal) -> Decimal:
    return (now - before) / before * 100


def _round_step(value: Decimal) -> Decimal:
    step = Decimal(
        1000 if value >= 10_000 else 100 if value >= 1_000 else 10 if value >= 100 else 1
    )
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def test_qbr_headline_kpis_match_independent_sums_and_change(program: Session) -> None:
    summary = qbr_summary(program, segment=_north_segment(program), today=TODAY, currency="EUR")
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


def test_qbr_best_and_worst_weeks_are_whole_iso_weeks_inside_the_quarter(program: Session) -> None:
    summary = qbr_summary(program, segment=_north_segment(program), quarter=Q3, today=TODAY)

    mondays = [w.monday for w in summary.weeks]
    # 1 Jul and 30 Sep 2026 are Wednesdays: the weeks around them hold June/October days.
    assert mondays[0] == date(2026, 7, 6) and mondays[-1] == date(2026, 9, 21)
    assert all(m.weekday() == 0 for m in mondays) and len(mondays) == 12
    assert all(Q3.start <= w.monday and w.sunday <= Q3.end for w in summary.weeks)
    weekly = {m: _north(m, m + timedelta(days=6))["revenue"] for m in mondays}
    assert {w.monday: w.revenue for w in summary.weeks} == weekly
    assert summary.best_week is not None and summary.worst_week is not None
    assert summary.best_week.monday == date(2026, 8, 10) == max(weekly, key=lambda m: weekly[m])
    # Two silent weeks tie at zero; the earlier one is reported.
    assert weekly[date(2026, 9, 14)] == weekly[date(2026, 9, 21)] == 0
    assert summary.worst_week.monday == date(2026, 9, 14)
    assert summary.straddling == [
        (date(2026, 6, 29), date(2026, 7, 5)), (date(2026, 9, 28), date(2026, 10, 4))
    ]  # fmt: skip
    assert (
        "Best and worst weeks are whole ISO weeks (Mon–Sun) inside Q3 2026; 29 Jun – 5 Jul 2026 "
        "and 28 Sep – 4 Oct 2026 straddle its edges and are left out."
    ) in summary.report().notes


def test_qbr_never_ranks_a_week_straddling_the_quarter_even_when_it_is_the_biggest(
    session: Session,
) -> None:
    edge = Partner(partner_key="edge", name="Edge Media", type="affiliate", status="active")
    session.add(edge)
    session.flush()
    spike = date(2026, 9, 30)  # Wednesday of the week 28 Sep – 4 Oct
    rows = [
        {
            "partner_id": edge.id, "day": day, "clicks": 10, "leads": 0, "conversions": 1,
            "revenue": Decimal("50000.00") if day == spike else Decimal("100.00"),
            "payout": Decimal("10.00"), "reversals": 0,
        }
        for day in _days(Q3.start, Q3.end)
    ]  # fmt: skip
    session.execute(insert(DailyPerformance), rows)
    session.commit()

    summary = qbr_summary(session, segment=Segment.of(edge), quarter=Q3, today=TODAY)

    assert summary.kpi("revenue").value == Money(amount=Decimal(91 * 100 + 50000))
    assert summary.best_week is not None and summary.best_week.monday != date(2026, 9, 28)
    assert summary.best_week.revenue == Decimal(700)
    assert all(w.monday != date(2026, 9, 28) for w in summary.weeks)
    assert not any("28 Sep" in text for text in _texts(summary.highlights))


def test_qbr_counts_only_goals_of_the_scope_that_overlap_the_quarter(program: Session) -> None:
    summary = qbr_summary(program, segment=_north_segment(program), quarter=Q3, today=TODAY)

    assert [g.goal_key for g in summary.goals] == ["q3-north"]
    goal = summary.goals[0]
    expected = _north(Q3.start, Q3.end)["revenue"]
    assert goal.actual == expected
    assert goal.status == "achieved"
    assert goal.attainment is not None
    assert goal.attainment.quantize(Decimal("0.01")) == (expected / 200).quantize(Decimal("0.01"))
    assert any("Q3 Northwind revenue" in h and "achieved" in h for h in _texts(summary.highlights))

    tier = qbr_summary(program, segment=Segment(tiers=("gold",)), quarter=Q3, today=TODAY)
    assert [g.goal_key for g in tier.goals] == ["q3-gold"]
    whole = qbr_summary(program, segment=Segment.program(), quarter=Q3, today=TODAY)
    assert [g.goal_key for g in whole.goals] == ["q3-program"]
    assert whole.goals[0].actual == _north(Q3.start, Q3.end)["revenue"] + 92 * Decimal(100)


@pytest.mark.parametrize(
    ("segment", "why"),
    [
        (Segment(tiers=("Gold",), countries=("FR",)), "goals aren't split by country, so none "
         "covers Gold partners in FR"),
        (Segment(types=("affiliate",)), "goals aren't split by partner type"),
        (Segment(owners=("maya@partnerops.example",)), "goals aren't split by partner manager"),
    ],
)  # fmt: skip
def test_qbr_of_a_segment_no_goal_covers_has_no_goals_section_and_says_why(
    program: Session, segment: Segment, why: str
) -> None:
    summary = qbr_summary(program, segment=segment, quarter=Q3, today=TODAY)
    report = summary.report()

    assert summary.goals == [] and not summary.goals_apply
    assert "Goals" not in [s.title for s in report.sections]
    assert any(note.startswith("No goals section: ") and why in note for note in report.notes)


def test_qbr_of_several_partners_shows_no_single_partners_goals(program: Session) -> None:
    both = Segment.of(_partner(program, "north"), _partner(program, "other"))
    summary = qbr_summary(program, segment=both, quarter=Q3, today=TODAY)

    assert summary.goals == []
    assert any("none covers Northwind Test and Other Media together" in n for n in summary.notes)
    assert summary.owner is None  # people belong to one partner


def test_qbr_suggested_goals_are_run_rate_times_clamped_trend_rounded(program: Session) -> None:
    summary = qbr_summary(program, segment=_north_segment(program), quarter=Q3, today=TODAY)
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
    reasoning = line(targets["revenue"].reasoning)
    assert "capped at a 25.0% rise" in reasoning
    adjusted = now["revenue"] / Q3.days * next_days * Decimal("1.25")
    assert reasoning.endswith(f"with that trend, ${adjusted:,.0f}, rounded to $29,000.")
    assert line(targets["conversions"].reasoning).endswith("with that trend, 342, rounded to 340.")


def test_qbr_highlights_and_risks_come_from_the_numbers(program: Session) -> None:
    summary = qbr_summary(
        program, segment=_north_segment(program), quarter=Q3, today=TODAY, currency="EUR"
    )
    now, before = _north(Q3.start, Q3.end), _north(Q2.start, Q2.end)
    growth = _pct(now["revenue"], before["revenue"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    rate = (now["reversals"] / now["conversions"] * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    fall = -_pct(now["conversions"], before["conversions"])
    highlights, risks = _texts(summary.highlights), _texts(summary.risks)

    assert f"Revenue up {growth}% vs Q2 2026 (€18,200 → €23,235)." in highlights
    assert f"Reversal rate doubled to {rate}% (from 0.8% in Q2 2026)." in risks
    assert "Best week: 10–16 Aug 2026, €6,563 revenue." in highlights
    assert "No conversions in the last 3 weeks of the quarter (last one on 9 Sep 2026)." in risks
    # Conversions slipped under the 10 % "notable" bar: still a risk, with the figures.
    assert (now["conversions"], before["conversions"]) == (Decimal(355), Decimal(364))
    assert (
        f"Conversions down {fall.quantize(Decimal('0.1'), ROUND_HALF_UP)}% vs Q2 2026 (364 → 355)."
        in risks
    )
    report = summary.report()
    assert report.period == "Q3 2026 (1 Jul – 30 Sep 2026)"
    assert report.scope == "Northwind Test"


def _steady_partner(session: Session, q2_revenue: Decimal, q3_revenue: Decimal | None) -> Partner:
    """A partner converting every day of Q2 and (unless None) Q3 at the given daily revenue."""
    partner = Partner(partner_key="steady", name="Steady Co", type="affiliate", status="active")
    session.add(partner)
    session.flush()
    days = [(d, q2_revenue) for d in _days(Q2.start, Q2.end)]
    if q3_revenue is not None:
        days += [(d, q3_revenue) for d in _days(Q3.start, Q3.end)]
    session.execute(insert(DailyPerformance), [
        {
            "partner_id": partner.id, "day": day, "clicks": 20, "leads": 0, "conversions": 2,
            "revenue": revenue, "payout": revenue / 10, "reversals": 0,
        }
        for day, revenue in days
    ])  # fmt: skip
    session.commit()
    return partner


def test_qbr_a_small_revenue_fall_is_a_risk_never_none_flagged(session: Session) -> None:
    # 91 days × 100 in Q2, 92 days × 98 in Q3: a 0.9 % fall, below the "notable" bar.
    partner = _steady_partner(session, Decimal(100), Decimal(98))
    summary = qbr_summary(session, segment=Segment.of(partner), quarter=Q3, today=TODAY)

    assert _texts(summary.risks) == ["Revenue down 0.9% vs Q2 2026 ($9,100 → $9,016)."]
    text = render_text(summary.report())
    assert "None flagged" not in text
    assert "  • Revenue down 0.9% vs Q2 2026 ($9,100 → $9,016)." in text


def test_qbr_a_silent_quarter_after_an_active_one_states_the_fall(session: Session) -> None:
    partner = _steady_partner(session, Decimal(100), None)
    summary = qbr_summary(session, segment=Segment.of(partner), quarter=Q3, today=TODAY)

    assert _texts(summary.risks) == [
        "No activity recorded in Q3 2026.",
        "Revenue down 100.0% vs Q2 2026 ($9,100 → $0.00).",
        "Conversions down 100.0% vs Q2 2026 (182 → 0).",
    ]


def test_qbr_tier_scope_sums_only_tier_partners_and_compares_reversals_with_program(
    program: Session,
) -> None:
    summary = qbr_summary(program, segment=Segment(tiers=("Silver",)), quarter=Q3, today=TODAY)
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
    summary = qbr_summary(
        program, segment=_north_segment(program), quarter=quarter_of(today), today=today
    )

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
        qbr_summary(program, segment=_north_segment(program), quarter=future, today=TODAY)


def test_qbr_registered_tool_resolves_partner_name_and_quarter_words(program: Session) -> None:
    ctx = ToolContext(today=TODAY, currency="USD")
    result = registry.call(program, ctx, "qbr_summary", {"partners": ["northwind"], "period": "Q2"})
    report = result.report()

    assert report.scope == "Northwind Test"
    assert report.period is not None and report.period.startswith("Q2 2026")
    default = registry.call(program, ctx, "qbr_summary", {"tiers": "gold"}).report()
    assert default.scope == "Gold partners" and default.period is not None
    assert default.period.startswith("Q3 2026")
    assert default.title == "QBR: Gold partners, Q3 2026"


@pytest.mark.parametrize(
    ("args", "scope", "keys"),
    [
        ({"types": ["content"]}, "content partners", {"other"}),
        ({"owners": ["maya"]}, "partners managed by maya@partnerops.example", {"north"}),
        ({}, "whole program", {"north", "other"}),
    ],
)
def test_qbr_covers_any_segment_and_sums_only_its_partners(
    program: Session, args: dict[str, object], scope: str, keys: set[str]
) -> None:
    ctx = ToolContext(today=TODAY)
    result = registry.call(program, ctx, "qbr_summary", {**args, "period": "Q3 2026"})
    assert isinstance(result, QBRSummary)

    expected = Decimal(0)
    if "north" in keys:
        expected += _north(Q3.start, Q3.end)["revenue"]
    if "other" in keys:
        expected += _sum([_other_row(d) for d in OTHER_DAYS])["revenue"]
    assert result.kpi("revenue").value == Money(amount=expected)
    assert result.report().scope == scope


def test_qbr_registered_tool_carries_the_segment_notes(program: Session) -> None:
    ctx = ToolContext(today=TODAY)
    result = registry.call(
        program, ctx, "qbr_summary", {"partners": ["Northwind Test"], "tiers": ["Silver"]}
    )
    report = result.report()
    assert report.scope == "Northwind Test"
    assert any("not among Silver partners" in note for note in report.notes)


@pytest.mark.parametrize("words", ["October", "last 30 days", "2026"])
def test_qbr_period_that_is_not_a_quarter_is_a_readable_error(program: Session, words: str) -> None:
    ctx = ToolContext(today=TODAY)
    with pytest.raises(PeriodError, match="is not a quarter") as raised:
        registry.call(program, ctx, "qbr_summary", {"period": words})
    assert "Q3 2026" in raised.value.message


def test_qbr_period_words_default_to_the_last_full_quarter_and_accept_this_quarter(
    program: Session,
) -> None:
    ctx = ToolContext(today=TODAY)
    default = registry.call(program, ctx, "qbr_summary", {})
    assert isinstance(default, QBRSummary)
    assert (default.quarter.start, default.quarter.end) == (Q3.start, Q3.end)
    running = registry.call(program, ctx, "qbr_summary", {"period": "this quarter"})
    assert isinstance(running, QBRSummary)
    # ended on the last day with data (yesterday), like every other answer's period
    assert running.quarter.to_date and running.quarter.end == TODAY - timedelta(days=1)
    with pytest.raises(PeriodError, match="hasn't started"):
        registry.call(program, ctx, "qbr_summary", {"period": "Q1 2027"})


@pytest.mark.parametrize(
    ("currency", "revenue", "week"),
    [("PLN", "zł 23,235", "zł 6,563"), ("KRW", "₩23,235", "₩6,563"), ("EUR", "€23,235", "€6,563")],
)
def test_qbr_reads_one_currency_form_in_facts_tables_and_bullets(
    program: Session, currency: str, revenue: str, week: str
) -> None:
    summary = qbr_summary(
        program, segment=_north_segment(program), quarter=Q3, today=TODAY, currency=currency
    )
    text = render_text(summary.report())

    headline = next(row for row in text.splitlines() if row.startswith("  Revenue "))
    assert f"  {revenue}  +" in headline  # a fact, then its change
    assert headline.endswith(f" vs Q2 2026 ({revenue.replace('23,235', '18,200')})")
    assert f"Best week: 10–16 Aug 2026, {week} revenue." in text  # a bullet
    goal_row = next(row for row in text.splitlines() if "Q3 Northwind revenue" in row)
    assert revenue in goal_row  # the goals table
    assert f" {currency}" not in text and f"{currency} " not in text


def test_qbr_of_a_segment_with_no_partners_says_so(program: Session) -> None:
    summary = qbr_summary(program, segment=Segment(countries=("JP",)), quarter=Q3, today=TODAY)

    assert summary.kpi("revenue").value == Money(amount=Decimal(0))
    assert summary.notes[0] == "No partner is among partners in JP, so every figure is zero."
    assert _texts(summary.risks) == ["No activity recorded in Q3 2026."]
