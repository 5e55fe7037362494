"""Co-branded content with one partner: blog outline, webinar plan, social posts, email."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from storage.models import Partner, PartnerType
from tools.drafts.common import (
    ContentFormat,
    Draft,
    Who,
    Words,
    cap,
    new_draft,
    possessive,
    render,
    say,
    sentence,
    tag_words,
    who,
)
from tools.drafts.figures import Recent, recent, recent_facts, window
from tools.drafts.vocabulary import CONTENT_PLANS, SECTIONS, WALKTHROUGHS
from tools.report import Fact, Line, Money, Percent

Builder = Callable[[Session, Who, date, str, str | None], Draft]


def draft_content(
    session: Session,
    *,
    partner: Partner,
    format: ContentFormat,
    today: date,
    currency: str = "USD",
    brand: str | None = None,
    sender: str | None = None,
) -> Draft:
    """Draft co-branded content with `partner`; `brand` is our own brand name when known.

    `sender` is the asking person's name, shown as who the draft is from.
    """
    w = who(partner, today, sender)
    builders: dict[str, Builder] = {
        "blog_outline": _blog_outline,
        "webinar_plan": _webinar_plan,
        "social_posts": _social_posts,
        "cobranded_email": _cobranded_email,
    }
    if format not in builders:
        raise ValueError(f"unknown content format {format!r}")
    return builders[format](session, w, today, currency, brand)


def _audience(w: Who) -> Words:
    where = f" in {w.country}" if w.country else ""
    name = w.partner.name
    overlap = w.partner.audience_overlap_pct
    if overlap is not None:
        return sentence(
            say(
                f"{possessive(name)} audience{where}, and the ",
                Percent(value=overlap),
                f" of our audience who already follow {name}",
            )
        )
    return f"{possessive(name)} audience{where} who care about {w.topic}."


def _why(w: Who, r: Recent, currency: str) -> Line:
    parts: list[Words] = []
    name = w.partner.name
    if w.partner.audience_overlap_pct is not None:
        parts.append(
            sentence(
                say(
                    Percent(value=w.partner.audience_overlap_pct),
                    f" of our audience already follows {name}",
                )
            )
        )
    if r.now.conversions > 0:
        parts.append(
            say(
                f"{possessive(name)} links brought ",
                r.now.conversions,
                " conversions and ",
                Money(amount=r.now.revenue, currency=currency),
                " in revenue over the last ",
                window(r.period),
                ".",
            )
        )
    if not parts:
        parts.append(
            f"{name} speaks to people who care about {w.topic}, which is what our "
            "customers come to us for."
        )
    return Line.join(parts, sep=" ")


def _content_facts(draft: Draft, w: Who, r: Recent, currency: str) -> None:
    if w.partner.audience_overlap_pct is not None:
        draft.facts.append(
            Fact(label="Audience overlap", value=Percent(value=w.partner.audience_overlap_pct))
        )
    if r.active:
        draft.facts.extend(recent_facts(r, currency))
        draft.period = r.period


def _blog_outline(session: Session, w: Who, today: date, currency: str, brand: str | None) -> Draft:
    p = w.partner
    draft = new_draft(w, "content", "blog_outline", today)
    r = recent(session, p, today)
    _content_facts(draft, w, r, currency)
    sections = SECTIONS.get(p.type, SECTIONS[PartnerType.CONTENT])
    fill = {"partner": p.name, "partner_s": possessive(p.name), "topic": w.topic}
    where = f" in {w.country}" if w.country else ""
    _, season_noun, _ = w.season
    _, draft.body = render(
        "content_blog_outline",
        partner_name=p.name,
        partner_possessive=possessive(p.name),
        title_1=f"A practical guide to {w.topic}{where}",
        title_2=f"What {p.name} has learned about {w.topic}",
        title_3=f"{cap(w.topic)} for {season_noun}: a short checklist",
        audience=_audience(w),
        why=_why(w, r, currency),
        opening_point=(
            f"the question people ask most about {w.topic}, in {possessive(p.name)} words."
        ),
        section_2=sections[0].format(**fill),
        section_3=sections[1].format(**fill),
        section_4=sections[2].format(**fill),
        close_point="a short recap and one clear next step, with the tracked link to our site.",
    )
    return draft


def _webinar_plan(session: Session, w: Who, today: date, currency: str, brand: str | None) -> Draft:
    p = w.partner
    draft = new_draft(w, "content", "webinar_plan", today)
    r = recent(session, p, today)
    _content_facts(draft, w, r, currency)
    _, season_noun, _ = w.season
    host = f" with {brand}" if brand else ""
    walkthrough = WALKTHROUGHS.get(p.type, "how it works in practice").format(
        partner=p.name, partner_s=possessive(p.name)
    )
    baseline: Words
    if r.active:
        baseline = say(
            f"Clicks and conversions from {possessive(p.name)} tracked links in the 30 days "
            "after the webinar, compared with the 30 days before it. For reference, the last ",
            window(r.period),
            " brought ",
            r.now.clicks,
            " clicks and ",
            r.now.conversions,
            " conversions worth ",
            Money(amount=r.now.revenue, currency=currency),
            ".",
        )
    else:
        baseline = (
            f"Clicks and conversions from {possessive(p.name)} tracked links in the 30 days "
            "after the webinar; with no tracked activity yet, this first webinar sets the baseline."
        )
    _, draft.body = render(
        "content_webinar_plan",
        partner_name=p.name,
        title=f"{cap(w.topic)} in {season_noun}: a practical session with {p.name}{host}",
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


def _tag_case(tag: str) -> str:
    """A tag with the capitals it is written with ('saas' -> 'SaaS'), for a hashtag."""
    words = tag_words(tag)
    return words if words.casefold() == tag.casefold() else tag


def _hashtags(w: Who, brand: str | None) -> list[str]:
    adjective = w.season[0]
    partner_tag = hashtag(w.partner.name)
    tags = [partner_tag]
    if brand:
        tags.append(f"{hashtag(brand)}x{partner_tag[1:]}")
    tags.append(f"{hashtag(adjective)}With{partner_tag[1:]}")
    tags.extend(hashtag(_tag_case(t)) for t in w.topic_tags[:2])
    return list(dict.fromkeys(t for t in tags if len(t) > 1))


def _social_posts(session: Session, w: Who, today: date, currency: str, brand: str | None) -> Draft:
    p = w.partner
    draft = new_draft(w, "content", "social_posts", today)
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
    _, draft.body = render(
        "content_social_posts",
        partner_name=p.name,
        partner_possessive=possessive(p.name),
        campaign=f"a {adjective} series on {w.topic}",
        linkedin_reason=reason,
        content_plan=CONTENT_PLANS.get(p.type, "practical tips from both teams"),
        instagram_hook=f"We're sharing our favourite ideas on {w.topic} for {season_noun}.",
        x_hook=f"First up: tips on {w.topic} from both teams.",
        followup_line=(
            f"thank you for the questions about {w.topic}. The most asked ones get "
            "answered in our next post."
        ),
        hashtags=" ".join(tags),
        hashtags_short=" ".join(tags[:2]),
    )
    draft.notes.append(
        "Internal figures stay out of public posts; the overlap explains the pairing."
        if p.audience_overlap_pct is not None
        else "Internal figures stay out of public posts."
    )
    return draft


def _cobranded_email(
    session: Session, w: Who, today: date, currency: str, brand: str | None
) -> Draft:
    p = w.partner
    draft = new_draft(w, "content", "cobranded_email", today)
    if p.audience_overlap_pct is not None:
        draft.facts.append(
            Fact(label="Audience overlap", value=Percent(value=p.audience_overlap_pct))
        )
    adjective, season_noun, _ = w.season
    ours = brand or "us"
    subjects = (
        f"Something new with {p.name}",
        f"{cap(w.topic)} for {season_noun}, with {p.name}",
        f"{p.name} × {ours}: our {adjective} picks",
    )
    what = "\n".join(
        (
            f"- Picks for {season_noun} from both teams, with what each one is good for.",
            f"- {possessive(p.name)} own tips on {w.topic}.",
            "- Everything on one page, linked below, so you can come back to it.",
        )
    )
    _, draft.body = render(
        "content_cobranded_email",
        subject_1=subjects[0],
        subject_2=subjects[1],
        subject_3=subjects[2],
        preview=f"Ideas on {w.topic} from both teams, in one short read.",
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
    draft.subject = say(subjects[0])
    return draft
