"""Aggregations over daily performance: the sums every metric, goal and insight is built on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from storage.models import DailyPerformance, Partner


@dataclass(frozen=True)
class Totals:
    clicks: int = 0
    leads: int = 0
    conversions: int = 0
    reversals: int = 0
    revenue: Decimal = Decimal(0)
    payout: Decimal = Decimal(0)

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.clicks + other.clicks,
            self.leads + other.leads,
            self.conversions + other.conversions,
            self.reversals + other.reversals,
            self.revenue + other.revenue,
            self.payout + other.payout,
        )


@dataclass(frozen=True)
class PartnerFilter:
    """Which partners a sum covers; all None means the whole program."""

    partner_ids: Sequence[int] | None = None
    tier: str | None = None
    partner_type: str | None = None


_P = DailyPerformance
_SUMS = (
    func.coalesce(func.sum(_P.clicks), 0),
    func.coalesce(func.sum(_P.leads), 0),
    func.coalesce(func.sum(_P.conversions), 0),
    func.coalesce(func.sum(_P.reversals), 0),
    func.coalesce(func.sum(_P.revenue), 0),
    func.coalesce(func.sum(_P.payout), 0),
)


def _totals(row: Sequence[Any]) -> Totals:
    return Totals(
        int(row[0]), int(row[1]), int(row[2]), int(row[3]),
        Decimal(row[4]).quantize(Decimal("0.01")), Decimal(row[5]).quantize(Decimal("0.01")),
    )  # fmt: skip


S = TypeVar("S", bound="Select[*tuple[Any, ...]]")


def _filtered(stmt: S, start: date, end: date, who: PartnerFilter) -> S:
    stmt = stmt.where(_P.day >= start, _P.day <= end)
    if who.partner_ids is not None:
        stmt = stmt.where(_P.partner_id.in_(list(who.partner_ids)))
    if who.tier is not None or who.partner_type is not None:
        stmt = stmt.join(Partner, Partner.id == _P.partner_id)
        if who.tier is not None:
            stmt = stmt.where(func.lower(Partner.tier) == who.tier.lower())
        if who.partner_type is not None:
            stmt = stmt.where(Partner.type == who.partner_type)
    return stmt


def totals(
    session: Session, start: date, end: date, who: PartnerFilter = PartnerFilter()
) -> Totals:
    """Sums over [start, end] for the partners `who` selects."""
    row = session.execute(_filtered(select(*_SUMS), start, end, who)).one()
    return _totals(row)


def totals_by_partner(
    session: Session, start: date, end: date, who: PartnerFilter = PartnerFilter()
) -> dict[int, Totals]:
    """Sums per partner id over [start, end]; partners with no rows are absent."""
    stmt = _filtered(select(_P.partner_id, *_SUMS), start, end, who).group_by(_P.partner_id)
    return {row[0]: _totals(row[1:]) for row in session.execute(stmt)}


def series(
    session: Session,
    start: date,
    end: date,
    grain: Literal["day", "week"] = "day",
    who: PartnerFilter = PartnerFilter(),
) -> list[tuple[date, Totals]]:
    """Daily sums, or weekly sums keyed by each ISO week's Monday; empty buckets included."""
    stmt = _filtered(select(_P.day, *_SUMS), start, end, who).group_by(_P.day).order_by(_P.day)
    daily = {row[0]: _totals(row[1:]) for row in session.execute(stmt)}
    buckets: dict[date, Totals] = {}
    day = start
    while day <= end:
        key = day if grain == "day" else day - timedelta(days=day.weekday())
        buckets[key] = buckets.get(key, Totals()) + daily.get(day, Totals())
        day += timedelta(days=1)
    return sorted(buckets.items())


def last_conversion_day(session: Session, who: PartnerFilter = PartnerFilter()) -> dict[int, date]:
    """The most recent day each partner had at least one conversion."""
    stmt = select(_P.partner_id, func.max(_P.day)).where(_P.conversions > 0)
    if who.partner_ids is not None:
        stmt = stmt.where(_P.partner_id.in_(list(who.partner_ids)))
    stmt = stmt.group_by(_P.partner_id)
    return {row[0]: row[1] for row in session.execute(stmt)}


def active_partner_count(
    session: Session, start: date, end: date, who: PartnerFilter = PartnerFilter()
) -> int:
    """Partners with at least one conversion in [start, end] (the `active_partners` metric)."""
    stmt = _filtered(select(func.count(func.distinct(_P.partner_id))), start, end, who).where(
        _P.conversions > 0
    )
    return int(session.execute(stmt).scalar_one())


def data_bounds(session: Session) -> tuple[date, date] | None:
    """First and last day with performance data, or None for an empty program."""
    row = session.execute(select(func.min(_P.day), func.max(_P.day))).one()
    return None if row[0] is None else (row[0], row[1])


@dataclass(frozen=True)
class KnownNames:
    """Names a planner can recognise in text: partners, tiers, goals, applicants."""

    partners: tuple[str, ...]
    tiers: tuple[str, ...]
    goals: tuple[str, ...]
    applicants: tuple[str, ...]


def known_names(session: Session) -> KnownNames:
    from storage.models import Application, Goal

    partners = tuple(session.scalars(select(Partner.name).order_by(Partner.name)))
    tiers = tuple(
        t for t in session.scalars(select(Partner.tier).distinct().order_by(Partner.tier)) if t
    )
    goals = tuple(session.scalars(select(Goal.name).order_by(Goal.name)))
    applicants = tuple(session.scalars(select(Application.name).order_by(Application.name)))
    return KnownNames(partners, tiers, goals, applicants)
