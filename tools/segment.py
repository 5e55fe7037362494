"""Which partners an answer covers: one segment model for every tool and both planners.

A segment combines every partner dimension — explicit partners, type, tier, status,
country, owner, tag, commission model — each with several values. Within a dimension the
values are alternatives ("Gold and Silver partners"); across dimensions all apply ("Silver
content partners in FR"). `storage.queries.segment` is the one place that turns it into
SQL, so a total, a ranking, a goal and a QBR for the same words cover the same partners.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import Session

from storage.models import Partner
from storage.queries import partners as partner_queries
from storage.queries import segment as segment_queries
from tools.countries import country_code
from tools.errors import NotFound
from tools.partners.names import known_tiers, resolve_partner
from tools.partners.words import (
    COMMISSION_LABELS,
    PIPELINE,
    PIPELINE_STATUSES,
    TYPE_LABELS,
    parse_commission_model,
    parse_partner_status,
    parse_partner_type,
)

Dimension = Literal[
    "partners", "types", "tiers", "statuses", "countries", "owners", "tags", "commission_models"
]
DIMENSIONS: tuple[Dimension, ...] = (
    "partners", "types", "tiers", "statuses", "countries", "owners", "tags", "commission_models",
)  # fmt: skip
"""The segment's fields, which are also the argument names every analytical tool takes."""

DIMENSION_WORDS: dict[Dimension, str] = {
    "partners": "partner",
    "types": "partner type",
    "tiers": "tier",
    "statuses": "status",
    "countries": "country",
    "owners": "partner manager",
    "tags": "tag",
    "commission_models": "commission model",
}
"""How a dimension is named in a note ("goals aren't split by country")."""


class PartnerRef(BaseModel, frozen=True):
    """One resolved partner: its id for SQL, its key and its name exactly as stored."""

    id: int
    key: str
    name: str


def ref(partner: Partner) -> PartnerRef:
    return PartnerRef(id=partner.id, key=partner.partner_key, name=partner.name)


class Segment(BaseModel, frozen=True):
    """A validated set of partner conditions; all empty means the whole program."""

    partners: tuple[PartnerRef, ...] = ()
    types: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    commission_models: tuple[str, ...] = ()
    excluding: Segment | None = None
    """Partners left out ("excluding affiliates", "outside the US"), as a segment of its own."""

    @classmethod
    def program(cls) -> Segment:
        return cls()

    @classmethod
    def of(cls, *partners: Partner) -> Segment:
        return cls(
            partners=tuple(PartnerRef(id=p.id, key=p.partner_key, name=p.name) for p in partners)
        )

    @property
    def partner_ids(self) -> tuple[int, ...]:
        return tuple(p.id for p in self.partners)

    @property
    def is_program(self) -> bool:
        return self.excluding is None and not any(getattr(self, d) for d in DIMENSIONS)

    @property
    def single_partner(self) -> PartnerRef | None:
        """The one partner the segment is, when it is exactly one named partner."""
        if len(self.partners) == 1 and not self.filters():
            return self.partners[0]
        return None

    def filters(self) -> list[Dimension]:
        """The dimensions other than explicit partners that restrict the segment."""
        return [d for d in DIMENSIONS if d != "partners" and getattr(self, d)]

    def filters_but(self, dimension: Dimension) -> list[Dimension]:
        """The dimensions in use besides `dimension` (explicit partners included)."""
        return [d for d in DIMENSIONS if d != dimension and getattr(self, d)]

    def without(self, *dimensions: Dimension) -> Segment:
        return self.model_copy(update={d: () for d in dimensions})

    def describe(self) -> str:
        """The scope line: 'whole program', 'Northwind Traders', 'Silver content partners in FR',
        'partners outside US', 'Gold partners except affiliate partners'."""
        if self.excluding is not None:
            base = self.model_copy(update={"excluding": None})
            included = "partners" if base.is_program else base.describe()
            left_out = self.excluding
            if left_out.countries and not left_out.filters_but("countries"):
                return f"{included} outside {_join(list(left_out.countries))}"
            return f"{included} except {left_out.describe()}"
        if self.partners:
            return _join([p.name for p in self.partners])
        if self.is_program:
            return "whole program"
        words: list[str] = []
        if self.statuses:
            if set(self.statuses) == set(PIPELINE_STATUSES):
                words.append(PIPELINE)
            else:
                words.append(_join(list(self.statuses)))
        if self.tiers:
            words.append(_join(list(self.tiers)))
        if self.types:
            words.append(_join([TYPE_LABELS.get(t, t) for t in self.types]))
        words.append("partners")
        if self.countries:
            words.append("in " + _join(list(self.countries)))
        if self.owners:
            words.append("managed by " + _join(list(self.owners)))
        if self.tags:
            words.append("tagged " + _join([f"“{t}”" for t in self.tags], "or"))
        if self.commission_models:
            labels = [COMMISSION_LABELS.get(m, m) for m in self.commission_models]
            words.append("on " + _join(labels, "or") + " commission")
        return " ".join(words)


def _join(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} {items[-1]}"


def _listify(value: Any) -> Any:
    """A planner may send one value where a list is expected ("tiers": "Gold")."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return value


class SegmentFields(BaseModel):
    """The partner dimensions, in words: what a segment includes, or what it leaves out."""

    partners: list[str] = Field(
        default_factory=list,
        description="Partner names as the user wrote them (any script, typos allowed); "
        "the answer covers only these partners.",
    )
    types: list[str] = Field(
        default_factory=list,
        description="Partner types: affiliate, influencer, b2b_brand, channel, agency, "
        "referral or content (words like 'creators' or 'resellers' are understood).",
    )
    tiers: list[str] = Field(default_factory=list, description="Tier names, e.g. Gold, Silver.")
    statuses: list[str] = Field(
        default_factory=list,
        description="Partner statuses: prospect, applied, approved, active, paused, rejected, "
        "churned, or 'pipeline' (prospect, applied and approved).",
    )
    countries: list[str] = Field(
        default_factory=list,
        description="Countries, as two-letter codes (FR, DE) or names (France).",
    )
    owners: list[str] = Field(
        default_factory=list,
        description="Partner managers: an email, the name before the @ (maya), or a Slack id.",
    )
    tags: list[str] = Field(default_factory=list, description="Tags on the partners.")
    commission_models: list[str] = Field(
        default_factory=list,
        description="Commission models: cpa, revshare, cpi, flat or hybrid.",
    )

    @field_validator(*DIMENSIONS, mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _listify(value)


class SegmentArgs(SegmentFields):
    """The segment fields every analytical tool's arguments share, under the same names."""

    excluding: SegmentFields | None = Field(
        None,
        description="Partners to leave out, with the same fields: {'types': ['affiliate']} "
        "for 'excluding affiliates', {'countries': ['US']} for 'outside the US', "
        "{'tiers': ['Gold']} for 'non-Gold partners'.",
    )


class ResolvedSegment(BaseModel):
    segment: Segment
    notes: list[str] = Field(default_factory=list)
    """What the tool did with the words that the answer should say (a filter not applied)."""


def _resolve_tier(session: Session, text: str, tiers: list[str]) -> str:
    wanted = text.strip().casefold().removesuffix(" tier").strip()
    for tier in tiers:
        if tier.casefold() == wanted:
            return tier
    listed = ", ".join(tiers) if tiers else "none yet"
    raise NotFound(f"There is no tier called “{text}”. Known tiers: {listed}.", tiers)


def _resolve_country(text: str) -> str:
    code = country_code(text)
    if code is None:
        raise NotFound(f"“{text}” is not a country I know; use a two-letter code like FR or PL.")
    return code


def _resolve_owner(text: str, owners: list[str]) -> str:
    wanted = text.strip().casefold()
    if not wanted:
        raise NotFound("Which partner manager? Give an email or a name.")
    for owner in owners:
        stored = owner.casefold()
        if stored == wanted or stored.split("@")[0] in (wanted, wanted.replace(" ", ".")):
            return owner
    first_names = [o for o in owners if _first_name(o) == wanted]
    if len(first_names) == 1:
        return first_names[0]
    if len(first_names) > 1:
        raise NotFound(
            f"“{text}” fits several partner managers: {', '.join(first_names)}.", first_names
        )
    listed = ", ".join(owners[:8]) + (" …" if len(owners) > 8 else "")
    raise NotFound(
        f"No partner is managed by “{text}”. Partner managers: {listed or 'none yet'}.", owners
    )


def _first_name(owner: str) -> str:
    """'maya.chen@…' → 'maya', 'Sam Rivera' → 'sam' (folded)."""
    local = owner.casefold().split("@")[0]
    return local.replace(".", " ").split()[0] if local.strip(" .") else local


def _resolve_tag(text: str, tags: list[str]) -> str:
    wanted = text.strip().lstrip("#").casefold()
    for tag in tags:
        if tag.casefold() == wanted:
            return tag
    for tag in tags:
        if tag.casefold().replace("-", " ").replace("_", " ") == wanted.replace("-", " "):
            return tag
    listed = ", ".join(tags[:12]) + (" …" if len(tags) > 12 else "")
    raise NotFound(f"No partner is tagged “{text}”. Tags in use: {listed or 'none'}.", tags)


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def resolve_segment(session: Session, args: SegmentArgs) -> ResolvedSegment:
    """A planner's words as a validated Segment; NotFound (with the valid values) otherwise.

    Named partners beat the other dimensions: "Northwind in the Gold tier" covers Northwind,
    and when Northwind is not Gold the answer says the tier was not applied, instead of
    answering for nobody. What `excluding` names is left out of whatever is included.
    """
    resolved = _resolve_fields(session, args)
    if args.excluding is None:
        return resolved
    left_out = _resolve_fields(session, args.excluding).segment
    if left_out.is_program:
        return resolved
    segment = resolved.segment.model_copy(update={"excluding": left_out})
    notes = list(resolved.notes)
    named = resolved.segment.partners
    if named:
        kept = set(segment_queries.partner_ids_in(session, segment))
        gone = [p.name for p in named if p.id not in kept]
        if gone:
            notes.append(
                f"Leaving out {left_out.describe()} leaves out {_join(gone)} too, "
                f"since {'it is' if len(gone) == 1 else 'they are'} among them."
            )
    return ResolvedSegment(segment=segment, notes=notes)


def _resolve_fields(session: Session, args: SegmentFields) -> ResolvedSegment:
    """One set of dimension words (an inclusion or an exclusion) as a Segment."""
    statuses: list[str] = []
    for text in args.statuses:
        status = parse_partner_status(text)
        statuses.extend(PIPELINE_STATUSES if status == PIPELINE else [status])
    tiers = known_tiers(session) if args.tiers else []
    owners = partner_queries.known_values(session, "owner") if args.owners else []
    tags = segment_queries.known_tags(session) if args.tags else []
    segment = Segment(
        types=_unique([parse_partner_type(t) for t in args.types]),
        tiers=_unique([_resolve_tier(session, t, tiers) for t in args.tiers]),
        statuses=_unique(statuses),
        countries=_unique([_resolve_country(c) for c in args.countries]),
        owners=_unique([_resolve_owner(o, owners) for o in args.owners]),
        tags=_unique([_resolve_tag(t, tags) for t in args.tags]),
        commission_models=_unique([parse_commission_model(m) for m in args.commission_models]),
    )
    if not args.partners:
        return ResolvedSegment(segment=segment)
    found: dict[int, PartnerRef] = {}
    for name in args.partners:
        partner = resolve_partner(session, name)
        found.setdefault(
            partner.id, PartnerRef(id=partner.id, key=partner.partner_key, name=partner.name)
        )
    named = Segment(partners=tuple(found.values()))
    if not segment.filters():
        return ResolvedSegment(segment=named)
    inside = set(
        segment_queries.partner_ids_in(
            session, segment.model_copy(update={"partners": named.partners})
        )
    )
    outside = [p.name for p in named.partners if p.id not in inside]
    notes = []
    if outside:
        verb = "is" if len(outside) == 1 else "are"
        notes.append(
            f"{_join(outside)} {verb} not among {segment.describe()}, so that filter was "
            f"not applied: this covers {named.describe()}."
        )
    return ResolvedSegment(segment=named, notes=notes)


Segment.model_rebuild()
