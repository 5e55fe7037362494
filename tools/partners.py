"""Partners: finding one by the words a person typed, its profile, and filtered lists.

Name matching works on a normalised form (see `normalize_name`) of every partner's name
and partner_key. Each call runs one SELECT of (id, name, key); the derived index is reused
only when those columns are identical (it is keyed by them), so it is never stale.
0. A name or key typed exactly is looked up directly.
1. An exact normalised match of a name or key wins outright.
2. Otherwise each partner scores 0–100: the whole name (plain and token-sorted ratio), or
   0.9 × the best ratio against a run of consecutive words in the name ('northwind' in
   'Northwind Traders'), or 90 when the query starts a word run ('brightwave m').
3. Scores below MATCH_THRESHOLD (75) are not matches. If more than one partner scores
   within AMBIGUITY_MARGIN (4 points) of the best, the name is ambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from storage.models import CommissionModel, Partner, PartnerStatus, PartnerTag, PartnerType
from tools.context import ToolContext
from tools.errors import AmbiguousPartner, NotFound, PartnerNotFound
from tools.periods import DateRange, resolve_period
from tools.registry import tool
from tools.report import Cell, Fact, Percent, Report, Section, Table
from tools.scope import Scope

MATCH_THRESHOLD = 75.0
"""Lowest score (0–100) that counts as a match; 'atlass' → 'Atlas Outdoor Co.' scores ~82."""
AMBIGUITY_MARGIN = 4.0
SUGGEST_THRESHOLD = 60.0
"""Names scoring below this (WRatio) are not offered as 'closest names': unrelated names
typically score 35–50, a misspelling of a real partner 80+."""
"""Partners scoring within this many points of the best are all candidates."""
PARTIAL_WEIGHT = 0.9
"""A match on part of a name counts less than the same match on the whole name."""
MAX_WINDOW = 5
"""Longest run of consecutive words compared on its own."""
MAX_CANDIDATES = 5

# --- normalisation --------------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ŧ": "t",
        "æ": "ae", "œ": "oe", "þ": "th", "ß": "ss", "&": " and ", "+": " and ",
        "'": "", "’": "", "`": "", "´": "",
    }
)  # fmt: skip
_NOT_WORD = re.compile(r"[^\w]+|_")


@lru_cache(maxsize=65536)
def normalize_name(s: str) -> str:
    """The form names are compared in: case- and accent-free, '&' as 'and', no punctuation.

    Accents are stripped from Latin letters only (Ż → z, é → e, ł → l); other scripts keep
    their letters ('Ромашка Медиа' → 'ромашка медиа', '서울 뷰티랩' unchanged).
    """
    folded = s.casefold().translate(_FOLD)
    if not folded.isascii():
        folded = _strip_latin_marks(folded)
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _strip_latin_marks(text: str) -> str:
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


@lru_cache(maxsize=65536)
def _windows(normalised: str) -> tuple[str, ...]:
    """Every run of 1..MAX_WINDOW consecutive words, except the whole name itself."""
    words = normalised.split()
    runs = {
        " ".join(words[i : i + size])
        for size in range(1, min(MAX_WINDOW, len(words)) + 1)
        for i in range(len(words) - size + 1)
    }
    runs.discard(normalised)
    return tuple(sorted(runs))


# --- resolution -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _NameIndex:
    """Normalised names of one set of partners, laid out for rapidfuzz's batch scorers."""

    names: dict[int, str]
    exact: dict[str, frozenset[int]]
    wholes: list[str]
    sorted_wholes: list[str]
    whole_owner: list[int]
    runs: list[str]
    run_owner: list[int]
    joined: str
    line_starts: list[int]


@lru_cache(maxsize=4)
def _build_index(ids: tuple[int, ...], names: tuple[str, ...], keys: tuple[str, ...]) -> _NameIndex:
    """Keyed by the columns themselves, so a changed, added or removed partner is a new index."""
    exact: dict[str, set[int]] = {}
    wholes: list[str] = []
    runs: list[str] = []
    run_owner: list[int] = []
    for pid, name, key in zip(ids, names, keys, strict=True):
        whole = normalize_name(name)
        exact.setdefault(whole, set()).add(pid)
        exact.setdefault(normalize_name(key), set()).add(pid)
        wholes.append(whole)
        for run in _windows(whole):
            runs.append(run)
            run_owner.append(pid)
    line_starts = []
    offset = 0
    for whole in wholes:
        line_starts.append(offset)
        offset += len(whole) + 1
    return _NameIndex(
        names=dict(zip(ids, names, strict=True)),
        exact={text: frozenset(members) for text, members in exact.items()},
        wholes=wholes,
        sorted_wholes=[_sorted_words(w) for w in wholes],
        whole_owner=list(ids),
        runs=runs,
        run_owner=run_owner,
        joined="\n".join(wholes),
        line_starts=line_starts,
    )


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _index(session: Session) -> _NameIndex:
    """One SELECT of (id, name, key) per call; the derived index is reused only if unchanged."""
    stmt = select(Partner.id, Partner.name, Partner.partner_key).order_by(Partner.id)
    rows = session.connection().execute(stmt).all()  # Core rows: no ORM objects for 5,000 names
    ids = tuple(row[0] for row in rows)
    names = tuple(row[1] for row in rows)
    keys = tuple(row[2] for row in rows)
    return _build_index(ids, names, keys)


def _scores(query: str, index: _NameIndex) -> dict[int, float]:
    """Each partner's best score for `query` (normalised) at or above MATCH_THRESHOLD."""
    best: dict[int, float] = {}

    def keep(owner: int, score: float) -> None:
        if score > best.get(owner, 0.0):
            best[owner] = score

    for text, wholes in ((query, index.wholes), (_sorted_words(query), index.sorted_wholes)):
        for _, score, i in process.extract(
            text, wholes, scorer=fuzz.ratio, score_cutoff=MATCH_THRESHOLD, limit=None
        ):
            keep(index.whole_owner[i], score)
    run_cutoff = MATCH_THRESHOLD / PARTIAL_WEIGHT
    for _, score, i in process.extract(
        query, index.runs, scorer=fuzz.ratio, score_cutoff=run_cutoff, limit=None
    ):
        keep(index.run_owner[i], score * PARTIAL_WEIGHT)
    if len(query) >= 3:  # the query starts a word of the name: 'brightwave m', 'northw'
        at = index.joined.find(query)
        while at >= 0:
            if at == 0 or index.joined[at - 1] in " \n":
                line = bisect_right(index.line_starts, at) - 1
                keep(index.whole_owner[line], 100.0 * PARTIAL_WEIGHT)
            at = index.joined.find(query, at + 1)
    return best


def resolve_partner(session: Session, name: str) -> Partner:
    """The partner `name` refers to (exact, partial or misspelt; any script).

    Raises AmbiguousPartner when several partners fit about equally well, and
    PartnerNotFound (with up to three closest names) when none fits.
    """
    typed = name.strip()
    query = normalize_name(typed)
    if not query:
        raise PartnerNotFound(typed, [])
    as_typed = session.scalars(
        select(Partner.id).where(or_(Partner.name == typed, Partner.partner_key == typed))
    ).all()
    if len(set(as_typed)) == 1:  # the common case: a name or key copied exactly
        return _load(session, as_typed[0])
    index = _index(session)
    exact = index.exact.get(query, frozenset())
    if len(exact) == 1:
        return _load(session, next(iter(exact)))
    if len(exact) > 1:
        raise AmbiguousPartner(typed, sorted(index.names[pid] for pid in exact))
    scores = _scores(query, index)
    if not scores:
        raise PartnerNotFound(typed, _suggestions(query, index))
    top = max(scores.values())
    close = sorted(
        (pid for pid, score in scores.items() if score >= top - AMBIGUITY_MARGIN),
        key=lambda pid: (-scores[pid], normalize_name(index.names[pid])),
    )
    if len(close) > 1:
        raise AmbiguousPartner(typed, [index.names[pid] for pid in close[:MAX_CANDIDATES]])
    return _load(session, close[0])


def _suggestions(query: str, index: _NameIndex) -> list[str]:
    """Up to three closest names by rapidfuzz's WRatio, for 'did you mean'."""
    found = process.extract(
        query, index.wholes, scorer=fuzz.WRatio, limit=3, score_cutoff=SUGGEST_THRESHOLD
    )
    return [index.names[index.whole_owner[i]] for _, _, i in found]


def _load(session: Session, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:  # deleted between the index SELECT and now
        raise NotFound("That partner was just removed; please ask again.")
    return partner


def partner_names(session: Session) -> list[str]:
    """Every partner's display name, in name order (for planners spotting names in text)."""
    names = session.scalars(select(Partner.name))
    return sorted(names, key=lambda n: (normalize_name(n), n))


def known_tiers(session: Session) -> list[str]:
    """The tier names in use, alphabetically (case as stored)."""
    tiers = session.scalars(select(Partner.tier).where(Partner.tier.is_not(None)).distinct())
    return sorted({t for t in tiers if t}, key=str.casefold)


# --- profile --------------------------------------------------------------------------------

TYPE_LABELS: dict[str, str] = {
    PartnerType.AFFILIATE: "affiliate",
    PartnerType.INFLUENCER: "influencer",
    PartnerType.B2B_BRAND: "B2B brand",
    PartnerType.CHANNEL: "channel",
    PartnerType.AGENCY: "agency",
    PartnerType.REFERRAL: "referral",
    PartnerType.CONTENT: "content",
}
_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def _plain(number: Decimal) -> str:
    """12.5000 → '12.5', 10.0000 → '10' (rates are stored with four decimals)."""
    return f"{number.normalize():f}"


def _money_text(amount: Decimal, currency: str) -> str:
    symbol = _CURRENCY_SYMBOLS.get(currency.upper())
    rounded = f"{amount.quantize(Decimal('0.01')):,}"
    return f"{symbol}{rounded}" if symbol else f"{rounded} {currency.upper()}"


def describe_commission(model: str | None, rate: Decimal | None, currency: str = "USD") -> str:
    """A commission in words: 'revshare 12.5 % of revenue', 'CPA $35.00 per conversion'."""
    if model is None and rate is None:
        return "not set"
    if rate is None:
        return f"{(model or '').upper() if model in {'cpa', 'cpi'} else model}, rate not set"
    if model == CommissionModel.REVSHARE:
        return f"revshare {_plain(rate)} % of revenue"
    if model == CommissionModel.CPA:
        return f"CPA {_money_text(rate, currency)} per conversion"
    if model == CommissionModel.CPI:
        return f"CPI {_money_text(rate, currency)} per install"
    if model == CommissionModel.FLAT:
        return f"flat {_money_text(rate, currency)} per action"
    if model == CommissionModel.HYBRID:
        return f"hybrid: {_plain(rate)} % of revenue plus a per-conversion bounty"
    return f"rate {_plain(rate)}"


class PartnerProfile(BaseModel):
    """Who a partner is and how we work with them; no performance figures, so no period."""

    name: str
    partner_key: str
    type: str
    status: str
    tier: str | None = None
    country: str | None = None
    owner: str | None = None
    exec_sponsor: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    website: str | None = None
    commission_model: str | None = None
    commission_rate: Decimal | None = None
    joined_on: date | None = None
    audience_overlap_pct: Decimal | None = None
    tags: list[str] = Field(default_factory=list)
    currency: str = "USD"

    @property
    def commission(self) -> str:
        return describe_commission(self.commission_model, self.commission_rate, self.currency)

    def report(self) -> Report:
        contact = self.contact_name
        if self.contact_email:
            contact = f"{contact} <{self.contact_email}>" if contact else self.contact_email
        facts: list[tuple[str, Cell]] = [
            ("Type", TYPE_LABELS.get(self.type, self.type)),
            ("Status", self.status),
            ("Tier", self.tier or "no tier"),
            ("Country", self.country),
            ("Partner manager", self.owner),
            ("Executive sponsor", self.exec_sponsor),
            ("Contact", contact),
            ("Website", self.website),
            ("Commission", self.commission),
            ("Joined", self.joined_on),
            (
                "Audience overlap",
                None
                if self.audience_overlap_pct is None
                else Percent(value=self.audience_overlap_pct),
            ),
            ("Tags", ", ".join(self.tags) if self.tags else None),
        ]
        return Report(
            title=self.name,
            scope=Scope.partner(self.partner_key, self.name).label,
            sections=[
                Section(
                    facts=[
                        Fact(label=label, value=value)
                        for label, value in facts
                        if value is not None
                    ]
                )
            ],
        )


def partner_profile(partner: Partner, *, currency: str = "USD") -> PartnerProfile:
    """The profile of one resolved partner."""
    return PartnerProfile(
        name=partner.name,
        partner_key=partner.partner_key,
        type=partner.type,
        status=partner.status,
        tier=partner.tier,
        country=partner.country,
        owner=partner.owner,
        exec_sponsor=partner.exec_sponsor,
        contact_name=partner.contact_name,
        contact_email=partner.contact_email,
        website=partner.website,
        commission_model=partner.commission_model,
        commission_rate=partner.commission_rate,
        joined_on=partner.joined_on,
        audience_overlap_pct=partner.audience_overlap_pct,
        tags=partner.tag_names,
        currency=currency,
    )


# --- lists ----------------------------------------------------------------------------------

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


ListSort = Literal["name", "newest"]
ListGroup = Literal["owner", "tier", "country"]
_GROUP_LABELS: dict[ListGroup, str] = {
    "owner": "partner manager",
    "tier": "tier",
    "country": "country",
}
_GROUP_MISSING: dict[ListGroup, str] = {
    "owner": "no manager",
    "tier": "no tier",
    "country": "no country",
}
NEWEST_LIMIT = 10
"""How many partners "who are our newest partners?" lists when no number is given."""


class PartnerRow(BaseModel):
    name: str
    type: str
    status: str
    tier: str | None
    country: str | None
    owner: str | None
    joined_on: date | None = None


class PartnerList(BaseModel):
    """Partners matching a filter: how many, a breakdown, and the first `limit` by name."""

    description: str
    total: int
    rows: list[PartnerRow] = Field(default_factory=list)
    by_status: dict[str, int] = Field(default_factory=dict)
    by_type: dict[str, int] = Field(default_factory=dict)
    group_by: ListGroup | None = None
    by_group: list[tuple[str, int]] = Field(default_factory=list)
    """With `group_by`: partners per owner, tier or country, most first."""
    count_only: bool = False
    sort: ListSort = "name"
    description_has_joined: bool = False
    """The filter names a join period ("who joined this year"): then the count leads."""
    notes: list[str] = Field(default_factory=list)
    relaxed: list[tuple[str, int]] = Field(default_factory=list)
    """For an empty result: (the filter with one condition dropped, how many match it)."""

    def report(self) -> Report:
        if self.total == 0:
            return self._empty_report()
        facts = [Fact(label="Partners", value=self.total)]
        if len(self.by_status) > 1:
            facts += [Fact(label=f"Status: {k}", value=v) for k, v in self.by_status.items()]
        if len(self.by_type) > 1:
            facts += [
                Fact(label=f"Type: {TYPE_LABELS.get(k, k)}", value=v)
                for k, v in self.by_type.items()
            ]
        if self.group_by is not None:
            return self._grouped_report()
        newest_only = self.sort == "newest" and self.rows and not self.description_has_joined
        # "Our newest partners" is about the names at the top, not the program's make-up.
        sections = [] if newest_only else [Section(facts=facts)]
        notes = list(self.notes)
        if not self.count_only and self.rows:
            columns = ["Partner", "Type", "Status", "Tier", "Country", "Owner"]
            joined = self.sort == "newest"
            rows: list[list[Cell]] = []
            for r in self.rows:
                row: list[Cell] = [
                    r.name,
                    TYPE_LABELS.get(r.type, r.type),
                    r.status,
                    r.tier,
                    r.country,
                    r.owner,
                ]
                rows.append([*row, r.joined_on] if joined else row)
            table = Table(columns=columns + (["Joined"] if joined else []), rows=rows)
            sections.append(Section(table=table))
            if len(self.rows) < self.total:
                order = "newest first" if joined else "by name"
                notes.append(f"Showing the first {len(self.rows)} of {self.total}, {order}.")
        what = "partners" if self.description == "all partners" else self.description
        if self.total == 1:
            what = what.replace("partners", "partner", 1)
        return Report(
            title=f"Newest {what}" if newest_only else f"{self.total} {what}",
            scope=self.description,
            sections=sections,
            notes=notes,
        )

    def _grouped_report(self) -> Report:
        label = _GROUP_LABELS[self.group_by or "owner"]
        what = "partners" if self.description == "all partners" else self.description
        table = Table(
            columns=[label.capitalize(), "Partners", "Share"],
            rows=[
                [name, n, Percent(value=Decimal(n) / Decimal(self.total) * 100)]
                for name, n in self.by_group
            ],
        )
        return Report(
            title=f"{what.capitalize()} by {label}",
            scope=self.description,
            sections=[Section(facts=[Fact(label="Partners", value=self.total)]),
                      Section(table=table)],
            notes=self.notes,
        )  # fmt: skip

    def _empty_report(self) -> Report:
        sections = []
        if self.relaxed:
            sections.append(
                Section(
                    title="With one condition dropped",
                    bullets=[f"{description}: {n}" for description, n in self.relaxed],
                )
            )
        return Report(
            title=f"No {self.description}",
            sections=sections,
            notes=self.notes,
        )


@dataclass(frozen=True)
class PartnerQuery:
    """A validated list filter; all None means every partner."""

    type: str | None = None
    status: str | None = None
    tier: str | None = None
    country: str | None = None
    owner: str | None = None
    tag: str | None = None
    joined: DateRange | None = None

    def describe(self) -> str:
        """The filter in words, e.g. 'active affiliate partners in the Gold tier, in US'."""
        words = [self.status] if self.status else []
        words.append(
            f"{TYPE_LABELS.get(self.type, self.type)} partners" if self.type else "partners"
        )
        details = []
        if self.tier:
            details.append(f"in the {self.tier} tier")
        if self.country:
            details.append(f"in {self.country}")
        if self.owner:
            details.append(f"owned by {self.owner}")
        if self.tag:
            details.append(f"tagged “{self.tag}”")
        if self.joined:
            label = self.joined.label
            relative = label.startswith(("last", "since", "this", "between", "past"))
            details.append(f"who joined {label if relative else 'in ' + label}")
        if not (self.type or self.status or details):
            return "all partners"
        return " ".join(words) + (" " + ", ".join(details) if details else "")


def partner_query(
    *,
    type: str | None = None,
    status: str | None = None,
    tier: str | None = None,
    country: str | None = None,
    owner: str | None = None,
    tag: str | None = None,
) -> PartnerQuery:
    """A planner's filter words validated into a PartnerQuery (type/status against the enums)."""
    type, status, tier, country, owner, tag = (
        (v.strip() or None) if v else None for v in (type, status, tier, country, owner, tag)
    )
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise NotFound(f"“{country}” is not a country code; use two letters like US, PL or GB.")
    return PartnerQuery(
        type=parse_partner_type(type) if type else None,
        status=parse_partner_status(status) if status else None,
        tier=tier,
        country=country.upper() if country else None,
        owner=owner,
        tag=tag,
    )


def _conditions(q: PartnerQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if q.type:
        conditions.append(Partner.type == q.type)
    if q.status == PIPELINE:
        conditions.append(Partner.status.in_(PIPELINE_STATUSES))
    elif q.status:
        conditions.append(Partner.status == q.status)
    if q.tier:
        conditions.append(func.lower(Partner.tier) == q.tier.casefold())
    if q.country:
        conditions.append(func.upper(Partner.country) == q.country)
    if q.owner:
        owner = q.owner.casefold()
        match = func.lower(Partner.owner) == owner
        if "@" not in owner:  # 'maya' finds maya@partnerops.example
            match = or_(match, func.lower(Partner.owner).like(f"{_escape_like(owner)}@%", "\\"))
        conditions.append(match)
    if q.tag:
        tagged = select(PartnerTag.partner_id).where(func.lower(PartnerTag.tag) == q.tag.casefold())
        conditions.append(Partner.id.in_(tagged))
    if q.joined:
        conditions.append(Partner.joined_on.between(q.joined.start, q.joined.end))
    return conditions


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_partners(
    session: Session,
    query: PartnerQuery = PartnerQuery(),
    *,
    count_only: bool = False,
    limit: int = 25,
    sort: ListSort = "name",
    group_by: ListGroup | None = None,
) -> PartnerList:
    """Partners matching `query`, counted by status and type, the first `limit` by name (or
    newest first: latest join date, partners without one last)."""
    if query.tier:  # state the tier back as stored: 'gold' → 'Gold'
        stored = {t.casefold(): t for t in known_tiers(session)}
        query = replace(query, tier=stored.get(query.tier.casefold(), query.tier))
    conditions = _conditions(query)
    counts = session.execute(
        select(Partner.status, Partner.type, func.count())
        .where(*conditions)
        .group_by(Partner.status, Partner.type)
    ).all()
    by_status: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    for status, type_, n in counts:
        by_status[status] += n
        by_type[type_] += n
    rows: list[PartnerRow] = []
    if not count_only and limit > 0:
        stmt = select(
            Partner.name,
            Partner.type,
            Partner.status,
            Partner.tier,
            Partner.country,
            Partner.owner,
            Partner.joined_on,
        ).where(*conditions)
        found = [
            PartnerRow(
                name=r[0], type=r[1], status=r[2], tier=r[3], country=r[4], owner=r[5],
                joined_on=r[6],
            )
            for r in session.execute(stmt)
        ]  # fmt: skip
        found.sort(key=lambda r: (normalize_name(r.name), r.name))
        if sort == "newest":  # stable: ties on the day stay by name
            found.sort(key=lambda r: -(r.joined_on or date.min).toordinal())
        rows = found[:limit]
    total = sum(by_status.values())
    notes = []
    if query.tier and total == 0:
        tiers = known_tiers(session)
        notes.append(f"Known tiers: {', '.join(tiers)}." if tiers else "No partner has a tier yet.")
    if query.status == PIPELINE:
        notes.append("The pipeline is prospects, applicants and approved partners not yet live.")
    return PartnerList(
        description=query.describe(),
        total=total,
        notes=notes,
        relaxed=_relaxed(session, query) if total == 0 else [],
        sort=sort,
        description_has_joined=query.joined is not None,
        group_by=group_by,
        by_group=_grouped(session, conditions, group_by) if group_by else [],
        rows=rows,
        by_status=_ordered(by_status, [s.value for s in PartnerStatus]),
        by_type=_ordered(by_type, [t.value for t in PartnerType]),
        count_only=count_only,
    )


def _grouped(
    session: Session, conditions: list[ColumnElement[bool]], group_by: ListGroup
) -> list[tuple[str, int]]:
    """(group, partners) most first, then by name; partners without a value grouped last."""
    column = getattr(Partner, group_by)
    rows = session.execute(select(column, func.count()).where(*conditions).group_by(column))
    counts = [(value or _GROUP_MISSING[group_by], int(n)) for value, n in rows]
    return sorted(counts, key=lambda c: (c[0] == _GROUP_MISSING[group_by], -c[1], c[0]))


_FILTERS = ("type", "status", "tier", "country", "owner", "tag", "joined")


def _relaxed(session: Session, query: PartnerQuery) -> list[tuple[str, int]]:
    """Which condition emptied the list: the count with each one dropped in turn.

    "No influencer partners in DE" then says there are 6 influencers elsewhere and 4
    partners of other types in DE, instead of leaving the user to guess.
    """
    used = [name for name in _FILTERS if getattr(query, name)]
    if len(used) < 2:
        return []
    relaxed = []
    for name in used:
        looser = replace(query, **{name: None})
        count = select(func.count()).select_from(Partner).where(*_conditions(looser))
        relaxed.append((looser.describe(), int(session.scalar(count) or 0)))
    return relaxed


def _ordered(counts: Counter[str], order: list[str]) -> dict[str, int]:
    """Counts in the enum's order (then any unknown values), zeros left out."""
    known = {k: counts[k] for k in order if counts[k]}
    return known | {k: v for k, v in sorted(counts.items()) if k not in known and v}


# --- registry -------------------------------------------------------------------------------


class FindPartnerArgs(BaseModel):
    name: str = Field(description="The partner's name as the user wrote it (any script).")


class ListPartnersArgs(BaseModel):
    type: str | None = Field(
        None,
        description="Partner type: affiliate, influencer, b2b_brand, channel, agency, "
        "referral or content.",
    )
    status: str | None = Field(
        None, description="prospect, applied, approved, active, paused, rejected or churned."
    )
    tier: str | None = Field(None, description="Tier name, e.g. Gold.")
    country: str | None = Field(None, description="Two-letter country code, e.g. US.")
    owner: str | None = Field(None, description="Partner manager (email, or the name before @).")
    tag: str | None = Field(None, description="A tag on the partner.")
    joined: str | None = Field(
        None, description="Only partners who joined in this period, e.g. 'this year'."
    )
    sort: ListSort = Field("name", description="'name', or 'newest' (latest joined first).")
    group_by: ListGroup | None = Field(
        None, description="Count partners per owner (manager), tier or country instead."
    )
    count_only: bool = Field(False, description="Only count, without listing partners.")
    limit: int = Field(25, ge=1, le=500, description="How many partners to list.")


@tool(
    "find_partner",
    "A partner's profile: type, status, tier, country, manager, contact, commission, tags.",
    FindPartnerArgs,
)
def run_find_partner(session: Session, ctx: ToolContext, args: FindPartnerArgs) -> PartnerProfile:
    return partner_profile(resolve_partner(session, args.name), currency=ctx.currency)


@tool(
    "list_partners",
    "List or count partners, filtered by type, status, tier, country, owner or tag.",
    ListPartnersArgs,
)
def run_list_partners(session: Session, ctx: ToolContext, args: ListPartnersArgs) -> PartnerList:
    query = partner_query(
        type=args.type,
        status=args.status,
        tier=args.tier,
        country=args.country,
        owner=args.owner,
        tag=args.tag,
    )
    if args.joined:
        query = replace(query, joined=resolve_period(args.joined, ctx.today))
    sort: ListSort = "newest" if query.joined else args.sort
    # "Newest partners" means a handful unless a number was asked for.
    limit = args.limit if "limit" in args.model_fields_set or sort == "name" else NEWEST_LIMIT
    return list_partners(
        session,
        query,
        count_only=args.count_only or args.group_by is not None,
        limit=limit,
        sort=sort,
        group_by=args.group_by,
    )
