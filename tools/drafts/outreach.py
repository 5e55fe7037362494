"""Outreach emails to one partner: recruit, re-engage, co-brand pitch and QBR invitation."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Literal

from sqlalchemy.orm import Session

from storage.models import Partner, PartnerStatus, PartnerType
from storage.queries import totals
from tools.drafts.common import (
    QUIET_DAYS,
    Draft,
    Purpose,
    Who,
    Words,
    article,
    days,
    days_words,
    label_with_article,
    new_draft,
    person_name,
    possessive,
    render,
    say,
    sentence,
    who,
)
from tools.drafts.figures import (
    RECENT,
    last_conversion,
    median_terms,
    only,
    overlap_rank,
    peers,
    recent,
    recent_facts,
    terms,
    terms_fact,
    window,
    window_before,
)
from tools.drafts.vocabulary import FIT
from tools.metrics import metric_value
from tools.periods import last_full_quarter, resolve_period
from tools.qbr import QBRSummary, day_text, qbr_summary
from tools.report import Fact, Line, Money, Percent, Ratio


def draft_outreach(
    session: Session,
    *,
    partner: Partner,
    purpose: Purpose,
    today: date,
    sender: str | None = None,
    currency: str = "USD",
) -> Draft:
    """Draft an email to `partner` for `purpose`, citing only figures computed from its data.

    `sender` is the asking person's name (`ToolContext.user_name`); ids and placeholders are
    ignored, and without a usable name the partner owner's name or the team signs.
    """
    w = who(partner, today, sender)
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


def _others(*purposes: Purpose) -> str:
    words = [label_with_article(p) for p in purposes]
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]


def _overlap_sentence(w: Who, rank: tuple[int, int] | None) -> Words:
    overlap = w.partner.audience_overlap_pct
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
    text = say(
        "About ", Percent(value=overlap), f" of our audience already follows {w.partner.name}"
    )
    if rank is not None and rank[1] >= 3 and rank[0] <= 3:
        place = "the highest" if rank[0] == 1 else f"the {_ordinal(rank[0])} highest"
        text = say(
            text, f", {place} overlap of the ", rank[1], " partners and prospects we've measured"
        )
    return sentence(text)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _overlap_facts(draft: Draft, w: Who, rank: tuple[int, int] | None) -> None:
    if w.partner.audience_overlap_pct is not None:
        draft.facts.append(
            Fact(label="Audience overlap", value=Percent(value=w.partner.audience_overlap_pct))
        )
        if rank is not None:
            draft.facts.append(Fact(label="Overlap rank", value=say(rank[0], " of ", rank[1])))


def _recruit(session: Session, w: Who, today: date, currency: str) -> Draft:
    p = w.partner
    draft = new_draft(w, "outreach", "recruit", today)
    rank = overlap_rank(session, p)
    _overlap_facts(draft, w, rank)
    draft.facts.append(Fact(label="Partner type", value=w.noun))
    if w.country:
        draft.facts.append(Fact(label="Country", value=w.country.removeprefix("the ")))

    if p.status == PartnerStatus.CHURNED:
        opening = (
            "We worked together before, and I'd like to see whether the timing is right "
            f"to pick things up again with {sentence(p.name)}"
        )
    else:
        opening = (
            "I look after partnerships on our side and have been getting to know "
            f"{possessive(p.name)} work."
        )
    where = f" in {w.country}" if w.country else ""
    fit = FIT.get(p.type, "you reach people we would love to meet")
    why = f"As {article(w.noun)} {w.noun}{where}, {fit}."
    if w.tags and p.audience_overlap_pct is not None:
        why += f" Your focus on {w.tags} fits what our customers come to us for."

    group = peers(session, p)
    own = terms(p.commission_model, p.commission_rate, currency)
    norm = median_terms(group, currency)
    proposal: Line
    if own is not None:
        proposal = say("To start, we'd offer ", own.offer, ".")
        draft.facts.append(terms_fact("Proposed commission", own, currency))
    elif norm is not None:
        found, n = norm
        proposal = say(
            "To start, we'd offer ",
            found.offer,
            ", the median for the ",
            n,
            f" active {w.plural} on that model in our program.",
        )
        draft.facts.append(terms_fact(f"Median rate, active {w.plural}", found, currency))
    else:
        proposal = say(
            "To start, we'd agree commission terms that suit how you work, whether that's a "
            "fee per conversion or a share of revenue."
        )
    if group is not None:
        period = resolve_period(RECENT, today)
        peer_totals = totals(session, period.start, period.end, group.segment)
        epc = metric_value(peer_totals, "epc")
        if isinstance(epc, Decimal) and epc > 0:
            proposal = say(
                proposal,
                f" For context, active {w.plural} in our program earned ",
                Money(amount=epc, currency=currency),
                " per click on average over the last ",
                window(period),
                ".",
            )
            draft.facts.append(
                Fact(label=f"EPC, active {w.plural}", value=Money(amount=epc, currency=currency))
            )
            draft.period = period

    draft.subject, draft.body = render(
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
            f"so {_others('reengage', 'cobrand', 'qbr_invite')} may fit better."
        )
    return draft


def _reengage(session: Session, w: Who, today: date, currency: str) -> Draft:
    p = w.partner
    draft = new_draft(w, "outreach", "reengage", today)
    r = recent(session, p, today)
    draft.period = r.period
    last = last_conversion(session, p, today)
    if last.day is not None:
        since = (today - last.day).days
        draft.facts.append(Fact(label="Last conversion", value=last.day))
        draft.facts.append(Fact(label="Days since last conversion", value=since))
        opening: Words
        if since >= 2:
            opening = say(
                "It's been ",
                days(since),
                " since we last saw a conversion from your links "
                f"(the most recent was on {day_text(last.day)}), so I wanted to check in.",
            )
        else:
            opening = (
                f"Your most recent conversion came through on {day_text(last.day)}, and I "
                "wanted to check in on how things are going."
            )
        if since < QUIET_DAYS:
            draft.notes.append(
                f"{p.name} converted {days_words(since)} ago, so it isn't quiet; "
                f"{_others('qbr_invite')} may fit better."
            )
    elif last.searched is not None:
        opening = say(
            "We haven't seen a conversion come through your links over the last ",
            window(last.searched),
            ", so I wanted to check in and see how we can help.",
        )
    else:
        opening = (
            "We haven't seen a conversion come through your links yet, so I wanted to check "
            "in and see how we can help."
        )
    draft.facts.extend(recent_facts(r, currency))

    now, before = r.now, r.before
    quiet_both = not r.active and before.clicks == 0 and before.conversions == 0
    if quiet_both:
        numbers = say(
            "Your links haven't recorded any clicks or conversions over the last ",
            window(r.both),
            ", so whatever we do next is a fresh start.",
        )
    else:
        numbers = say(
            "Over the last ",
            window(r.period),
            " your links sent ",
            now.clicks,
            " clicks and ",
            now.conversions,
            " conversions worth ",
            Money(amount=now.revenue, currency=currency),
            ", compared with ",
            before.clicks,
            " clicks and ",
            before.conversions,
            " conversions worth ",
            Money(amount=before.revenue, currency=currency),
            " in ",
            window_before(r.prior),
            ".",
        )
        if before.conversions > 0 and now.conversions != before.conversions:
            pct = abs(Decimal(now.conversions - before.conversions)) * 100 / before.conversions
            direction = "fewer" if now.conversions < before.conversions else "more"
            numbers = say(
                numbers,
                " That's ",
                Percent(value=pct),
                f" {direction} conversions",
                " than before, so the momentum is there to build on."
                if direction == "more"
                else " than before.",
            )

    own = terms(p.commission_model, p.commission_rate, currency)
    current: Words = own.current if own else "your current rate"
    if own:
        draft.facts.append(terms_fact("Current commission", own, currency))
    if before.conversions > 0:
        pace = math.ceil(Decimal(before.conversions) * 30 / r.prior.days)
        draft.facts.append(Fact(label="Bonus threshold, conversions a month", value=pace))
        offer = say(
            "To help you get going again, I'd like to offer a bonus tier: once you pass ",
            pace,
            " conversions in a calendar month, your monthly pace between "
            f"{day_text(r.prior.start)} and {day_text(r.prior.end)}, we'd lift your "
            "commission above ",
            current,
            " for the rest of that quarter.",
        )
        draft.notes.append(
            "Set the bonus amount before sending; the draft names the threshold only."
        )
    else:
        offer = say(
            "To help you get going, I'd like to offer a bonus on your first conversions this "
            "quarter, on top of ",
            current,
            ".",
        )
    if p.status in (PartnerStatus.PROSPECT, PartnerStatus.APPLIED):
        draft.notes.append(
            f"{p.name} hasn't partnered with us yet (status {p.status}); "
            f"{_others('recruit')} fits better."
        )
    draft.subject, draft.body = render(
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


def _campaign_idea(w: Who) -> str:
    adjective, _, kind = w.season
    audience = f"shoppers in {w.country}" if w.country else "people who follow both of us"
    theme = f", built around {w.topic}" if w.topic_tags else ""
    named = (
        kind if kind.startswith(adjective) else f"{adjective} {kind}"
    )  # no "back-to-school back-to-school guide"
    return f"a joint {named} for {audience}{theme}."


def _cobrand(session: Session, w: Who, today: date, currency: str) -> Draft:
    p = w.partner
    draft = new_draft(w, "outreach", "cobrand", today)
    rank = overlap_rank(session, p)
    if p.audience_overlap_pct is not None:
        draft.facts.append(
            Fact(label="Audience overlap", value=Percent(value=p.audience_overlap_pct))
        )
    overlap = say(_overlap_sentence(w, rank))
    if p.audience_overlap_pct is not None:
        overlap = say(overlap, " A joint campaign would reach people who already know both of us.")
    r = recent(session, p, today)
    if r.now.conversions > 0:
        overlap = say(
            overlap,
            " Your links have also brought ",
            r.now.conversions,
            " conversions and ",
            Money(amount=r.now.revenue, currency=currency),
            " in revenue over the last ",
            window(r.period),
            ", so the interest is already there.",
        )
        draft.facts.extend(recent_facts(r, currency)[:2])
        draft.period = r.period
    tags = [t for t in p.tag_names if t.strip()]
    if tags:
        draft.facts.append(Fact(label="Tags", value=", ".join(tags)))
    if w.country:
        draft.facts.append(Fact(label="Country", value=w.country.removeprefix("the ")))
    if p.type != PartnerType.B2B_BRAND:
        draft.notes.append(
            f"Co-branding pitches are written for B2B brands; {p.name} is {article(w.noun)} "
            f"{w.noun}, so check the idea still fits."
        )
    draft.subject, draft.body = render(
        "outreach_cobrand",
        subject=f"A joint {w.season[0]} campaign idea for {p.name}",
        greeting=w.greeting,
        partner_name=p.name,
        overlap=overlap,
        idea=_campaign_idea(w),
        signoff=w.signoff,
    )
    return draft


def _qbr_invite(session: Session, w: Who, today: date, currency: str) -> Draft:
    p = w.partner
    draft = new_draft(w, "outreach", "qbr_invite", today)
    q = qbr_summary(
        session,
        segment=only(p),
        quarter=last_full_quarter(today),
        today=today,
        currency=currency,
    )
    draft.period = q.quarter
    for metric in ("revenue", "conversions", "roas", "reversal_rate"):
        line = q.kpi(metric)
        draft.facts.append(Fact(label=line.label, value=line.value, change=line.change))
    revenue, conversions = _kpi_money(q, "revenue"), _kpi_int(q, "conversions")
    quarter, prev = q.quarter.label, q.previous.label
    opening = (
        f"{quarter} is wrapped up, and I'd like to set up our quarterly review to go through "
        "it together."
    )
    change_pct = q.kpi("revenue").change
    headline: Words
    results: Words
    if revenue is not None and revenue > 0:
        earned = Money(amount=revenue, currency=currency)
        headline = say(
            "The headline: your links brought ",
            earned,
            " in revenue from ",
            conversions,
            f" conversions in {quarter}",
        )
        if change_pct is not None and change_pct.percent is not None:
            word = "up" if change_pct.percent >= 0 else "down"
            headline = say(
                headline, f", {word} ", Percent(value=abs(change_pct.percent)), f" on {prev}"
            )
        roas = q.kpi("roas").value
        if isinstance(roas, Ratio):
            headline = say(headline, ", with ", roas, " return on commission")
        headline = say(headline, ".")
        results = say(earned, " revenue and ", conversions, " conversions")
        rate = q.kpi("reversal_rate").value
        if isinstance(rate, Percent):
            results = say(results, ", reversal rate ", rate)
    else:
        headline = (
            f"{quarter} was quiet on tracked results, with no revenue through your links, so "
            "I'd like to use the time to understand why and plan the next quarter together."
        )
        results = "what happened and what got in the way"
        draft.notes.append(f"{p.name} had no revenue in {quarter}.")
    best: Words
    if q.best_week is not None:
        best = say(
            f"the week of {day_text(q.best_week.monday)} brought ",
            Money(amount=q.best_week.revenue, currency=currency),
            " in revenue, and what was behind it",
        )
    else:
        best = "which placements and promotions brought the most"
    targets = {g.metric: g for g in q.suggested_goals}
    goals: Words
    if "revenue" in targets and "conversions" in targets:
        goals = say(
            "we'd suggest about ",
            Money(amount=targets["revenue"].target, currency=currency),
            " in revenue and ",
            int(targets["conversions"].target),
            f" conversions, based on your {quarter} pace and trend",
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
    sponsor_name = person_name(p.exec_sponsor)
    sponsor = (
        f"It would be great to have {sponsor_name} join for the goals part, if their "
        "calendar allows."
        if sponsor_name
        else ""
    )
    draft.subject, draft.body = render(
        "outreach_qbr_invite",
        subject=f"Your {quarter} review: results and plans for {q.next_quarter.label}",
        greeting=w.greeting,
        opening=opening,
        headline=headline,
        quarter=quarter,
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
