"""Insights agree with sums computed independently in the test from the rows it inserted."""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.render.values import line
from tests import factories
from tools.errors import ToolError
from tools.insights import (
    ANOMALY_BASELINE_DAYS,
    ANOMALY_BASELINE_MULTIPLE,
    ANOMALY_MIN_CONVERSIONS,
    ANOMALY_PROGRAM_MULTIPLE,
    QUIET_PRIOR_DAYS,
    REVERSAL_WATCH,
    MoverBy,
    TopMovers,
    quiet_partners,
    recruitment_priorities,
    reversal_anomalies,
    top_movers,
)
from tools.metrics import Metric
from tools.periods import DateRange, previous_period, resolve_period
from tools.segment import Segment

TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Row:
    """A daily row as a test writes it: unnamed sums are 0."""

    key: str
    day: date
    conversions: int = 0
    revenue: Decimal = Decimal(0)
    clicks: int = 0
    reversals: int = 0
    payout: Decimal = Decimal(0)


class Program:
    """Partners and daily rows written through tests.factories and kept here for
    independent sums."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids: dict[str, int] = {}
        self.attrs: dict[str, dict[str, Any]] = {}
        self.rows: list[Row] = []

    def partner(self, key: str, status: str = "active", **fields: Any) -> None:
        values: dict[str, Any] = {"name": key.title(), "type": "affiliate", "status": status}
        values.update(fields)
        partner = factories.partner(key, **values)
        self.session.add(partner)
        self.session.flush()
        self.ids[key] = partner.id
        self.attrs[key] = values

    def add(self, *rows: Row) -> None:
        self.rows.extend(rows)
        factories.add_daily(
            self.session,
            [
                (
                    self.ids[r.key],
                    factories.Row(
                        r.key, r.day, r.clicks, 0, r.conversions, r.reversals, r.revenue, r.payout
                    ),
                )
                for r in rows
            ],
        )

    def daily(self, key: str, start: date, end: date, **values: Any) -> None:
        day, rows = start, []
        while day <= end:
            rows.append(Row(key, day, **values))
            day += timedelta(days=1)
        self.add(*rows)

    def sum(self, key: str | None, field: str, start: date, end: date) -> Decimal:
        return sum(
            (
                Decimal(getattr(r, field))
                for r in self.rows
                if (key is None or r.key == key) and start <= r.day <= end
            ),
            Decimal(0),
        )

    def keys(self, **where: Any) -> set[str]:
        """Partner keys whose attributes equal every value given (status='active', …)."""
        return {
            key
            for key, attrs in self.attrs.items()
            if all(attrs.get(name) == value for name, value in where.items())
        }


@pytest.fixture
def program(session: Session) -> Program:
    return Program(session)


def test_quiet_partners_match_independent_computation(program: Program) -> None:
    p = program
    p.partner("big-quiet", owner="maya@partnerops.example")
    p.daily("big-quiet", date(2026, 7, 1), date(2026, 10, 31), conversions=2, revenue=Decimal(100))
    p.partner("small-quiet", owner="leo@partnerops.example")
    p.daily("small-quiet", date(2026, 10, 1), date(2026, 11, 5), conversions=1, revenue=Decimal(50))
    p.partner("clicks-only-lately")
    p.add(Row("clicks-only-lately", date(2026, 10, 20), conversions=3, revenue=Decimal("10.5")))
    p.daily("clicks-only-lately", date(2026, 11, 1), date(2026, 11, 22), clicks=40)
    p.partner("still-converting")
    p.add(Row("still-converting", date(2026, 11, 9), conversions=1, revenue=Decimal(5)))
    p.partner("converted-today")
    p.add(
        Row("converted-today", date(2026, 10, 1), conversions=1, revenue=Decimal(5)),
        Row("converted-today", TODAY, conversions=1, revenue=Decimal(5)),
    )
    p.partner("never-converted")
    p.daily("never-converted", date(2026, 9, 1), date(2026, 9, 30), clicks=10)
    p.partner("paused-quiet", status="paused")
    p.add(Row("paused-quiet", date(2026, 9, 1), conversions=5, revenue=Decimal(500)))

    result = quiet_partners(p.session, today=TODAY, days=14)

    window_start = TODAY - timedelta(days=14)
    assert (result.window.start, result.window.end) == (window_start, TODAY - timedelta(days=1))
    expected = []
    for key in p.ids:
        if key == "paused-quiet":
            continue
        converting = [
            r.day for r in p.rows if r.key == key and r.conversions > 0 and r.day <= TODAY
        ]
        if not converting or max(converting) >= window_start:
            continue
        last = max(converting)
        prior_start = last - timedelta(days=QUIET_PRIOR_DAYS - 1)
        conversions = p.sum(key, "conversions", prior_start, last)
        expected.append(
            (
                key,
                last,
                (TODAY - last).days,
                (conversions * 7 / QUIET_PRIOR_DAYS).quantize(Decimal("0.01")),
                p.sum(key, "revenue", prior_start, last),
            )
        )
    expected.sort(key=lambda e: -e[4])
    got = [
        (
            q.partner_key,
            q.last_conversion,
            q.days_since,
            q.prior_conversions_per_week,
            q.prior_revenue,
        )
        for q in result.partners
    ]
    assert got == expected
    assert [e[0] for e in expected] == ["big-quiet", "small-quiet", "clicks-only-lately"]
    assert got[0][3] == Decimal("14.00") and got[0][4] == Decimal(9000)
    assert result.partners[0].owner == "maya@partnerops.example"
    report = result.report()
    assert report.period == "last 14 days (9 Nov – 22 Nov 2026)"
    assert report.scope == "active partners"


def test_quiet_partners_rejects_zero_days(program: Program) -> None:
    with pytest.raises(ToolError, match="at least 1"):
        quiet_partners(program.session, today=TODAY, days=0)


PERIOD = DateRange(start=date(2026, 10, 24), end=date(2026, 11, 22), label="last 30 days")
BASELINE_DAY = PERIOD.start - timedelta(days=30)


def _reversal_program(p: Program) -> None:
    # The spike: 2% of conversions reversed in its baseline, 20% in the period.
    p.partner("spiky")
    p.add(Row("spiky", BASELINE_DAY, conversions=300, reversals=6))
    p.add(Row("spiky", PERIOD.start, conversions=150, reversals=30))
    p.add(Row("spiky", PERIOD.end, conversions=150, reversals=30))
    # Normal volume at a steady 2%.
    p.partner("steady")
    p.add(Row("steady", BASELINE_DAY, conversions=1500, reversals=30))
    p.add(Row("steady", PERIOD.start + timedelta(days=3), conversions=1500, reversals=30))
    # Always bad: high rate, but no worse than its own baseline.
    p.partner("always-bad")
    p.add(Row("always-bad", BASELINE_DAY, conversions=100, reversals=25))
    p.add(Row("always-bad", PERIOD.end, conversions=100, reversals=25))
    # Too small to call: everything reversed, but under the volume floor.
    p.partner("tiny")
    p.add(Row("tiny", BASELINE_DAY, conversions=50, reversals=0))
    p.add(Row("tiny", PERIOD.end, conversions=5, reversals=5))
    # Rows just outside the period and baseline must not count.
    p.add(Row("steady", PERIOD.end + timedelta(days=1), conversions=10, reversals=10))
    p.add(
        Row(
            "spiky",
            PERIOD.start - timedelta(days=ANOMALY_BASELINE_DAYS + 1),
            conversions=10,
            reversals=10,
        )
    )


def test_reversal_anomaly_flags_spike_partner_not_steady_one(program: Program) -> None:
    _reversal_program(program)

    result = reversal_anomalies(program.session, period=PERIOD)

    assert [c.partner_key for c in result.flagged] == ["spiky"]
    program_rate = program.sum(None, "reversals", PERIOD.start, PERIOD.end) / program.sum(
        None, "conversions", PERIOD.start, PERIOD.end
    )
    assert result.program_rate == program_rate
    baseline = (PERIOD.start - timedelta(days=ANOMALY_BASELINE_DAYS), PERIOD.start - timedelta(1))
    assert (result.baseline.start, result.baseline.end) == baseline
    by_key = {c.partner_key: c for c in result.partners}
    for key, check in by_key.items():
        conv = program.sum(key, "conversions", PERIOD.start, PERIOD.end)
        rev = program.sum(key, "reversals", PERIOD.start, PERIOD.end)
        base_conv = program.sum(key, "conversions", *baseline)
        base_rev = program.sum(key, "reversals", *baseline)
        assert (check.conversions, check.reversals) == (int(conv), int(rev))
        assert (check.baseline_conversions, check.baseline_reversals) == (
            int(base_conv),
            int(base_rev),
        )
        assert check.rate == rev / conv
        assert check.baseline_rate == base_rev / base_conv
    spiky = by_key["spiky"]
    assert spiky.rate == Decimal("0.2")
    assert spiky.vs_baseline == Decimal(10)
    assert spiky.vs_program == Decimal("0.2") / program_rate
    assert not by_key["always-bad"].flagged  # ≥ 2× program, but not vs its own baseline
    assert "tiny" not in by_key  # under the volume floor: checked, never flagged nor watched
    assert result.partners_checked == 4
    assert [c.partner_key for c in result.watch] == ["always-bad", "steady"]
    report = result.report()
    assert report.title == "1 partner with a reversal spike"
    assert report.period == PERIOD.describe()
    assert report.sections[1].table is not None
    assert report.sections[1].table.rows[0][0] == "Spiky"


def test_reversal_watch_list_keeps_the_highest_unflagged_rates(program: Program) -> None:
    _reversal_program(program)
    for i in range(REVERSAL_WATCH + 3):
        key = f"steady-{i}"
        program.partner(key)
        program.add(Row(key, BASELINE_DAY, conversions=100, reversals=10))
        program.add(Row(key, PERIOD.end, conversions=100, reversals=i))

    result = reversal_anomalies(program.session, period=PERIOD)

    assert [c.partner_key for c in result.flagged] == ["spiky"]
    rates = {
        key: program.sum(key, "reversals", PERIOD.start, PERIOD.end)
        / program.sum(key, "conversions", PERIOD.start, PERIOD.end)
        for key in program.ids
        if key not in ("spiky", "tiny")
    }
    expected = sorted(rates, key=lambda k: (-rates[k], k.title()))[:REVERSAL_WATCH]
    assert [c.partner_key for c in result.watch] == expected
    assert result.partners_checked == len(rates) + 2
    report = result.report()
    assert report.sections[-1].title == "Highest other rates"
    assert report.sections[-1].table is not None
    assert len(report.sections[-1].table.rows) == REVERSAL_WATCH


def test_reversal_anomalies_none_when_rates_are_steady(program: Program) -> None:
    program.partner("steady")
    program.add(Row("steady", BASELINE_DAY, conversions=1000, reversals=20))
    program.add(Row("steady", PERIOD.start, conversions=1000, reversals=21))

    result = reversal_anomalies(program.session, period=PERIOD)

    assert result.flagged == []
    assert result.report().title == "No reversal spikes"


MOVER_PERIOD = DateRange(start=date(2026, 11, 1), end=date(2026, 11, 10), label="1–10 Nov")
MOVER_COMPARE = DateRange(start=date(2026, 10, 22), end=date(2026, 10, 31), label="22–31 Oct")


def test_top_movers_match_independent_sums(program: Program) -> None:
    p = program
    changes = {
        "alpha": (Decimal(100), Decimal(400)),
        "bravo": (Decimal(1000), Decimal(200)),
        "charlie": (Decimal(300), Decimal(300)),
        "delta": (Decimal(0), Decimal(250)),
        "echo": (Decimal(500), Decimal(0)),
        "foxtrot": (Decimal(50), Decimal(60)),
        "golf": (Decimal(900), Decimal(850)),
    }
    for key, (before, after) in changes.items():
        p.partner(key, status="churned" if key == "echo" else "active")
        # Split each period's total over two days to check that days are summed.
        for day, total in ((MOVER_COMPARE.start, before), (MOVER_PERIOD.start, after)):
            if total:
                p.add(Row(key, day, revenue=total / 4, clicks=1))
                p.add(Row(key, day + timedelta(days=2), revenue=total * 3 / 4, clicks=2))
    p.add(Row("alpha", MOVER_PERIOD.end + timedelta(days=1), revenue=Decimal(10_000)))

    result = top_movers(
        p.session, metric="revenue", period=MOVER_PERIOD, compare=MOVER_COMPARE, n=2
    )

    deltas = {
        key: (
            p.sum(key, "revenue", MOVER_PERIOD.start, MOVER_PERIOD.end),
            p.sum(key, "revenue", MOVER_COMPARE.start, MOVER_COMPARE.end),
        )
        for key in changes
    }
    gains = sorted(((a - b, k) for k, (a, b) in deltas.items() if a > b), reverse=True)[:2]
    drops = sorted((a - b, k) for k, (a, b) in deltas.items() if a < b)[:2]
    assert [(m.change, m.key) for m in result.gains] == gains
    assert [(m.change, m.key) for m in result.drops] == drops
    assert [m.key for m in result.gains] == ["alpha", "delta"]
    assert [m.key for m in result.drops] == ["bravo", "echo"]
    alpha, delta = result.gains
    assert (alpha.current, alpha.previous, alpha.change_pct) == (
        Decimal(400),
        Decimal(100),
        Decimal(300),
    )
    assert delta.change_pct is None
    assert result.drops[0].change_pct == Decimal(-80)
    assert result.total_current == p.sum(None, "revenue", MOVER_PERIOD.start, MOVER_PERIOD.end)
    assert result.total_previous == p.sum(None, "revenue", MOVER_COMPARE.start, MOVER_COMPARE.end)
    report = result.report()
    assert report.period == f"{MOVER_PERIOD.describe()} vs {MOVER_COMPARE.describe()}"

    clicks = top_movers(p.session, metric="clicks", period=MOVER_PERIOD, compare=MOVER_COMPARE, n=9)
    click_gain = {m.key: m.change for m in clicks.gains + clicks.drops}
    assert click_gain == {
        key: p.sum(key, "clicks", MOVER_PERIOD.start, MOVER_PERIOD.end)
        - p.sum(key, "clicks", MOVER_COMPARE.start, MOVER_COMPARE.end)
        for key in changes
        if key in ("delta", "echo")
    }


def test_top_movers_refuses_ratio_metrics(program: Program) -> None:
    ratios: list[Metric] = ["roas", "conversion_rate", "epc", "aov", "reversal_rate"]
    for metric in ratios:
        with pytest.raises(ToolError, match="ratio"):
            top_movers(program.session, metric=metric, period=MOVER_PERIOD, compare=MOVER_COMPARE)


def _recruitment_program(p: Program) -> None:
    window_start = TODAY - timedelta(days=180)
    inside = TODAY - timedelta(days=30)
    for key, country, revenue in (
        ("aff-us-1", "US", 1000),
        ("aff-us-2", "US", 3000),
        ("aff-us-3", "US", 2000),
        ("aff-gb-1", "GB", 500),
    ):
        p.partner(key, type="affiliate", country=country)
        p.add(Row(key, inside, conversions=1, revenue=Decimal(revenue)))
    p.partner("inf-kr-1", type="influencer", country="KR")
    p.add(Row("inf-kr-1", window_start, conversions=1, revenue=Decimal(4000)))
    p.partner("aff-churned", status="churned", type="affiliate", country="US")
    p.add(Row("aff-churned", inside, conversions=1, revenue=Decimal(1500)))
    # Outside the 180-day window (today, and the day before it starts): ignored.
    p.add(Row("aff-us-1", TODAY, conversions=1, revenue=Decimal(99_999)))
    p.add(Row("inf-kr-1", window_start - timedelta(days=1), conversions=1, revenue=Decimal(77_777)))

    p.partner("p1", status="prospect", type="affiliate", country="US", audience_overlap_pct=40)
    p.partner("p2", status="prospect", type="affiliate", country="GB", audience_overlap_pct=60)
    p.partner("p3", status="applied", type="influencer", country="KR", audience_overlap_pct=50)
    p.partner("p4", status="prospect", type="content", country="US")
    p.partner("p5", status="approved", type="affiliate", country="US", audience_overlap_pct=99)
    p.add(Row("p5", inside, conversions=2, revenue=Decimal(10)))
    p.partner("p6", status="approved", type="affiliate", audience_overlap_pct=10)
    p.partner("rejected", status="rejected", type="affiliate", audience_overlap_pct=90)


def _close(value: Decimal, expected: Decimal) -> bool:
    return abs(value - expected) < Decimal("0.01")


def test_recruitment_priorities_score_and_components_match_hand_computation(
    program: Program,
) -> None:
    _recruitment_program(program)

    result = recruitment_priorities(program.session, today=TODAY, n=10)

    # Program revenue in the window: active affiliates 6500 + churned affiliate 1500 + the
    # approved-and-converting p5 10 = 8010 affiliate; influencer 4000; 12010 in all.
    affiliate_share, influencer_share = Decimal(8010) / 12010, Decimal(4000) / 12010
    # Peer medians: US affiliates (3) → 2000; all affiliates (GB has 1) → 1500; influencers 4000.
    assert statistics.median([1000, 2000, 3000]) == 2000
    assert statistics.median([500, 1000, 2000, 3000]) == 1500
    expected = {
        "p2": Decimal("0.5") * 1
        + Decimal("0.25") * affiliate_share
        + Decimal("0.25") * 1500 / 4000,
        "p3": Decimal("0.5") * 50 / 60 + Decimal("0.25") * influencer_share + Decimal("0.25"),
        "p1": Decimal("0.5") * 40 / 60 + Decimal("0.25") * affiliate_share + Decimal("0.125"),
        "p6": Decimal("0.5") * 10 / 60
        + Decimal("0.25") * affiliate_share
        + Decimal("0.25") * 1500 / 4000,
        "p4": Decimal(0),
    }
    assert [c.partner_key for c in result.candidates] == ["p2", "p3", "p1", "p6", "p4"]
    assert [c.rank for c in result.candidates] == [1, 2, 3, 4, 5]
    for candidate in result.candidates:
        assert _close(candidate.score, 100 * expected[candidate.partner_key]), candidate
    by_key = {c.partner_key: c for c in result.candidates}
    p1, p2, p4 = by_key["p1"], by_key["p2"], by_key["p4"]
    assert (p1.peer_count, p1.peer_median_revenue) == (3, Decimal(2000))
    assert p1.peer_scope == "active affiliate partners in US"
    assert (p2.peer_count, p2.peer_median_revenue, p2.peer_component) == (
        4,
        Decimal(1500),
        Decimal("0.375"),
    )
    assert _close(p2.type_revenue_share, affiliate_share)
    assert p2.overlap_component == 1
    assert (p4.peer_count, p4.peer_median_revenue, p4.type_revenue_share) == (0, None, Decimal(0))
    assert "60.0% audience overlap (highest candidate 60.0%)" in line(p2.why)
    assert "66.7% of program revenue" in line(p2.why)
    assert "(4) earn 37.5% of the best peer group's median" in line(p2.why)
    report = result.report()
    assert report.period == "last 180 days (27 May – 22 Nov 2026)"
    assert "prospects" in (report.scope or "")


def test_recruitment_priorities_normalise_within_the_type_asked_for(program: Program) -> None:
    _recruitment_program(program)

    result = recruitment_priorities(
        program.session, today=TODAY, n=2, segment=Segment(types=("affiliate",))
    )

    share = Decimal(8010) / 12010
    # Best affiliate peer median is now 2000 (p1's US peers), best overlap still p2's 60.
    assert [c.partner_key for c in result.candidates] == ["p2", "p1"]
    assert result.candidates_scored == 3
    assert _close(
        result.candidates[0].score, 100 * (Decimal("0.5") + share / 4 + Decimal("0.1875"))
    )
    assert _close(
        result.candidates[1].score, 100 * (Decimal(40) / 120 + share / 4 + Decimal("0.25"))
    )
    assert result.report().scope == (
        "prospects, applicants and approved partners without conversions among affiliate partners"
    )


def test_recruitment_candidates_follow_the_segment_and_say_what_was_not_applied(
    program: Program,
) -> None:
    _recruitment_program(program)
    session = program.session

    us = recruitment_priorities(session, today=TODAY, segment=Segment(countries=("US",)))
    assert [c.partner_key for c in us.candidates] == ["p1", "p4"]  # p5 converted: not a candidate
    assert all(c.country == "US" for c in us.candidates)
    # Type fit and peers still compare with the whole program.
    assert _close(us.candidates[0].type_revenue_share, Decimal(8010) / 12010)
    assert us.report().scope.endswith("among partners in US")  # type: ignore[union-attr]

    prospects = recruitment_priorities(
        session, today=TODAY, segment=Segment(statuses=("prospect", "active"))
    )
    assert {c.status for c in prospects.candidates} == {"prospect"}
    assert {c.partner_key for c in prospects.candidates} == {"p1", "p2", "p4"}
    assert prospects.statuses == ["prospect"]
    assert any("I didn't apply “active”" in note for note in prospects.notes)
    assert prospects.report().scope == "prospects"

    nobody = recruitment_priorities(session, today=TODAY, segment=Segment(statuses=("active",)))
    assert nobody.candidates == [] and nobody.report().title == "No recruitment candidates"


def test_registered_insight_tools_resolve_the_planners_words(program: Program) -> None:
    from tools import registry
    from tools.context import ToolContext
    from tools.insights import QuietPartners, RecruitmentPriorities, ReversalAnomalies, TopMovers

    _recruitment_program(program)
    program.session.commit()
    ctx = ToolContext(today=TODAY, currency="EUR")
    session = program.session

    quiet = registry.call(session, ctx, "quiet_partners", {"days": 30, "countries": ["US"]})
    assert isinstance(quiet, QuietPartners)
    assert quiet.window.days == 30
    assert quiet.segment == Segment(statuses=("active",), countries=("US",))
    assert quiet.report().scope == "active partners in US"
    with pytest.raises(ToolError, match="days: must be at least 1"):
        registry.call(session, ctx, "quiet_partners", {"days": 0})
    reversals = registry.call(session, ctx, "reversal_anomalies", {"types": "affiliates"})
    assert isinstance(reversals, ReversalAnomalies)
    assert reversals.period.label == "last 30 days"
    assert reversals.segment.types == ("affiliate",)
    movers = registry.call(session, ctx, "top_movers", {"metric": "conversions", "n": 3})
    assert isinstance(movers, TopMovers)
    assert movers.compare.end == movers.period.start - timedelta(days=1)
    assert movers.currency == "EUR" and movers.by == "partner" and movers.order is None
    books = registry.call(session, ctx, "top_movers", {"by": "owner", "order": "bottom"})
    assert isinstance(books, TopMovers) and books.gains == []
    with pytest.raises(ToolError, match="ratio"):
        registry.call(session, ctx, "top_movers", {"metric": "roas"})
    with pytest.raises(ToolError, match="n: must be at most 50"):
        registry.call(session, ctx, "top_movers", {"n": 51})
    ranked = registry.call(session, ctx, "recruitment_priorities", {"n": 5, "types": "Affiliates"})
    assert isinstance(ranked, RecruitmentPriorities)
    assert ranked.segment.types == ("affiliate",)
    assert [c.partner_key for c in ranked.candidates] == ["p2", "p1", "p6"]
    with pytest.raises(ToolError, match="not a partner type"):
        registry.call(session, ctx, "recruitment_priorities", {"types": ["astronauts"]})


# --- a generated program: segments and groups against independent sums ---------------------

OWNERS = ("maya@partnerops.example", "leo@partnerops.example", "ana@partnerops.example", None)
TIERS = ("Gold", "Silver", None)
TYPES = ("affiliate", "influencer", "content")
COUNTRIES = ("US", "FR", "DE")
PERIOD_30 = resolve_period("last 30 days", TODAY)
COMPARE_30 = previous_period(PERIOD_30)


def _generated(p: Program, seed: int = 11, partners: int = 36) -> None:
    """Partners with random attributes and rows over up to 200 days: some stop converting
    (quiet), some start late or grow in the last 30 days, some reverse far more in the last
    30 days than before (spikes)."""
    rng = random.Random(seed)
    first = TODAY - timedelta(days=200)
    rows: list[Row] = []
    for i in range(partners):
        key = f"gen-{i:02d}"
        p.partner(
            key,
            status=rng.choice(("active", "active", "active", "active", "paused", "churned")),
            owner=rng.choice(OWNERS),
            tier=rng.choice(TIERS),
            type=rng.choice(TYPES),
            country=rng.choice(COUNTRIES),
        )
        stop = TODAY - timedelta(days=rng.choice((0, 0, 0, 0, 6, 20, 45, 120)))
        spike = rng.random() < 0.25
        scale = rng.choice((1, 2, 5))
        growth = rng.choice((Decimal("0.5"), Decimal(1), Decimal(1), Decimal(2)))
        day = first + timedelta(days=rng.choice((0, 0, 0, 150, 175)))
        while day < stop:
            if rng.random() < 0.85:
                conversions = rng.randint(0, 6)
                factor = growth if day >= PERIOD_30.start else Decimal(1)
                if spike and day >= PERIOD_30.start:
                    reversals = conversions // 2
                else:
                    reversals = 1 if conversions >= 5 and rng.random() < 0.3 else 0
                rows.append(
                    Row(
                        key,
                        day,
                        conversions=conversions,
                        reversals=reversals,
                        clicks=rng.randint(0, 300),
                        revenue=(Decimal(rng.randint(0, 40_000) * scale) / 100 * factor).quantize(
                            Decimal("0.01")
                        ),
                    )
                )
            day += timedelta(days=1)
    p.add(*rows)
    p.session.commit()


def _changes(p: Program, keys: set[str]) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        key: (
            p.sum(key, "revenue", PERIOD_30.start, PERIOD_30.end),
            p.sum(key, "revenue", COMPARE_30.start, COMPARE_30.end),
        )
        for key in keys
    }


ATTRIBUTE: dict[MoverBy, str] = {
    "owner": "owner",
    "tier": "tier",
    "type": "type",
    "country": "country",
}
NO_VALUE = {"owner": "no manager", "tier": "no tier", "type": "no type", "country": "no country"}


@pytest.mark.parametrize("by", ["owner", "tier", "type", "country"])
def test_movers_by_group_are_the_sums_of_their_partners(program: Program, by: MoverBy) -> None:
    _generated(program)
    attribute = ATTRIBUTE[by]

    result = top_movers(
        program.session, metric="revenue", period=PERIOD_30, compare=COMPARE_30, n=50, by=by
    )

    per_partner = _changes(program, set(program.ids))
    expected: dict[str | None, tuple[Decimal, Decimal]] = {}
    for key, (now, then) in per_partner.items():
        group = program.attrs[key].get(attribute)
        before = expected.get(group, (Decimal(0), Decimal(0)))
        expected[group] = (before[0] + now, before[1] + then)
    got = {m.key: (m.current, m.previous) for m in result.gains + result.drops}
    assert got == {g: v for g, v in expected.items() if v[0] != v[1]}
    for m in result.gains + result.drops:
        assert m.change == m.current - m.previous
        assert m.name == (NO_VALUE[by] if m.key is None else m.name)
    assert [m.change for m in result.gains] == sorted(
        (m.change for m in result.gains), reverse=True
    )
    assert all(m.change > 0 for m in result.gains) and all(m.change < 0 for m in result.drops)
    assert result.total_current == program.sum(None, "revenue", PERIOD_30.start, PERIOD_30.end)
    assert result.total_previous == program.sum(None, "revenue", COMPARE_30.start, COMPARE_30.end)
    assert result.rose + result.fell == len(got)
    assert result.rose and result.fell, "the generated program moves both ways in every grouping"
    tables = [s.table for s in result.report().sections if s.table is not None]
    assert tables and all(t.columns[-4:-2] == [PERIOD_30.label, COMPARE_30.label] for t in tables)


def test_whose_book_shrank_most_lists_owners_biggest_drop_first(program: Program) -> None:
    _generated(program)
    gold = Segment(tiers=("Gold",))

    result = top_movers(
        program.session,
        metric="revenue",
        period=PERIOD_30,
        compare=COMPARE_30,
        n=2,
        by="owner",
        order="bottom",
        segment=gold,
    )

    books: dict[str | None, Decimal] = {}
    for key, (now, then) in _changes(program, program.keys(tier="Gold")).items():
        owner = program.attrs[key]["owner"]
        books[owner] = books.get(owner, Decimal(0)) + now - then
    shrinking = sorted((change, owner or "") for owner, change in books.items() if change < 0)
    assert len(shrinking) >= 2 and any(change > 0 for change in books.values())
    assert [(m.change, m.key or "") for m in result.drops] == shrinking[:2]
    assert result.gains == []
    assert result.fell == len(shrinking)
    report = result.report()
    assert report.title == "Biggest drops in revenue by partner manager"
    assert report.scope == "Gold partners"
    assert [s.title for s in report.sections[1:]] == ["Biggest drops"]
    assert any("book is the sum" in note for note in report.notes)


def test_movers_by_partner_cover_only_the_segment(program: Program) -> None:
    _generated(program)
    segment = Segment(countries=("FR",), types=("affiliate", "content"))
    keys = {k for k in program.ids if program.attrs[k]["country"] == "FR"} & (
        program.keys(type="affiliate") | program.keys(type="content")
    )

    result = top_movers(
        program.session,
        metric="revenue",
        period=PERIOD_30,
        compare=COMPARE_30,
        n=50,
        segment=segment,
    )

    expected = {k: v for k, v in _changes(program, keys).items() if v[0] != v[1]}
    assert {m.key: (m.current, m.previous) for m in result.gains + result.drops} == expected
    assert result.total_current == sum(
        (program.sum(k, "revenue", PERIOD_30.start, PERIOD_30.end) for k in keys), Decimal(0)
    )
    assert {m.owner for m in result.drops} <= {program.attrs[k]["owner"] for k in keys}


def _expected_quiet(p: Program, keys: set[str], days: int) -> list[str]:
    start = TODAY - timedelta(days=days)
    quiet = []
    for key in keys:
        converting = [r.day for r in p.rows if r.key == key and r.conversions > 0]
        if converting and max(converting) < start:
            last = max(converting)
            prior = p.sum(key, "revenue", last - timedelta(days=QUIET_PRIOR_DAYS - 1), last)
            quiet.append((-prior, p.attrs[key]["name"], key))
    return [key for *_, key in sorted(quiet)]


def test_quiet_partners_within_a_segment(program: Program) -> None:
    _generated(program)
    maya = "maya@partnerops.example"

    mine = quiet_partners(program.session, today=TODAY, segment=Segment(owners=(maya,)))
    paused = quiet_partners(
        program.session, today=TODAY, days=30, segment=Segment(statuses=("paused",))
    )
    everyone = quiet_partners(program.session, today=TODAY)

    active_mine = program.keys(owner=maya, status="active")
    assert [q.partner_key for q in mine.partners] == _expected_quiet(program, active_mine, 14)
    assert mine.checked == len(active_mine)
    assert mine.report().scope == "active partners managed by maya@partnerops.example"
    assert [q.partner_key for q in paused.partners] == _expected_quiet(
        program, program.keys(status="paused"), 30
    )
    assert all(q.status == "paused" for q in paused.partners)
    every = _expected_quiet(program, program.keys(status="active"), 14)
    assert [q.partner_key for q in everyone.partners] == every
    assert len(every) >= 2 and set(every) > {q.partner_key for q in mine.partners}


def _expected_flags(p: Program, keys: set[str]) -> set[str]:
    period, base_start = PERIOD_30, PERIOD_30.start - timedelta(days=ANOMALY_BASELINE_DAYS)
    base_end = PERIOD_30.start - timedelta(days=1)
    program_rate = p.sum(None, "reversals", period.start, period.end) / p.sum(
        None, "conversions", period.start, period.end
    )
    flagged = set()
    for key in keys:
        conv = p.sum(key, "conversions", period.start, period.end)
        rev = p.sum(key, "reversals", period.start, period.end)
        base_conv = p.sum(key, "conversions", base_start, base_end)
        base_rev = p.sum(key, "reversals", base_start, base_end)
        if conv < ANOMALY_MIN_CONVERSIONS or rev == 0 or base_conv == 0:
            continue
        rate = rev / conv
        if rate >= ANOMALY_BASELINE_MULTIPLE * base_rev / base_conv and (
            rate >= ANOMALY_PROGRAM_MULTIPLE * program_rate
        ):
            flagged.add(key)
    return flagged


def test_reversal_spikes_within_a_segment_are_the_programs_flags_in_it(program: Program) -> None:
    _generated(program)
    session = program.session
    segment = Segment(tiers=("Gold", "Silver"))

    everyone = reversal_anomalies(session, period=PERIOD_30)
    ranked = reversal_anomalies(session, period=PERIOD_30, segment=segment)

    active = program.keys(status="active")
    ranked_keys = active & (program.keys(tier="Gold") | program.keys(tier="Silver"))
    assert {c.partner_key for c in everyone.flagged} == _expected_flags(program, active)
    assert {c.partner_key for c in ranked.flagged} == _expected_flags(program, ranked_keys)
    assert {c.partner_key for c in ranked.flagged} == (
        {c.partner_key for c in everyone.flagged} & ranked_keys
    )
    assert everyone.flagged, "the generated program has spikes"
    assert ranked.program_rate == everyone.program_rate
    assert ranked.partners_checked == sum(
        1 for k in ranked_keys if program.sum(k, "conversions", PERIOD_30.start, PERIOD_30.end)
    )
    report = ranked.report()
    assert report.scope == "active Gold and Silver partners"
    assert any("whole program's" in note for note in report.notes)


def test_movers_compare_only_days_with_data(program: Program) -> None:
    from tools import registry
    from tools.context import ToolContext

    _generated(program)  # rows run through yesterday at the latest
    ctx = ToolContext(today=TODAY)
    yesterday = TODAY - timedelta(days=1)

    rolling = registry.call(program.session, ctx, "top_movers", {"period": "last 30 days"})
    month = registry.call(program.session, ctx, "top_movers", {"period": "this month"})

    assert isinstance(rolling, TopMovers) and isinstance(month, TopMovers)
    assert (rolling.period.start, rolling.period.end) == (PERIOD_30.start, yesterday)
    assert (rolling.compare.start, rolling.compare.days) == (COMPARE_30.start, rolling.period.days)
    assert any(note.startswith("Both periods compare") for note in rolling.notes)
    assert (month.period.start, month.period.end) == (date(2026, 11, 1), yesterday)
    assert (month.compare.start, month.compare.end) == (date(2026, 10, 1), date(2026, 10, 22))
    assert month.total_current == program.sum(None, "revenue", date(2026, 11, 1), yesterday)
