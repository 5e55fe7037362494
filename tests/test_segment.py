"""One segment for every tool: how it reads, how words become one, and that storage selects
exactly its partners and sums exactly their rows, for any mix of dimensions, on both engines."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, get_args

import pytest
from sqlalchemy.orm import Session

from storage.models import Partner
from storage.queries import (
    GroupColumn,
    Totals,
    count_in_segment,
    count_partners,
    partner_ids_in,
    series,
    sums_by_group,
    sums_by_partner,
    totals,
)
from tests.factories import Row, add_daily, partner
from tools.errors import NotFound
from tools.segment import (
    DIMENSIONS,
    Dimension,
    PartnerRef,
    Segment,
    SegmentArgs,
    SegmentFields,
    resolve_segment,
)

# --- how a segment reads --------------------------------------------------------------------

MAYA = "maya@partnerops.example"
MAYA_CHEN = "maya.chen@partnerops.example"
LEO_PARK = "leo.park@partnerops.example"
LEO_NG = "leo.ng@partnerops.example"
SLACK_ID = "U024BE7LH"
SAM = "Sam Rivera"
NORTHWIND = PartnerRef(id=1, key="northwind", name="Northwind Traders")
HELIOS = PartnerRef(id=2, key="helios", name="Helios Channel Partners")


@pytest.mark.parametrize(
    ("segment", "words"),
    [
        (Segment(), "whole program"),
        (Segment(tiers=("Gold",)), "Gold partners"),
        (Segment(tiers=("Gold", "Silver")), "Gold and Silver partners"),
        (Segment(tiers=("Gold", "Silver", "Bronze")), "Gold, Silver and Bronze partners"),
        (Segment(types=("affiliate",)), "affiliate partners"),
        (Segment(types=("b2b_brand", "content")), "B2B brand and content partners"),
        (Segment(statuses=("paused",)), "paused partners"),
        (Segment(statuses=("prospect", "applied", "approved")), "pipeline partners"),
        (Segment(statuses=("active", "paused")), "active and paused partners"),
        (Segment(countries=("FR",)), "partners in FR"),
        (Segment(countries=("FR", "DE")), "partners in FR and DE"),
        (Segment(owners=(MAYA,)), f"partners managed by {MAYA}"),
        (Segment(tags=("coupon",)), "partners tagged “coupon”"),
        (Segment(tags=("coupon", "loyalty")), "partners tagged “coupon” or “loyalty”"),
        (Segment(commission_models=("revshare",)), "partners on revenue share commission"),
        (Segment(commission_models=("cpa", "hybrid")), "partners on CPA or hybrid commission"),
        (Segment(partners=(NORTHWIND,)), "Northwind Traders"),
        (Segment(partners=(NORTHWIND, HELIOS)), "Northwind Traders and Helios Channel Partners"),
    ],
)  # fmt: skip
def test_a_single_dimension_reads_as_a_person_would_say_it(segment: Segment, words: str) -> None:
    assert segment.describe() == words


@pytest.mark.parametrize(
    ("segment", "words"),
    [
        (Segment(tiers=("Silver",), types=("content",), countries=("FR",)),
         "Silver content partners in FR"),
        (Segment(statuses=("active",), types=("affiliate",)), "active affiliate partners"),
        (Segment(tiers=("Gold", "Silver"), types=("affiliate", "influencer")),
         "Gold and Silver affiliate and influencer partners"),
        (Segment(countries=("US",), owners=("leo@partnerops.example",)),
         "partners in US managed by leo@partnerops.example"),
        (Segment(statuses=("active",), tiers=("Gold",), types=("affiliate",), countries=("US",),
                 owners=("maya@partnerops.example",), tags=("coupon",),
                 commission_models=("cpa",)),
         "active Gold affiliate partners in US managed by maya@partnerops.example tagged "
         "“coupon” on CPA commission"),
        # Named partners are the segment: the other dimensions do not reword it.
        (Segment(partners=(NORTHWIND,), tiers=("Gold",)), "Northwind Traders"),
    ],
)  # fmt: skip
def test_combined_dimensions_read_in_one_phrase(segment: Segment, words: str) -> None:
    assert segment.describe() == words


def test_segment_properties_say_what_it_is() -> None:
    assert Segment().is_program and Segment.program() == Segment()
    assert Segment().single_partner is None and Segment().filters() == []
    one = Segment(partners=(NORTHWIND,))
    assert one.single_partner == NORTHWIND and not one.is_program and one.partner_ids == (1,)
    assert Segment(partners=(NORTHWIND, HELIOS)).single_partner is None
    narrowed = Segment(partners=(NORTHWIND,), tiers=("Gold",), countries=("US",))
    assert narrowed.single_partner is None
    assert narrowed.filters() == ["tiers", "countries"]
    assert narrowed.without("tiers", "countries") == one


# --- words into a segment -------------------------------------------------------------------


@pytest.fixture
def named(session: Session) -> dict[str, Partner]:
    """A handful of partners with distinct names, owners, tags and commission models."""
    rows = [
        partner("northwind", name="Northwind Traders", tier="Gold", country="US", owner=MAYA,
                tags=["coupon"], commission_model="cpa"),
        partner("helios", name="Helios Channel Partners", type="channel", tier="Gold",
                country="DE", owner=MAYA_CHEN, tags=["Retail"], commission_model="hybrid"),
        partner("atlas", name="Atlas Outdoor Co.", type="b2b_brand", tier="Silver",
                country="US", owner=LEO_PARK, tags=["outdoor", "Retail"],
                commission_model="revshare"),
        partner("lumen", name="Lumen Coupons", tier="Silver", country="FR", owner=LEO_NG,
                tags=["coupon"], commission_model="revshare"),
        partner("referrally", name="ReferRally", type="referral", tier="Bronze", country="GB",
                owner=SLACK_ID, commission_model="flat"),
        partner("quartz", name="Quartz Social", type="influencer", status="prospect",
                country="FR", owner=SAM),
    ]  # fmt: skip
    session.add_all(rows)
    session.commit()
    return {p.partner_key: p for p in rows}


def _resolve(session: Session, **words: Any) -> Segment:
    return resolve_segment(session, SegmentArgs(**words)).segment


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ({"tiers": ["gold", "SILVER tier"]}, Segment(tiers=("Gold", "Silver"))),
        ({"types": "creators"}, Segment(types=("influencer",))),
        ({"statuses": ["live"]}, Segment(statuses=("active",))),
        ({"statuses": ["pipeline"]}, Segment(statuses=("prospect", "applied", "approved"))),
        ({"countries": ["france", "de", "the UK"]}, Segment(countries=("FR", "DE", "GB"))),
        ({"tags": ["#retail", "COUPON"]}, Segment(tags=("Retail", "coupon"))),
        ({"commission_models": ["rev share", "bounty"]},
         Segment(commission_models=("revshare", "cpa"))),
        ({"owners": ["maya"]}, Segment(owners=(MAYA,))),
        ({"owners": ["Maya.Chen@PartnerOps.example"]}, Segment(owners=(MAYA_CHEN,))),
        ({"owners": ["maya chen"]}, Segment(owners=(MAYA_CHEN,))),
        ({"owners": ["leo.park"]}, Segment(owners=(LEO_PARK,))),
        ({"owners": ["u024be7lh"]}, Segment(owners=(SLACK_ID,))),
        ({"owners": ["sam"]}, Segment(owners=(SAM,))),
        ({"owners": ["Sam Rivera"]}, Segment(owners=(SAM,))),
        ({"tiers": ["Gold", "gold"]}, Segment(tiers=("Gold",))),
        ({"tiers": [], "types": "", "owners": None}, Segment()),
    ],
)  # fmt: skip
def test_words_resolve_to_stored_values(
    named: dict[str, Partner], session: Session, words: dict[str, Any], expected: Segment
) -> None:
    assert _resolve(session, **words) == expected


@pytest.mark.parametrize(
    ("words", "said", "valid"),
    [
        ({"tiers": ["Platinum"]}, "Platinum", ["Bronze", "Gold", "Silver"]),
        ({"types": ["wizards"]}, "wizards",
         ["affiliate", "influencer", "b2b_brand", "channel", "agency", "referral", "content"]),
        ({"statuses": ["sleeping"]}, "sleeping",
         ["prospect", "applied", "approved", "active", "paused", "rejected", "churned",
          "pipeline"]),
        ({"commission_models": ["barter"]}, "barter", ["cpa", "revshare", "cpi", "flat", "hybrid"]),
        ({"owners": ["zoe"]}, "zoe", sorted([MAYA, MAYA_CHEN, LEO_PARK, LEO_NG, SLACK_ID, SAM],
                                          key=str.casefold)),
        ({"tags": ["vip"]}, "vip", ["coupon", "outdoor", "Retail"]),
    ],
)  # fmt: skip
def test_unknown_values_are_refused_with_the_valid_ones(
    named: dict[str, Partner],
    session: Session,
    words: dict[str, Any],
    said: str,
    valid: list[str],
) -> None:
    with pytest.raises(NotFound) as raised:
        _resolve(session, **words)
    assert said in raised.value.message
    assert raised.value.options == valid
    assert all(value in raised.value.message for value in valid[:8])


def test_an_unknown_country_is_refused_with_how_to_write_one(named: dict[str, Partner],
                                                             session: Session) -> None:  # fmt: skip
    with pytest.raises(NotFound) as raised:
        _resolve(session, countries=["Narnia"])
    assert "Narnia" in raised.value.message and "two-letter code like FR" in raised.value.message


def test_a_first_name_shared_by_two_managers_asks_which(
    named: dict[str, Partner], session: Session
) -> None:
    with pytest.raises(NotFound) as raised:
        _resolve(session, owners=["leo"])
    assert raised.value.options == [LEO_NG, LEO_PARK]
    assert "several partner managers" in raised.value.message


def test_owners_are_stored_values_so_a_prefix_never_widens_them(
    named: dict[str, Partner], session: Session
) -> None:
    """An owner stored as 'leo' is not also every 'leo.…@' address."""
    named["lumen"].owner = "leo"
    session.commit()
    segment = _resolve(session, owners=["leo"])
    assert segment == Segment(owners=("leo",))
    assert partner_ids_in(session, segment) == [named["lumen"].id]
    maya = _resolve(session, owners=["maya"])
    assert partner_ids_in(session, maya) == [named["northwind"].id]


def test_named_partners_beat_the_other_dimensions_and_the_answer_says_so(
    named: dict[str, Partner], session: Session
) -> None:
    resolved = resolve_segment(session, SegmentArgs(partners=["northwind"], tiers=["Silver"]))
    assert resolved.segment == Segment.of(named["northwind"])
    assert resolved.notes == [
        "Northwind Traders is not among Silver partners, so that filter was not applied: "
        "this covers Northwind Traders."
    ]
    two = resolve_segment(
        session, SegmentArgs(partners=["northwind", "helios", "lumen"], countries=["FR"])
    )
    assert two.segment == Segment.of(named["northwind"], named["helios"], named["lumen"])
    assert two.notes[0].startswith(
        "Northwind Traders and Helios Channel Partners are not among partners in FR"
    )
    inside = resolve_segment(session, SegmentArgs(partners=["atlas"], tiers=["silver"]))
    assert inside.segment == Segment.of(named["atlas"]) and inside.notes == []
    same = resolve_segment(session, SegmentArgs(partners=["northwind", "Northwind Traders"]))
    assert same.segment == Segment.of(named["northwind"]) and same.notes == []


# --- storage selects the segment's partners and sums their rows -----------------------------

_POOLS: dict[str, list[Any]] = {
    "type": ["affiliate", "influencer", "content", "b2b_brand"],
    "tier": ["Gold", "Silver", "Bronze", None],
    "status": ["active", "active", "paused", "prospect", "churned"],
    "country": ["US", "FR", "DE", "PL", None],
    "owner": [MAYA, MAYA_CHEN, "maya", LEO_PARK, SLACK_ID, SAM, None],
    "commission_model": ["cpa", "revshare", "hybrid", "flat", None],
}
_TAGS = ["coupon", "loyalty", "Retail", "tech"]
_VALUES: dict[Dimension, list[str]] = {
    "types": [*_POOLS["type"], "agency"],  # agency: nobody has it
    "tiers": ["Gold", "Silver", "Bronze"],
    "statuses": ["active", "paused", "prospect", "churned", "rejected"],
    "countries": ["US", "FR", "DE", "PL", "JP"],
    "owners": [MAYA, MAYA_CHEN, "maya", LEO_PARK, SLACK_ID, SAM],  # "maya" as stored
    "tags": _TAGS,
    "commission_models": ["cpa", "revshare", "hybrid", "flat", "cpi"],
}
"""The values each dimension is sampled from, as resolve_segment would store them."""
FIRST = date(2026, 1, 19)
DAYS = 85  # 19 Jan – 13 Apr 2026: partial and whole weeks and months
RANGES = [
    (date(2026, 2, 1), date(2026, 3, 31)),  # whole months
    (date(2026, 1, 25), date(2026, 3, 10)),  # edge days, whole weeks and a month
    (date(2026, 3, 4), date(2026, 3, 4)),  # one day
]
SERIES_RANGE = (date(2026, 1, 28), date(2026, 3, 15))


def _generated(session: Session) -> tuple[list[Partner], dict[int, list[Row]]]:
    """24 partners with random attributes (some missing), 0–2 tags, and daily rows on a
    random share of days (a few partners have none)."""
    rng = random.Random(11)
    partners = [
        partner(
            f"g{i:02d}",
            name=f"Generated {i:02d}",
            type=rng.choice(_POOLS["type"]),
            status=rng.choice(_POOLS["status"]),
            tier=rng.choice(_POOLS["tier"]),
            country=rng.choice(_POOLS["country"]),
            owner=rng.choice(_POOLS["owner"]),
            commission_model=rng.choice(_POOLS["commission_model"]),
            tags=rng.sample(_TAGS, rng.randint(0, 2)),
        )
        for i in range(24)
    ]
    session.add_all(partners)
    session.flush()
    rows: dict[int, list[Row]] = {}
    for p in partners:
        share = rng.choice([0.0, 0.3, 0.7, 0.95])
        rows[p.id] = []
        for offset in range(DAYS):
            if rng.random() >= share:
                continue
            clicks = rng.randint(0, 300)
            conversions = rng.randint(0, clicks // 20)
            revenue = Decimal(rng.randint(0, 40000) * conversions) / 100
            rows[p.id].append(
                Row(p.partner_key, FIRST + timedelta(days=offset), clicks,
                    rng.randint(conversions, conversions + 10), conversions,
                    rng.randint(0, conversions // 3), revenue,
                    (revenue * Decimal("0.1")).quantize(Decimal("0.01")))
            )  # fmt: skip
    add_daily(session, [(pid, r) for pid, partner_rows in rows.items() for r in partner_rows])
    session.commit()
    return partners, rows


def _in_segment(p: Partner, segment: Segment) -> bool:
    """The segment's meaning, written independently of storage.queries.segment."""

    def folded(value: str | None, wanted: tuple[str, ...]) -> bool:
        return value is not None and value.casefold() in {w.casefold() for w in wanted}

    checks: list[tuple[tuple[Any, ...], Callable[[], bool]]] = [
        (segment.partners, lambda: p.id in segment.partner_ids),
        (segment.types, lambda: p.type in segment.types),
        (segment.tiers, lambda: folded(p.tier, segment.tiers)),
        (segment.statuses, lambda: p.status in segment.statuses),
        (segment.countries, lambda: folded(p.country, segment.countries)),
        (segment.owners, lambda: folded(p.owner, segment.owners)),
        (segment.tags, lambda: any(folded(t, segment.tags) for t in p.tag_names)),
        (segment.commission_models, lambda: p.commission_model in segment.commission_models),
    ]
    left_out = segment.excluding is not None and _in_segment(p, segment.excluding)
    return all(check() for values, check in checks if values) and not left_out


def _sum(rows: list[Row], start: date, end: date) -> Totals:
    total = Totals()
    for r in rows:
        if start <= r.day <= end:
            total += Totals(r.clicks, r.leads, r.conversions, r.reversals, r.revenue, r.payout)
    return total


_COLUMN: dict[Dimension, str] = {
    "types": "type", "tiers": "tier", "statuses": "status", "countries": "country",
    "owners": "owner", "commission_models": "commission_model",
}  # fmt: skip


def _segments(partners: list[Partner]) -> list[Segment]:
    """Every combination of one and two dimensions and 16 of three, each dimension with one
    or two values. The first value is an anchor partner's own (when it has one), so most
    combinations select someone; the second is drawn at random, sometimes a value nobody has.
    """
    rng = random.Random(5)
    combos = [
        *itertools.combinations(DIMENSIONS, 1),
        *itertools.combinations(DIMENSIONS, 2),
        *rng.sample(list(itertools.combinations(DIMENSIONS, 3)), 16),
    ]
    segments = []
    for combo in combos:
        anchor = rng.choice(partners)
        fields: dict[str, Any] = {}
        for dimension in combo:
            if dimension == "partners":
                chosen = [anchor, *rng.sample(partners, rng.randint(0, 1))]
                fields["partners"] = tuple(
                    {p.id: PartnerRef(id=p.id, key=p.partner_key, name=p.name) for p in chosen}
                    .values()
                )  # fmt: skip
                continue
            own = (
                anchor.tag_names[:1]
                if dimension == "tags"
                else [v for v in [getattr(anchor, _COLUMN[dimension])] if v is not None]
            )
            extra = rng.sample(_VALUES[dimension], 1 if not own or rng.random() < 0.5 else 0)
            fields[dimension] = tuple(dict.fromkeys([*own, *extra]))
        segments.append(Segment(**fields))
    return segments


def test_every_mix_of_dimensions_selects_and_sums_exactly_its_partners(session: Session) -> None:
    partners, rows = _generated(session)
    columns: tuple[GroupColumn, ...] = get_args(GroupColumn)
    segments = _segments(partners)
    assert len(segments) == 8 + 28 + 16
    nonempty = 0
    for n, segment in enumerate(segments):
        label = segment.describe()
        members = [p for p in partners if _in_segment(p, segment)]
        ids = {p.id for p in members}
        nonempty += bool(ids)
        assert partner_ids_in(session, segment) == sorted(ids), label
        assert count_in_segment(session, segment) == len(ids), label

        for start, end in RANGES:
            expected = sum((_sum(rows[pid], start, end) for pid in ids), Totals())
            assert totals(session, start, end, segment) == expected, (label, start, end)
        start, end = RANGES[1]
        with_rows = {pid for pid in ids if any(start <= r.day <= end for r in rows[pid])}
        assert count_partners(session, start, end, segment) == len(with_rows), label
        converted = {pid for pid in ids if _sum(rows[pid], start, end).conversions}
        got = count_partners(session, start, end, segment, converted=True)
        assert got == len(converted), label

        by_partner = sums_by_partner(session, RANGES, segment)
        assert set(by_partner) == {
            pid for pid in ids if any(a <= r.day <= b for a, b in RANGES for r in rows[pid])
        }, label
        for pid, per_range in by_partner.items():
            assert per_range == tuple(_sum(rows[pid], a, b) for a, b in RANGES), (label, pid)

        column = columns[n % len(columns)]
        groups = {g.group: g for g in sums_by_group(session, RANGES[:2], column, segment)}
        expected_groups: dict[str | None, list[int]] = {}
        for p in members:
            if any(a <= r.day <= b for a, b in RANGES[:2] for r in rows[p.id]):
                expected_groups.setdefault(getattr(p, column), []).append(p.id)
        assert set(groups) == set(expected_groups), (label, column)
        for group, group_ids in expected_groups.items():
            sums = tuple(
                sum((_sum(rows[pid], a, b) for pid in group_ids), Totals()) for a, b in RANGES[:2]
            )
            assert groups[group].sums == sums, (label, column, group)
            active = sum(1 for pid in group_ids if _sum(rows[pid], *RANGES[0]) != Totals())
            assert groups[group].active == active, (label, column, group)

        start, end = SERIES_RANGE
        grain: Literal["day", "week"] = "day" if n % 2 else "week"
        buckets: dict[date, Totals] = {}
        day = start
        while day <= end:
            key = day if grain == "day" else day - timedelta(days=day.weekday())
            day_sum = sum((_sum(rows[pid], day, day) for pid in ids), Totals())
            buckets[key] = buckets.get(key, Totals()) + day_sum
            day += timedelta(days=1)
        assert series(session, start, end, grain, segment) == sorted(buckets.items()), label
    assert nonempty > len(segments) // 2  # most samples select someone: the test has teeth


def test_an_excluded_segment_leaves_exactly_its_partners_out(session: Session) -> None:
    """ "Excluding affiliates", "outside the US", "non-Gold": the complement within whatever
    is included, partners without a value (no country) counted as outside."""
    partners, rows = _generated(session)
    segments = _segments(partners)
    rng = random.Random(11)
    checked = 0
    for include in [Segment(), *rng.sample(segments, 12)]:
        for exclude in rng.sample(segments, 4):
            if exclude.is_program:
                continue
            segment = include.model_copy(update={"excluding": exclude})
            label = segment.describe()
            ids = {p.id for p in partners if _in_segment(p, segment)}
            assert partner_ids_in(session, segment) == sorted(ids), label
            start, end = RANGES[0]
            expected = sum((_sum(rows[pid], start, end) for pid in ids), Totals())
            assert totals(session, start, end, segment) == expected, label
            by_partner = sums_by_partner(session, RANGES[:1], segment)
            assert set(by_partner) <= ids, label
            checked += 1
    assert checked >= 40


def test_an_exclusion_reads_as_a_person_would_say_it() -> None:
    assert Segment(excluding=Segment(countries=("US",))).describe() == "partners outside US"
    assert (
        Segment(tiers=("Gold",), excluding=Segment(types=("affiliate",))).describe()
        == "Gold partners except affiliate partners"
    )
    assert not Segment(excluding=Segment(tiers=("Gold",))).is_program


def test_excluding_words_resolve_like_including_ones(
    session: Session, named: dict[str, Partner]
) -> None:
    excluding = SegmentFields(types=["affiliates"], countries=["United States"])
    resolved = resolve_segment(session, SegmentArgs(tiers=["gold"], excluding=excluding))
    assert resolved.segment.tiers == ("Gold",)
    assert resolved.segment.excluding == Segment(types=("affiliate",), countries=("US",))


def test_leaving_out_a_named_partner_says_it_is_left_out(
    session: Session, named: dict[str, Partner]
) -> None:
    northwind = named["northwind"]
    resolved = resolve_segment(
        session,
        SegmentArgs(partners=[northwind.name], excluding=SegmentFields(types=[northwind.type])),
    )
    assert partner_ids_in(session, resolved.segment) == []
    assert any(northwind.name in note and "leaves out" in note for note in resolved.notes)
