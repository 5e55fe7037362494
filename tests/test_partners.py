"""Partners are found by what people type (accents, scripts, typos), profiled and listed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.render.values import bullet, cell
from storage.models import Partner, PartnerTag
from tools import registry
from tools.context import ToolContext
from tools.errors import AmbiguousPartner, NotFound, PartnerNotFound
from tools.partners import known_tiers, normalize_name, partner_names, resolve_partner
from tools.partners.listing import (
    NEWEST_LIMIT,
    ListPartnersArgs,
    PartnerList,
    describe,
    list_partners,
    run_list_partners,
)
from tools.partners.profile import (
    FindPartnerArgs,
    PartnerProfile,
    describe_commission,
    partner_profile,
)
from tools.report import Percent
from tools.segment import Segment, SegmentArgs, resolve_segment

# name, key, type, status, tier, country, owner, tags
PARTNERS = [
    ("Żabka Polska", "zabka-pl", "b2b_brand", "active", "Gold", "PL", "maya@partnerops.example",
     ["grocery", "Retail"]),
    ("Northwind Traders", "northwind", "affiliate", "active", "Gold", "US",
     "leo@partnerops.example", ["coupon"]),
    ("Northwest Outfitters", "nw-outfit", "affiliate", "paused", "Silver", "US",
     "leo@partnerops.example", []),
    ("Atlas Outdoor Co.", "atlas", "b2b_brand", "active", "Silver", "US",
     "priya@partnerops.example", ["outdoor"]),
    ("Smith & Sons Reviews", "smith-sons", "content", "active", "Silver", "GB",
     "sam@partnerops.example", []),
    ("서울 뷰티랩", "seoul-beauty", "influencer", "active", "Silver", "KR",
     "maya@partnerops.example", ["beauty"]),
    ("Ромашка Медиа", "romashka", "affiliate", "active", "Bronze", "KZ", "leo@partnerops.example",
     []),
    ("Café Olé Creators", "cafe-ole", "influencer", "active", "Bronze", "ES",
     "priya@partnerops.example", ["food"]),
    ("Brightwave Media", "bw-media", "agency", "active", "Silver", "US", "sam@partnerops.example",
     []),
    ("Brightwave Studios", "bw-studios", "content", "active", "Bronze", "CA",
     "sam@partnerops.example", []),
    ("Lumen Coupons", "lumen", "affiliate", "active", "Silver", "US", "maya@partnerops.example",
     ["coupon"]),
    ("CashBack Kings", "cbk", "affiliate", "active", "Bronze", "GB", "leo@partnerops.example",
     ["cashback", "coupon"]),
    ("Helios Channel Partners", "helios", "channel", "active", "Gold", "DE",
     "priya@partnerops.example", []),
    ("ReferRally", "referrally", "referral", "active", "Bronze", "US", "U024BE7LH", []),
    ("Green Leaf Media", "green-leaf", "influencer", "prospect", None, "US", None, ["beauty"]),
    ("Old Mill Deals", "old-mill", "affiliate", "churned", "Bronze", "GB",
     "maya@partnerops.example", []),
    ("Quartz Social", "quartz", "influencer", "applied", None, "FR", None, []),
]  # fmt: skip


@pytest.fixture
def partners(session: Session) -> Session:
    for name, key, type_, status, tier, country, owner, tags in PARTNERS:
        session.add(
            Partner(
                partner_key=key,
                name=name,
                type=type_,
                status=status,
                tier=tier,
                country=country,
                owner=owner,
                tags=[PartnerTag(tag=t) for t in tags],
            )
        )
    session.flush()
    zabka = session.query(Partner).filter_by(partner_key="zabka-pl").one()
    zabka.exec_sponsor = "Anna Nowak"
    zabka.contact_name = "Piotr Kowalski"
    zabka.contact_email = "piotr@zabka.example"
    zabka.website = "https://zabka.example"
    zabka.joined_on = date(2024, 5, 1)
    zabka.commission_model = "revshare"
    zabka.commission_rate = Decimal("12.5000")
    zabka.audience_overlap_pct = Decimal("18.40")
    northwind = session.query(Partner).filter_by(partner_key="northwind").one()
    northwind.commission_model = "cpa"
    northwind.commission_rate = Decimal("35.0000")
    session.commit()
    return session


RESOLVES = [
    ("Żabka Polska", "Żabka Polska"),
    ("zabka", "Żabka Polska"),
    ("ZABKA", "Żabka Polska"),
    ("żabka", "Żabka Polska"),
    ("zabka polska", "Żabka Polska"),
    ("northwind", "Northwind Traders"),
    ("Northwnd", "Northwind Traders"),
    ("northwind traders inc", "Northwind Traders"),
    ("Atlass", "Atlas Outdoor Co."),
    ("atlas outdoor co", "Atlas Outdoor Co."),
    ("smith and sons", "Smith & Sons Reviews"),
    ("Smith & Sons", "Smith & Sons Reviews"),
    ("smith and sons reviews", "Smith & Sons Reviews"),
    ("서울 뷰티랩", "서울 뷰티랩"),
    ("서울", "서울 뷰티랩"),
    ("ромашка", "Ромашка Медиа"),
    ("Ромашка медиа", "Ромашка Медиа"),
    ("cafe ole", "Café Olé Creators"),
    ("cashback king", "CashBack Kings"),
    ("cash back kings", "CashBack Kings"),
    ("refer rally", "ReferRally"),
    ("brightwave studio", "Brightwave Studios"),
    ("brightwave m", "Brightwave Media"),
    ("cbk", "CashBack Kings"),
    ("  lumen  ", "Lumen Coupons"),
]


def test_partner_names_resolve_as_people_type_them(partners: Session) -> None:
    got = {typed: resolve_partner(partners, typed).name for typed, _ in RESOLVES}
    assert got == dict(RESOLVES)


def test_unclear_names_ask_back_or_suggest(partners: Session) -> None:
    with pytest.raises(AmbiguousPartner) as ambiguous:
        resolve_partner(partners, "brightwave")
    assert ambiguous.value.options == ["Brightwave Media", "Brightwave Studios"]
    assert ambiguous.value.kind == "clarify"
    assert "Brightwave Media or Brightwave Studios" in ambiguous.value.message

    with pytest.raises(PartnerNotFound) as unknown:
        resolve_partner(partners, "Zzyzx Holdings")
    # nothing resembles it: no made-up "closest names", a next step instead
    assert unknown.value.options == ["list all partners"]
    assert "Zzyzx Holdings" in unknown.value.message and unknown.value.kind == "not_found"
    assert "No partner has a similar name" in unknown.value.message

    with pytest.raises(PartnerNotFound) as near:
        resolve_partner(partners, "Northwest Trading")
    # close but below the match threshold: the real near-misses are offered
    assert "Northwind Traders" in near.value.options
    assert set(near.value.options) <= {row[0] for row in PARTNERS}

    # a Latin transliteration does not match a name written in another script
    with pytest.raises(PartnerNotFound):
        resolve_partner(partners, "Romashka Media Group Kazakhstan")
    with pytest.raises(PartnerNotFound):
        resolve_partner(partners, " ?! ")


def test_resolution_sees_renamed_partners_at_once(partners: Session) -> None:
    assert resolve_partner(partners, "lumen").name == "Lumen Coupons"
    lumen = partners.query(Partner).filter_by(partner_key="lumen").one()
    lumen.name = "Lumière Deals"
    partners.flush()
    assert resolve_partner(partners, "lumiere").partner_key == "lumen"
    with pytest.raises(PartnerNotFound):
        resolve_partner(partners, "lumen coupons")


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Żabka Polska", "zabka polska"),
        ("Smith & Sons Reviews", "smith and sons reviews"),
        ("Łódź Ørsted Straße", "lodz orsted strasse"),
        ("Café Olé Creators", "cafe ole creators"),
        ("Atlas Outdoor Co.", "atlas outdoor co"),
        ("Macy's", "macys"),
        ("ＺＡＢＫＡ", "zabka"),
        ("Ромашка Медиа", "ромашка медиа"),
        ("Йогурт", "йогурт"),
        ("서울 뷰티랩", "서울 뷰티랩"),
    ],
)
def test_normalize_name(raw: str, normalised: str) -> None:
    assert normalize_name(raw) == normalised


def test_profile_states_commission_and_a_period_free_scope(partners: Session) -> None:
    report = partner_profile(resolve_partner(partners, "zabka"), currency="USD").report()
    facts = {f.label: f.value for s in report.sections for f in s.facts}
    assert report.title == "Żabka Polska"
    assert report.period is None
    assert report.scope is not None and "Żabka Polska" in report.scope
    assert cell(facts["Commission"]) == "12.5% revenue share"
    assert facts["Type"] == "B2B brand"
    assert facts["Tier"] == "Gold"
    assert facts["Executive sponsor"] == "Anna Nowak"
    assert facts["Contact"] == "Piotr Kowalski <piotr@zabka.example>"
    assert facts["Joined"] == date(2024, 5, 1)
    assert facts["Audience overlap"] == Percent(value=Decimal("18.40"))
    assert facts["Tags"] == "Retail, grocery"

    ctx = ToolContext(today=date(2026, 11, 23), currency="USD")
    spec = registry._REGISTRY["find_partner"]
    assert spec.args is FindPartnerArgs
    profile = spec.run(partners, ctx, FindPartnerArgs(partner="northwind"))
    assert isinstance(profile, PartnerProfile)
    assert bullet(profile.commission) == "CPA of $35.00 per conversion"


@pytest.mark.parametrize(
    ("model", "rate", "currency", "text"),
    [
        ("revshare", Decimal("12.5000"), "USD", "12.5% revenue share"),
        ("revshare", Decimal("12.2500"), "USD", "12.25% revenue share"),
        ("revshare", Decimal("10.0000"), "USD", "10% revenue share"),
        ("cpa", Decimal("1250"), "EUR", "CPA of €1,250 per conversion"),
        ("cpi", Decimal("2.5"), "PLN", "CPI of zł 2.50 per install"),
        ("cpa", Decimal("35.5"), "KRW", "CPA of ₩36 per conversion"),
        ("cpa", Decimal("35.5"), "CHF", "CPA of 35.50 CHF per conversion"),
        ("flat", Decimal("500"), "GBP", "flat fee of £500.00 per action"),
        ("hybrid", Decimal("4.0"), "USD", "hybrid: 4% of revenue plus a per-conversion bounty"),
        ("revshare", None, "USD", "revenue share, rate not set"),
        ("cpa", None, "USD", "CPA, rate not set"),
        (None, None, "USD", "not set"),
    ],
)
def test_commission_is_described_in_words(
    model: str | None, rate: Decimal | None, currency: str, text: str
) -> None:
    words = bullet(describe_commission(model, rate, currency))
    assert words == text
    assert " %" not in words and "revshare" not in words  # how a person writes it


def _expected(want: dict[str, str]) -> list[str]:
    """Names matching `want` computed straight from the fixture table."""
    columns = {"types": 2, "statuses": 3, "tiers": 4, "countries": 5, "owners": 6}
    names = []
    for row in PARTNERS:
        ok = all(
            str(row[columns[k]] or "").casefold() == v.casefold()
            or (
                k == "statuses"
                and v == "pipeline"
                and row[3] in ("prospect", "applied", "approved")
            )
            for k, v in want.items()
            if k in columns
        )
        if "tags" in want:
            ok = ok and want["tags"].casefold() in {t.casefold() for t in row[7]}
        if ok:
            names.append(str(row[0]))
    return sorted(names, key=normalize_name)


def _segment(session: Session, **words: str) -> Segment:
    """The segment a planner's words name, one value per dimension."""
    return resolve_segment(session, SegmentArgs(**{k: [v] for k, v in words.items()})).segment


FILTERS: list[tuple[dict[str, str], dict[str, str]]] = [
    ({"types": "affiliates"}, {"types": "affiliate"}),
    ({"types": "Influencers"}, {"types": "influencer"}),
    ({"types": "brands"}, {"types": "b2b_brand"}),
    ({"types": "b2b"}, {"types": "b2b_brand"}),
    ({"types": "agencies"}, {"types": "agency"}),
    ({"types": "referrals"}, {"types": "referral"}),
    ({"statuses": "live"}, {"statuses": "active"}),
    ({"statuses": "pipeline"}, {"statuses": "pipeline"}),
    ({"statuses": "active", "types": "affiliate"}, {"statuses": "active", "types": "affiliate"}),
    ({"tiers": "gold"}, {"tiers": "Gold"}),
    ({"countries": "us"}, {"countries": "US"}),
    ({"countries": "Poland"}, {"countries": "PL"}),
    ({"countries": "the UK"}, {"countries": "GB"}),
    ({"tags": "COUPON"}, {"tags": "coupon"}),
    ({"tags": "retail"}, {"tags": "retail"}),
    ({"owners": "Leo@PartnerOps.example"}, {"owners": "leo@partnerops.example"}),
    ({"owners": "maya"}, {"owners": "maya@partnerops.example"}),
    ({"owners": "U024BE7LH"}, {"owners": "U024BE7LH"}),
    ({"tiers": "Silver", "countries": "US", "statuses": "active"},
     {"tiers": "Silver", "countries": "US", "statuses": "active"}),
]  # fmt: skip


def test_list_filters_match_independent_filtering(partners: Session) -> None:
    for words, canonical in FILTERS:
        result = list_partners(partners, _segment(partners, **words), limit=100)
        expected = _expected(canonical)
        assert [r.name for r in result.rows] == expected, words
        assert result.total == len(expected), words


def test_list_counts_sorts_and_limits(partners: Session) -> None:
    counted = list_partners(partners, count_only=True)
    assert counted.rows == []
    assert counted.total == len(PARTNERS)
    by_status = {"prospect": 1, "applied": 1, "active": 13, "paused": 1, "churned": 1}
    assert list(counted.by_status.items()) == list(by_status.items())  # in lifecycle order
    assert counted.by_type == dict(Counter(str(row[2]) for row in PARTNERS))
    report = counted.report()
    assert report.scope == "all partners"
    assert all(s.table is None for s in report.sections)

    listed = list_partners(partners, limit=5)
    everyone = sorted((str(row[0]) for row in PARTNERS), key=normalize_name)
    assert [r.name for r in listed.rows] == everyone[:5]
    report = listed.report()
    table = next(s.table for s in report.sections if s.table is not None)
    assert table.columns == ["Partner", "Type", "Status", "Tier", "Country", "Owner"]
    assert len(table.rows) == 5
    assert any("first 5 of 17" in note for note in report.notes)

    assert partner_names(partners) == everyone
    assert known_tiers(partners) == ["Bronze", "Gold", "Silver"]


def test_list_tool_states_its_filter_as_the_scope(partners: Session) -> None:
    ctx = ToolContext(today=date(2026, 11, 23))
    spec = registry._REGISTRY["list_partners"]
    assert spec.args is ListPartnersArgs
    result = spec.run(
        partners, ctx, ListPartnersArgs(types="affiliates", statuses="live", tiers="gold")
    )
    assert isinstance(result, PartnerList)
    assert result.report().scope == "active Gold affiliate partners"
    assert result.report().title == "1 active Gold affiliate partner"
    assert [r.name for r in result.rows] == ["Northwind Traders"]

    # A tier nobody has, built directly: an empty list, nothing to relax with one condition.
    unknown_tier = list_partners(partners, Segment(tiers=("Platinum",)))
    assert unknown_tier.total == 0 and unknown_tier.rows == []
    assert unknown_tier.relaxed == []
    # From a planner's words the unknown tier is refused with the valid ones.
    with pytest.raises(NotFound) as raised:
        spec.run(partners, ctx, ListPartnersArgs(tiers=["Platinum"]))
    assert raised.value.options == ["Bronze", "Gold", "Silver"]


def test_list_tool_says_when_a_named_partner_is_outside_the_other_filters(
    partners: Session,
) -> None:
    ctx = ToolContext(today=date(2026, 11, 23))
    result = run_list_partners(
        partners, ctx, ListPartnersArgs(partners=["northwind"], countries=["DE"])
    )
    assert isinstance(result, PartnerList)
    assert [r.name for r in result.rows] == ["Northwind Traders"]
    assert result.notes[0].startswith("Northwind Traders is not among partners in DE")
    assert result.report().notes[0] == result.notes[0]


def test_empty_list_says_which_condition_emptied_it(partners: Session) -> None:
    words = {"types": "influencer", "statuses": "active", "countries": "US"}
    segment = _segment(partners, **words)
    result = list_partners(partners, segment)
    assert result.total == 0 and len(_expected(words)) == 0
    expected = []
    for dropped in words:
        looser = {k: v for k, v in words.items() if k != dropped}
        expected.append((describe(_segment(partners, **looser)), len(_expected(looser))))
    assert result.relaxed == expected
    assert any(n > 0 for _, n in expected)  # the fixture makes the hint informative
    report = result.report()
    assert report.title == "No active influencer partners in US"
    assert report.sections[0].bullets == [f"{d}: {n}" for d, n in expected]


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [("types", "wizards", "b2b_brand"), ("statuses", "sleeping", "churned"),
     ("commission_models", "barter", "revshare")],
)  # fmt: skip
def test_unknown_type_status_or_commission_model_lists_valid_values(
    partners: Session, field: str, value: str, valid: str
) -> None:
    with pytest.raises(NotFound) as raised:
        _segment(partners, **{field: value})
    assert value in raised.value.message and valid in raised.value.message
    assert valid in raised.value.options


def test_unknown_country_is_refused(partners: Session) -> None:
    with pytest.raises(NotFound, match="two-letter code"):
        _segment(partners, countries="Narnia")


def test_newest_first_and_joined_in_a_period(partners: Session) -> None:
    joined = {
        "northwind": date(2026, 11, 2), "atlas": date(2026, 3, 15), "lumen": date(2025, 12, 31),
        "cbk": date(2026, 11, 2), "zabka-pl": date(2024, 5, 1),
    }  # fmt: skip
    for partner in partners.scalars(select(Partner)):
        partner.joined_on = joined.get(partner.partner_key)
    partners.commit()
    names = {key: str(row[0]) for row in PARTNERS for key in [row[1]]}
    ctx = ToolContext(today=date(2026, 11, 23))

    def listed(args: ListPartnersArgs) -> PartnerList:
        result = run_list_partners(partners, ctx, args)
        assert isinstance(result, PartnerList)
        return result

    newest = listed(ListPartnersArgs(sort="newest"))
    dated = sorted(joined, key=lambda k: (-joined[k].toordinal(), normalize_name(names[k])))
    assert [r.name for r in newest.rows][: len(dated)] == [names[k] for k in dated]
    assert all(r.joined_on is None for r in newest.rows[len(dated) :])  # undated last
    assert len(newest.rows) == NEWEST_LIMIT  # a handful unless a number is asked for
    report = newest.report()
    assert report.title == "Newest partners"
    table = report.sections[0].table
    assert table is not None and table.columns[-1] == "Joined"

    this_year = listed(ListPartnersArgs(joined="this year"))
    expected = [names[k] for k in dated if joined[k].year == 2026]
    assert [r.name for r in this_year.rows] == expected
    assert this_year.total == len(expected)
    assert this_year.report().title == f"{len(expected)} partners who joined in 2026 YTD"
    three = listed(ListPartnersArgs(sort="newest", n=3))
    assert len(three.rows) == 3


def test_partners_counted_per_manager_tier_or_country(partners: Session) -> None:
    ctx = ToolContext(today=date(2026, 11, 23))
    for group, column in (("owner", 6), ("tier", 4), ("country", 5)):
        result = run_list_partners(partners, ctx, ListPartnersArgs(by=group))
        assert isinstance(result, PartnerList)
        counts = Counter(str(row[column]) if row[column] else None for row in PARTNERS)
        missing = {"owner": "no manager", "tier": "no tier", "country": "no country"}[group]
        expected = sorted(
            ((name or missing, n) for name, n in counts.items()),
            key=lambda c: (c[0] == missing, -c[1], c[0]),
        )
        assert result.by_group == expected, group
        assert result.rows == []  # a count, not a list
        table = result.report().sections[1].table
        assert table is not None and [row[1] for row in table.rows] == [n for _, n in expected]
    active = run_list_partners(partners, ctx, ListPartnersArgs(statuses="active", by="owner"))
    assert isinstance(active, PartnerList)
    assert sum(n for _, n in active.by_group) == active.total
    assert active.total == sum(1 for row in PARTNERS if row[3] == "active")
    assert active.report().title == "Active partners by partner manager"
    gold = run_list_partners(
        partners, ctx, ListPartnersArgs(statuses="active", types="brands", by="tier")
    )
    assert isinstance(gold, PartnerList)
    assert gold.report().title == "Active B2B brand partners by tier"  # capitals kept


OVERLAP = {
    "zabka-pl": Decimal("18.40"), "green-leaf": Decimal("42.00"), "quartz": Decimal("57.50"),
    "lumen": Decimal("42.00"), "atlas": Decimal("5.25"),
}  # fmt: skip


def test_partners_ranked_by_audience_overlap_highest_first(partners: Session) -> None:
    for partner in partners.scalars(select(Partner)):
        partner.audience_overlap_pct = OVERLAP.get(partner.partner_key)
    partners.commit()
    names = {str(row[1]): str(row[0]) for row in PARTNERS}
    ctx = ToolContext(today=date(2026, 11, 23))
    result = run_list_partners(partners, ctx, ListPartnersArgs(sort="overlap", n=100))
    assert isinstance(result, PartnerList)
    ranked = sorted(OVERLAP, key=lambda k: (-OVERLAP[k], normalize_name(names[k])))
    unranked = sorted((n for k, n in names.items() if k not in OVERLAP), key=normalize_name)
    assert [r.name for r in result.rows] == [names[k] for k in ranked] + unranked
    assert [names[k] for k in ranked[1:3]] == ["Green Leaf Media", "Lumen Coupons"]  # tie: name
    report = result.report()
    assert report.title == "Partners by audience overlap"
    table = next(s.table for s in report.sections if s.table is not None)
    assert table.columns[-1] == "Audience overlap"
    assert [row[-1] for row in table.rows[: len(OVERLAP)]] == [
        Percent(value=OVERLAP[k]) for k in ranked
    ]
    assert all(row[-1] is None for row in table.rows[len(OVERLAP) :])
    missing = len(PARTNERS) - len(OVERLAP)
    assert f"{missing} of {len(PARTNERS)} have no audience overlap recorded" in " ".join(
        report.notes
    )
    # Within a segment, and a handful unless a number is asked for.
    prospects = run_list_partners(
        partners, ctx, ListPartnersArgs(statuses="pipeline", sort="overlap")
    )
    assert isinstance(prospects, PartnerList)
    assert [r.name for r in prospects.rows] == ["Quartz Social", "Green Leaf Media"]
    assert not any("no audience overlap" in n for n in prospects.report().notes)
    top = run_list_partners(partners, ctx, ListPartnersArgs(sort="overlap"))
    assert isinstance(top, PartnerList) and len(top.rows) == NEWEST_LIMIT
    assert any("by audience overlap, highest first" in n for n in top.report().notes)
    # A join period keeps the overlap order when it was asked for.
    joined = run_list_partners(partners, ctx, ListPartnersArgs(joined="this year", sort="overlap"))
    assert isinstance(joined, PartnerList) and joined.sort == "overlap"
    assert "overlap" in (ListPartnersArgs.model_fields["sort"].description or "")
