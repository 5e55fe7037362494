"""Best and worst days, weeks and months equal a brute force over the daily rows, both engines."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from storage import queries
from storage.models import DailyPerformance, Partner
from tools import registry
from tools.context import ToolContext
from tools.errors import ToolError
from tools.extremes import (
    BestPeriodArgs,
    BestPeriods,
    Grain,
    Order,
    best_period,
    run_best_period,
)
from tools.metrics import Metric
from tools.periods import DateRange
from tools.report import Money, Percent
from tools.segment import Segment

FIRST_DAY = date(2026, 1, 1)  # a Thursday
LAST_DAY = date(2026, 5, 20)  # a Wednesday: the last day with data
TODAY = date(2026, 5, 21)
YEAR = DateRange(start=date(2026, 1, 1), end=TODAY, label="2026 YTD", to_date=True)

# key, name, tier; "sleepy" has no clicks at all in February (its ratios have no value there)
PARTNERS = [
    ("orion", "Orion Deals", "Gold"),
    ("lyra", "Lyra Media", "Gold"),
    ("vega", "Vega Creators", "Silver"),
    ("altair", "Altair Coupons", "Bronze"),
    ("sleepy", "Sleepy Reviews", "Bronze"),
]
TIER = {key: tier for key, _name, tier in PARTNERS}
ALL = set(TIER)


@dataclass(frozen=True)
class Row:
    key: str
    day: date
    sums: dict[str, Any]


def _rows() -> list[Row]:
    rng = random.Random(5)
    rows = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        for key, _name, tier in PARTNERS:
            if rng.random() < 0.1 or (key == "sleepy" and day.month == 2):
                continue
            scale = {"Gold": 6, "Silver": 3, "Bronze": 1}[tier]
            clicks = rng.randint(10, 100) * scale
            leads = rng.randint(0, clicks // 5)
            conversions = rng.randint(0, leads)
            revenue = Decimal(rng.randint(800, 15000) * conversions) / 100
            payout = (revenue * Decimal(rng.choice([5, 10, 20])) / 100).quantize(Decimal("0.01"))
            sums = {
                "clicks": clicks,
                "leads": leads,
                "conversions": conversions,
                "reversals": rng.randint(0, conversions // 4),
                "revenue": revenue,
                "payout": payout,
            }
            rows.append(Row(key, day, sums))
        day += timedelta(days=1)
    return rows


ROWS = _rows()


def _load(session: Session) -> dict[str, Partner]:
    partners = {
        key: Partner(partner_key=key, name=name, type="affiliate", tier=tier, status="active")
        for key, name, tier in PARTNERS
    }
    session.add_all(partners.values())
    session.flush()
    session.add_all(
        DailyPerformance(partner_id=partners[r.key].id, day=r.day, **r.sums) for r in ROWS
    )
    session.commit()
    return partners


# --- the brute force ------------------------------------------------------------------------


def _calendar_bucket(grain: Grain, day: date) -> tuple[date, date]:
    if grain == "day":
        return day, day
    if grain == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if grain == "quarter":
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        after = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        return start, after - timedelta(days=1)
    first = day.replace(day=1)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def _value(sums: dict[str, Any], metric: Metric) -> Any:
    ratios: dict[str, tuple[str, str]] = {
        "conversion_rate": ("conversions", "clicks"),
        "epc": ("payout", "clicks"),
        "aov": ("revenue", "conversions"),
        "roas": ("revenue", "payout"),
        "reversal_rate": ("reversals", "conversions"),
    }
    if metric not in ratios:
        return sums[metric]
    top, bottom = ratios[metric]
    return None if sums[bottom] == 0 else Decimal(sums[top]) / Decimal(sums[bottom])


def _brute(
    grain: Grain, period: DateRange, keys: set[str]
) -> tuple[dict[date, dict[str, Any]], set[date]]:
    """Sums per calendar bucket (keyed by its first day) over the counted days, and which
    buckets are whole: inside the period and inside the days the program has data for."""
    data_first = min(r.day for r in ROWS)
    data_last = max(r.day for r in ROWS)
    lo, hi = max(period.start, data_first), min(period.end, data_last)
    buckets: dict[date, dict[str, Any]] = {}
    day = lo
    while day <= hi:
        start, _ = _calendar_bucket(grain, day)
        buckets.setdefault(
            start,
            {n: 0 for n in ("clicks", "leads", "conversions", "reversals")}
            | {"revenue": Decimal(0), "payout": Decimal(0)},
        )
        day += timedelta(days=1)
    for r in ROWS:
        if r.key in keys and lo <= r.day <= hi:
            bucket = buckets[_calendar_bucket(grain, r.day)[0]]
            for name, value in r.sums.items():
                bucket[name] += value
    whole = {start for start in buckets if lo <= start and _calendar_bucket(grain, start)[1] <= hi}
    return buckets, whole


def _expected_ranking(
    grain: Grain, period: DateRange, keys: set[str], metric: Metric, order: Order, n: int
) -> list[tuple[date, Any]]:
    buckets, whole = _brute(grain, period, keys)
    values = [(s, _value(buckets[s], metric)) for s in sorted(whole)]
    values = [(s, v) for s, v in values if v is not None]
    sign = -1 if order == "top" else 1
    values.sort(key=lambda sv: (sign * Decimal(sv[1]), sv[0]))
    return values[:n]


def _got(result: BestPeriods) -> list[tuple[date, Any]]:
    return [(r.bucket.start, r.bucket.value) for r in result.ranked]


CASES: list[tuple[Grain, DateRange]] = [
    ("day", DateRange(start=date(2026, 3, 1), end=date(2026, 3, 31), label="March 2026")),
    ("week", DateRange(start=date(2026, 1, 1), end=date(2026, 4, 30), label="1 Jan – 30 Apr")),
    ("month", YEAR),
]
METRICS_TRIED: list[Metric] = ["revenue", "conversions", "clicks", "conversion_rate", "epc"]


def test_best_and_worst_buckets_equal_a_brute_force_over_daily_rows(session: Session) -> None:
    _load(session)
    for grain, period in CASES:
        for metric in METRICS_TRIED:
            for order in ("top", "bottom"):
                result = best_period(
                    session,
                    segment=Segment(),
                    metric=metric,
                    period=period,
                    grain=grain,
                    order=order,
                    n=3,
                )
                expected = _expected_ranking(grain, period, ALL, metric, order, 3)
                assert _got(result) == expected, (grain, metric, order)
                assert [r.rank for r in result.ranked] == [1, 2, 3]


def test_the_average_is_the_mean_of_whole_buckets_or_the_ratio_of_their_sums(
    session: Session,
) -> None:
    _load(session)
    buckets, whole = _brute("month", YEAR, ALL)
    revenue = best_period(session, segment=Segment(), metric="revenue", period=YEAR)
    assert revenue.whole == len(whole) == 4  # January–April; May is cut by the data
    assert revenue.average == sum(buckets[s]["revenue"] for s in whole) / 4
    rate = best_period(session, segment=Segment(), metric="conversion_rate", period=YEAR)
    conversions = sum(buckets[s]["conversions"] for s in whole)
    clicks = sum(buckets[s]["clicks"] for s in whole)
    assert rate.average == Decimal(conversions) / Decimal(clicks)
    fact = rate.report().sections[1].facts[0]
    assert fact.label == "Conversion rate over the 4 whole months"
    assert fact.value == Percent(value=Decimal(conversions) / Decimal(clicks) * 100)


def test_partial_buckets_are_never_ranked_and_are_listed_with_their_days(
    session: Session,
) -> None:
    _load(session)
    # May (1–20, the data stops) would be the worst month if it were ranked.
    result = best_period(session, segment=Segment(), metric="revenue", period=YEAR, order="bottom")
    assert [r.bucket.label for r in result.ranked] != ["May 2026"]
    assert [b.label for b in result.partial] == ["May 2026"]
    may = result.partial[0]
    assert (may.first, may.last) == (date(2026, 5, 1), LAST_DAY)
    assert may.value == sum((r.sums["revenue"] for r in ROWS if r.day.month == 5), Decimal(0))
    assert may.counted == "partial: 1–20 May"
    assert any("Only whole months are ranked" in n and "1–20 May" in n for n in result.notes)
    assert any("Data runs through 20 May 2026" in n for n in result.notes)
    report = result.report()
    partial = report.sections[2]
    assert partial.title == "Partial month, not ranked"
    assert partial.table is not None
    assert partial.table.rows == [
        ["May 2026", "partial: 1–20 May", Money(amount=may.value, currency="USD")]
    ]


def test_weeks_cut_by_the_period_are_partial_and_labelled_monday_to_sunday(
    session: Session,
) -> None:
    _load(session)
    period = DateRange(start=date(2026, 1, 1), end=date(2026, 2, 3), label="1 Jan – 3 Feb 2026")
    result = best_period(
        session, segment=Segment(), metric="clicks", period=period, grain="week", n=12
    )
    assert [b.label for b in result.partial] == [
        "week of 29 Dec 2025 (29 Dec 2025 – 4 Jan 2026)",
        "week of 2 Feb 2026 (2–8 Feb)",
    ]
    assert [b.counted for b in result.partial] == ["partial: 1–4 Jan", "partial: 2–3 Feb"]
    labels = sorted(r.bucket.label for r in result.ranked)
    assert labels == sorted(
        [
            "week of 5 Jan 2026 (5–11 Jan)",
            "week of 12 Jan 2026 (12–18 Jan)",
            "week of 19 Jan 2026 (19–25 Jan)",
            "week of 26 Jan 2026 (26 Jan – 1 Feb)",
        ]
    )
    first = result.partial[0]
    assert first.value == sum(r.sums["clicks"] for r in ROWS if r.day <= date(2026, 1, 4))
    assert any("Monday to Sunday" in n for n in result.notes)


def test_month_and_day_labels_name_the_calendar_unit(session: Session) -> None:
    _load(session)
    months = best_period(session, segment=Segment(), metric="leads", period=YEAR, n=12)
    assert sorted(r.bucket.label for r in months.ranked) == sorted(
        ["January 2026", "February 2026", "March 2026", "April 2026"]
    )
    april = DateRange(start=date(2026, 4, 7), end=date(2026, 4, 7), label="7 Apr 2026")
    day = best_period(session, segment=Segment(), metric="leads", period=april, grain="day")
    assert [r.bucket.label for r in day.ranked] == ["Tue 7 Apr 2026"]
    assert day.partial == []


def test_a_segment_restricts_every_bucket_to_its_partners(session: Session) -> None:
    _load(session)
    gold = {k for k, t in TIER.items() if t == "Gold"}
    for grain, period in CASES:
        result = best_period(
            session,
            segment=Segment(tiers=("Gold",)),
            metric="revenue",
            period=period,
            grain=grain,
            n=12,
        )
        assert _got(result) == _expected_ranking(grain, period, gold, "revenue", "top", 12)
        everyone = best_period(
            session, segment=Segment(), metric="revenue", period=period, grain=grain
        )
        assert everyone.ranked[0].bucket.value != result.ranked[0].bucket.value
        buckets, _ = _brute(grain, period, gold)
        for partial in result.partial:
            assert partial.value == buckets[partial.start]["revenue"]
    assert result.report().scope == "Gold partners"


def test_whole_months_from_the_rollup_match_the_daily_rows(session: Session) -> None:
    partners = _load(session)
    segment = Segment.of(partners["vega"])
    months = queries.month_sums(session, date(2026, 1, 1), date(2026, 4, 1), segment)
    for month, totals in months:
        rows = [
            r for r in ROWS if r.key == "vega" and (r.day.year, r.day.month) == (2026, month.month)
        ]
        assert totals.revenue == sum((r.sums["revenue"] for r in rows), Decimal(0))
        assert totals.clicks == sum(r.sums["clicks"] for r in rows)
    empty = queries.month_sums(session, date(2025, 11, 1), date(2025, 12, 1), segment)
    assert [m for m, t in empty if t.clicks == 0] == [date(2025, 11, 1), date(2025, 12, 1)]


def test_a_ratio_with_nothing_to_divide_by_is_not_ranked_and_is_noted(session: Session) -> None:
    partners = _load(session)
    result = best_period(
        session,
        segment=Segment.of(partners["sleepy"]),
        metric="epc",
        period=YEAR,
        order="bottom",
        n=12,
    )
    assert [b.label for b in result.no_value] == ["February 2026"]
    assert "February 2026" not in [r.bucket.label for r in result.ranked]
    assert any("had no clicks, so no EPC" in n for n in result.notes)
    assert result.report().sections[0].table is not None
    assert result.report().sections[0].table.columns == ["Rank", "Month", "EPC", "Clicks"]  # type: ignore[union-attr]
    revenue = best_period(
        session,
        segment=Segment.of(partners["sleepy"]),
        metric="revenue",
        period=YEAR,
        order="bottom",
    )
    assert revenue.ranked[0].bucket.label == "February 2026"  # a real zero is a real worst month
    assert any("No activity at all" in n for n in revenue.notes)


def test_an_empty_program_or_period_has_nothing_to_rank(session: Session) -> None:
    empty = best_period(session, segment=Segment(), metric="revenue", period=YEAR)
    assert empty.ranked == [] and empty.partial == []
    assert any("no performance data yet" in n for n in empty.notes)
    _load(session)
    before = DateRange(start=date(2025, 1, 1), end=date(2025, 12, 31), label="2025")
    none = best_period(session, segment=Segment(), metric="revenue", period=before)
    assert none.ranked == []
    assert "No whole month" in (none.report().sections[0].text or "")


CTX = ToolContext(today=TODAY)


def test_adapter_defaults_the_period_to_the_grain(session: Session) -> None:
    _load(session)

    def run(arguments: dict[str, Any]) -> BestPeriods:
        result = run_best_period(session, CTX, BestPeriodArgs.model_validate(arguments))
        assert isinstance(result, BestPeriods)
        return result

    assert run({}).period.label == "2026 YTD"
    assert run({"grain": "week"}).period.label == "last 90 days"
    assert run({"grain": "day"}).period.label == "last 30 days"
    helios_like = run({"tiers": "gold", "grain": "week", "period": "Q1", "n": 2})
    assert helios_like.segment == Segment(tiers=("Gold",))
    q1 = DateRange(start=date(2026, 1, 1), end=date(2026, 3, 31), label="Q1 2026")
    gold = {k for k, t in TIER.items() if t == "Gold"}
    assert _got(helios_like) == _expected_ranking("week", q1, gold, "revenue", "top", 2)
    assert helios_like.report().title == "Best 2 weeks by revenue"


def test_n_is_bounded_by_the_argument_model() -> None:
    with pytest.raises(ToolError, match="n: must be at most 12"):
        registry.call(None, CTX, "best_period", {"n": 13, "grain": "month"})  # type: ignore[arg-type]
    with pytest.raises(ToolError, match="grain: must be one of day, week, month or quarter"):
        registry.call(None, CTX, "best_period", {"grain": "year"})  # type: ignore[arg-type]
    assert all(info.description for info in BestPeriodArgs.model_fields.values())


def test_quarters_rank_whole_quarters_and_list_the_running_one_apart(session: Session) -> None:
    _load(session)
    result = best_period(
        session, segment=Segment(), metric="revenue", period=YEAR, grain="quarter", n=2
    )
    buckets, whole = _brute("quarter", YEAR, ALL)
    assert whole == {date(2026, 1, 1)}  # Q1 whole; Q2 runs to the last day with data
    assert [(r.bucket.label, r.bucket.value) for r in result.ranked] == [
        ("Q1 2026", buckets[date(2026, 1, 1)]["revenue"])
    ]
    assert [(b.label, b.first, b.last) for b in result.partial] == [
        ("Q2 2026", date(2026, 4, 1), LAST_DAY)
    ]
