"""Partner lists and counts for any segment: "active Gold affiliates in the US", "who joined
this year", "partners per manager"."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage.models import PartnerStatus, PartnerType
from storage.queries import partners as queries
from tools.context import ToolContext
from tools.partners.names import normalize_name
from tools.partners.words import COMMISSION_LABELS, PIPELINE_STATUSES, TYPE_LABELS
from tools.periods import DateRange, resolve_period
from tools.registry import tool
from tools.report import Cell, Fact, Percent, Report, Section, Table
from tools.segment import DIMENSIONS, Segment, SegmentArgs, resolve_segment

ListSort = Literal["name", "newest", "overlap"]
ListGroup = Literal["owner", "tier", "country", "commission_model", "tag"]
_GROUP_LABELS: dict[ListGroup, str] = {
    "owner": "partner manager",
    "tier": "tier",
    "country": "country",
    "commission_model": "commission model",
    "tag": "tag",
}
_GROUP_MISSING: dict[ListGroup, str] = {
    "owner": "no manager",
    "tier": "no tier",
    "country": "no country",
    "commission_model": "no commission model",
    "tag": "no tag",
}
_SORT_COLUMNS: dict[ListSort, str] = {"newest": "Joined", "overlap": "Audience overlap"}
"""The column a sort adds to the table, so the order can be read off it."""
_SORT_ORDER: dict[ListSort, str] = {
    "name": "by name",
    "newest": "newest first",
    "overlap": "by audience overlap, highest first",
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
    audience_overlap_pct: Decimal | None = None
    """Percent of the partner's audience that overlaps with our customers; 18.4 means 18.4 %."""


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
    without_overlap: int = 0
    """With sort 'overlap': partners in the list with no audience overlap recorded."""
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
            extra = _SORT_COLUMNS.get(self.sort)
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
                if self.sort == "newest":
                    row.append(r.joined_on)
                elif self.sort == "overlap":
                    pct = r.audience_overlap_pct
                    row.append(None if pct is None else Percent(value=pct))
                rows.append(row)
            table = Table(columns=columns + ([extra] if extra else []), rows=rows)
            sections.append(Section(table=table))
            if len(self.rows) < self.total:
                order = _SORT_ORDER[self.sort]
                notes.append(f"Showing the first {len(self.rows)} of {self.total}, {order}.")
            if self.sort == "overlap" and self.without_overlap:
                verb = "has" if self.without_overlap == 1 else "have"
                notes.append(
                    f"{self.without_overlap} of {self.total} {verb} no audience overlap "
                    "recorded; they are listed last, by name."
                )
        what = "partners" if self.description == "all partners" else self.description
        if self.total == 1:
            what = what.replace("partners", "partner", 1)
        if newest_only:
            title = f"Newest {what}"
        elif self.sort == "overlap" and self.rows:
            title = f"{_capital(what)} by audience overlap"
        else:
            title = f"{self.total} {what}"
        return Report(
            title=title,
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
        notes = list(self.notes)
        if self.group_by == "tag":
            notes.append("A partner with several tags counts under each, so shares add up "
                         "to more than 100%.")  # fmt: skip
        return Report(
            title=f"{_capital(what)} by {label}",
            scope=self.description,
            sections=[Section(facts=[Fact(label="Partners", value=self.total)]),
                      Section(table=table)],
            notes=notes,
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


def _capital(text: str) -> str:
    """The first letter upper-cased, the rest kept ('B2B brand', 'Gold' stay as they are)."""
    return text[:1].upper() + text[1:]


def describe(segment: Segment, joined: DateRange | None = None) -> str:
    """The list's filter in words: 'active Gold affiliate partners in US who joined in 2026'."""
    if segment.is_program:
        text = "all partners" if joined is None else "partners"
    else:
        text = segment.describe()
    if joined is not None:
        label = joined.label
        relative = label.startswith(("last", "since", "this", "between", "past"))
        text += f" who joined {label if relative else 'in ' + label}"
    return text


def _joined(joined: DateRange | None) -> list[Any]:
    return [] if joined is None else [queries.joined_between(joined.start, joined.end)]


def list_partners(
    session: Session,
    segment: Segment | None = None,
    *,
    joined: DateRange | None = None,
    count_only: bool = False,
    limit: int = 25,
    sort: ListSort = "name",
    group_by: ListGroup | None = None,
) -> PartnerList:
    """Partners in `segment` (and who joined in `joined`), counted by status and type, the
    first `limit` by name, or newest first (latest join date, partners without one last), or
    by audience overlap (highest first, partners without a value last; ties by name)."""
    segment = segment or Segment()
    extra = _joined(joined)
    by_status: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    for status, type_, n in queries.counts_by_status_and_type(session, segment, extra):
        by_status[status] += n
        by_type[type_] += n
    rows: list[PartnerRow] = []
    without_overlap = 0
    if not count_only and limit > 0:
        found = [
            PartnerRow(
                name=r[0], type=r[1], status=r[2], tier=r[3], country=r[4], owner=r[5],
                joined_on=r[6], audience_overlap_pct=r[9],
            )
            for r in queries.list_rows(session, segment, extra)
        ]  # fmt: skip
        found.sort(key=lambda r: (normalize_name(r.name), r.name))
        # Both sorts are stable: ties (and partners without a value) stay by name.
        if sort == "newest":
            found.sort(key=lambda r: -(r.joined_on or date.min).toordinal())
        elif sort == "overlap":
            found.sort(key=_by_overlap)
            without_overlap = sum(1 for r in found if r.audience_overlap_pct is None)
        rows = found[:limit]
    total = sum(by_status.values())
    notes = []
    if set(PIPELINE_STATUSES) <= set(segment.statuses):
        notes.append("The pipeline is prospects, applicants and approved partners not yet live.")
    return PartnerList(
        description=describe(segment, joined),
        total=total,
        notes=notes,
        relaxed=_relaxed(session, segment, joined) if total == 0 else [],
        sort=sort,
        without_overlap=without_overlap,
        description_has_joined=joined is not None,
        group_by=group_by,
        by_group=_grouped(session, segment, extra, group_by) if group_by else [],
        rows=rows,
        by_status=_ordered(by_status, [s.value for s in PartnerStatus]),
        by_type=_ordered(by_type, [t.value for t in PartnerType]),
        count_only=count_only,
    )


def _by_overlap(row: PartnerRow) -> tuple[bool, Decimal]:
    """Highest audience overlap first; partners without a value after everyone else."""
    pct = row.audience_overlap_pct
    return (pct is None, -(pct or Decimal(0)))


def _grouped(
    session: Session, segment: Segment, extra: list[Any], group_by: ListGroup
) -> list[tuple[str, int]]:
    """(group, partners) most first, then by name; partners without a value grouped last."""
    rows = (
        queries.count_by_tag(session, segment, extra)
        if group_by == "tag"
        else queries.count_grouped(session, segment, group_by, extra)
    )
    label = COMMISSION_LABELS if group_by == "commission_model" else {}
    counts = [
        (label.get(value, value) if value else _GROUP_MISSING[group_by], n) for value, n in rows
    ]
    return sorted(counts, key=lambda c: (c[0] == _GROUP_MISSING[group_by], -c[1], c[0]))


def _relaxed(session: Session, segment: Segment, joined: DateRange | None) -> list[tuple[str, int]]:
    """Which condition emptied the list: the count with each one dropped in turn.

    "No influencer partners in DE" then says there are 6 influencers elsewhere and 4
    partners of other types in DE, instead of leaving the user to guess.
    """
    used = [d for d in DIMENSIONS if getattr(segment, d)]
    if len(used) + (joined is not None) < 2:
        return []
    relaxed = []
    for name in used:
        looser = segment.without(name)
        count = queries.count_matching(session, looser, _joined(joined))
        relaxed.append((describe(looser, joined), count))
    if joined is not None:
        relaxed.append((describe(segment), queries.count_matching(session, segment)))
    return relaxed


def _ordered(counts: Counter[str], order: list[str]) -> dict[str, int]:
    """Counts in the enum's order (then any unknown values), zeros left out."""
    known = {k: counts[k] for k in order if counts[k]}
    return known | {k: v for k, v in sorted(counts.items()) if k not in known and v}


# --- registry -------------------------------------------------------------------------------


class ListPartnersArgs(SegmentArgs):
    joined: str | None = Field(
        None,
        description="Only partners who joined in this period, e.g. 'this year'. Not for "
        "performance periods: a list has no figures.",
    )
    sort: ListSort = Field(
        "name",
        description="'name'; 'newest' (latest joined first); or 'overlap': by audience "
        "overlap (the share of a partner's audience that overlaps with our customers), "
        "highest first, partners without a recorded overlap last; e.g. to rank prospects.",
    )
    by: ListGroup | None = Field(
        None,
        description="Count partners per owner (manager), tier, country, commission model or "
        "tag instead (a partner with several tags counts under each).",
    )
    count_only: bool = Field(False, description="Only count, without listing partners.")
    n: int = Field(25, ge=1, le=500, description="How many partners to list.")


@tool(
    "list_partners",
    "List or count partners of any segment (type, tier, status, country, owner, tag, "
    "commission model), who joined in a period, newest first, or counted per owner, tier "
    "or country.",
    ListPartnersArgs,
)
def run_list_partners(session: Session, ctx: ToolContext, args: ListPartnersArgs) -> PartnerList:
    resolved = resolve_segment(session, args)
    joined = resolve_period(args.joined, ctx.today) if args.joined else None
    # A join period lists newest first unless another order was asked for.
    sort: ListSort = "newest" if joined and args.sort == "name" else args.sort
    # A ranking ("newest partners", "best overlap") means a handful unless a number was asked.
    limit = args.n if "n" in args.model_fields_set or sort == "name" else NEWEST_LIMIT
    result = list_partners(
        session,
        resolved.segment,
        joined=joined,
        count_only=args.count_only or args.by is not None,
        limit=limit,
        sort=sort,
        group_by=args.by,
    )
    result.notes = [*resolved.notes, *result.notes]
    return result
