"""Breakdowns agree with sums computed in the test from the rows it inserted, group by group."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import Partner
from tests.test_performance import JULY, JUNE, PARTNERS, ROWS, _expected_metrics, _load, _sums
from tools import registry
from tools.breakdown import Breakdown, BreakdownArgs, Dimension, performance_breakdown
from tools.context import ToolContext
from tools.metrics import METRIC_NAMES
from tools.periods import DateRange
from tools.report import Percent

TYPE = {key: ptype for key, _n, ptype, _t, _p in PARTNERS}
TIER = {key: tier for key, _n, _p, tier, _pr in PARTNERS}


def _active(key: str, period: DateRange) -> bool:
    s = _sums(ROWS, period.start, period.end, {key})
    return bool(s["clicks"] or s["conversions"] or s["revenue"])


def test_every_metric_by_type_and_tier_matches_independent_sums(session: Session) -> None:
    _load(session)
    dimensions: tuple[tuple[Dimension, dict[str, str]], ...] = (("type", TYPE), ("tier", TIER))
    for by, group_of in dimensions:
        for metric in METRIC_NAMES:
            result = performance_breakdown(session, metric=metric, by=by, period=JULY, compare=JUNE)
            groups = {g.name: g for g in result.groups}
            expected_groups = {
                group_of[k] for k in group_of if _sums(ROWS, JULY.start, JULY.end, {k})["rows"]
            }
            assert set(groups) == expected_groups, (by, metric)
            for name, group in groups.items():
                keys = {k for k, v in group_of.items() if v == name}
                now = _expected_metrics(_sums(ROWS, JULY.start, JULY.end, keys))[metric]
                before = _expected_metrics(_sums(ROWS, JUNE.start, JUNE.end, keys))[metric]
                assert group.value == now, (by, metric, name)
                assert group.previous == before, (by, metric, name)
                assert group.partners == sum(1 for k in keys if _active(k, JULY))
            everyone = set(group_of)
            total = _expected_metrics(_sums(ROWS, JULY.start, JULY.end, everyone))[metric]
            assert result.total == total
            values = [Decimal(g.value) for g in result.groups if g.value is not None]
            assert values == sorted(values, reverse=True)  # largest first


def test_additive_shares_add_up_and_the_table_ends_with_the_program(session: Session) -> None:
    _load(session)
    result = performance_breakdown(session, metric="revenue", by="type", period=JULY, compare=JUNE)
    assert sum((g.share or Decimal(0)) for g in result.groups) == Decimal(100)
    affiliate = next(g for g in result.groups if g.name == "affiliate")
    keys = {k for k, t in TYPE.items() if t == "affiliate"}
    revenue = _sums(ROWS, JULY.start, JULY.end, keys)["revenue"]
    assert affiliate.share == revenue / result.total * 100
    report = result.report()
    assert report.title == "Revenue by partner type"
    assert report.period == JULY.describe()
    table = report.sections[0].table
    assert table is not None
    assert table.columns == [
        "Partner type",
        "Partners",
        "Revenue",
        "Share",
        "Change % vs June 2026",
    ]
    assert table.rows[-1][0] == "Whole program"
    assert table.rows[-1][3] == Percent(value=Decimal(100))
    labels = [row[0] for row in table.rows]
    assert "B2B brand" in labels  # shown with its label, not the stored value


def test_partners_without_a_value_form_their_own_group(session: Session) -> None:
    partners = _load(session)
    session.execute(update(Partner).where(Partner.id == partners["alpha"].id).values(tier=None))
    session.commit()
    result = performance_breakdown(session, metric="clicks", by="tier", period=JULY)
    groups = {g.name: g for g in result.groups}
    assert groups["no tier"].value == _sums(ROWS, JULY.start, JULY.end, {"alpha"})["clicks"]
    gold = {k for k, t in TIER.items() if t == "Gold"} - {"alpha"}
    assert groups["Gold"].value == _sums(ROWS, JULY.start, JULY.end, gold)["clicks"]
    assert result.comparison is None and all(g.change is None for g in result.groups)


def test_breakdown_tool_reads_words_and_an_empty_period_says_so(session: Session) -> None:
    _load(session)
    ctx = ToolContext(today=date(2026, 8, 15), currency="EUR")
    result = registry.call(
        session,
        ctx,
        "performance_breakdown",
        {"metric": "conversions", "by": "tier", "period": "July 2026"},
    )
    assert isinstance(result, Breakdown)
    assert result.currency == "EUR" and result.comparison is not None
    assert result.comparison.label == "June 2026"
    assert BreakdownArgs().by == "type" and BreakdownArgs().metric == "revenue"
    empty = performance_breakdown(
        session, period=DateRange(start=date(2025, 1, 1), end=date(2025, 1, 31), label="Jan 2025")
    )
    assert empty.groups == []
    assert empty.report().sections[0].text == "No partner has data in this period."
