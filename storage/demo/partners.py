"""The partner roster: the named partners with the stories we rely on, then seeded filler
shaped like a real program (types, tiers, statuses, countries, commission terms)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from storage.models import CommissionModel, Partner, PartnerStatus, PartnerTag, PartnerType

OWNERS = (
    "maya@partnerops.example",
    "leo@partnerops.example",
    "priya@partnerops.example",
    "sam@partnerops.example",
)
EXEC_SPONSORS = ("Dana Whitfield", "Omar Haddad", "Lena Fischer")

CENT = Decimal("0.01")
_S, _A, _P = PartnerStatus, PartnerType, CommissionModel


@dataclass
class Spec:
    """One partner: its stored profile plus the hidden parameters its performance follows."""

    key: str
    name: str
    type: str
    status: str
    tier: str | None
    country: str
    owner: str
    joined_ago: int | None
    model: str | None
    rate: Decimal | None
    overlap: Decimal | None
    tags: tuple[str, ...]
    contact: str
    domain: str
    sponsor: str | None = None
    clicks: float = 0.0
    lead_rate: float = 0.1
    conv_rate: float = 0.3
    aov: float = 100.0
    growth: float = 0.25
    reversal_rate: float = 0.03
    stop_ago: int | None = None
    story: str = ""

    @property
    def has_data(self) -> bool:
        return self.status in (_S.ACTIVE, _S.PAUSED, _S.CHURNED) and self.joined_ago is not None


def named_partners() -> list[Spec]:
    """The partners the brief, router and tests rely on, with their stories."""
    m, leo, pr, sam = OWNERS
    d = Decimal
    return [
        Spec("p-zabka", "Żabka Polska", _A.B2B_BRAND, _S.ACTIVE, "Gold", "PL", m, 1310,
             _P.HYBRID, d("4.0"), d("22.5"), ("retail", "convenience", "emea"),
             "Agnieszka Nowak", "zabka-polska.example", "Dana Whitfield",
             1800, 0.10, 0.32, 72, 0.28, 0.02),
        Spec("p-northwind", "Northwind Traders", _A.AFFILIATE, _S.ACTIVE, "Gold", "US", leo, 1650,
             _P.REVSHARE, d("12.5"), d("28.4"), ("tech", "deals", "na"),
             "Rachel Turner", "northwind-traders.example", "Omar Haddad",
             2600, 0.11, 0.34, 110, 0.30, 0.03),
        Spec("p-atlas", "Atlas Outdoor Co.", _A.B2B_BRAND, _S.ACTIVE, "Silver", "US", pr, 980,
             _P.REVSHARE, d("10.0"), d("18.0"), ("outdoor", "co-marketing", "na"),
             "Jake Morrison", "atlas-outdoor.example", None,
             650, 0.09, 0.30, 185, 0.22, 0.025),
        Spec("p-smith-sons", "Smith & Sons Reviews", _A.CONTENT, _S.ACTIVE, "Silver", "GB", sam,
             1120, _P.CPA, d("28.00"), None, ("reviews", "tech", "emea"),
             "Harriet Smith", "smithandsons-reviews.example", None,
             520, 0.07, 0.33, 120, 0.18, 0.02),
        Spec("p-seoul-beauty", "서울 뷰티랩", _A.INFLUENCER, _S.ACTIVE, "Silver", "KR", pr, 610,
             _P.CPA, d("12.00"), d("46.5"), ("beauty", "social", "apac"),
             "Ji-woo Kim", "seoulbeautylab.example", None,
             480, 0.06, 0.30, 64, 0.55, 0.03),
        Spec("p-romashka", "Ромашка Медиа", _A.AFFILIATE, _S.ACTIVE, "Bronze", "KZ", leo, 720,
             _P.CPI, d("3.20"), None, ("mobile", "apps", "emea"),
             "Aigerim Sadykova", "romashka-media.example", None,
             240, 0.14, 0.40, 42, 0.35, 0.04),
        Spec("p-cafe-ole", "Café Olé Creators", _A.INFLUENCER, _S.ACTIVE, "Bronze", "ES", sam, 420,
             _P.FLAT, d("18.00"), d("37.2"), ("lifestyle", "food", "emea"),
             "Lucía Ortega", "cafeole-creators.example", None,
             160, 0.05, 0.30, 75, 0.40, 0.02),
        Spec("p-brightwave-media", "Brightwave Media", _A.AGENCY, _S.ACTIVE, "Silver", "US", m,
             890, _P.REVSHARE, d("9.0"), None, ("paid-social", "na"),
             "Marcus Reed", "brightwave-media.example", None,
             600, 0.10, 0.28, 140, 0.25, 0.03),
        Spec("p-brightwave-studios", "Brightwave Studios", _A.CONTENT, _S.ACTIVE, "Bronze", "CA",
             sam, 240, _P.CPA, d("22.00"), None, ("video", "na"),
             "Chloé Tremblay", "brightwave-studios.example", None,
             180, 0.06, 0.30, 110, 0.30, 0.02),
        Spec("p-lumen", "Lumen Coupons", _A.AFFILIATE, _S.ACTIVE, "Silver", "US", leo, 1400,
             _P.CPA, d("14.00"), None, ("coupon", "deals", "na"),
             "Tyler Brooks", "lumen-coupons.example", None,
             950, 0.12, 0.36, 70, 0.20, 0.03, story="quiet"),
        Spec("p-cashback-kings", "CashBack Kings", _A.AFFILIATE, _S.ACTIVE, "Bronze", "GB", leo,
             860, _P.REVSHARE, d("7.5"), None, ("cashback", "loyalty", "emea"),
             "Priya Shah", "cashbackkings.example", None,
             420, 0.12, 0.38, 85, 0.25, 0.04, story="reversals"),
        Spec("p-helios", "Helios Channel Partners", _A.CHANNEL, _S.ACTIVE, "Gold", "DE", m, 1460,
             _P.HYBRID, d("6.0"), None, ("tech", "reseller", "emea"),
             "Stefan Wagner", "helios-channel.example", "Lena Fischer",
             900, 0.18, 0.22, 240, 0.26, 0.015),
        Spec("p-referrally", "ReferRally", _A.REFERRAL, _S.ACTIVE, "Bronze", "US", pr, 300,
             _P.CPA, d("40.00"), None, ("saas", "word-of-mouth", "na"),
             "Nina Alvarez", "referrally.example", None,
             130, 0.28, 0.24, 150, 0.35, 0.02),
    ]  # fmt: skip


MIN_PARTNERS = len(named_partners()) + 1

_WORDS = (
    "Summit", "Harbor", "Pioneer", "Bluebird", "Cedar", "Nimbus", "Orchid", "Granite", "Maple",
    "Aurora", "Copper", "Willow", "Falcon", "Juniper", "Meridian", "Tidewater", "Evergreen",
    "Kestrel", "Beacon", "Ironwood", "Lighthouse", "Redwood", "Cobalt", "Larkspur", "Hearth",
    "Vantage", "Quarry", "Solstice", "Fjord", "Sequoia", "Mosaic", "Pebble", "Saffron", "Tundra",
    "Zephyr", "Lantern", "Compass", "Riverbend", "Thistle", "Obsidian", "Marigold", "Driftwood",
    "Skylark", "Wildflower", "Basalt", "Clover", "Halcyon", "Indigo", "Jasper", "Keystone",
    "Magnolia", "Ember", "Cascade", "Prairie", "Topaz", "Wren", "Alder", "Birch", "Coral", "Dune",
)  # fmt: skip
_SUFFIXES: dict[str, tuple[str, ...]] = {
    _A.AFFILIATE: ("Deals", "Savings", "Rewards", "Offers", "Picks"),
    _A.INFLUENCER: ("Style", "Daily", "Vlogs", "Collective", "Life"),
    _A.B2B_BRAND: ("Goods", "Brands", "Supply", "Home", "Apparel"),
    _A.CHANNEL: ("Systems", "Solutions", "Networks", "IT", "Integrations"),
    _A.AGENCY: ("Growth", "Digital", "Marketing", "Performance", "Interactive"),
    _A.REFERRAL: ("Circle", "Club", "Connect", "Invite", "Friends"),
    _A.CONTENT: ("Journal", "Guide", "Gazette", "Insider", "Weekly"),
}
_TYPE_WEIGHTS: dict[str, int] = {
    _A.AFFILIATE: 30, _A.INFLUENCER: 20, _A.CONTENT: 15, _A.B2B_BRAND: 10,
    _A.REFERRAL: 9, _A.AGENCY: 8, _A.CHANNEL: 8,
}  # fmt: skip
_TYPE_TAGS: dict[str, tuple[str, ...]] = {
    _A.AFFILIATE: ("coupon", "cashback", "loyalty", "deals", "tech", "mobile"),
    _A.INFLUENCER: ("beauty", "fitness", "lifestyle", "gaming", "food", "outdoor"),
    _A.B2B_BRAND: ("outdoor", "retail", "home", "co-marketing", "beauty"),
    _A.CHANNEL: ("tech", "reseller", "msp", "enterprise"),
    _A.AGENCY: ("paid-social", "seo", "performance", "enterprise"),
    _A.REFERRAL: ("saas", "word-of-mouth", "loyalty"),
    _A.CONTENT: ("reviews", "tech", "outdoor", "newsletter", "video"),
}
# click->lead, lead->conversion, average order value ranges by type
_FUNNEL: dict[str, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = {
    _A.AFFILIATE: ((0.08, 0.14), (0.30, 0.45), (40, 120)),
    _A.INFLUENCER: ((0.04, 0.08), (0.25, 0.40), (45, 110)),
    _A.B2B_BRAND: ((0.10, 0.18), (0.20, 0.35), (90, 230)),
    _A.CHANNEL: ((0.15, 0.25), (0.15, 0.25), (170, 250)),
    _A.AGENCY: ((0.08, 0.14), (0.25, 0.35), (90, 200)),
    _A.REFERRAL: ((0.20, 0.35), (0.20, 0.30), (80, 200)),
    _A.CONTENT: ((0.05, 0.10), (0.25, 0.40), (50, 160)),
}
_MODELS: dict[str, tuple[str, ...]] = {
    _A.AFFILIATE: (_P.REVSHARE, _P.CPA, _P.CPA),
    _A.INFLUENCER: (_P.CPA, _P.FLAT, _P.CPI),
    _A.B2B_BRAND: (_P.REVSHARE, _P.HYBRID),
    _A.CHANNEL: (_P.HYBRID, _P.REVSHARE),
    _A.AGENCY: (_P.REVSHARE, _P.FLAT),
    _A.REFERRAL: (_P.CPA,),
    _A.CONTENT: (_P.CPA, _P.REVSHARE, _P.CPI),
}
_TIER_CLICKS: dict[str, tuple[float, float]] = {
    "Gold": (900, 1600),
    "Silver": (320, 750),
    "Bronze": (70, 260),
}
_COUNTRIES = (
    ("US", 22), ("GB", 10), ("DE", 8), ("FR", 6), ("CA", 5), ("ES", 4), ("PL", 4), ("NL", 4),
    ("AU", 5), ("JP", 3), ("KR", 3), ("IN", 4), ("BR", 4), ("MX", 3), ("SE", 3), ("IT", 3),
    ("SG", 3),
)  # fmt: skip
_REGIONS = {"US": "na", "CA": "na", "MX": "latam", "BR": "latam", "AU": "apac", "JP": "apac",
            "KR": "apac", "IN": "apac", "SG": "apac"}  # fmt: skip
_CONTACTS = (
    "Emma Clarke", "Lucas Meyer", "Sofia Rossi", "Noah Becker", "Camille Martin", "Mateo García",
    "Hannah Schulz", "Oliver Bennett", "Amelia Hughes", "Liam O'Connor", "Yuki Tanaka",
    "Priyanka Rao", "Ana Souza", "Jakub Kowalski", "Freya Lindqvist", "Daniel Park",
    "Isabel Fernández", "Tom de Vries", "Grace Wong", "Karim Haddad", "Zoë Laurent", "Ethan Cole",
)  # fmt: skip
# A status cycle shaped like a real program's pipeline; shuffled per seed.
_STATUS_CYCLE = (
    [_S.ACTIVE] * 9 + [_S.PROSPECT] * 4 + [_S.CHURNED] * 2 + [_S.PAUSED] * 2
    + [_S.APPLIED, _S.APPROVED, _S.REJECTED]
)  # fmt: skip
_ONE_OF_EACH = (_S.PROSPECT, _S.APPLIED, _S.APPROVED, _S.PAUSED, _S.CHURNED, _S.REJECTED)


def generated_partners(rng: random.Random, count: int, days: int) -> list[Spec]:
    """Partners beyond the named ones: one of each non-active status first, then a pipeline mix."""
    extra = max(0, count - len(_ONE_OF_EACH))
    rest = [_STATUS_CYCLE[i % len(_STATUS_CYCLE)] for i in range(extra)]
    rng.shuffle(rest)
    statuses = [*_ONE_OF_EACH[:count], *rest]
    names = _names(rng, count)
    return [_generated_one(rng, status, ptype, name, days) for status, (ptype, name) in
            zip(statuses, names, strict=True)]  # fmt: skip


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Unique (type, name) pairs such as ("affiliate", "Kestrel Deals")."""
    types = list(_TYPE_WEIGHTS)
    weights = list(_TYPE_WEIGHTS.values())
    words = list(_WORDS)
    rng.shuffle(words)
    out: list[tuple[str, str]] = []
    for i in range(count):
        ptype = rng.choices(types, weights)[0]
        lap, word = divmod(i, len(words))
        name = f"{words[word]} {rng.choice(_SUFFIXES[ptype])}"
        out.append((ptype, name if lap == 0 else f"{name} {lap + 1}"))
    return out


def _generated_one(rng: random.Random, status: str, ptype: str, name: str, days: int) -> Spec:
    country = rng.choices([c for c, _ in _COUNTRIES], [w for _, w in _COUNTRIES])[0]
    tier: str | None = None
    if status in (_S.ACTIVE, _S.APPROVED):
        tier = rng.choices(["Gold", "Silver", "Bronze"], [1, 3, 5])[0]
    elif status == _S.PAUSED:
        tier = rng.choices(["Silver", "Bronze"], [1, 3])[0]
    joined_ago, stop_ago = _lifetime(rng, status, days)
    (lead_lo, lead_hi), (conv_lo, conv_hi), (aov_lo, aov_hi) = _FUNNEL[ptype]
    aov = rng.uniform(aov_lo, aov_hi)
    model, rate = _commission(rng, ptype, aov, status)
    overlap = None
    if status == _S.PROSPECT or (status == _S.ACTIVE and rng.random() < 0.3):
        overlap = Decimal(f"{rng.uniform(5, 60):.1f}")
    tags = (*rng.sample(_TYPE_TAGS[ptype], 2), _REGIONS.get(country, "emea"))
    clicks_lo, clicks_hi = _TIER_CLICKS.get(tier or "", (60, 400))
    return Spec(
        key=f"p-{_slug(name)}",
        name=name,
        type=ptype,
        status=status,
        tier=tier,
        country=country,
        owner=rng.choice(OWNERS),
        joined_ago=joined_ago,
        model=model,
        rate=rate,
        overlap=overlap,
        tags=tags,
        contact=rng.choice(_CONTACTS),
        domain=f"{_slug(name)}.example",
        sponsor=rng.choice(EXEC_SPONSORS) if tier == "Gold" else None,
        clicks=rng.uniform(clicks_lo, clicks_hi) * (0.6 if ptype == _A.REFERRAL else 1.0),
        lead_rate=rng.uniform(lead_lo, lead_hi),
        conv_rate=rng.uniform(conv_lo, conv_hi),
        aov=aov,
        growth=rng.uniform(0.18, 0.48),
        reversal_rate=rng.uniform(0.01, 0.06),
        stop_ago=stop_ago,
    )


def _lifetime(rng: random.Random, status: str, days: int) -> tuple[int | None, int | None]:
    """Days ago the partner joined and (paused/churned) stopped sending traffic."""
    if status == _S.ACTIVE:
        return 45 + int(1500 * rng.random() ** 2), None  # most joined in the last two years
    if status == _S.APPROVED:
        return rng.randint(2, 20), None
    if status == _S.PAUSED:
        stop = rng.randint(20, min(240, days - 30))
        return stop + rng.randint(120, 1200), stop
    if status == _S.CHURNED:
        stop = rng.randint(30, days - 30)
        return stop + rng.randint(90, 900), stop
    return None, None


def _commission(
    rng: random.Random, ptype: str, aov: float, status: str
) -> tuple[str | None, Decimal | None]:
    if status in (_S.PROSPECT, _S.APPLIED, _S.REJECTED):
        return None, None
    model = rng.choice(_MODELS[ptype])
    if model == _P.REVSHARE:
        return model, Decimal(round(rng.uniform(6, 15) * 2) / 2).quantize(Decimal("0.1"))
    if model == _P.CPA:
        return model, Decimal(round(aov * rng.uniform(0.12, 0.25) * 2) / 2).quantize(CENT)
    if model == _P.CPI:
        return model, Decimal(f"{rng.uniform(1.5, 6.0):.1f}").quantize(CENT)
    if model == _P.FLAT:
        return model, Decimal(rng.randint(8, 40)).quantize(CENT)
    return model, Decimal(round(rng.uniform(3, 6) * 2) / 2).quantize(Decimal("0.1"))


def partner_row(spec: Spec, today: date) -> Partner:
    first = _slug(spec.contact.split()[0])
    joined = None if spec.joined_ago is None else today - timedelta(days=spec.joined_ago)
    return Partner(
        partner_key=spec.key,
        name=spec.name,
        type=str(spec.type),
        status=str(spec.status),
        tier=spec.tier,
        country=spec.country,
        owner=spec.owner,
        exec_sponsor=spec.sponsor,
        contact_name=spec.contact,
        contact_email=f"{first.replace('-', '.')}@{spec.domain}",
        website=f"https://www.{spec.domain}",
        joined_on=joined,
        commission_model=None if spec.model is None else str(spec.model),
        commission_rate=spec.rate,
        audience_overlap_pct=spec.overlap,
        tags=[PartnerTag(tag=t) for t in sorted(set(spec.tags))],
    )


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text.lower()).split())
