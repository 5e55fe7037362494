"""Needs attention: each section's rows and reasons against independent computations on a
generated program, on both backends."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from storage.models import Application, Goal
from tests import factories
from tools import registry
from tools.attention import NeedsAttention, needs_attention
from tools.context import ToolContext
from tools.errors import ToolError
from tools.insights import (
    ANOMALY_BASELINE_DAYS,
    ANOMALY_BASELINE_MULTIPLE,
    ANOMALY_MIN_CONVERSIONS,
    ANOMALY_PROGRAM_MULTIPLE,
    QUIET_DEFAULT_DAYS,
    QUIET_PRIOR_DAYS,
)
from tools.periods import DateRange, previous_period, resolve_period
from tools.report import Money, Percent
from tools.segment import Segment

TODAY = date(2026, 11, 23)
CTX = ToolContext(today=TODAY)
PERIOD = resolve_period("last 30 days", TODAY)
COMPARE = previous_period(PERIOD)
Q4 = (date(2026, 10, 1), date(2026, 12, 31))
MAYA = "maya@partnerops.example"
OWNERS = (MAYA, "leo@partnerops.example", None)


@dataclass
class Generated:
    """What the test wrote, to compute every expected figure without the tools."""

    attrs: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: list[factories.Row] = field(default_factory=list)

    def keys(self, **where: Any) -> set[str]:
        return {k for k, a in self.attrs.items() if all(a.get(n) == v for n, v in where.items())}

    def total(self, keys: set[str], name: str, start: date, end: date) -> Decimal:
        return Decimal(factories.sums(self.rows, start, end, keys)[name])


def _generate(session: Session, seed: int = 5, partners: int = 30) -> Generated:
    """Partners with random owners, tiers, countries and statuses; rows over 200 days, some
    stopping early (quiet), some reversing half their conversions lately (spikes), some
    falling or growing in the last 30 days."""
    rng = random.Random(seed)
    facts = Generated()
    ids: dict[str, int] = {}
    for i in range(partners):
        key = f"p-{i:02d}"
        attrs: dict[str, Any] = {
            "name": f"Partner {i:02d}",
            "status": rng.choice(("active", "active", "active", "paused")),
            "owner": rng.choice(OWNERS),
            "tier": rng.choice(("Gold", "Silver")),
            "country": rng.choice(("FR", "US")),
        }
        partner = factories.partner(key, **attrs)
        session.add(partner)
        session.flush()
        ids[key] = partner.id
        facts.attrs[key] = attrs
        stop = TODAY - timedelta(days=rng.choice((0, 0, 0, 3, 25, 60)))
        spike = rng.random() < 0.25
        trend = rng.choice((Decimal("0.3"), Decimal(1), Decimal(1), Decimal(2)))
        day = TODAY - timedelta(days=200)
        while day < stop:
            if rng.random() < 0.9:
                recent = day >= PERIOD.start
                conversions = rng.randint(0, 6)
                reversals = (
                    conversions // 2
                    if spike and recent
                    else int(conversions >= 5 and rng.random() < 0.3)
                )
                revenue = Decimal(rng.randint(0, 30_000)) / 100 * (trend if recent else 1)
                facts.rows.append(
                    factories.Row(
                        key,
                        day,
                        rng.randint(0, 200),
                        0,
                        conversions,
                        reversals,
                        revenue.quantize(Decimal("0.01")),
                        Decimal(0),
                    )
                )
            day += timedelta(days=1)
    factories.add_daily(session, [(ids[r.key], r) for r in facts.rows])
    session.commit()
    return facts


def _expected_quiet(facts: Generated, keys: set[str]) -> list[tuple[str, int]]:
    start = TODAY - timedelta(days=QUIET_DEFAULT_DAYS)
    found = []
    for key in keys:
        days = [r.day for r in facts.rows if r.key == key and r.conversions > 0]
        if days and max(days) < start:
            last = max(days)
            prior = facts.total({key}, "revenue", last - timedelta(QUIET_PRIOR_DAYS - 1), last)
            found.append((-prior, facts.attrs[key]["name"], key, (TODAY - last).days))
    return [(key, days) for *_, key, days in sorted(found)]


def _expected_spikes(facts: Generated, keys: set[str]) -> list[str]:
    base = (PERIOD.start - timedelta(days=ANOMALY_BASELINE_DAYS), PERIOD.start - timedelta(1))
    everyone = set(facts.attrs)
    program_rate = facts.total(everyone, "reversals", PERIOD.start, PERIOD.end) / facts.total(
        everyone, "conversions", PERIOD.start, PERIOD.end
    )
    flagged = []
    for key in keys:
        conv = facts.total({key}, "conversions", PERIOD.start, PERIOD.end)
        rev = facts.total({key}, "reversals", PERIOD.start, PERIOD.end)
        base_conv = facts.total({key}, "conversions", *base)
        base_rev = facts.total({key}, "reversals", *base)
        if conv < ANOMALY_MIN_CONVERSIONS or rev == 0 or base_conv == 0:
            continue
        rate = rev / conv
        if rate >= ANOMALY_BASELINE_MULTIPLE * base_rev / base_conv and (
            rate >= ANOMALY_PROGRAM_MULTIPLE * program_rate
        ):
            flagged.append((-rate, facts.attrs[key]["name"], key))
    return [key for *_, key in sorted(flagged)]


def _expected_drops(facts: Generated, keys: set[str]) -> list[tuple[str, Decimal, Decimal]]:
    drops = []
    for key in keys:
        now = facts.total({key}, "revenue", PERIOD.start, PERIOD.end)
        then = facts.total({key}, "revenue", COMPARE.start, COMPARE.end)
        if now < then:
            drops.append((now - then, facts.attrs[key]["name"], key, now, then))
    return [(key, now, then) for _, _, key, now, then in sorted(drops)]


def _goals_and_applications(session: Session, facts: Generated) -> None:
    """A program goal far behind, a Gold goal at 90 % pace (at risk), a Silver goal ahead;
    four pending applications and one decided."""
    through = TODAY - timedelta(days=1)
    fraction = Decimal((through - Q4[0]).days + 1) / Decimal((Q4[1] - Q4[0]).days + 1)
    everyone = set(facts.attrs)
    program = facts.total(everyone, "revenue", Q4[0], through)
    gold = facts.total(facts.keys(tier="Gold"), "revenue", Q4[0], through)
    silver = facts.total(facts.keys(tier="Silver"), "revenue", Q4[0], through)
    targets = {
        "q4-program": ("program", None, program * 10),
        "q4-gold": ("tier", "Gold", gold / (Decimal("0.9") * fraction)),
        "q4-silver": ("tier", "Silver", silver / 2),
    }
    for key, (scope, tier, target) in targets.items():
        session.add(
            Goal(
                goal_key=key,
                name=f"Q4 revenue {key.split('-')[1]}",
                scope=scope,
                tier=tier,
                metric="revenue",
                target=target.quantize(Decimal("0.01")),
                start=Q4[0],
                end=Q4[1],
            )
        )
    for i, (waited, country, status) in enumerate(
        ((40, "FR", "pending"), (12, "US", "pending"), (30, "US", "pending"),
         (5, "FR", "pending"), (90, "FR", "approved"))
    ):  # fmt: skip
        session.add(
            Application(
                application_key=f"app-{i}",
                name=f"Applicant {i}",
                email=f"a{i}@example.com",
                type="affiliate",
                country=country,
                submitted_at=TODAY - timedelta(days=waited),
                status=status,
            )
        )
    session.commit()


def _rows(result: NeedsAttention, kind: Any) -> list[tuple[str | None, str]]:
    section = result.section(kind)
    assert section is not None, kind
    return [(row.key, row.reason) for row in section.rows]


def test_every_section_lists_what_an_independent_computation_finds(session: Session) -> None:
    facts = _generate(session)
    _goals_and_applications(session, facts)

    result = needs_attention(session, CTX, segment=Segment(), period=PERIOD, n=3)

    active = facts.keys(status="active")
    quiet = _expected_quiet(facts, active)
    spikes = _expected_spikes(facts, active)
    drops = _expected_drops(facts, active)
    assert len(quiet) > 3 and spikes and len(drops) > 3, "the program exercises every section"
    assert _rows(result, "quiet") == [(k, f"no conversion for {d} days") for k, d in quiet[:3]]
    quiet_section = result.section("quiet")
    assert quiet_section is not None and quiet_section.total == len(quiet)
    assert [k for k, _ in _rows(result, "reversals")] == spikes[:3]
    assert all(
        r == "rate ≥ 2× its own baseline and ≥ 2× the program's"
        for _, r in _rows(result, "reversals")
    )
    drop_section = result.section("drops")
    assert drop_section is not None and drop_section.total == len(drops)
    assert [(row.key, row.figures[0], row.figures[1]) for row in drop_section.rows] == [
        (k, Money(amount=now, currency="USD"), Money(amount=then, currency="USD"))
        for k, now, then in drops[:3]
    ]
    for row, (_, now, _) in zip(drop_section.rows, drops, strict=False):
        assert row.reason == (
            f"no revenue, after revenue in the {COMPARE.label}"
            if now == 0
            else f"revenue down against the {COMPARE.label}"
        )
    assert _rows(result, "goals") == [
        ("q4-program", "behind: pace under 80 % of expected by now"),
        ("q4-gold", "at risk: pace 80–95 % of expected by now"),
    ]
    gold = result.section("goals").rows[1]  # type: ignore[union-attr]
    assert isinstance(gold.figures[4], Percent)
    assert abs(gold.figures[4].value - 90) < Decimal("0.01")
    assert _rows(result, "applications") == [
        ("app-0", "waiting 40 days for a decision"),
        ("app-2", "waiting 30 days for a decision"),
        ("app-1", "waiting 12 days for a decision"),
    ]
    assert result.section("applications").total == 4  # type: ignore[union-attr]

    report = result.report()
    assert report.scope == "active partners"
    assert report.period == PERIOD.describe()
    titles = [s.title for s in report.sections[1:]]
    baseline = DateRange(
        start=PERIOD.start - timedelta(days=ANOMALY_BASELINE_DAYS),
        end=PERIOD.start - timedelta(days=1),
        label=f"{ANOMALY_BASELINE_DAYS}-day baseline",
    )
    assert titles == [
        f"Gone quiet — no conversions in the last {QUIET_DEFAULT_DAYS} days "
        f"({(TODAY - timedelta(QUIET_DEFAULT_DAYS)).day} Nov – 22 Nov 2026)",
        f"Reversal spikes — {PERIOD.describe()}, against each partner's {baseline.describe()}",
        f"Biggest revenue drops — {PERIOD.describe()} vs {COMPARE.describe()}",
        "Goals at risk or behind — running goals as of 23 Nov 2026, data through the day before",
        "Applications waiting longest — pending as of 23 Nov 2026",
    ]
    quiet_table = report.sections[1].table
    assert quiet_table is not None
    assert quiet_table.columns[:3] == ["Partner", "Owner", "Reason"]
    assert report.sections[1].text == f"The first 3 of {len(quiet)}."
    assert [f.value for f in report.sections[0].facts] == [
        len(quiet),
        len(spikes),
        len(drops),
        2,
        4,
    ]


def test_a_segment_narrows_partner_sections_and_says_what_goals_and_applications_ignore(
    session: Session,
) -> None:
    facts = _generate(session)
    _goals_and_applications(session, facts)

    result = needs_attention(
        session, CTX, segment=Segment(owners=(MAYA,), countries=("FR",)), period=PERIOD, n=20
    )

    mine = facts.keys(status="active", owner=MAYA, country="FR")
    assert [k for k, _ in _rows(result, "quiet")] == [k for k, _ in _expected_quiet(facts, mine)]
    assert [k for k, _ in _rows(result, "reversals")] == _expected_spikes(facts, mine)
    assert [k for k, _ in _rows(result, "drops")] == [k for k, *_ in _expected_drops(facts, mine)]
    assert {k for k, _ in _rows(result, "applications")} == {"app-0", "app-3"}  # FR, pending
    assert result.partners == Segment(owners=(MAYA,), countries=("FR",), statuses=("active",))
    assert any("goals aren't split by partner manager" in n for n in result.notes)
    assert any("goals aren't split by country" in n for n in result.notes)
    assert any(f"I didn't apply “{MAYA}” to pending applications" in n for n in result.notes), (
        result.notes
    )
    assert not any("applications aren't split by country" in n for n in result.notes)
    assert result.report().scope == f"active partners in FR managed by {MAYA}"


def test_named_partners_leave_out_applications_and_empty_sections_say_none(
    session: Session,
) -> None:
    steady = factories.partner("steady", owner=MAYA)
    session.add(steady)
    session.flush()
    factories.add_daily(
        session,
        [
            (steady.id, factories.Row("steady", day, 100, 0, 2, 0, Decimal(50), Decimal(5)))
            for day in (COMPARE.start + timedelta(days=i) for i in range(60))
        ],
    )
    session.commit()

    result = needs_attention(session, CTX, segment=Segment.of(steady), period=PERIOD)

    assert result.section("applications") is None
    assert any("Pending applications aren't shown" in n for n in result.notes)
    report = result.report()
    assert report.title == "Nothing needs attention"
    texts = {s.title.split(" — ")[0]: s.text for s in report.sections[1:] if s.title}
    assert texts == {
        "Gone quiet": f"None: every partner checked converted in the last {QUIET_DEFAULT_DAYS} "
        "days (or never converted).",
        "Reversal spikes": "None: no partner's reversal rate meets the spike rule.",
        "Biggest revenue drops": f"None: no partner's revenue fell against the {COMPARE.label}.",
        "Goals at risk or behind": "None: no running goal is at risk or behind.",
    }


def test_needs_attention_is_registered_with_segment_period_and_bounded_n(
    session: Session,
) -> None:
    facts = _generate(session)
    _goals_and_applications(session, facts)

    result = registry.call(
        session, CTX, "needs_attention", {"n": 2, "tiers": "gold", "period": "last 30 days"}
    )

    assert isinstance(result, NeedsAttention)
    # Data runs through yesterday: both periods stop as far in (like for like).
    assert (result.period.start, result.period.end) == (PERIOD.start, TODAY - timedelta(1))
    assert (result.compare.start, result.compare.days) == (COMPARE.start, result.period.days)
    assert any(n.startswith("Both periods compare") for n in result.notes), result.notes
    gold = facts.keys(status="active", tier="Gold")
    assert [k for k, _ in _rows(result, "quiet")] == [
        k for k, _ in _expected_quiet(facts, gold)[:2]
    ]
    assert [k for k, _ in _rows(result, "goals")] == ["q4-gold"]  # the Gold tier's goals only
    assert any("“Gold” to pending applications" in n for n in result.notes)
    with pytest.raises(ToolError, match="n: must be at most 20"):
        registry.call(session, CTX, "needs_attention", {"n": 21})
    spec = registry.get("needs_attention")
    assert spec.run.__module__ == "tools.attention"
