"""Recruitment priorities: prospects to sign, ranked by a documented score.

Candidates are prospects, applicants, and approved partners with no conversion yet, within
the segment (its types, countries, owners, tags … filter the candidates; its statuses can
only narrow the three candidate statuses).
    score = 100 × (RECRUIT_WEIGHT_OVERLAP × overlap
                   + RECRUIT_WEIGHT_TYPE_FIT × type fit
                   + RECRUIT_WEIGHT_PEERS × peers), each component in 0–1:
      overlap  = the candidate's audience_overlap_pct ÷ the highest among the candidates
                 scored (missing overlap counts as 0);
      type fit = the candidate type's share of program revenue over the RECRUIT_LOOKBACK_DAYS
                 days through yesterday (all partners of that type ÷ all partners);
      peers    = median revenue per active partner of the same type over that window
                 (same type and country when at least RECRUIT_MIN_COUNTRY_PEERS such partners
                 exist; partners with no rows count as 0), ÷ the highest such median among
                 the candidates scored.
Type fit and peers always look at the whole program: a segment picks who is scored, not
whom they are compared with.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.models import PartnerStatus
from storage.queries import activity
from storage.queries.activity import CandidateRow
from tools.context import ToolContext
from tools.errors import ToolError
from tools.insights.common import HUNDRED, through_yesterday
from tools.partners import PIPELINE_STATUSES
from tools.periods import DateRange
from tools.registry import tool
from tools.report import Cell, Line, Money, Percent, Report, Section, Table
from tools.segment import Segment, SegmentArgs, resolve_segment

RECRUIT_WEIGHT_OVERLAP = Decimal("0.50")
"""Weight of audience overlap (overlap ÷ highest overlap among candidates)."""
RECRUIT_WEIGHT_TYPE_FIT = Decimal("0.25")
"""Weight of type fit (the type's share of program revenue over the lookback window)."""
RECRUIT_WEIGHT_PEERS = Decimal("0.25")
"""Weight of similar partners' performance (peer median revenue ÷ highest peer median)."""
RECRUIT_LOOKBACK_DAYS = 180
"""Window (through yesterday) for type fit and peer performance."""
RECRUIT_MIN_COUNTRY_PEERS = 3
"""Peers are narrowed to the candidate's country only when at least this many exist there."""
MAX_CANDIDATES = 50

RECRUIT_STATUSES: tuple[str, ...] = PIPELINE_STATUSES
"""Statuses considered; approved partners only while they have no conversion yet."""

_CANDIDATE_WORDS = {
    PartnerStatus.PROSPECT.value: "prospects",
    PartnerStatus.APPLIED.value: "applicants",
    PartnerStatus.APPROVED.value: "approved partners without conversions",
}


class RecruitCandidate(BaseModel):
    rank: int
    partner_key: str
    name: str
    type: str
    status: str
    country: str | None
    owner: str | None
    audience_overlap_pct: Decimal | None
    overlap_component: Decimal
    type_revenue_share: Decimal
    """The type-fit component: the type's share of program revenue (0–1)."""
    peer_scope: str
    peer_count: int
    peer_median_revenue: Decimal | None
    peer_component: Decimal
    score: Decimal
    """0–100, see the module docstring for the formula."""
    why: Line
    """The score's components in words, figures typed."""


class RecruitmentPriorities(BaseModel):
    """Candidates ranked by the documented recruitment score."""

    window: DateRange
    segment: Segment = Field(default_factory=Segment)
    """The segment the candidates were drawn from (statuses aside)."""
    statuses: list[str] = Field(default_factory=lambda: list(RECRUIT_STATUSES))
    """The candidate statuses looked at."""
    candidates_scored: int
    currency: str = "USD"
    candidates: list[RecruitCandidate]
    notes: list[str] = Field(default_factory=list)

    def scope(self) -> str:
        """'prospects, applicants and approved partners without conversions among affiliate
        partners in FR'."""
        words = _join([_CANDIDATE_WORDS[s] for s in self.statuses]) or "no candidate statuses"
        rest = self.segment.without("statuses")
        return words if rest.is_program else f"{words} among {rest.describe()}"

    def report(self) -> Report:
        if not self.candidates:
            return Report(
                title="No recruitment candidates",
                period=self.window.describe(),
                scope=self.scope(),
                sections=[Section(text="There are no prospects or applicants to score here.")],
                notes=list(self.notes),
            )
        rows: list[list[Cell]] = [
            [
                c.rank,
                c.name,
                c.type,
                c.status,
                c.country,
                None if c.audience_overlap_pct is None else Percent(value=c.audience_overlap_pct),
                Percent(value=c.type_revenue_share * HUNDRED),
                None
                if c.peer_median_revenue is None
                else Money(amount=c.peer_median_revenue, currency=self.currency),
                c.score,
            ]
            for c in self.candidates
        ]
        table = Table(
            columns=[
                "#",
                "Candidate",
                "Type",
                "Status",
                "Country",
                "Overlap",
                "Type revenue share",
                "Peer median revenue",
                "Score",
            ],
            rows=rows,
        )
        return Report(
            title=f"Top {len(self.candidates)} recruitment priorities",
            period=self.window.describe(),
            scope=self.scope(),
            sections=[
                Section(table=table),
                Section(
                    title="Why",
                    bullets=[Line.join([f"{c.name}: ", c.why]) for c in self.candidates],
                ),
            ],
            notes=[
                *self.notes,
                f"Score 0–100 = {_w(RECRUIT_WEIGHT_OVERLAP)}% audience overlap (vs the highest "
                f"candidate) + {_w(RECRUIT_WEIGHT_TYPE_FIT)}% the type's share of program "
                f"revenue + {_w(RECRUIT_WEIGHT_PEERS)}% median revenue of similar active "
                "partners (vs the best peer group).",
                f"{self.candidates_scored} candidates scored.",
            ],
        )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def _w(weight: Decimal) -> str:
    return str(int(weight * HUNDRED))


def recruitment_priorities(
    session: Session,
    *,
    today: date,
    n: int = 10,
    segment: Segment | None = None,
    currency: str = "USD",
) -> RecruitmentPriorities:
    """Rank prospects and applicants by overlap, type fit and peers, to focus outreach.

    `segment` picks the candidates; statuses in it other than the candidate statuses are not
    applied, and the result says so."""
    if n < 1:
        raise ToolError("How many candidates? Give a number of at least 1, e.g. 10.")
    segment = segment or Segment()
    window = through_yesterday(today, RECRUIT_LOOKBACK_DAYS, f"last {RECRUIT_LOOKBACK_DAYS} days")
    notes: list[str] = []
    statuses = [s for s in RECRUIT_STATUSES if not segment.statuses or s in segment.statuses]
    others = [s for s in segment.statuses if s not in RECRUIT_STATUSES]
    if others:
        notes.append(
            f"I didn't apply “{_join(others)}”: recruitment ranks only prospects, applicants "
            "and approved partners without conversions."
        )
    pool = activity.recruitment_pool(session, statuses, segment.without("statuses"))
    converted = activity.ever_converted(
        session, [p.id for p in pool if p.status == PartnerStatus.APPROVED.value]
    )
    pool = [p for p in pool if p.id not in converted]
    named_out = [p.name for p in segment.partners if p.id not in {c.id for c in pool}]
    if named_out:
        verb = "is" if len(named_out) == 1 else "are"
        notes.append(
            f"{_join(named_out)} {verb} not a recruitment candidate (only prospects, "
            "applicants and approved partners without conversions are)."
        )

    revenue = {
        pid: sums[0].revenue
        for pid, sums in queries.sums_by_partner(
            session, [(window.start, window.end)], names=("revenue",)
        ).items()
    }
    all_partners = activity.partner_profiles(session)
    program_revenue = sum(revenue.values(), Decimal(0))
    type_share = _type_shares(all_partners, revenue, program_revenue)
    peer_groups = _PeerGroups(
        [row for row in all_partners if row[2] == PartnerStatus.ACTIVE.value], revenue
    )
    peers = {p.id: peer_groups.like(p.type, p.country) for p in pool}
    max_overlap = max((p.audience_overlap_pct or Decimal(0) for p in pool), default=Decimal(0))
    max_median = max(
        (median for _, _, median in peers.values() if median is not None), default=Decimal(0)
    )
    scored: list[tuple[Decimal, Decimal, str, str, CandidateRow, Decimal, Decimal]] = []
    for partner in pool:
        overlap = partner.audience_overlap_pct or Decimal(0)
        overlap_c = overlap / max_overlap if max_overlap > 0 else Decimal(0)
        median = peers[partner.id][2]
        peer_c = median / max_median if median is not None and max_median > 0 else Decimal(0)
        score = HUNDRED * (
            RECRUIT_WEIGHT_OVERLAP * overlap_c
            + RECRUIT_WEIGHT_TYPE_FIT * type_share.get(partner.type, Decimal(0))
            + RECRUIT_WEIGHT_PEERS * peer_c
        )
        key = (-score.quantize(Decimal("0.01")), -overlap, partner.name, partner.key)
        scored.append((*key, partner, overlap_c, peer_c))
    # Models only for the n shown; the pool can be thousands of prospects.
    scored.sort(key=lambda c: c[:4])
    ranked = []
    for rank, (neg_score, _, _, _, partner, overlap_c, peer_c) in enumerate(scored[:n], start=1):
        share = type_share.get(partner.type, Decimal(0))
        peer_scope, peer_count, median = peers[partner.id]
        overlap_pct = partner.audience_overlap_pct
        ranked.append(
            RecruitCandidate(
                rank=rank,
                partner_key=partner.key,
                name=partner.name,
                type=partner.type,
                status=partner.status,
                country=partner.country,
                owner=partner.owner,
                audience_overlap_pct=overlap_pct,
                overlap_component=overlap_c,
                type_revenue_share=share,
                peer_scope=peer_scope,
                peer_count=peer_count,
                peer_median_revenue=median,
                peer_component=peer_c,
                score=-neg_score,
                why=_why(
                    partner.type, overlap_pct, max_overlap, share, peer_scope, peer_count, peer_c
                ),
            )
        )
    return RecruitmentPriorities(
        window=window,
        segment=segment,
        statuses=statuses,
        candidates_scored=len(scored),
        currency=currency,
        candidates=ranked,
        notes=notes,
    )


def _type_shares(
    partners: Iterable[tuple[int, str, str, str | None]],
    revenue: dict[int, Decimal],
    program_revenue: Decimal,
) -> dict[str, Decimal]:
    by_type: dict[str, Decimal] = {}
    for partner_id, partner_type, _status, _country in partners:
        by_type[partner_type] = by_type.get(partner_type, Decimal(0)) + revenue.get(
            partner_id, Decimal(0)
        )
    if program_revenue == 0:
        return {t: Decimal(0) for t in by_type}
    return {t: value / program_revenue for t, value in by_type.items()}


class _PeerGroups:
    """Active partners grouped by type and by (type, country), each group's median kept."""

    def __init__(
        self, active: list[tuple[int, str, str, str | None]], revenue: dict[int, Decimal]
    ) -> None:
        self._revenue = revenue
        self._by_type: dict[str, list[int]] = {}
        self._by_country: dict[tuple[str, str | None], list[int]] = {}
        for partner_id, kind, _status, country in active:
            self._by_type.setdefault(kind, []).append(partner_id)
            self._by_country.setdefault((kind, country), []).append(partner_id)
        self._seen: dict[tuple[str, str | None], tuple[str, int, Decimal | None]] = {}

    def like(self, kind: str, country: str | None) -> tuple[str, int, Decimal | None]:
        """(description, size, median revenue) of the active partners most like a candidate."""
        if (kind, country) not in self._seen:
            self._seen[(kind, country)] = self._group(kind, country)
        return self._seen[(kind, country)]

    def _group(self, kind: str, country: str | None) -> tuple[str, int, Decimal | None]:
        same_country = self._by_country.get((kind, country), []) if country else []
        if len(same_country) >= RECRUIT_MIN_COUNTRY_PEERS:
            group, scope = same_country, f"active {kind} partners in {country}"
        else:
            group, scope = self._by_type.get(kind, []), f"active {kind} partners"
        if not group:
            return (f"no active {kind} partners", 0, None)
        median = statistics.median(self._revenue.get(pid, Decimal(0)) for pid in group)
        return (scope, len(group), Decimal(median))


def _why(
    partner_type: str,
    overlap: Decimal | None,
    max_overlap: Decimal,
    share: Decimal,
    peer_scope: str,
    peer_count: int,
    peer_c: Decimal,
) -> Line:
    overlap_part: list[str | Cell] = (
        ["no audience overlap on record"]
        if overlap is None
        else [
            Percent(value=overlap),
            " audience overlap (highest candidate ",
            Percent(value=max_overlap),
            ")",
        ]
    )
    share_part: list[str | Cell] = [
        f"; {partner_type} partners brought ",
        Percent(value=share * HUNDRED),
        " of program revenue; ",
    ]
    peer_part: list[str | Cell] = (
        [f"{peer_scope} to compare with"]
        if peer_count == 0
        else [
            f"{peer_scope} (",
            peer_count,
            ") earn ",
            Percent(value=peer_c * HUNDRED),
            " of the best peer group's median",
        ]
    )
    return Line.join([*overlap_part, *share_part, *peer_part])


class RecruitmentPrioritiesArgs(SegmentArgs):
    n: int = Field(10, ge=1, le=MAX_CANDIDATES, description="How many candidates to rank.")


@tool(
    "recruitment_priorities",
    "Prospects and applicants to sign next, ranked by audience overlap, partner-type fit and "
    "how similar active partners perform; types, countries, owners and tags pick the "
    "candidates.",
    RecruitmentPrioritiesArgs,
)
def run_recruitment(
    session: Session, ctx: ToolContext, args: RecruitmentPrioritiesArgs
) -> RecruitmentPriorities:
    resolved = resolve_segment(session, args)
    result = recruitment_priorities(
        session, today=ctx.today, n=args.n, segment=resolved.segment, currency=ctx.currency
    )
    result.notes = [*resolved.notes, *result.notes]
    return result
