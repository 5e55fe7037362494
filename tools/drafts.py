"""Outreach emails and co-branded content, drafted from prompt templates and the partner's data.

Every figure in a draft is computed here from the database and listed in `Draft.facts`;
the wording lives in `prompts/<template>.txt`. Where data is missing (no contact, no
overlap, no activity) the code picks a variant sentence, so a draft never reads "None".
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

import prompts
from storage.models import Partner, PartnerStatus, PartnerType
from storage.queries import PartnerFilter, Totals, last_conversion_day, totals
from tools.context import ToolContext
from tools.metrics import Metric, change, metric_cell, metric_value
from tools.partners import resolve_partner
from tools.periods import DateRange, last_full_quarter, previous_period, resolve_period
from tools.qbr import (
    QBRSummary,
    count_text,
    day_text,
    money_text,
    percent_text,
    qbr_summary,
    span_text,
)
from tools.registry import tool
from tools.report import Fact, Money, Percent, Ratio, Report, Section
from tools.scope import Scope

Purpose = Literal["recruit", "reengage", "cobrand", "qbr_invite"]
ContentFormat = Literal["blog_outline", "webinar_plan", "social_posts", "cobranded_email"]

PURPOSES: tuple[Purpose, ...] = ("recruit", "reengage", "cobrand", "qbr_invite")
FORMATS: tuple[ContentFormat, ...] = (
    "blog_outline",
    "webinar_plan",
    "social_posts",
    "cobranded_email",
)
TEMPLATES: tuple[str, ...] = (
    *(f"outreach_{p}" for p in PURPOSES),
    *(f"content_{f}" for f in FORMATS),
)
"""Every drafting template in prompts/, by file name without extension."""

QUIET_DAYS = 30
"""A partner without a conversion for this long is quiet enough to re-engage."""

_LABELS: dict[str, str] = {
    "recruit": "recruiting email",
    "reengage": "re-engagement email",
    "cobrand": "co-branding pitch",
    "qbr_invite": "QBR invitation",
    "blog_outline": "guest blog outline",
    "webinar_plan": "joint webinar plan",
    "social_posts": "co-branded social posts",
    "cobranded_email": "co-branded email",
}
_NOUNS: dict[str, tuple[str, str]] = {
    PartnerType.AFFILIATE: ("affiliate", "affiliates"),
    PartnerType.INFLUENCER: ("creator", "creators"),
    PartnerType.B2B_BRAND: ("brand", "brand partners"),
    PartnerType.CHANNEL: ("channel partner", "channel partners"),
    PartnerType.AGENCY: ("agency", "agencies"),
    PartnerType.REFERRAL: ("referral partner", "referral partners"),
    PartnerType.CONTENT: ("publisher", "publishers"),
}
_FIT: dict[str, str] = {
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
_TOPICS: dict[str, str] = {
    PartnerType.AFFILIATE: "smart shopping",
    PartnerType.INFLUENCER: "everyday favourites",
    PartnerType.B2B_BRAND: "what our shared customers care about",
    PartnerType.CHANNEL: "getting more from the tools teams already use",
    PartnerType.AGENCY: "campaigns that pay for themselves",
    PartnerType.REFERRAL: "recommendations people trust",
    PartnerType.CONTENT: "choosing well",
}
_SECTIONS: dict[str, tuple[str, str, str]] = {
    PartnerType.AFFILIATE: (
        "What to look for before buying: {topic}",
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
        "Why people recommend {topic} to friends",
        "How the referral works, in plain words",
        "What new customers get from day one",
    ),
    PartnerType.CONTENT: (
        "How {partner} tests and compares: {topic}",
        "What readers ask most, answered",
        "Where our products fit, honestly, including who they're not for",
    ),
}
_WALKTHROUGHS: dict[str, str] = {
    PartnerType.AFFILIATE: "how {partner} compares options for their readers",
    PartnerType.INFLUENCER: "{partner_s} own routine, with our products in it",
    PartnerType.B2B_BRAND: "how customers use both brands together",
    PartnerType.CHANNEL: "setting it up for a customer, start to finish",
    PartnerType.AGENCY: "building a campaign plan for a client",
    PartnerType.REFERRAL: "how a referral works from invite to first order",
    PartnerType.CONTENT: "how {partner} tests and reviews",
}
_CONTENT_PLANS: dict[str, str] = {
    PartnerType.INFLUENCER: "short videos, real routines and a live Q&A",
    PartnerType.CONTENT: "guides, comparisons and honest reviews",
    PartnerType.B2B_BRAND: "practical guides and stories from customers of both brands",
    PartnerType.CHANNEL: "practical guides and set-up tips from both teams",
    PartnerType.AGENCY: "campaign lessons and practical tips from both teams",
}
_COUNTRIES = {
    "AR": "Argentina", "AT": "Austria", "AU": "Australia", "BE": "Belgium", "BR": "Brazil",
    "CA": "Canada", "CH": "Switzerland", "CL": "Chile", "CN": "China", "CO": "Colombia",
    "CZ": "the Czech Republic", "DE": "Germany", "DK": "Denmark", "EG": "Egypt", "ES": "Spain",
    "FI": "Finland", "FR": "France", "GB": "the UK", "GR": "Greece", "HK": "Hong Kong",
    "HU": "Hungary", "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IN": "India",
    "IT": "Italy", "JP": "Japan", "KE": "Kenya", "KR": "South Korea", "KZ": "Kazakhstan",
    "MX": "Mexico", "MY": "Malaysia", "NG": "Nigeria", "NL": "the Netherlands", "NO": "Norway",
    "NZ": "New Zealand", "PH": "the Philippines", "PL": "Poland", "PT": "Portugal",
    "RO": "Romania", "SA": "Saudi Arabia", "SE": "Sweden", "SG": "Singapore", "TH": "Thailand",
    "TR": "Türkiye", "TW": "Taiwan", "UA": "Ukraine", "AE": "the UAE", "US": "the US",
    "VN": "Vietnam", "ZA": "South Africa",
}  # fmt: skip
_SEASONS: dict[int, tuple[str, str, str]] = {
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
_FORMAT_BY_TYPE: dict[str, ContentFormat] = {
    PartnerType.INFLUENCER: "social_posts",
    PartnerType.CONTENT: "blog_outline",
    PartnerType.CHANNEL: "webinar_plan",
    PartnerType.AGENCY: "webinar_plan",
}
_REGION_TAGS = frozenset(
    {"emea", "apac", "latam", "na", "nam", "amer", "americas", "eu", "europe", "dach", "nordics",
     "global", "worldwide", "intl", "international", "mena", "anz", "sea", "uk", "us"}
)  # fmt: skip
_METHOD_TAGS = frozenset(
    {"social", "video", "seo", "paid-social", "newsletter", "performance", "co-marketing",
     "word-of-mouth", "reviews", "coupon", "coupons", "cashback", "deals", "loyalty",
     "reseller", "msp", "enterprise", "b2b", "b2c", "affiliate", "influencer", "content"}
)  # fmt: skip
"""Tags that say how a partner works rather than what their audience cares about."""
_SLACK_ID = re.compile(r"^[UWS][A-Z0-9]{6,}$")


class Draft(BaseModel):
    """A draft for a person to edit and send, with every figure it cites."""

    kind: Literal["outreach", "content"]
    name: str
    """The purpose (outreach) or format (content)."""
    template: str
    partner_key: str
    partner_name: str
    subject: str | None = None
    body: str
    facts: list[Fact] = Field(default_factory=list)
    period: DateRange | None = None
    """The period the cited performance figures cover; None when only the profile is used."""
    as_of: date
    notes: list[str] = Field(default_factory=list)

    def report(self) -> Report:
        sections: list[Section] = []
        if self.subject:
            sections.append(Section(title="Subject", text=self.subject))
        sections.append(Section(title="Draft", text=self.body))
        if self.facts:
            sections.append(Section(title="Figures used", facts=self.facts))
        else:
            sections.append(
                Section(
                    title="Figures used",
                    text="No performance figures; the draft uses the partner's profile only.",
                )
            )
        period = self.period.describe() if self.period else f"profile as of {day_text(self.as_of)}"
        return Report(
            title=f"Draft {_LABELS.get(self.name, self.name)} for {self.partner_name}",
            period=period,
            scope=self.partner_name,
            kind="draft",
            sections=sections,
            notes=[
                *self.notes,
                "Every figure comes from program data; edit the wording, keep the numbers.",
            ],
        )


# ---- what we know about the partner ----


@dataclass(frozen=True)
class _Recent:
    period: DateRange
    prior: DateRange
    now: Totals
    before: Totals

    @property
    def active(self) -> bool:
        return self.now.clicks > 0 or self.now.conversions > 0


@dataclass(frozen=True)
class _Who:
    partner: Partner
    greeting: str
    signoff: str
    noun: str
    plural: str
    country: str | None
    tags: str | None
    topic: str
    """What content is about: topical tags ('beauty'), else a phrase for the partner type."""
    topic_tags: list[str]
    season: tuple[str, str, str]


def _who(partner: Partner, today: date, sender: str | None) -> _Who:
    noun, plural = _NOUNS.get(partner.type, ("partner", "partners"))
    tags = _tags_phrase(partner.tag_names)
    topical = [t for t in partner.tag_names if t.lower() not in _METHOD_TAGS | _REGION_TAGS]
    return _Who(
        partner=partner,
        greeting=_greeting(partner),
        signoff=_signoff(sender, partner.owner),
        noun=noun,
        plural=plural,
        country=_country(partner.country),
        tags=tags,
        topic=_tags_phrase(topical) or _TOPICS.get(partner.type, "what our customers care about"),
        topic_tags=topical,
        season=_SEASONS[(today + timedelta(days=30)).month],
    )


def _greeting(partner: Partner) -> str:
    if partner.contact_name and partner.contact_name.strip():
        return f"Hi {partner.contact_name.strip().split()[0]},"
    return f"Hi {partner.name} team,"


def sender_name(sender: str | None, owner: str | None) -> str | None:
    """The name to sign with: the sender, else the partner's owner read from an email address."""
    if sender and sender.strip():
        return sender.strip()
    if not owner or _SLACK_ID.match(owner.strip()):
        return None
    local = owner.strip().split("@")[0]
    first = re.split(r"[._+\-]", local)[0]
    if "@" in owner:
        return first.capitalize() if first.isalpha() else None
    return owner.strip()


def _signoff(sender: str | None, owner: str | None) -> str:
    name = sender_name(sender, owner)
    return f"Best,\n{name}" if name else "Best,\nThe partnerships team"


def _country(code: str | None) -> str | None:
    if not code:
        return None
    return _COUNTRIES.get(code.upper(), code.upper())


def _tags_phrase(tags: list[str]) -> str | None:
    """Topic tags in words ('beauty and skincare'); region tags such as 'emea' are left out."""
    topical = [t for t in tags if t.strip() and t.strip().lower() not in _REGION_TAGS]
    words = [re.sub(r"[_\-]+", " ", t).strip() for t in topical][:3]
    if not words:
        return None
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _recent(session: Session, partner: Partner, today: date) -> _Recent:
    period = resolve_period("last 90 days", today)
    prior = previous_period(period)
    who = PartnerFilter(partner_ids=[partner.id])
    return _Recent(
        period=period,
        prior=prior,
        now=totals(session, period.start, period.end, who),
        before=totals(session, prior.start, prior.end, who),
    )


def _span(r: DateRange) -> str:
    return span_text(r.start, r.end)


def _overlap_rank(session: Session, partner: Partner) -> tuple[int, int] | None:
    """Where the partner's audience overlap ranks among every partner with one measured."""
    if partner.audience_overlap_pct is None:
        return None
    values = session.scalars(
        select(Partner.audience_overlap_pct).where(Partner.audience_overlap_pct.is_not(None))
    ).all()
    measured = [Decimal(v) for v in values if v is not None]
    higher = sum(1 for v in measured if v > partner.audience_overlap_pct)
    return higher + 1, len(measured)


def _overlap_sentence(w: _Who, rank: tuple[int, int] | None) -> str:
    overlap = w.partner.audience_overlap_pct
    name = w.partner.name
    if overlap is None:
        if w.tags:
            return (
                "We haven't measured our audience overlap with you yet, but your focus on "
                f"{w.tags} lines up closely with what our customers buy."
            )
        return (
            "We haven't measured our audience overlap with you yet, but I think our "
            "customers would enjoy hearing from you, and yours from us."
        )
    text = f"About {percent_text(overlap)} of our audience already follows {name}"
    if rank is not None and rank[1] >= 3 and rank[0] <= 3:
        place = "the highest" if rank[0] == 1 else f"the {_ordinal(rank[0])} highest"
        text += f", {place} overlap of the {rank[1]} partners and prospects we've measured"
    return text + "."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class _Terms:
    model: str
    rate: Decimal | None
    text: str


def _terms(model: str | None, rate: Decimal | None, currency: str) -> _Terms | None:
    """Commission terms in words: 'a revenue share of 8.0%', '$12.00 per conversion'."""
    if model is None:
        return None
    if model == "hybrid":
        return _Terms(model, None, "our hybrid model (a fee per conversion plus a revenue share)")
    if rate is None:
        return None
    words = {
        "revshare": f"a revenue share of {percent_text(rate)}",
        "cpa": f"{money_text(rate, currency)} per conversion",
        "cpi": f"{money_text(rate, currency)} per install",
        "flat": f"a flat {money_text(rate, currency)} per action",
    }
    return _Terms(model, Decimal(rate), words[model]) if model in words else None


def _terms_fact(label: str, terms: _Terms, currency: str) -> Fact:
    if terms.rate is None:
        return Fact(label=label, value=terms.text)
    value = (
        Percent(value=terms.rate)
        if terms.model == "revshare"
        else Money(amount=terms.rate, currency=currency)
    )
    return Fact(label=f"{label} ({terms.model})", value=value)


def _peers(session: Session, partner: Partner) -> list[Partner]:
    """Active partners of the same type, other than this one."""
    return list(
        session.scalars(
            select(Partner).where(
                Partner.type == partner.type,
                Partner.status == PartnerStatus.ACTIVE,
                Partner.id != partner.id,
            )
        ).all()
    )


def _median_terms(peers: list[Partner], currency: str) -> tuple[_Terms, int] | None:
    """The most common commission model among peers and its median rate."""
    priced = [
        (p.commission_model, Decimal(p.commission_rate))
        for p in peers
        if p.commission_model and p.commission_model != "hybrid" and p.commission_rate is not None
    ]
    if not priced:
        return None
    counts = Counter(model for model, _ in priced)
    model = sorted(counts, key=lambda m: (-counts[m], m))[0]
    rates = sorted(rate for m, rate in priced if m == model)
    terms = _terms(model, Decimal(statistics.median(rates)), currency)
    return (terms, len(rates)) if terms else None


# ---- rendering ----


def _render(template: str, **values: object) -> tuple[str | None, str]:
    """Fill a template; a first line 'Subject: …' becomes the subject."""
    text = prompts.render(template, **values)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    subject = None
    if lines and lines[0].startswith("Subject:"):
        subject = lines[0].removeprefix("Subject:").strip()
        lines = lines[1:]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return subject, body + "\n"


def _metric_fact(label: str, metric: Metric, recent: _Recent, against: str, cur: str) -> Fact:
    value, previous = metric_value(recent.now, metric), metric_value(recent.before, metric)
    return Fact(
        label=label,
        value=metric_cell(value, metric, cur),
        change=change(value, previous, metric=metric, against=against, currency=cur),
    )


def _recent_facts(recent: _Recent, currency: str) -> list[Fact]:
    against = f"the {recent.prior.days} days before ({_span(recent.prior)})"
    days = recent.period.days
    metrics: tuple[tuple[Metric, str], ...] = (
        ("revenue", "Revenue"),
        ("conversions", "Conversions"),
        ("clicks", "Clicks"),
    )
    return [
        _metric_fact(f"{label}, last {days} days", metric, recent, against, currency)
        for metric, label in metrics
    ]


# ---- outreach ----


def draft_outreach(
    session: Session,
    *,
    partner: Partner,
    purpose: Purpose,
    today: date,
    sender: str | None = None,
    currency: str = "USD",
) -> Draft:
    """Draft an email to `partner` for `purpose`, citing only figures computed from its data."""
    w = _who(partner, today, sender)
    builders = {
        "recruit": _recruit,
        "reengage": _reengage,
        "cobrand": _cobrand,
        "qbr_invite": _qbr_invite,
    }
    if purpose not in builders:
        raise ValueError(f"unknown outreach purpose {purpose!r}")
    draft = builders[purpose](session, w, today, currency)
    if partner.status in (PartnerStatus.REJECTED, PartnerStatus.CHURNED):
        draft.notes.append(
            f"{partner.name} is marked {partner.status}; check the history before sending."
        )
    return draft


def _new(w: _Who, kind: Literal["outreach", "content"], name: str, today: date) -> Draft:
    return Draft(
        kind=kind,
        name=name,
        template=f"{kind}_{name}",
        partner_key=w.partner.partner_key,
        partner_name=w.partner.name,
        body="",
        as_of=today,
    )


def _recruit(session: Session, w: _Who, today: date, currency: str) -> Draft:
    p = w.partner
    draft = _new(w, "outreach", "recruit", today)
    rank = _overlap_rank(session, p)
    if p.audience_overlap_pct is not None:
        draft.facts.append(
            Fact(label="Audience overlap", value=Percent(value=p.audience_overlap_pct))
        )
        if rank is not None:
            draft.facts.append(Fact(label="Overlap rank", value=f"{rank[0]} of {rank[1]}"))
    draft.facts.append(Fact(label="Partner type", value=w.noun))
    if w.country:
        draft.facts.append(Fact(label="Country", value=w.country.removeprefix("the ")))

    if p.status == PartnerStatus.CHURNED:
        opening = (
            f"We worked together before, and I'd like to see whether the timing is right "
            f"to pick things up again with {p.name}."
        )
    else:
        opening = (
            "I look after partnerships on our side and have been getting to know "
            f"{_possessive(p.name)} work."
        )
    where = f" in {w.country}" if w.country else ""
    fit = _FIT.get(p.type, "you reach people we would love to meet")
    why = f"As {_article(w.noun)} {w.noun}{where}, {fit}."
    if w.tags and p.audience_overlap_pct is not None:
        why += f" Your focus on {w.tags} fits what our customers come to us for."

    peers = _peers(session, p)
    own = _terms(p.commission_model, p.commission_rate, currency)
    norm = _median_terms(peers, currency)
    if own is not None:
        proposal = f"To start, we'd offer {own.text}."
        draft.facts.append(_terms_fact("Proposed commission", own, currency))
    elif norm is not None:
        terms, n = norm
        proposal = (
            f"To start, we'd offer {terms.text}, the median for the {n} active {w.plural} "
            "on that model in our program."
        )
        draft.facts.append(_terms_fact(f"Median rate, active {w.plural}", terms, currency))
    else:
        proposal = (
            "To start, we'd agree commission terms that suit how you work, whether that's a "
            "fee per conversion or a share of revenue."
        )
    if peers:
        recent_period = resolve_period("last 90 days", today)
        peer_totals = totals(
            session, recent_period.start, recent_period.end,
            PartnerFilter(partner_ids=[x.id for x in peers]),
        )  # fmt: skip
        epc = metric_value(peer_totals, "epc")
        if isinstance(epc, Decimal) and epc > 0:
            proposal += (
                f" For context, active {w.plural} in our program earned "
                f"{money_text(epc, currency)} per click on average over the last "
                f"{recent_period.days} days."
            )
            draft.facts.append(
                Fact(label=f"EPC, active {w.plural}", value=Money(amount=epc, currency=currency))
            )
            draft.period = recent_period

    draft.subject, draft.body = _render(
        "outreach_recruit",
        subject=f"A partnership idea for {p.name}",
        greeting=w.greeting,
        opening=opening,
        fit=_overlap_sentence(w, rank),
        why=why,
        proposal=proposal,
        signoff=w.signoff,
    )
    if p.status in (PartnerStatus.ACTIVE, PartnerStatus.APPROVED, PartnerStatus.PAUSED):
        draft.notes.append(
            f"{p.name} is already a partner (status {p.status}); this reads as a first approach, "
            "so “reengage”, “cobrand” or “qbr_invite” may fit better."
        )
    return draft


def _possessive(name: str) -> str:
    """'Northwind's', but 'Lumen Coupons''."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _reengage(session: Session, w: _Who, today: date, currency: str) -> Draft:
    p = w.partner
    draft = _new(w, "outreach", "reengage", today)
    recent = _recent(session, p, today)
    draft.period = recent.period
    last = last_conversion_day(session, PartnerFilter(partner_ids=[p.id])).get(p.id)
    if last is not None:
        days = (today - last).days
        draft.facts.append(Fact(label="Last conversion", value=last))
        draft.facts.append(Fact(label="Days since last conversion", value=days))
        if days >= 2:
            opening = (
                f"It's been {days} days since we last saw a conversion from your links "
                f"(the most recent was on {day_text(last)}), so I wanted to check in."
            )
        else:
            opening = (
                f"Your most recent conversion came through on {day_text(last)}, and I wanted "
                "to check in on how things are going."
            )
        if days < QUIET_DAYS:
            draft.notes.append(
                f"{p.name} converted {days} days ago, so it isn't quiet; "
                "“qbr_invite” may fit better."
            )
    else:
        opening = (
            "We haven't seen a conversion come through your links yet, so I wanted to check "
            "in and see how we can help."
        )
    draft.facts.extend(_recent_facts(recent, currency))

    now, before = recent.now, recent.before
    quiet_both = not recent.active and before.clicks == 0 and before.conversions == 0
    if quiet_both:
        numbers = (
            f"Your links haven't recorded any clicks or conversions over the last "
            f"{recent.period.days + recent.prior.days} days, so whatever we do next is a "
            "fresh start."
        )
    else:
        numbers = (
            f"Over the last {recent.period.days} days ({_span(recent.period)}) your links "
            f"sent {count_text(now.clicks)} clicks and {count_text(now.conversions)} "
            f"conversions worth {money_text(now.revenue, currency)}, compared with "
            f"{count_text(before.clicks)} clicks and {count_text(before.conversions)} "
            f"conversions worth {money_text(before.revenue, currency)} in the "
            f"{recent.prior.days} days before."
        )
        if before.conversions > 0 and now.conversions != before.conversions:
            pct = abs(Decimal(now.conversions - before.conversions)) * 100 / before.conversions
            direction = "fewer" if now.conversions < before.conversions else "more"
            numbers += f" That's {percent_text(pct)} {direction} conversions"
            numbers += (
                " than before, so the momentum is there to build on."
                if direction == "more"
                else " than before."
            )

    terms = _terms(p.commission_model, p.commission_rate, currency)
    current = f"your current {terms.text}" if terms else "your current rate"
    if terms:
        draft.facts.append(_terms_fact("Current commission", terms, currency))
    if before.conversions > 0:
        pace = math.ceil(Decimal(before.conversions) * 30 / recent.prior.days)
        draft.facts.append(Fact(label="Bonus threshold, conversions a month", value=pace))
        offer = (
            f"To help you get going again, I'd like to offer a bonus tier: once you pass "
            f"{count_text(pace)} conversions in a calendar month, your monthly pace between "
            f"{day_text(recent.prior.start)} and {day_text(recent.prior.end)}, we'd lift your "
            f"commission above {current} for the rest of that quarter."
        )
        draft.notes.append(
            "Set the bonus amount before sending; the draft names the threshold only."
        )
    else:
        offer = (
            f"To help you get going, I'd like to offer a bonus on your first conversions this "
            f"quarter, on top of {current}."
        )
    if p.status in (PartnerStatus.PROSPECT, PartnerStatus.APPLIED):
        draft.notes.append(
            f"{p.name} hasn't partnered with us yet (status {p.status}); “recruit” fits better."
        )
    draft.subject, draft.body = _render(
        "outreach_reengage",
        subject=f"Fresh creatives and a bonus tier for {p.name}",
        greeting=w.greeting,
        opening=opening,
        numbers=numbers,
        offer=offer,
        type_plural=w.plural,
        signoff=w.signoff,
    )
    return draft


def _campaign_idea(w: _Who) -> str:
    adjective, _, kind = w.season
    audience = f"shoppers in {w.country}" if w.country else "people who follow both of us"
    topic = f", built around {w.tags}" if w.tags else ""
    return f"a joint {adjective} {kind} for {audience}{topic}."


def _cobrand(session: Session, w: _Who, today: date, currency: str) -> Draft:
    p = w.partner
    draft = _new(w, "outreach", "cobrand", today)
    rank = _overlap_rank(session, p)
    if p.audience_overlap_pct is not None:
        draft.facts.append(
            Fact(label="Audience overlap", value=Percent(value=p.audience_overlap_pct))
        )
    overlap = _overlap_sentence(w, rank)
    if p.audience_overlap_pct is not None:
        overlap += " A joint campaign would reach people who already know both of us."
    recent = _recent(session, p, today)
    if recent.now.conversions > 0:
        overlap += (
            f" Your links have also brought {count_text(recent.now.conversions)} conversions "
            f"and {money_text(recent.now.revenue, currency)} in revenue over the last "
            f"{recent.period.days} days, so the interest is already there."
        )
        draft.facts.extend(_recent_facts(recent, currency)[:2])
        draft.period = recent.period
    if w.tags:
        draft.facts.append(Fact(label="Tags", value=w.tags))
    if w.country:
        draft.facts.append(Fact(label="Country", value=w.country.removeprefix("the ")))
    if p.type != PartnerType.B2B_BRAND:
        draft.notes.append(
            f"Co-branding pitches are written for B2B brands; {p.name} is {_article(w.noun)} "
            f"{w.noun}, so check the idea still fits."
        )
    draft.subject, draft.body = _render(
        "outreach_cobrand",
        subject=f"A joint {w.season[0]} campaign idea for {p.name}",
        greeting=w.greeting,
        partner_name=p.name,
        overlap=overlap,
        idea=_campaign_idea(w),
        signoff=w.signoff,
    )
    return draft


def _qbr_invite(session: Session, w: _Who, today: date, currency: str) -> Draft:
    p = w.partner
    draft = _new(w, "outreach", "qbr_invite", today)
    q = qbr_summary(
        session,
        scope=Scope.partner(p.partner_key, p.name),
        quarter=last_full_quarter(today),
        today=today,
        currency=currency,
    )
    draft.period = q.quarter
    for metric in ("revenue", "conversions", "roas", "reversal_rate"):
        line = q.kpi(metric)
        draft.facts.append(Fact(label=line.label, value=line.value, change=line.change))
    revenue, conversions = _kpi_money(q, "revenue"), _kpi_int(q, "conversions")
    label, prev = q.quarter.label, q.previous.label
    opening = (
        f"{label} is wrapped up, and I'd like to set up our quarterly review to go through "
        "it together."
    )
    change_pct = q.kpi("revenue").change
    if revenue is not None and revenue > 0:
        headline = (
            f"The headline: your links brought {money_text(revenue, currency)} in revenue "
            f"from {count_text(conversions)} conversions in {label}"
        )
        if change_pct is not None and change_pct.percent is not None:
            word = "up" if change_pct.percent >= 0 else "down"
            headline += f", {word} {percent_text(abs(change_pct.percent))} on {prev}"
        roas = q.kpi("roas").value
        if isinstance(roas, Ratio):
            headline += f", with {roas.value:.2f}× return on commission"
        headline += "."
        results = (
            f"{money_text(revenue, currency)} revenue and {count_text(conversions)} conversions"
        )
        rate = q.kpi("reversal_rate").value
        if isinstance(rate, Percent):
            results += f", reversal rate {percent_text(rate.value)}"
    else:
        headline = (
            f"{label} was quiet on tracked results, with no revenue through your links, so I'd "
            "like to use the time to understand why and plan the next quarter together."
        )
        results = "what happened and what got in the way"
        draft.notes.append(f"{p.name} had no revenue in {label}.")
    if q.best_week is not None:
        best = (
            f"the week of {day_text(q.best_week.monday)} brought "
            f"{money_text(q.best_week.revenue, currency)} in revenue, and what was behind it"
        )
    else:
        best = "which placements and promotions brought the most"
    targets = {g.metric: g for g in q.suggested_goals}
    if "revenue" in targets and "conversions" in targets:
        goals = (
            f"we'd suggest about {money_text(targets['revenue'].target, currency)} in revenue "
            f"and {count_text(int(targets['conversions'].target))} conversions, based on your "
            f"{label} pace and trend"
        )
        draft.facts.append(
            Fact(
                label=f"Suggested {q.next_quarter.label} revenue",
                value=Money(amount=targets["revenue"].target, currency=currency),
            )
        )
        draft.facts.append(
            Fact(
                label=f"Suggested {q.next_quarter.label} conversions",
                value=int(targets["conversions"].target),
            )
        )
    else:
        goals = "setting targets together"
    sponsor = (
        f"It would be great to have {p.exec_sponsor} join for the goals part, if their "
        "calendar allows."
        if p.exec_sponsor
        else ""
    )
    draft.subject, draft.body = _render(
        "outreach_qbr_invite",
        subject=f"Your {label} review: results and plans for {q.next_quarter.label}",
        greeting=w.greeting,
        opening=opening,
        headline=headline,
        quarter=label,
        results_line=results,
        best_week_line=best,
        next_quarter=q.next_quarter.label,
        goals_line=goals,
        sponsor_line=sponsor,
        signoff=w.signoff,
    )
    return draft


def _kpi_money(q: QBRSummary, metric: Literal["revenue"]) -> Decimal | None:
    value = q.kpi(metric).value
    return value.amount if isinstance(value, Money) else None


def _kpi_int(q: QBRSummary, metric: Literal["conversions"]) -> int:
    value = q.kpi(metric).value
    return value if isinstance(value, int) else 0


# ---- content ----


def draft_content(
    session: Session,
    *,
    partner: Partner,
    format: ContentFormat,
    today: date,
    currency: str = "USD",
    brand: str | None = None,
) -> Draft:
    """Draft co-branded content with `partner`; `brand` is our own brand name when known."""
    w = _who(partner, today, None)
    builders = {
        "blog_outline": _blog_outline,
        "webinar_plan": _webinar_plan,
        "social_posts": _social_posts,
        "cobranded_email": _cobranded_email,
    }
    if format not in builders:
        raise ValueError(f"unknown content format {format!r}")
    return builders[format](session, w, today, currency, brand)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _audience(w: _Who) -> str:
    where = f" in {w.country}" if w.country else ""
    overlap = w.partner.audience_overlap_pct
    if overlap is not None:
        return (
            f"{_possessive(w.partner.name)} audience{where}, and the {percent_text(overlap)} "
            f"of our audience who already follow {w.partner.name}."
        )
    return f"{_possessive(w.partner.name)} audience{where} who care about {w.topic}."


def _why(w: _Who, recent: _Recent, currency: str) -> str:
    parts: list[str] = []
    name = w.partner.name
    if w.partner.audience_overlap_pct is not None:
        parts.append(
            f"{percent_text(w.partner.audience_overlap_pct)} of our audience already "
            f"follows {name}."
        )
    if recent.now.conversions > 0:
        parts.append(
            f"{_possessive(name)} links brought {count_text(recent.now.conversions)} "
            f"conversions and {money_text(recent.now.revenue, currency)} in revenue over the last "
            f"{recent.period.days} days ({_span(recent.period)})."
        )
    if not parts:
        parts.append(
            f"{name} speaks to people who care about {w.topic}, which is what our "
            "customers come to us for."
        )
    return " ".join(parts)


def _content_facts(draft: Draft, w: _Who, recent: _Recent, currency: str) -> None:
    if w.partner.audience_overlap_pct is not None:
        draft.facts.append(
            Fact(label="Audience overlap", value=Percent(value=w.partner.audience_overlap_pct))
        )
    if recent.active:
        draft.facts.extend(_recent_facts(recent, currency))
        draft.period = recent.period


def _blog_outline(
    session: Session, w: _Who, today: date, currency: str, brand: str | None
) -> Draft:
    p = w.partner
    draft = _new(w, "content", "blog_outline", today)
    recent = _recent(session, p, today)
    _content_facts(draft, w, recent, currency)
    sections = _SECTIONS.get(p.type, _SECTIONS[PartnerType.CONTENT])
    fill = {"partner": p.name, "partner_s": _possessive(p.name), "topic": w.topic}
    where = f" in {w.country}" if w.country else ""
    _, season_noun, _ = w.season
    _, draft.body = _render(
        "content_blog_outline",
        partner_name=p.name,
        partner_possessive=_possessive(p.name),
        title_1=f"A practical guide to {w.topic}{where}",
        title_2=f"What {p.name} has learned about {w.topic}",
        title_3=f"{_cap(w.topic)} for {season_noun}: a short checklist",
        audience=_audience(w),
        why=_why(w, recent, currency),
        opening_point=(
            f"the question people ask most about {w.topic}, in {_possessive(p.name)} words."
        ),
        section_2=sections[0].format(**fill),
        section_3=sections[1].format(**fill),
        section_4=sections[2].format(**fill),
        close_point="a short recap and one clear next step, with the tracked link to our site.",
    )
    return draft


def _webinar_plan(
    session: Session, w: _Who, today: date, currency: str, brand: str | None
) -> Draft:
    p = w.partner
    draft = _new(w, "content", "webinar_plan", today)
    recent = _recent(session, p, today)
    _content_facts(draft, w, recent, currency)
    _, season_noun, _ = w.season
    host = f" with {brand}" if brand else ""
    walkthrough = _WALKTHROUGHS.get(p.type, "how it works in practice").format(
        partner=p.name, partner_s=_possessive(p.name)
    )
    if recent.active:
        baseline = (
            f"Clicks and conversions from {_possessive(p.name)} tracked links in the 30 days "
            "after the webinar, compared with the 30 days before it. For reference, the last "
            f"{recent.period.days} days ({_span(recent.period)}) brought "
            f"{count_text(recent.now.clicks)} clicks and {count_text(recent.now.conversions)} "
            f"conversions worth {money_text(recent.now.revenue, currency)}."
        )
    else:
        baseline = (
            f"Clicks and conversions from {_possessive(p.name)} tracked links in the 30 days "
            "after the webinar; with no tracked activity yet, this first webinar sets the baseline."
        )
    _, draft.body = _render(
        "content_webinar_plan",
        partner_name=p.name,
        title=f"{_cap(w.topic)} in {season_noun}: a practical session with {p.name}{host}",
        audience=_audience(w),
        segment_1=f"{p.name} on what their audience asks about {w.topic}",
        segment_2=f"A live walkthrough: {walkthrough}",
        segment_3="Practical tips to take away, and how to get started with both of us",
        baseline=baseline,
    )
    return draft


def hashtag(text: str) -> str:
    """A hashtag from a name: words joined in CamelCase, letters of any script kept."""
    words = [w for w in re.split(r"[^\w]+", text) if w]
    return "#" + "".join(word[:1].upper() + word[1:] for word in words)


def _hashtags(w: _Who, brand: str | None) -> list[str]:
    adjective = w.season[0]
    partner_tag = hashtag(w.partner.name)
    tags = [partner_tag]
    if brand:
        tags.append(f"{hashtag(brand)}x{partner_tag[1:]}")
    tags.append(f"{hashtag(adjective)}With{partner_tag[1:]}")
    tags.extend(hashtag(t) for t in w.topic_tags[:2])
    return list(dict.fromkeys(t for t in tags if len(t) > 1))


def _social_posts(
    session: Session, w: _Who, today: date, currency: str, brand: str | None
) -> Draft:
    p = w.partner
    draft = _new(w, "content", "social_posts", today)
    if p.audience_overlap_pct is not None:
        draft.facts.append(
            Fact(label="Audience overlap", value=Percent(value=p.audience_overlap_pct))
        )
    adjective, season_noun, _ = w.season
    tags = _hashtags(w, brand)
    reason = (
        "Many of you already follow both of us, so this felt like a natural fit."
        if p.audience_overlap_pct is not None
        else f"We both care about {w.topic}, and it made sense to do this together."
    )
    _, draft.body = _render(
        "content_social_posts",
        partner_name=p.name,
        partner_possessive=_possessive(p.name),
        campaign=f"a {adjective} series on {w.topic}",
        linkedin_reason=reason,
        content_plan=_CONTENT_PLANS.get(p.type, "practical tips from both teams"),
        instagram_hook=f"We're sharing our favourite {w.topic} ideas together for {season_noun}.",
        x_hook=f"First up: {w.topic} tips from both teams.",
        followup_line=(
            f"thank you for the questions about {w.topic}. The most asked ones get "
            "answered in our next post."
        ),
        hashtags=" ".join(tags),
        hashtags_short=" ".join(tags[:2]),
    )
    draft.notes.append(
        "Internal figures stay out of public posts; the overlap explains the pairing."
    )
    return draft


def _cobranded_email(
    session: Session, w: _Who, today: date, currency: str, brand: str | None
) -> Draft:
    p = w.partner
    draft = _new(w, "content", "cobranded_email", today)
    if p.audience_overlap_pct is not None:
        draft.facts.append(
            Fact(label="Audience overlap", value=Percent(value=p.audience_overlap_pct))
        )
    adjective, season_noun, _ = w.season
    ours = brand or "us"
    subjects = (
        f"Something new with {p.name}",
        f"{_cap(w.topic)} for {season_noun}, with {p.name}",
        f"{p.name} × {ours}: our {adjective} picks",
    )
    what = "\n".join(
        (
            f"- Picks for {season_noun} from both teams, with what each one is good for.",
            f"- {_possessive(p.name)} own tips on {w.topic}.",
            "- Everything on one page, linked below, so you can come back to it.",
        )
    )
    _, draft.body = _render(
        "content_cobranded_email",
        subject_1=subjects[0],
        subject_2=subjects[1],
        subject_3=subjects[2],
        preview=f"{_cap(w.topic)} ideas from both teams, in one short read.",
        partner_name=p.name,
        campaign=f"a {adjective} edit on {w.topic}",
        intro_reason=(
            f"We both care about {w.topic}, and putting our best ideas in one place seemed "
            "more useful than sending them separately."
        ),
        what_you_get=what,
        cta=f"See the {adjective} picks",
        sign_off=f"The teams at {brand} and {p.name}" if brand else f"Our team, with {p.name}",
    )
    draft.subject = subjects[0]
    return draft


# ---- choosing a purpose or format when the planner gives none ----


def suggest_purpose(session: Session, partner: Partner, today: date) -> tuple[Purpose, str]:
    """The outreach a partner most likely needs, with the reason in words."""
    if partner.status in (
        PartnerStatus.PROSPECT,
        PartnerStatus.APPLIED,
        PartnerStatus.CHURNED,
        PartnerStatus.REJECTED,
    ):
        return "recruit", f"{partner.name} is a {partner.status} partner"
    last = last_conversion_day(session, PartnerFilter(partner_ids=[partner.id])).get(partner.id)
    if last is None or (today - last).days >= QUIET_DAYS:
        return "reengage", f"{partner.name} has had no conversion in {QUIET_DAYS}+ days"
    if partner.type == PartnerType.B2B_BRAND:
        return "cobrand", f"{partner.name} is an active B2B brand"
    return "qbr_invite", f"{partner.name} is active and converting"


def suggest_format(partner: Partner) -> ContentFormat:
    """The content format that suits a partner type best."""
    return _FORMAT_BY_TYPE.get(partner.type, "cobranded_email")


# ---- registry adapters ----


class OutreachArgs(BaseModel):
    partner: str
    purpose: Purpose | None = None
    """recruit, reengage, cobrand or qbr_invite; chosen from the partner's status when absent."""


class ContentArgs(BaseModel):
    partner: str
    format: ContentFormat | None = None
    """blog_outline, webinar_plan, social_posts or cobranded_email; chosen by partner type."""


@tool(
    "draft_outreach",
    "Draft an email to a partner: recruit (prospect), reengage (quiet partner), cobrand "
    "(B2B brand campaign idea) or qbr_invite (quarterly review invitation), with real figures.",
    OutreachArgs,
)
def run_outreach(session: Session, ctx: ToolContext, args: OutreachArgs) -> Draft:
    """Resolve the partner name, pick a purpose if none was given, and draft."""
    partner = resolve_partner(session, args.partner)
    purpose, reason = (
        (args.purpose, "") if args.purpose else suggest_purpose(session, partner, ctx.today)
    )
    draft = draft_outreach(
        session, partner=partner, purpose=purpose, today=ctx.today, currency=ctx.currency
    )
    if reason:
        draft.notes.insert(0, f"No purpose was given; drafted “{purpose}” because {reason}.")
    return draft


@tool(
    "draft_content",
    "Draft co-branded content with a partner: blog_outline, webinar_plan, social_posts or "
    "cobranded_email, grounded in the partner's profile and figures.",
    ContentArgs,
)
def run_content(session: Session, ctx: ToolContext, args: ContentArgs) -> Draft:
    """Resolve the partner name, pick a format if none was given, and draft."""
    partner = resolve_partner(session, args.partner)
    fmt = args.format or suggest_format(partner)
    draft = draft_content(
        session, partner=partner, format=fmt, today=ctx.today, currency=ctx.currency
    )
    if args.format is None:
        draft.notes.insert(0, f"No format was given; drafted “{fmt}” for a {partner.type} partner.")
    return draft
