"""The partners a person manages (`Partner.owner`), read for their Home tab."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from storage.models import Partner, PartnerStatus


class OwnedPartner(NamedTuple):
    partner_key: str
    name: str
    type: str
    status: str
    tier: str | None
    country: str | None


def count_owned_by(session: Session, owner: str) -> int:
    """How many partners have exactly `owner` as their owner."""
    stmt = select(func.count()).select_from(Partner).where(Partner.owner == owner)
    return int(session.scalar(stmt) or 0)


def partners_owned_by(session: Session, owner: str, *, limit: int = 10) -> list[OwnedPartner]:
    """Up to `limit` of `owner`'s partners: active ones first, then by name (Core rows,
    no ORM objects, so a big book costs one small statement)."""
    inactive = case((Partner.status == PartnerStatus.ACTIVE.value, 0), else_=1)
    stmt = (
        select(
            Partner.partner_key,
            Partner.name,
            Partner.type,
            Partner.status,
            Partner.tier,
            Partner.country,
        )
        .where(Partner.owner == owner)
        .order_by(inactive, Partner.name, Partner.partner_key)
        .limit(max(limit, 0))
    )
    return [OwnedPartner(*row) for row in session.execute(stmt)]
