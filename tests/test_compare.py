"""Partners side by side: each column agrees with sums computed in the test from its rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from tests.factories import ALL, JULY, NAMES, ROWS, expected_metrics, load_program, sums
from tools import registry
from tools.compare import PartnerComparison, compare_partners
from tools.context import ToolContext
from tools.errors import PartnerNotFound, ToolError
from tools.metrics import METRIC_NAMES

CTX = ToolContext(today=date(2026, 8, 15))


def test_each_partner_matches_its_own_rows_in_the_order_asked(session: Session) -> None:
    partners = load_program(session)
    keys = ["gamma", "alpha", "theta"]
    result = compare_partners(session, [partners[k] for k in keys], period=JULY)
    assert [p.name for p in result.partners] == [NAMES[k] for k in keys]
    program = sums(ROWS, JULY.start, JULY.end, ALL)["revenue"]
    for key, compared in zip(keys, result.partners, strict=True):
        expected = expected_metrics(sums(ROWS, JULY.start, JULY.end, {key}))
        for metric in METRIC_NAMES:
            assert compared.value(metric) == expected[metric], (key, metric)
        assert compared.revenue_share == expected["revenue"] / program * 100
    table = result.report().sections[0].table
    assert table is not None
    assert table.columns == ["Metric", *(NAMES[k] for k in keys)]
    assert [row[0] for row in table.rows][:2] == ["Revenue", "Payout"]


def test_leaders_are_called_out_and_ties_are_not(session: Session) -> None:
    partners = load_program(session)
    result = compare_partners(session, [partners["alpha"], partners["beta"]], period=JULY)
    revenue = {k: sums(ROWS, JULY.start, JULY.end, {k})["revenue"] for k in ("alpha", "beta")}
    top = max(revenue, key=lambda k: revenue[k])
    bullets = result.report().sections[1].bullets
    assert f"Highest revenue: {NAMES[top]}" in bullets
    assert any(isinstance(b, str) and b.startswith("Lowest reversal rate:") for b in bullets)
    same = compare_partners(session, [partners["eta"], partners["zeta"]], period=JULY)
    assert same.leader("revenue") is None  # both 0: nobody leads
    assert same.notes == [f"No data in the period for {NAMES['eta']}."]


def test_compare_tool_resolves_names_and_refuses_fewer_than_two(session: Session) -> None:
    load_program(session)
    result = registry.call(
        session,
        CTX,
        "compare_partners",
        {"partners": ["alpha", "GAMMA creators"], "period": "July"},
    )
    assert isinstance(result, PartnerComparison)
    assert [p.name for p in result.partners] == [NAMES["alpha"], NAMES["gamma"]]
    assert (result.period.start, result.period.end) == (JULY.start, JULY.end)
    with pytest.raises(ToolError, match="at least two"):
        registry.call(session, CTX, "compare_partners", {"partners": ["alpha", "Alpha Affiliates"]})
    with pytest.raises(PartnerNotFound):
        registry.call(session, CTX, "compare_partners", {"partners": ["alpha", "Zzyzx Holdings"]})
    assert Decimal(0) <= (result.partners[0].revenue_share or Decimal(0)) <= Decimal(100)
