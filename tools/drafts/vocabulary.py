"""The words drafts are made of: per partner type, per season, per tag. Data only, no logic."""

from __future__ import annotations

from storage.models import PartnerType

NOUNS: dict[str, tuple[str, str]] = {
    PartnerType.AFFILIATE: ("affiliate", "affiliates"),
    PartnerType.INFLUENCER: ("creator", "creators"),
    PartnerType.B2B_BRAND: ("B2B brand", "B2B brand partners"),
    PartnerType.CHANNEL: ("channel partner", "channel partners"),
    PartnerType.AGENCY: ("agency", "agencies"),
    PartnerType.REFERRAL: ("referral partner", "referral partners"),
    PartnerType.CONTENT: ("publisher", "publishers"),
}
"""A partner type as a person says it, singular and plural ("B2B brand partners")."""

FIT: dict[str, str] = {
    PartnerType.AFFILIATE: "you reach people who are already comparing options and ready to buy",
    PartnerType.INFLUENCER: "you have an audience that trusts your recommendations, and that "
    "kind of introduction works better for us than any ad",
    PartnerType.B2B_BRAND: "you serve the same kind of customers we do, so a joint offer "
    "would feel natural to both audiences",
    PartnerType.CHANNEL: "you already sell to the businesses we want to reach, and we can "
    "make our product easy for your team to bundle",
    PartnerType.AGENCY: "you run campaigns for the kind of brands our customers love, and we "
    "can give your clients a partner that pays on results",
    PartnerType.REFERRAL: "you have a community that already asks you what to use, and a "
    "referral from you carries real weight",
    PartnerType.CONTENT: "you write reviews that help people decide, and our customers tend "
    "to read before they buy",
}
TOPICS: dict[str, str] = {
    PartnerType.AFFILIATE: "smart shopping",
    PartnerType.INFLUENCER: "everyday favourites",
    PartnerType.B2B_BRAND: "products that work well together",
    PartnerType.CHANNEL: "getting more from the tools teams already use",
    PartnerType.AGENCY: "campaigns that pay for themselves",
    PartnerType.REFERRAL: "recommendations people trust",
    PartnerType.CONTENT: "choosing well",
}
"""What content is about when the partner has no topical tags; each reads after 'about'."""
DEFAULT_TOPIC = "what our customers care about"

SECTIONS: dict[str, tuple[str, str, str]] = {
    PartnerType.AFFILIATE: (
        "What to look for before buying, and the questions worth asking",
        "Getting the best value: timing, bundles and offers",
        "Where our products fit, and who they suit best",
    ),
    PartnerType.INFLUENCER: (
        "Behind the scenes: how {partner} chooses what to recommend",
        "A real routine, step by step",
        "Questions from the community, answered",
    ),
    PartnerType.B2B_BRAND: (
        "The customer both our brands serve",
        "How our products work together",
        "A worked example, from first purchase to repeat customer",
    ),
    PartnerType.CHANNEL: (
        "The problem {partner_s} customers bring to them",
        "How the solution is set up through {partner}",
        "What a good first 90 days looks like",
    ),
    PartnerType.AGENCY: (
        "What {partner_s} clients ask about {topic}",
        "How a performance campaign comes together",
        "Lessons worth sharing from recent campaigns",
    ),
    PartnerType.REFERRAL: (
        "What makes people recommend something to a friend",
        "How the referral works, in plain words",
        "What new customers get from day one",
    ),
    PartnerType.CONTENT: (
        "How {partner} tests and compares",
        "What readers ask most, answered",
        "Where our products fit, honestly, including who they're not for",
    ),
}
"""Blog sections per type; {partner}, {partner_s} (possessive) and {topic} are filled in."""
WALKTHROUGHS: dict[str, str] = {
    PartnerType.AFFILIATE: "how {partner} compares options for their readers",
    PartnerType.INFLUENCER: "{partner_s} own routine, with our products in it",
    PartnerType.B2B_BRAND: "how customers use both brands together",
    PartnerType.CHANNEL: "setting it up for a customer, start to finish",
    PartnerType.AGENCY: "building a campaign plan for a client",
    PartnerType.REFERRAL: "how a referral works from invite to first order",
    PartnerType.CONTENT: "how {partner} tests and reviews",
}
CONTENT_PLANS: dict[str, str] = {
    PartnerType.INFLUENCER: "short videos, real routines and a live Q&A",
    PartnerType.CONTENT: "guides, comparisons and honest reviews",
    PartnerType.B2B_BRAND: "practical guides and stories from customers of both brands",
    PartnerType.CHANNEL: "practical guides and set-up tips from both teams",
    PartnerType.AGENCY: "campaign lessons and practical tips from both teams",
}
SEASONS: dict[int, tuple[str, str, str]] = {
    # month -> (adjective, noun phrase, campaign kind)
    1: ("new-year", "the new year", "fresh-start guide"),
    2: ("new-year", "the new year", "fresh-start guide"),
    3: ("spring", "spring", "spring edit"),
    4: ("spring", "spring", "spring edit"),
    5: ("spring", "spring", "spring edit"),
    6: ("summer", "summer", "summer guide"),
    7: ("summer", "summer", "summer guide"),
    8: ("back-to-school", "back-to-school season", "back-to-school guide"),
    9: ("back-to-school", "back-to-school season", "back-to-school guide"),
    10: ("holiday", "the holiday season", "gift guide"),
    11: ("holiday", "the holiday season", "gift guide"),
    12: ("holiday", "the holiday season", "gift guide"),
}

REGION_TAGS = frozenset(
    {"emea", "apac", "latam", "na", "nam", "amer", "americas", "eu", "europe", "dach", "nordics",
     "global", "worldwide", "intl", "international", "mena", "anz", "sea", "uk", "us"}
)  # fmt: skip
"""Tags that say where a partner works; drafts name the country instead."""

METHOD_TAGS: dict[str, str] = {
    "social": "social media", "video": "video", "seo": "SEO", "paid-social": "paid social",
    "newsletter": "newsletters", "performance": "performance marketing",
    "co-marketing": "co-marketing", "word-of-mouth": "word-of-mouth recommendations",
    "reviews": "reviews", "coupon": "coupons", "coupons": "coupons", "cashback": "cashback",
    "deals": "deals", "loyalty": "loyalty rewards", "reseller": "reselling",
    "msp": "managed services", "enterprise": "enterprise customers", "b2b": "B2B",
    "b2c": "B2C", "affiliate": "affiliate marketing", "influencer": "creator partnerships",
    "content": "content",
}  # fmt: skip
"""Tags that say how a partner works, each as it reads after 'your focus on'."""

TOPIC_TAGS: dict[str, str] = {
    "outdoor": "the outdoors", "outdoors": "the outdoors", "tech": "tech",
    "mobile": "mobile apps", "apps": "apps", "saas": "SaaS", "home": "home and living",
    "diy": "DIY", "ai": "AI", "grocery": "groceries", "pets": "pets", "pet": "pets",
    "kids": "family life", "family": "family life", "travel": "travel", "finance": "money",
    "fintech": "fintech",
}  # fmt: skip
"""Topical tags whose raw form doesn't read as a noun ('outdoor' -> 'the outdoors');
any other topical tag is used as written, with underscores read as spaces."""
