"""A segment's share of the program equals its rows' sum over every row's sum, on both engines."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from storage.models import DailyPerformance, Partner
from tools import registry
from tools.context import ToolContext
from tools.errors import ToolError
from tools.metrics import ADDITIVE_METRICS, METRIC_NAMES, Metric
from tools.periods import DateRange
from tools.report import Change, Money, Percent
from tools.segment import Segment
from tools.share import MetricShare, MetricShareArgs, NotAShare, metric_share, run_metric_share

START = date(2026, 5, 1)
DAYS = 100  # 1 May – 8 Aug 2026
JULY = DateRange(start=date(2026, 7, 1), end=date(2026, 7, 31), label="July 2026")
JUNE = DateRange(start=date(2026, 6, 1), end=date(2026, 6, 30), label="June 2026")
EMPTY = DateRange(start=date(2026, 1, 1), end=date(2026, 1, 31), label="January 2026")

# key, name, type, tier, country, owner
PARTNERS = [
    ("north", "Northwind Traders", "affiliate", "Gold", "US", "maya@example.com"),
    ("helios", "Helios Channel Partners", "channel", "Gold", "DE", "leo@example.com"),
    ("cafe", "Café Olé Creators", "influencer", "Bronze", "ES", "maya@example.com"),
    ("cash", "CashBack Kings", "affiliate", "Bronze", "US", "leo@example.com"),
    ("bright", "Brightwave Studios", "content", "Silver", "US", "sam@example.com"),
    ("refer", "ReferRally", "referral", "Bronze", "GB", "sam@example.com"),
    ("quiet", "Quiet Affiliates", "affiliate", "Silver", "FR", "leo@example.com"),  # no rows
]
TYPE = {p[0]: p[2] for p in PARTNERS}
TIER = {p[0]: p[3] for p in PARTNERS}
COUNTRY = {p[0]: p[4] for p in PARTNERS}


@dataclass(frozen=True)
class Row:
    key: str
    day: date
    sums: dict[str, Any]


def _rows() -> list[Row]:
    rng = random.Random(11)
    rows = []
    for key, *_ in PARTNERS:
        if key == "quiet":
            continue
        for offset in range(DAYS):
            if rng.random() < 0.2:
                continue
            clicks = rng.randint(20, 500)
            leads = rng.randint(0, clicks // 4)
            conversions = rng.randint(0, leads)
            revenue = Decimal(rng.randint(500, 20000) * conversions) / 100
            payout = (revenue * Decimal(rng.choice([6, 9, 15])) / 100).quantize(Decimal("0.01"))
            sums = {
                "clicks": clicks,
                "leads": leads,
                "conversions": conversions,
                "reversals": rng.randint(0, conversions // 3),
                "revenue": revenue,
                "payout": payout,
            }
            rows.append(Row(key, START + timedelta(days=offset), sums))
    return rows


ROWS = _rows()


def _load(session: Session) -> None:
    partners = {
        key: Partner(
            partner_key=key,
            name=name,
            type=ptype,
            tier=tier,
            country=country,
            owner=owner,
            status="active",
        )
        for key, name, ptype, tier, country, owner in PARTNERS
    }
    session.add_all(partners.values())
    session.flush()
    session.add_all(
        DailyPerformance(partner_id=partners[r.key].id, day=r.day, **r.sums) for r in ROWS
    )
    session.commit()


def _sum(metric: Metric, period: DateRange, keys: set[str]) -> Any:
    zero: Any = Decimal(0) if metric in ("revenue", "payout") else 0
    return sum(
        (r.sums[metric] for r in ROWS if r.key in keys and period.start <= r.day <= period.end),
        zero,
    )


ALL = {p[0] for p in PARTNERS}
SEGMENTS: list[tuple[dict[str, Any], set[str]]] = [
    ({"tiers": ("Bronze",)}, {k for k in ALL if TIER[k] == "Bronze"}),
    ({"types": ("affiliate",)}, {k for k in ALL if TYPE[k] == "affiliate"}),
    ({"countries": ("US",)}, {k for k in ALL if COUNTRY[k] == "US"}),
    (
        {"types": ("affiliate",), "countries": ("US",)},
        {k for k in ALL if TYPE[k] == "affiliate" and COUNTRY[k] == "US"},
    ),
    ({"tiers": ("Gold", "Silver")}, {k for k in ALL if TIER[k] in ("Gold", "Silver")}),
    ({"owners": ("maya@example.com",)}, {"north", "cafe"}),
]
ADDITIVE: list[Metric] = [m for m in METRIC_NAMES if m in ADDITIVE_METRICS]
RATIOS: list[Metric] = [m for m in METRIC_NAMES if m not in ADDITIVE_METRICS]


def test_share_is_the_segments_sum_over_the_programs_for_every_additive_metric(
    session: Session,
) -> None:
    _load(session)
    for fields, keys in SEGMENTS:
        segment = Segment(**fields)
        for metric in ADDITIVE:
            result = metric_share(
                session, segment=segment, metric=metric, period=JULY, compare=JUNE
            )
            part, base = _sum(metric, JULY, keys), _sum(metric, JULY, ALL)
            assert (result.current.part, result.current.base) == (part, base), (fields, metric)
            assert result.current.share == Decimal(part) / Decimal(base) * 100
            assert result.previous is not None
            before_part, before_base = _sum(metric, JUNE, keys), _sum(metric, JUNE, ALL)
            assert (result.previous.part, result.previous.base) == (before_part, before_base)
            before = Decimal(before_part) / Decimal(before_base) * 100
            assert result.previous.share == before
            assert result.points == result.current.share - before


def test_named_partners_share_and_a_partner_without_rows_has_zero(session: Session) -> None:
    _load(session)
    refs = {p.partner_key: p for p in session.query(Partner)}
    for keys in ({"north"}, {"helios", "cafe"}, {"quiet"}):
        segment = Segment.of(*(refs[k] for k in sorted(keys)))
        result = metric_share(session, segment=segment, metric="revenue", period=JULY)
        part = _sum("revenue", JULY, keys)
        assert result.current.part == part
        assert result.current.share == part / _sum("revenue", JULY, ALL) * 100
        assert result.previous is None and result.points is None
    assert result.current.share == 0


def test_report_shows_share_part_and_base_with_the_change_in_points(session: Session) -> None:
    _load(session)
    result = metric_share(
        session, segment=Segment(tiers=("Bronze",)), metric="conversions", period=JULY, compare=JUNE
    )
    report = result.report()
    assert report.title == "Bronze partners' share of the whole program's conversions"
    assert report.period == JULY.describe()
    share, part, base = report.sections[0].facts
    assert share.label == "Share of conversions"
    assert share.value == Percent(value=result.current.share)
    assert result.previous is not None and result.previous.share is not None
    assert result.points is not None
    assert share.change == Change(
        absolute=Percent(value=result.points),
        percent=None,
        against="June 2026",
        previous=Percent(value=result.previous.share),
    )
    keys = {k for k in ALL if TIER[k] == "Bronze"}
    assert (part.label, part.value) == ("Bronze partners", _sum("conversions", JULY, keys))
    assert part.change is not None and part.change.previous == _sum("conversions", JUNE, keys)
    assert (base.label, base.value) == ("Whole program", _sum("conversions", JULY, ALL))
    assert base.change is not None and base.change.previous == _sum("conversions", JUNE, ALL)
    assert any("percentage points" in n for n in report.notes)


def test_a_segment_with_a_place_or_owner_reads_as_from_in_the_scope_line(session: Session) -> None:
    _load(session)
    segment = Segment(types=("affiliate",), countries=("US",))
    result = metric_share(session, segment=segment, metric="revenue", period=JULY)
    assert result.report().scope == (
        "Share of the whole program's revenue from affiliate partners in US"
    )
    money = result.report().sections[0].facts[1].value
    assert isinstance(money, Money) and money.amount == result.current.part
    assert result.report().sections[0].facts[0].change is None  # no comparison asked


@pytest.mark.parametrize("metric", RATIOS)
def test_a_ratio_metric_is_refused_with_the_breakdown_to_ask_for(metric: Metric) -> None:
    with pytest.raises(NotAShare) as refused:
        metric_share(None, segment=Segment(tiers=("Gold",)), metric=metric, period=JULY)  # type: ignore[arg-type]
    assert "additive" in refused.value.message
    assert "by tier" in refused.value.message
    assert refused.value.report().kind == "clarify"


def test_the_registry_refuses_a_ratio_before_touching_the_database() -> None:
    ctx = ToolContext(today=date(2026, 8, 9))
    with pytest.raises(ToolError, match="conversion rate by tier"):
        registry.call(None, ctx, "metric_share", {"metric": "conversion_rate", "tiers": "Gold"})  # type: ignore[arg-type]


def test_the_whole_program_has_no_share_to_give_and_asks_whose(session: Session) -> None:
    _load(session)
    with pytest.raises(NotAShare, match="Whose share"):
        metric_share(session, segment=Segment(), metric="revenue", period=JULY)


def test_a_period_without_data_says_there_is_no_share(session: Session) -> None:
    _load(session)
    result = metric_share(
        session, segment=Segment(tiers=("Gold",)), metric="clicks", period=JULY, compare=EMPTY
    )
    assert result.previous is not None and result.previous.share is None
    assert result.points is None
    report = result.report()
    assert report.sections[0].facts[0].change is None
    assert any("no change in share" in n for n in report.notes)
    empty = metric_share(session, segment=Segment(tiers=("Gold",)), metric="clicks", period=EMPTY)
    assert empty.current.share is None
    assert "no share" in (empty.report().sections[0].text or "")


def test_adapter_resolves_words_compares_like_for_like_and_carries_segment_notes(
    session: Session,
) -> None:
    _load(session)
    ctx = ToolContext(today=date(2026, 8, 20))  # data runs through 8 Aug
    result = run_metric_share(
        session,
        ctx,
        MetricShareArgs(partners=["Northwind"], tiers=["Bronze"], metric="leads", period="July"),
    )
    assert isinstance(result, MetricShare)
    assert result.segment.single_partner is not None
    assert any("not among Bronze partners" in n for n in result.notes)
    assert result.current.period.label == "July 2026"
    assert result.previous is not None and result.previous.period.label == "June 2026"
    assert result.current.part == _sum("leads", JULY, {"north"})
    running = run_metric_share(
        session, ctx, MetricShareArgs(countries=["United States"], period="this month")
    )
    assert isinstance(running, MetricShare)
    # August to date is cut to the data (1–8 Aug) and July to the same stretch.
    assert (running.current.period.start, running.current.period.end) == (
        date(2026, 8, 1),
        date(2026, 8, 8),
    )
    assert running.previous is not None
    assert running.previous.period.end == date(2026, 7, 8)
    us = {k for k in ALL if COUNTRY[k] == "US"}
    assert running.previous.part == _sum("revenue", running.previous.period, us)
    assert any("Both periods compare" in n for n in running.notes)


def test_the_argument_model_describes_every_field() -> None:
    fields = MetricShareArgs.model_fields
    assert {"metric", "period", "compare_to", "tiers", "partners"} <= set(fields)
    assert all(info.description for info in fields.values())


def test_a_named_partners_share_of_a_smaller_base_says_the_base_is_the_program(
    session: Session,
) -> None:
    _load(session)
    ctx = ToolContext(today=date(2026, 8, 9))
    args = MetricShareArgs(partners=["Northwind"], owners=["maya"], period="July 2026")
    result = run_metric_share(session, ctx, args)
    assert isinstance(result, MetricShare)
    assert result.current.base == _sum("revenue", JULY, ALL)  # the program, not Maya's book
    assert any("share is of the whole program" in n for n in result.report().notes)
