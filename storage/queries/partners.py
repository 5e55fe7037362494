"""Partner rows for name resolution, profiles and lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import Partner, PartnerTag
from storage.queries.segment import PartnerSegment, known_values, segment_conditions

__all__ = ["known_values"]


def name_rows(session: Session) -> Sequence[Any]:
    """(id, name, partner_key) of every partner, as Core rows (no ORM objects for 5,000)."""
    stmt = select(Partner.id, Partner.name, Partner.partner_key).order_by(Partner.id)
    return session.connection().execute(stmt).all()


def ids_named_exactly(session: Session, typed: str) -> list[int]:
    """Partners whose name or key is exactly `typed` (the common, copied-name case)."""
    stmt = select(Partner.id).where(or_(Partner.name == typed, Partner.partner_key == typed))
    return list(session.scalars(stmt))


def all_names(session: Session) -> list[str]:
    return list(session.scalars(select(Partner.name)))


def counts_by_status_and_type(
    session: Session, segment: PartnerSegment | None, extra: Sequence[Any] = ()
) -> list[tuple[str, str, int]]:
    stmt = (
        select(Partner.status, Partner.type, func.count())
        .where(*segment_conditions(segment), *extra)
        .group_by(Partner.status, Partner.type)
    )
    return [(r[0], r[1], int(r[2])) for r in session.execute(stmt)]


def list_rows(
    session: Session, segment: PartnerSegment | None, extra: Sequence[Any] = ()
) -> list[Any]:
    """Name, type, status, tier, country, owner, joined_on, commission model and rate,
    audience overlap of every partner in the segment."""
    stmt = select(
        Partner.name,
        Partner.type,
        Partner.status,
        Partner.tier,
        Partner.country,
        Partner.owner,
        Partner.joined_on,
        Partner.commission_model,
        Partner.commission_rate,
        Partner.audience_overlap_pct,
        Partner.partner_key,
    ).where(*segment_conditions(segment), *extra)
    return list(session.execute(stmt))


def count_grouped(
    session: Session, segment: PartnerSegment | None, column: str, extra: Sequence[Any] = ()
) -> list[tuple[str | None, int]]:
    col = getattr(Partner, column)
    stmt = select(col, func.count()).where(*segment_conditions(segment), *extra).group_by(col)
    return [(r[0], int(r[1])) for r in session.execute(stmt)]


def count_by_tag(
    session: Session, segment: PartnerSegment | None, extra: Sequence[Any] = ()
) -> list[tuple[str | None, int]]:
    """Partners per tag; a partner counts under each of its tags, untagged ones under None."""
    in_segment = select(Partner.id).where(*segment_conditions(segment), *extra).subquery()
    tagged = (
        select(PartnerTag.tag, func.count())
        .where(PartnerTag.partner_id.in_(select(in_segment.c.id)))
        .group_by(PartnerTag.tag)
    )
    untagged = select(func.count()).where(
        Partner.id.in_(select(in_segment.c.id)),
        Partner.id.not_in(select(PartnerTag.partner_id)),
    )
    rows: list[tuple[str | None, int]] = [(r[0], int(r[1])) for r in session.execute(tagged)]
    none = int(session.execute(untagged).scalar_one())
    return [*rows, (None, none)] if none else rows


def count_matching(
    session: Session, segment: PartnerSegment | None, extra: Sequence[Any] = ()
) -> int:
    stmt = select(func.count()).select_from(Partner).where(*segment_conditions(segment), *extra)
    return int(session.scalar(stmt) or 0)


def joined_between(start: Any, end: Any) -> Any:
    """A condition for partners who joined in [start, end]."""
    return Partner.joined_on.between(start, end)
