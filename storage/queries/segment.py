"""The one translation of a partner segment into SQL conditions.

Every sum, count, list, series and breakdown restricts its partners through
`segment_conditions` / `restrict`, so "Silver content partners in FR owned by Maya" means
the same partners in a total, a leaderboard, a goal and a QBR.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from storage.models import Partner, PartnerTag


class PartnerSegment(Protocol):
    """What storage needs to know of a segment; `tools.segment.Segment` provides it.

    Within a dimension values are alternatives (OR); across dimensions they all apply (AND).
    An empty dimension does not restrict. Values are already validated by the caller.
    """

    @property
    def partner_ids(self) -> Sequence[int]: ...
    @property
    def types(self) -> Sequence[str]: ...
    @property
    def tiers(self) -> Sequence[str]: ...
    @property
    def statuses(self) -> Sequence[str]: ...
    @property
    def countries(self) -> Sequence[str]: ...
    @property
    def owners(self) -> Sequence[str]: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def commission_models(self) -> Sequence[str]: ...
    @property
    def excluding(self) -> PartnerSegment | None: ...


def segment_conditions(segment: PartnerSegment | None) -> list[ColumnElement[bool]]:
    """Conditions on the `partners` table selecting the segment's partners."""
    if segment is None:
        return []
    conditions: list[ColumnElement[bool]] = []
    if segment.partner_ids:
        conditions.append(Partner.id.in_(list(segment.partner_ids)))
    if segment.types:
        conditions.append(Partner.type.in_(list(segment.types)))
    if segment.tiers:
        conditions.append(func.lower(Partner.tier).in_([t.casefold() for t in segment.tiers]))
    if segment.statuses:
        conditions.append(Partner.status.in_(list(segment.statuses)))
    if segment.countries:
        conditions.append(func.upper(Partner.country).in_([c.upper() for c in segment.countries]))
    if segment.owners:
        conditions.append(func.lower(Partner.owner).in_([o.casefold() for o in segment.owners]))
    if segment.tags:
        tagged = select(PartnerTag.partner_id).where(
            func.lower(PartnerTag.tag).in_([t.casefold() for t in segment.tags])
        )
        conditions.append(Partner.id.in_(tagged))
    if segment.commission_models:
        conditions.append(Partner.commission_model.in_(list(segment.commission_models)))
    if segment.excluding is not None:
        # NOT IN a subquery, not NOT(...): a partner without a country is "outside the US".
        left_out = select(Partner.id).where(*segment_conditions(segment.excluding))
        conditions.append(Partner.id.not_in(left_out))
    return conditions


def is_everyone(segment: PartnerSegment | None) -> bool:
    return not segment_conditions(segment)


S = TypeVar("S", bound="Select[*tuple[Any, ...]]")


def restrict(stmt: S, partner_id: Any, segment: PartnerSegment | None) -> S:
    """`stmt` limited to rows whose `partner_id` column is in the segment.

    Explicit partners alone filter on the id column (no join); any other dimension reads
    the partners table through an IN subquery, which every piece of a UNION can share.
    """
    if segment is None:
        return stmt
    only_ids = segment.partner_ids and segment.excluding is None and not any(
        (segment.types, segment.tiers, segment.statuses, segment.countries, segment.owners,
         segment.tags, segment.commission_models)
    )  # fmt: skip
    if only_ids:
        return stmt.where(partner_id.in_(list(segment.partner_ids)))
    conditions = segment_conditions(segment)
    if not conditions:
        return stmt
    return stmt.where(partner_id.in_(select(Partner.id).where(*conditions)))


def count_in_segment(session: Session, segment: PartnerSegment | None) -> int:
    """How many partners the segment holds (with or without data)."""
    stmt = select(func.count()).select_from(Partner).where(*segment_conditions(segment))
    return int(session.execute(stmt).scalar_one())


def partner_ids_in(session: Session, segment: PartnerSegment | None) -> list[int]:
    stmt = select(Partner.id).where(*segment_conditions(segment)).order_by(Partner.id)
    return list(session.execute(stmt).scalars())


def known_values(session: Session, column: str) -> list[str]:
    """Distinct non-empty values of a partner column (owner, tier, country, commission model)."""
    col = getattr(Partner, column)
    rows = session.execute(select(col).where(col.is_not(None)).distinct()).scalars()
    return sorted({r for r in rows if r}, key=str.casefold)


def known_tags(session: Session) -> list[str]:
    rows = session.execute(select(PartnerTag.tag).distinct()).scalars()
    return sorted(set(rows), key=str.casefold)


def partner_refs(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """id -> (partner_key, name) for the given ids."""
    if not ids:
        return {}
    stmt = select(Partner.id, Partner.partner_key, Partner.name).where(Partner.id.in_(list(ids)))
    return {row[0]: (row[1], row[2]) for row in session.execute(stmt)}
