"""Breakdowns agree with sums computed in the test from the rows it inserted, group by group."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import Partner
from tests.factories import JULY, JUNE, PARTNERS, ROWS, expected_metrics, load_program, sums
from tools import registry
from tools.breakdown import Breakdown, BreakdownArgs, Dimension, performance_breakdown
from tools.context import ToolContext
from tools.metrics import METRIC_NAMES
from tools.periods import DateRange
from tools.report import Money, Percent
from tools.segment import Segment

TYPE = {key: ptype for key, _n, ptype, _t, _p in PARTNERS}
TIER = {key: tier for key, _n, _p, tier, _pr in PARTNERS}


def _active(key: str, period: DateRange) -> bool:
    s = sums(ROWS, period.start, period.end, {key})
    return bool(s["clicks"] or s["conversions"] or s["revenue"])


def test_every_metric_by_type_and_tier_matches_independentsums(session: Session) -> None:
    load_program(session)
    dimensions: tuple[tuple[Dimension, dict[str, str]], ...] = (("type", TYPE), ("tier", TIER))
    for by, group_of in dimensions:
        for metric in METRIC_NAMES:
            result = performance_breakdown(session, metric=metric, by=by, period=JULY, compare=JUNE)
            groups = {g.name: g for g in result.groups}
            expected_groups = {
                group_of[k] for k in group_of if sums(ROWS, JULY.start, JULY.end, {k})["rows"]
            }
            assert set(groups) == expected_groups, (by, metric)
            for name, group in groups.items():
                keys = {k for k, v in group_of.items() if v == name}
                now = expected_metrics(sums(ROWS, JULY.start, JULY.end, keys))[metric]
                before = expected_metrics(sums(ROWS, JUNE.start, JUNE.end, keys))[metric]
                assert group.value == now, (by, metric, name)
                assert group.previous == before, (by, metric, name)
                assert group.partners == sum(1 for k in keys if _active(k, JULY))
            everyone = set(group_of)
            total = expected_metrics(sums(ROWS, JULY.start, JULY.end, everyone))[metric]
            assert result.total == total
            values = [Decimal(g.value) for g in result.groups if g.value is not None]
            assert values == sorted(values, reverse=True)  # largest first


def test_additive_shares_add_up_and_the_table_ends_with_the_program(session: Session) -> None:
    load_program(session)
    result = performance_breakdown(session, metric="revenue", by="type", period=JULY, compare=JUNE)
    assert sum((g.share or Decimal(0)) for g in result.groups) == Decimal(100)
    affiliate = next(g for g in result.groups if g.name == "affiliate")
    keys = {k for k, t in TYPE.items() if t == "affiliate"}
    revenue = sums(ROWS, JULY.start, JULY.end, keys)["revenue"]
    assert affiliate.share == revenue / result.total * 100
    report = result.report()
    assert report.title == "Revenue by partner type"
    assert report.period == JULY.describe()
    table = report.sections[0].table
    assert table is not None
    assert table.columns == ["Partner type", "Partners", "Revenue", "Share", "June 2026", "Change"]
    assert table.rows[-1][0] == "Whole program"
    assert table.rows[-1][3] == Percent(value=Decimal(100))
    june = sums(ROWS, JUNE.start, JUNE.end, set(TYPE))["revenue"]
    assert table.rows[-1][4] == Money(amount=june)
    july = sums(ROWS, JULY.start, JULY.end, set(TYPE))["revenue"]
    assert table.rows[-1][5] == Percent(value=(july - june) / june * 100)
    row = next(r for r in table.rows if r[0] == "affiliate")
    june_affiliates = sums(ROWS, JUNE.start, JUNE.end, keys)["revenue"]
    assert row[4] == Money(amount=june_affiliates)
    assert row[5] == Percent(value=(revenue - june_affiliates) / june_affiliates * 100)
    assert affiliate.change is not None and affiliate.change.previous == Money(
        amount=june_affiliates
    )
    labels = [row[0] for row in table.rows]
    assert "B2B brand" in labels  # shown with its label, not the stored value


def test_partners_without_a_value_form_their_own_group(session: Session) -> None:
    partners = load_program(session)
    session.execute(update(Partner).where(Partner.id == partners["alpha"].id).values(tier=None))
    session.commit()
    result = performance_breakdown(session, metric="clicks", by="tier", period=JULY)
    groups = {g.name: g for g in result.groups}
    assert groups["no tier"].value == sums(ROWS, JULY.start, JULY.end, {"alpha"})["clicks"]
    gold = {k for k, t in TIER.items() if t == "Gold"} - {"alpha"}
    assert groups["Gold"].value == sums(ROWS, JULY.start, JULY.end, gold)["clicks"]
    assert result.comparison is None and all(g.change is None for g in result.groups)


def test_breakdown_tool_reads_words_and_an_empty_period_says_so(session: Session) -> None:
    load_program(session)
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


def test_breakdown_by_commission_model_uses_its_labels(session: Session) -> None:
    partners = load_program(session)
    models = {"alpha": "revshare", "beta": "cpa", "gamma": "revshare", "delta": "hybrid"}
    for key, model in models.items():
        session.execute(
            update(Partner).where(Partner.id == partners[key].id).values(commission_model=model)
        )
    session.commit()
    result = performance_breakdown(session, metric="revenue", by="commission_model", period=JULY)
    groups = {g.name: g for g in result.groups}
    assert set(groups) == {"revshare", "cpa", "hybrid", "no commission model"}
    for name, group in groups.items():
        keys = {k for k in TYPE if models.get(k, "no commission model") == name}
        assert group.value == sums(ROWS, JULY.start, JULY.end, keys)["revenue"], name
    assert groups["revshare"].label == "revenue share" and groups["cpa"].label == "CPA"
    assert result.report().title == "Revenue by commission model"


def test_breakdown_within_a_segment_covers_only_its_partners(session: Session) -> None:
    load_program(session)
    ctx = ToolContext(today=date(2026, 8, 15))
    result = registry.call(
        session,
        ctx,
        "performance_breakdown",
        {"metric": "clicks", "by": "type", "tiers": ["silver", "bronze"], "period": "July 2026"},
    )
    assert isinstance(result, Breakdown)
    assert result.segment == Segment(tiers=("Silver", "Bronze"))
    inside = {k for k, t in TIER.items() if t in ("Silver", "Bronze")}
    groups = {g.name: g for g in result.groups}
    assert set(groups) == {TYPE[k] for k in inside if sums(ROWS, JULY.start, JULY.end, {k})["rows"]}
    for name, group in groups.items():
        keys = {k for k in inside if TYPE[k] == name}
        assert group.value == sums(ROWS, JULY.start, JULY.end, keys)["clicks"], name
        assert group.previous == sums(ROWS, JUNE.start, JUNE.end, keys)["clicks"], name
    assert result.total == sums(ROWS, JULY.start, JULY.end, inside)["clicks"]
    report = result.report()
    assert report.scope == "Silver and Bronze partners"
    table = report.sections[0].table
    assert table is not None and table.rows[-1][0] == "Total"  # not the whole program
    # A named partner outside the tier: the tier is not applied, and the answer says so.
    named = registry.call(
        session, ctx, "performance_breakdown", {"partners": ["alpha"], "tiers": ["Bronze"]}
    )
    assert isinstance(named, Breakdown)
    assert named.notes[0].startswith("Alpha Affiliates is not among Bronze partners")
    assert [g.name for g in named.groups] == ["affiliate"]
