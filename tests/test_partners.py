"""Partners are found by what people type (accents, scripts, typos), profiled and listed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Partner, PartnerTag
from tools import registry
from tools.context import ToolContext
from tools.errors import AmbiguousPartner, NotFound, PartnerNotFound
from tools.partners import (
    NEWEST_LIMIT,
    FindPartnerArgs,
    ListPartnersArgs,
    PartnerList,
    PartnerProfile,
    describe_commission,
    known_tiers,
    list_partners,
    normalize_name,
    partner_names,
    partner_profile,
    partner_query,
    resolve_partner,
    run_list_partners,
)
from tools.report import Percent

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
    assert facts["Commission"] == "revshare 12.5 % of revenue"
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
    profile = spec.run(partners, ctx, FindPartnerArgs(name="northwind"))
    assert isinstance(profile, PartnerProfile)
    assert profile.commission == "CPA $35.00 per conversion"


@pytest.mark.parametrize(
    ("model", "rate", "currency", "text"),
    [
        ("revshare", Decimal("10.0000"), "USD", "revshare 10 % of revenue"),
        ("cpa", Decimal("1250"), "EUR", "CPA €1,250.00 per conversion"),
        ("cpi", Decimal("2.5"), "PLN", "CPI 2.50 PLN per install"),
        ("flat", Decimal("500"), "GBP", "flat £500.00 per action"),
        ("hybrid", Decimal("4.0"), "USD", "hybrid: 4 % of revenue plus a per-conversion bounty"),
        (None, None, "USD", "not set"),
    ],
)
def test_commission_is_described_in_words(
    model: str | None, rate: Decimal | None, currency: str, text: str
) -> None:
    assert describe_commission(model, rate, currency) == text


def _expected(want: dict[str, str]) -> list[str]:
    """Names matching `want` computed straight from the fixture table."""
    columns = {"type": 2, "status": 3, "tier": 4, "country": 5, "owner": 6}
    names = []
    for row in PARTNERS:
        ok = all(
            str(row[columns[k]] or "").casefold() == v.casefold()
            or (k == "status" and v == "pipeline" and row[3] in ("prospect", "applied", "approved"))
            for k, v in want.items()
            if k in columns
        )
        if "tag" in want:
            ok = ok and want["tag"].casefold() in {t.casefold() for t in row[7]}
        if ok:
            names.append(str(row[0]))
    return sorted(names, key=normalize_name)


FILTERS: list[tuple[dict[str, str], dict[str, str]]] = [
    ({"type": "affiliates"}, {"type": "affiliate"}),
    ({"type": "Influencers"}, {"type": "influencer"}),
    ({"type": "brands"}, {"type": "b2b_brand"}),
    ({"type": "b2b"}, {"type": "b2b_brand"}),
    ({"type": "agencies"}, {"type": "agency"}),
    ({"type": "referrals"}, {"type": "referral"}),
    ({"status": "live"}, {"status": "active"}),
    ({"status": "pipeline"}, {"status": "pipeline"}),
    ({"status": "active", "type": "affiliate"}, {"status": "active", "type": "affiliate"}),
    ({"tier": "gold"}, {"tier": "Gold"}),
    ({"country": "us"}, {"country": "US"}),
    ({"tag": "COUPON"}, {"tag": "coupon"}),
    ({"tag": "retail"}, {"tag": "retail"}),
    ({"owner": "Leo@PartnerOps.example"}, {"owner": "leo@partnerops.example"}),
    ({"owner": "maya"}, {"owner": "maya@partnerops.example"}),
    ({"owner": "U024BE7LH"}, {"owner": "U024BE7LH"}),
    ({"tier": "Silver", "country": "US", "status": "active"},
     {"tier": "Silver", "country": "US", "status": "active"}),
]  # fmt: skip


def test_list_filters_match_independent_filtering(partners: Session) -> None:
    for words, canonical in FILTERS:
        result = list_partners(partners, partner_query(**words), limit=100)
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
        partners, ctx, ListPartnersArgs(type="affiliates", status="live", tier="gold")
    )
    assert isinstance(result, PartnerList)
    assert result.report().scope == "active affiliate partners in the Gold tier"
    assert result.report().title == "1 active affiliate partner in the Gold tier"
    assert [r.name for r in result.rows] == ["Northwind Traders"]

    unknown_tier = list_partners(partners, partner_query(tier="Platinum"))
    assert unknown_tier.total == 0
    assert unknown_tier.report().notes == ["Known tiers: Bronze, Gold, Silver."]
    assert unknown_tier.relaxed == []  # one condition: nothing to relax


def test_empty_list_says_which_condition_emptied_it(partners: Session) -> None:
    words = {"type": "influencer", "status": "active", "country": "US"}
    result = list_partners(partners, partner_query(**words))
    assert result.total == 0 and len(_expected(words)) == 0
    expected = []
    for dropped in words:
        looser = {k: v for k, v in words.items() if k != dropped}
        expected.append((partner_query(**looser).describe(), len(_expected(looser))))
    assert result.relaxed == expected
    assert any(n > 0 for _, n in expected)  # the fixture makes the hint informative
    report = result.report()
    assert report.title == "No active influencer partners in US"
    assert report.sections[0].bullets == [f"{d}: {n}" for d, n in expected]


@pytest.mark.parametrize(("field", "value"), [("type", "wizards"), ("status", "sleeping")])
def test_unknown_type_or_status_lists_valid_values(field: str, value: str) -> None:
    with pytest.raises(NotFound) as raised:
        partner_query(**{field: value})
    assert value in raised.value.message
    assert ("b2b_brand" if field == "type" else "churned") in raised.value.options


def test_bad_country_code_is_refused() -> None:
    with pytest.raises(NotFound, match="two letters"):
        partner_query(country="Poland")


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
    three = listed(ListPartnersArgs(sort="newest", limit=3))
    assert len(three.rows) == 3


def test_partners_counted_per_manager_tier_or_country(partners: Session) -> None:
    ctx = ToolContext(today=date(2026, 11, 23))
    for group, column in (("owner", 6), ("tier", 4), ("country", 5)):
        result = run_list_partners(partners, ctx, ListPartnersArgs(group_by=group))
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
    active = run_list_partners(partners, ctx, ListPartnersArgs(status="active", group_by="owner"))
    assert isinstance(active, PartnerList)
    assert sum(n for _, n in active.by_group) == active.total
    assert active.total == sum(1 for row in PARTNERS if row[3] == "active")
    assert active.report().title == "Active partners by partner manager"
