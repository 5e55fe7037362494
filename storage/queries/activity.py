"""Partner activity for the insight tools: last conversions, who ever converted, partner rows
for the lists they show and the recruitment candidate pool."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import DailyPerformance, MonthlyPerformance, Partner
from storage.queries.segment import PartnerSegment, segment_conditions

_P = DailyPerformance
_M = MonthlyPerformance


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """The columns an insight list shows about a partner."""

    id: int
    key: str
    name: str
    type: str
    status: str
    tier: str | None
    country: str | None
    owner: str | None


def partner_rows(session: Session, ids: Collection[int]) -> dict[int, PartnerRow]:
    """id -> PartnerRow for the given ids (Core rows: no ORM objects, no tags loaded)."""
    if not ids:
        return {}
    stmt = select(
        Partner.id,
        Partner.partner_key,
        Partner.name,
        Partner.type,
        Partner.status,
        Partner.tier,
        Partner.country,
        Partner.owner,
    ).where(Partner.id.in_(sorted(set(ids))))
    return {row[0]: PartnerRow(*row) for row in session.connection().execute(stmt)}


def _month_end(month: date) -> date:
    after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return after - timedelta(days=1)


def _last_conversion(
    session: Session, ids: Sequence[int], start: date | None, end: date
) -> dict[int, date]:
    stmt = select(_P.partner_id, func.max(_P.day)).where(
        _P.conversions > 0, _P.day <= end, _P.partner_id.in_(list(ids))
    )
    if start is not None:
        stmt = stmt.where(_P.day >= start)
    return {row[0]: row[1] for row in session.execute(stmt.group_by(_P.partner_id))}


def last_conversion_through(session: Session, ids: Sequence[int], today: date) -> dict[int, date]:
    """Each partner's last day with a conversion up to `today`; partners that never converted
    are absent.

    The monthly rollup finds each partner's last month with conversions; only that month's
    daily rows are read. A partner whose conversions in that month all fall after `today`
    is looked up in its whole daily history.
    """
    if not ids:
        return {}
    months = (
        select(_M.partner_id, func.max(_M.month))
        .where(_M.conversions > 0, _M.month <= today, _M.partner_id.in_(list(ids)))
        .group_by(_M.partner_id)
    )
    by_month: dict[date, list[int]] = {}
    for partner_id, month in session.execute(months):
        by_month.setdefault(month, []).append(partner_id)
    last: dict[int, date] = {}
    for month, group in by_month.items():
        last.update(_last_conversion(session, group, month, min(today, _month_end(month))))
    missing = [i for group in by_month.values() for i in group if i not in last]
    if missing:
        last.update(_last_conversion(session, missing, None, today))
    return last


def ever_converted(session: Session, ids: Sequence[int]) -> set[int]:
    """Which of `ids` ever had a conversion, from the monthly rollup (a month sums its days,
    so it converted iff some day did)."""
    if not ids:
        return set()
    stmt = select(_M.partner_id).where(_M.partner_id.in_(list(ids)), _M.conversions > 0).distinct()
    return set(session.scalars(stmt))


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A recruitment candidate's columns."""

    id: int
    key: str
    name: str
    type: str
    status: str
    country: str | None
    owner: str | None
    audience_overlap_pct: Decimal | None


def recruitment_pool(
    session: Session, statuses: Collection[str], segment: PartnerSegment | None = None
) -> list[CandidateRow]:
    """Partners of the segment whose status is one of `statuses` (columns only: the pool can
    be thousands of prospects, and loading them with their tags costs more than every sum)."""
    if not statuses:
        return []
    stmt = select(
        Partner.id,
        Partner.partner_key,
        Partner.name,
        Partner.type,
        Partner.status,
        Partner.country,
        Partner.owner,
        Partner.audience_overlap_pct,
    ).where(Partner.status.in_(sorted(set(statuses))), *segment_conditions(segment))
    return [CandidateRow(*row) for row in session.connection().execute(stmt)]


def partner_profiles(session: Session) -> list[tuple[int, str, str, str | None]]:
    """(id, type, status, country) of every partner in the program."""
    stmt = select(Partner.id, Partner.type, Partner.status, Partner.country)
    return [(r[0], r[1], r[2], r[3]) for r in session.connection().execute(stmt)]
