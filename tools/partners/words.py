"""The words for partner types, statuses and commission models, and how each reads."""

from __future__ import annotations

from storage.models import CommissionModel, PartnerStatus, PartnerType
from tools.errors import NotFound

TYPE_LABELS: dict[str, str] = {
    PartnerType.AFFILIATE: "affiliate",
    PartnerType.INFLUENCER: "influencer",
    PartnerType.B2B_BRAND: "B2B brand",
    PartnerType.CHANNEL: "channel",
    PartnerType.AGENCY: "agency",
    PartnerType.REFERRAL: "referral",
    PartnerType.CONTENT: "content",
}
"""How a type reads in a sentence ("B2B brand partners", never "b2b_brand")."""

COMMISSION_LABELS: dict[str, str] = {
    CommissionModel.CPA: "CPA",
    CommissionModel.REVSHARE: "revenue share",
    CommissionModel.CPI: "CPI",
    CommissionModel.FLAT: "flat fee",
    CommissionModel.HYBRID: "hybrid",
}
"""How a commission model reads in a sentence."""

_COMMISSION_WORDS: dict[str, str] = {
    "cpa": "cpa", "cost per acquisition": "cpa", "cost per action": "cpa", "per sale": "cpa",
    "bounty": "cpa", "revshare": "revshare", "rev share": "revshare",
    "revenue share": "revshare", "revenue sharing": "revshare", "percentage": "revshare",
    "cpi": "cpi", "cost per install": "cpi", "per install": "cpi", "flat": "flat",
    "flat fee": "flat", "fixed fee": "flat", "fixed": "flat", "hybrid": "hybrid",
}  # fmt: skip

_TYPE_WORDS: dict[str, str] = {
    "affiliate": "affiliate", "publisher": "content",
    "influencer": "influencer", "creator": "influencer",
    "b2b_brand": "b2b_brand", "b2b": "b2b_brand", "brand": "b2b_brand", "b2b brand": "b2b_brand",
    "brand partner": "b2b_brand", "cobrand": "b2b_brand", "channel": "channel",
    "reseller": "channel", "channel partner": "channel", "var": "channel", "agency": "agency",
    "referral": "referral", "referrer": "referral", "content": "content",
    "content partner": "content", "content creator": "content",
}  # fmt: skip
_STATUS_WORDS: dict[str, str] = {
    "prospect": "prospect", "prospective": "prospect",
    "applied": "applied", "applicant": "applied", "pending": "applied",
    "approved": "approved", "onboarding": "approved",
    "active": "active", "live": "active",
    "paused": "paused", "on hold": "paused", "suspended": "paused",
    "rejected": "rejected", "declined": "rejected",
    "churned": "churned", "lost": "churned", "former": "churned",
    "pipeline": "pipeline", "in the pipeline": "pipeline", "in pipeline": "pipeline",
}  # fmt: skip

PIPELINE = "pipeline"
PIPELINE_STATUSES = (
    PartnerStatus.PROSPECT.value, PartnerStatus.APPLIED.value, PartnerStatus.APPROVED.value,
)  # fmt: skip
"""The status word "pipeline": everyone on the way in — prospects, applicants, approved."""


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _lookup(text: str, words: dict[str, str], values: list[str], what: str) -> str:
    key = " ".join(text.casefold().replace("_", " ").replace("-", " ").split())
    key = key.removesuffix(" partners").removesuffix(" partner")
    for candidate in (key, _singular(key), key.replace(" ", "_"), _singular(key).replace(" ", "_")):
        if candidate in words:
            return words[candidate]
    raise NotFound(f"“{text}” is not a partner {what}. Valid values: {', '.join(values)}.", values)


def parse_partner_type(text: str) -> str:
    """A partner type from words ("affiliates", "B2B brands"); NotFound lists the types."""
    return _lookup(text, _TYPE_WORDS, [t.value for t in PartnerType], "type")


def parse_partner_status(text: str) -> str:
    """A partner status from words ('live', 'paused', 'churned'); NotFound lists the statuses."""
    return _lookup(text, _STATUS_WORDS, [*(s.value for s in PartnerStatus), PIPELINE], "status")


def parse_commission_model(text: str) -> str:
    """A commission model from words ('rev share', 'CPA', 'flat fee')."""
    return _lookup(text, _COMMISSION_WORDS, [m.value for m in CommissionModel], "commission model")
