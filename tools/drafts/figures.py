"""The figures drafts cite, computed from the database: recent windows, commission terms, peers.

Each figure a draft states comes from here together with the window it covers, so the
words around a number ("the last 90 days (26 Aug – 23 Nov 2026)") always agree with it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from storage.models import CommissionModel, Partner, PartnerStatus
from storage.queries import (
    Totals,
    last_conversion_day,
    partner_ids_in,
    partner_refs,
    series,
    totals,
)
from storage.queries import partners as partner_queries
from tools.drafts.common import Words, days, days_words, say
from tools.metrics import Metric, change, metric_cell, metric_value
from tools.partners import COMMISSION_LABELS
from tools.periods import DateRange, previous_period, resolve_period
from tools.qbr import span_text
from tools.report import Fact, Line, Money, Percent
from tools.segment import PartnerRef, Segment

RECENT = "last 90 days"
"""The window recent figures cover, in the words `resolve_period` reads."""
LOOKBACK_DAYS = 365
"""How far back a last conversion is looked for when the data runs past `today`."""


def only(*partners: Partner) -> Segment:
    """The segment of exactly these partners, for the sums."""
    return Segment.of(*partners)


def span(r: DateRange) -> str:
    """A window in words: '26 Aug – 23 Nov 2026'."""
    return span_text(r.start, r.end)


def window(r: DateRange) -> Line:
    """A day count with the dates it covers: '90 days (26 Aug – 23 Nov 2026)'."""
    return say(days(r.days), f" ({span(r)})")


def window_words(r: DateRange) -> str:
    """`window` for a note, which is plain words: '365 days (24 Nov 2025 – 23 Nov 2026)'."""
    return f"{days_words(r.days)} ({span(r)})"


def window_before(r: DateRange) -> Line:
    """The window before another, in words: 'the 90 days before (28 May – 25 Aug 2026)'."""
    return say("the ", days(r.days), f" before ({span(r)})")


# ---- a partner's recent performance ----


@dataclass(frozen=True)
class Recent:
    period: DateRange
    prior: DateRange
    now: Totals
    before: Totals

    @property
    def active(self) -> bool:
        return self.now.clicks > 0 or self.now.conversions > 0

    @property
    def both(self) -> DateRange:
        """The prior window and the recent one together."""
        return DateRange(start=self.prior.start, end=self.period.end, label="")


def recent(session: Session, partner: Partner, today: date) -> Recent:
    """The partner's sums over the last 90 days and the 90 days before."""
    period = resolve_period(RECENT, today)
    prior = previous_period(period)
    segment = only(partner)
    return Recent(
        period=period,
        prior=prior,
        now=totals(session, period.start, period.end, segment),
        before=totals(session, prior.start, prior.end, segment),
    )


def _metric_fact(label: str, metric: Metric, r: Recent, against: str, cur: str) -> Fact:
    value, previous = metric_value(r.now, metric), metric_value(r.before, metric)
    return Fact(
        label=label,
        value=metric_cell(value, metric, cur),
        change=change(value, previous, metric=metric, against=against, currency=cur),
    )


def recent_facts(r: Recent, currency: str) -> list[Fact]:
    """Revenue, conversions and clicks over the recent window, each against the one before."""
    # A change's comparison is a label (plain words), as in every other answer.
    against = f"the {days_words(r.prior.days)} before ({span(r.prior)})"
    metrics: tuple[tuple[Metric, str], ...] = (
        ("revenue", "Revenue"),
        ("conversions", "Conversions"),
        ("clicks", "Clicks"),
    )
    return [
        _metric_fact(f"{label}, last {r.period.days} days", metric, r, against, currency)
        for metric, label in metrics
    ]


@dataclass(frozen=True)
class LastConversion:
    day: date | None
    """The last day with a conversion on or before `today`; None when none was found."""
    searched: DateRange | None
    """The window searched when no conversion was found in it; None means all the data."""


def last_conversion(session: Session, partner: Partner, today: date) -> LastConversion:
    """The partner's last conversion up to `today`, never a day after it."""
    segment = only(partner)
    last = last_conversion_day(session, segment).get(partner.id)
    if last is None or last <= today:
        return LastConversion(day=last, searched=None)
    start = today - timedelta(days=LOOKBACK_DAYS - 1)
    days = [d for d, sums in series(session, start, today, "day", segment) if sums.conversions]
    searched = DateRange(start=start, end=today, label=f"last {LOOKBACK_DAYS} days")
    return LastConversion(day=max(days) if days else None, searched=None if days else searched)


# ---- commission terms ----


@dataclass(frozen=True)
class Terms:
    model: str
    rate: Decimal | None
    offer: Words
    """As it reads after 'we'd offer': 'a 12.5% revenue share', '$14.00 per conversion'."""
    current: Words
    """As it reads for the partner's own terms: 'your current 12.5% revenue share'."""

    @property
    def model_words(self) -> str:
        return COMMISSION_LABELS.get(self.model, self.model)


_HYBRID = "a fee per conversion plus a revenue share"


def terms(model: str | None, rate: Decimal | None, currency: str) -> Terms | None:
    """Commission terms in words, or None when the model or the rate is unknown."""
    if model == CommissionModel.HYBRID:
        return Terms(
            model, None, f"our hybrid terms, {_HYBRID}", f"your current hybrid terms ({_HYBRID})"
        )
    if model is None or rate is None:
        return None
    rate = Decimal(rate)
    money = Money(amount=rate, currency=currency)
    share = say(Percent(value=rate, exact=True), " revenue share")
    phrases = {
        CommissionModel.REVSHARE: (say("a ", share), share),
        CommissionModel.CPA: (say(money, " per conversion"), say(money, " per conversion")),
        CommissionModel.CPI: (say(money, " per install"), say(money, " per install")),
        CommissionModel.FLAT: (
            say("a flat ", money, " per action"),
            say("flat ", money, " per action"),
        ),
    }
    if model not in phrases:
        return None
    offer, own = phrases[CommissionModel(model)]
    return Terms(model, rate, offer, say("your current ", own))


def terms_fact(label: str, t: Terms, currency: str) -> Fact:
    if t.rate is None:
        return Fact(label=f"{label} ({t.model_words})", value=_HYBRID)
    value = (
        Percent(value=t.rate, exact=True)
        if t.model == CommissionModel.REVSHARE
        else Money(amount=t.rate, currency=currency)
    )
    return Fact(label=f"{label} ({t.model_words})", value=value)


@dataclass(frozen=True)
class Peers:
    """Active partners of the same type as one partner, other than it."""

    segment: Segment
    rows: list[Any]
    """Their profile rows (commission model and rate among them)."""

    @property
    def count(self) -> int:
        return len(self.rows)


def peers(session: Session, partner: Partner) -> Peers | None:
    """The partner's active peers of the same type; None when it has none."""
    same = Segment(types=(partner.type,), statuses=(PartnerStatus.ACTIVE.value,))
    ids = [i for i in partner_ids_in(session, same) if i != partner.id]
    if not ids:
        return None
    refs = partner_refs(session, ids)
    segment = Segment(
        partners=tuple(PartnerRef(id=i, key=refs[i][0], name=refs[i][1]) for i in ids)
    )
    return Peers(segment=segment, rows=partner_queries.list_rows(session, segment))


def median_terms(group: Peers | None, currency: str) -> tuple[Terms, int] | None:
    """The most common priced commission model in `group`, at its median rate."""
    priced = [
        (row.commission_model, Decimal(row.commission_rate))
        for row in (group.rows if group else [])
        if row.commission_model
        and row.commission_model != CommissionModel.HYBRID
        and row.commission_rate is not None
    ]
    if not priced:
        return None
    counts = Counter(model for model, _ in priced)
    model = sorted(counts, key=lambda m: (-counts[m], m))[0]
    rates = sorted(rate for m, rate in priced if m == model)
    found = terms(model, Decimal(statistics.median(rates)), currency)
    return (found, len(rates)) if found else None


def overlap_rank(session: Session, partner: Partner) -> tuple[int, int] | None:
    """Where the partner's audience overlap ranks among every partner with one measured."""
    if partner.audience_overlap_pct is None:
        return None
    rows = partner_queries.list_rows(session, None)
    measured = [Decimal(r.audience_overlap_pct) for r in rows if r.audience_overlap_pct is not None]
    higher = sum(1 for v in measured if v > partner.audience_overlap_pct)
    return higher + 1, len(measured)
