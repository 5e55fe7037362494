"""Aggregations over daily performance: the sums every metric, goal and insight is built on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    CompoundSelect,
    Date,
    Select,
    Subquery,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from storage.models import DailyPerformance, MonthlyPerformance, Partner, WeeklyPerformance
from storage.queries.segment import PartnerSegment, restrict, segment_conditions


@dataclass(slots=True)
class Totals:
    """The six additive sums; treat as a value (never mutated).

    Not frozen: a frozen dataclass's __init__ costs three times as much, and program-wide
    per-partner sums build tens of thousands of these.
    """

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


_P = DailyPerformance
_M = MonthlyPerformance
_W = WeeklyPerformance
_Table = type[DailyPerformance] | type[MonthlyPerformance] | type[WeeklyPerformance]


def _sums(model: _Table) -> tuple[Any, ...]:
    return tuple(
        func.coalesce(func.sum(column), 0)
        for column in (
            model.clicks,
            model.leads,
            model.conversions,
            model.reversals,
            model.revenue,
            model.payout,
        )
    )


_SUMS = _sums(_P)


def _totals(row: Sequence[Any]) -> Totals:
    return Totals(
        int(row[0]), int(row[1]), int(row[2]), int(row[3]),
        Decimal(row[4]).quantize(Decimal("0.01")), Decimal(row[5]).quantize(Decimal("0.01")),
    )  # fmt: skip


S = TypeVar("S", bound="Select[*tuple[Any, ...]]")


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def split_by_month(
    start: date, end: date
) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """Split [start, end] into partial-month day ranges and the span of whole months.

    Whole months are read from the monthly rollup; a quarter or a year then costs one row
    per partner per month instead of one per day.
    """
    first_whole = start if start.day == 1 else _month_after(start)
    end_is_month_end = _month_after(end) - timedelta(days=1) == end
    after_last_whole = _month_after(end) if end_is_month_end else end.replace(day=1)
    if first_whole >= after_last_whole:
        return [(start, end)], None
    edges = []
    if start < first_whole:
        edges.append((start, first_whole - timedelta(days=1)))
    if after_last_whole <= end:
        edges.append((after_last_whole, end))
    last_month = (after_last_whole - timedelta(days=1)).replace(day=1)
    return edges, (first_whole, last_month)


@dataclass(frozen=True)
class _Piece:
    """One part of a period read from one table: days, whole ISO weeks or whole months."""

    table: _Table
    first: date
    last: date
    """Bucket keys: days, or the Mondays of the weeks, or the first days of the months."""

    def where(self, stmt: S, who: PartnerSegment | None) -> S:
        bucket = {_P: _P.day, _W: _W.week, _M: _M.month}[self.table]
        if self.first == self.last:  # one key: rows come in the key's partner order
            stmt = stmt.where(bucket == self.first)
        else:
            stmt = stmt.where(bucket >= self.first, bucket <= self.last)
        return restrict(stmt, self.table.partner_id, who)


def _whole_weeks(start: date, end: date) -> list[_Piece]:
    """[start, end] as leading days, the whole ISO weeks inside it, and trailing days."""
    monday = start + timedelta(days=-start.weekday() % 7)
    sunday = end - timedelta(days=(end.weekday() + 1) % 7)
    if monday + timedelta(days=6) > sunday:
        return [_Piece(_P, start, end)]
    pieces = [_Piece(_W, monday, sunday - timedelta(days=6))]
    if start < monday:
        pieces.append(_Piece(_P, start, monday - timedelta(days=1)))
    if sunday < end:
        pieces.append(_Piece(_P, sunday + timedelta(days=1), end))
    return pieces


def split_range(start: date, end: date) -> list[_Piece]:
    """[start, end] as whole months, whole weeks inside the partial months, and edge days.

    "1–22 Nov" is three weekly rows and one daily row per partner instead of 22 daily rows;
    a year is twelve monthly rows. Each day of the range is in exactly one piece.
    """
    edges, months = split_by_month(start, end)
    pieces = [piece for first, last in edges for piece in _whole_weeks(first, last)]
    if months is not None:
        pieces.append(_Piece(_M, months[0], months[1]))
    return pieces


SumName = Literal["clicks", "leads", "conversions", "reversals", "revenue", "payout"]
SUM_NAMES: tuple[SumName, ...] = (
    "clicks", "leads", "conversions", "reversals", "revenue", "payout",
)  # fmt: skip
_CENT = Decimal("0.01")
_ZERO = Decimal(0)


def totals(session: Session, start: date, end: date, who: PartnerSegment | None = None) -> Totals:
    """Sums over [start, end] for the partners `who` selects (one aggregate per piece)."""
    result = Totals()
    for piece in split_range(start, end):
        stmt = piece.where(select(*_sums(piece.table)), who)
        result += _totals(session.connection().execute(stmt).one())
    return result


def totals_by_partner(
    session: Session, start: date, end: date, who: PartnerSegment | None = None
) -> dict[int, Totals]:
    """Sums per partner id over [start, end]; partners with no rows are absent."""
    return {pid: sums[0] for pid, sums in sums_by_partner(session, [(start, end)], who).items()}


def _pieces(
    ranges: Sequence[tuple[date, date]], who: PartnerSegment | None, names: Sequence[SumName]
) -> tuple[Subquery, list[tuple[int, SumName]]]:
    """One UNION ALL of per-partner sums over every piece of every range; column s{i} holds
    the sum of slot i = (range index, sum name), 0 in the pieces of other ranges."""
    slots = [(index, name) for index in range(len(ranges)) for name in names]
    parts = []
    for index, (start, end) in enumerate(ranges):
        for piece in split_range(start, end):
            table = piece.table
            columns = [
                func.sum(getattr(table, name)) if at == index else literal_column("0")
                for at, name in slots
            ]
            stmt = select(table.partner_id.label("partner_id"), *(
                column.label(f"s{i}") for i, column in enumerate(columns)
            ))  # fmt: skip
            parts.append(piece.where(stmt, who).group_by(table.partner_id))
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery(), slots


def _per_partner(
    ranges: Sequence[tuple[date, date]], who: PartnerSegment | None, names: Sequence[SumName]
) -> tuple[Any, list[tuple[int, SumName]]]:
    """Per-partner sums (partner_id, s{i} per slot as in `_pieces`) as a CTE: one GROUP BY
    when the ranges are one piece, the pieces' union summed per partner otherwise."""
    pieces, slots = _pieces(ranges, who, names)
    parts = pieces.element.selects if isinstance(pieces.element, CompoundSelect) else None
    if parts is None:
        return pieces.element.cte("per"), slots
    per = select(pieces.c.partner_id, *(
        func.sum(pieces.c[f"s{i}"]).label(f"s{i}") for i in range(len(slots))
    )).group_by(pieces.c.partner_id)  # fmt: skip
    return per.cte("per"), slots


def _per_range(
    values: Sequence[Any], slots: list[tuple[int, SumName]], ranges: int, names: Sequence[SumName]
) -> tuple[Totals, ...]:
    converted = [
        Decimal(value).quantize(_CENT) if name in ("revenue", "payout") else int(value)
        for value, (_, name) in zip(values, slots, strict=True)
    ]
    positions = [SUM_NAMES.index(name) for name in names]
    width = len(names)
    per_range = []
    for i in range(ranges):
        fields: list[Any] = [0, 0, 0, 0, _ZERO, _ZERO]
        for position, value in zip(positions, converted[i * width : (i + 1) * width], strict=True):
            fields[position] = value
        per_range.append(Totals(*fields))
    return tuple(per_range)


def sums_by_partner(
    session: Session,
    ranges: Sequence[tuple[date, date]],
    who: PartnerSegment | None = None,
    names: Sequence[SumName] = SUM_NAMES,
) -> dict[int, tuple[Totals, ...]]:
    """Per partner id, its Totals over each of `ranges`, from one statement.

    Comparing two periods across a whole program is then one round trip and one row per
    partner. Only the `names` sums are read (the others stay 0): fewer columns to fetch and
    convert when a tool needs just revenue or just conversions and reversals. Partners with
    no rows in any range are absent.
    """
    pieces, slots = _pieces(ranges, who, names)
    stmt = select(pieces.c.partner_id, *(
        func.coalesce(func.sum(pieces.c[f"s{i}"]), 0) for i in range(len(slots))
    )).group_by(pieces.c.partner_id)  # fmt: skip
    return {
        row[0]: _per_range(row[1:], slots, len(ranges), names)
        for row in session.connection().execute(stmt)
    }


GroupColumn = Literal["type", "tier", "country", "owner", "status", "commission_model"]


@dataclass(frozen=True)
class GroupSums:
    """One group of partners' sums over each range, and how many of them had activity."""

    group: str | None
    sums: tuple[Totals, ...]
    active: int
    """Partners in the group with a non-zero sum in the first range."""


def sums_by_group(
    session: Session,
    ranges: Sequence[tuple[date, date]],
    column: GroupColumn,
    who: PartnerSegment | None = None,
    names: Sequence[SumName] = SUM_NAMES,
) -> list[GroupSums]:
    """Sums per value of a partner column (type, tier, owner …), aggregated by the database.

    A breakdown of 5,000 partners into four tiers returns four rows, not 5,000.
    """
    pieces, slots = _pieces(ranges, who, names)
    per_partner = select(pieces.c.partner_id, *(
        func.sum(pieces.c[f"s{i}"]).label(f"t{i}") for i in range(len(slots))
    )).group_by(pieces.c.partner_id).subquery()  # fmt: skip
    first = [per_partner.c[f"t{i}"] for i, (at, _) in enumerate(slots) if at == 0]
    active = func.sum(case((or_(*(c != 0 for c in first)), 1), else_=0))
    group = getattr(Partner, column)
    stmt = (
        select(
            group,
            active,
            *(func.coalesce(func.sum(per_partner.c[f"t{i}"]), 0) for i in range(len(slots))),
        )
        .select_from(per_partner)
        .join(Partner, Partner.id == per_partner.c.partner_id)
        .group_by(group)
    )
    return [
        GroupSums(
            group=row[0],
            active=int(row[1] or 0),
            sums=_per_range(row[2:], slots, len(ranges), names),
        )
        for row in session.connection().execute(stmt)
    ]


def _partner_ids(start: date, end: date, who: PartnerSegment | None, converted: bool) -> Subquery:
    """partner_id of every row (or converting row) in [start, end], across the pieces."""
    parts = []
    for piece in split_range(start, end):
        table = piece.table
        stmt = piece.where(select(table.partner_id.label("partner_id")), who)
        if converted:
            stmt = stmt.where(table.conversions > 0)
        parts.append(stmt)
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def count_partners(
    session: Session,
    start: date,
    end: date,
    who: PartnerSegment | None = None,
    *,
    converted: bool = False,
) -> int:
    """How many partners have a row (or, if `converted`, a conversion) in [start, end].

    Counted by the database: a program-wide count never ships thousands of ids to Python.
    """
    ids = _partner_ids(start, end, who, converted)
    count = select(func.count(func.distinct(ids.c.partner_id)))
    return int(session.connection().execute(count).scalar_one())


def series(
    session: Session,
    start: date,
    end: date,
    grain: Literal["day", "week"] = "day",
    who: PartnerSegment | None = None,
    names: Sequence[SumName] = SUM_NAMES,
) -> list[tuple[date, Totals]]:
    """Daily sums, or weekly sums keyed by each ISO week's Monday; empty buckets included.

    One statement: weekly series read whole weeks from the weekly rollup, and each partial
    week at the ends is one aggregate of its daily rows keyed by its Monday. Only the `names`
    sums are read (the others stay 0).
    """
    if grain == "day":
        stmt = (
            _Piece(_P, start, end)
            .where(select(_P.day.label("bucket"), *_named_sums(_P, names)), who)
            .group_by(_P.day)
        )
    else:
        parts = [
            part
            for whole in _whole_weeks(start, end)
            for piece in _by_week(whole)
            for part in _bucket_sums(piece, names, who)
        ]
        stmt = union_all(*parts) if len(parts) > 1 else parts[0]  # type: ignore[assignment]
    sums: dict[date, Totals] = {}
    for row in session.connection().execute(stmt):
        key = row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0]))
        sums[key] = sums.get(key, Totals()) + _per_range(row[1:], _slots(names), 1, names)[0]
    buckets: dict[date, Totals] = {}
    day = start
    while day <= end:
        key = day if grain == "day" else day - timedelta(days=day.weekday())
        if key not in buckets:
            buckets[key] = sums.get(key, Totals())
        day += timedelta(days=1)
    return sorted(buckets.items())


def _by_week(piece: _Piece) -> list[_Piece]:
    """A piece of daily rows cut at Mondays, so each part lies in one ISO week."""
    if piece.table is not _P:
        return [piece]
    parts = []
    first = piece.first
    while first <= piece.last:
        last = min(piece.last, first + timedelta(days=6 - first.weekday()))
        parts.append(_Piece(_P, first, last))
        first = last + timedelta(days=1)
    return parts


def _bucket_sums(
    piece: _Piece, names: Sequence[SumName], who: PartnerSegment | None
) -> list[Select[Any]]:
    """Statements summing a piece per ISO week, each row keyed by the week's Monday.

    Whole weeks are one scalar aggregate per week of the weekly rollup (cheaper than one
    GROUP BY over them all). Days inside one week are one aggregate of their daily rows;
    when they are most of the week (5 or 6 days) they are read as the week's rollup row
    minus the days outside them, which is fewer rows. A key's rows add up to its sums.
    """

    def keyed(monday: date, table: _Table, sign: int = 1) -> Select[Any]:
        return select(literal(monday, Date).label("bucket"), *_named_sums(table, names, sign))

    if piece.table is _W and _reads_partners(who):
        # One IN (subquery) over the partners table, not one per week.
        week = select(_W.week.label("bucket"), *_named_sums(_W, names)).group_by(_W.week)
        return [piece.where(week, who)]
    if piece.table is _W:
        weeks = (piece.last - piece.first).days // 7 + 1
        mondays = [piece.first + timedelta(days=7 * i) for i in range(weeks)]
        return [_Piece(_W, m, m).where(keyed(m, _W), who) for m in mondays]
    monday = piece.first - timedelta(days=piece.first.weekday())
    sunday = monday + timedelta(days=6)
    if (piece.last - piece.first).days + 1 < 5:
        return [piece.where(keyed(monday, _P), who)]
    parts = [_Piece(_W, monday, monday).where(keyed(monday, _W), who)]
    before = _Piece(_P, monday, piece.first - timedelta(days=1))
    after = _Piece(_P, piece.last + timedelta(days=1), sunday)
    parts += [p.where(keyed(monday, _P, -1), who) for p in (before, after) if p.first <= p.last]
    return parts


def _reads_partners(who: PartnerSegment | None) -> bool:
    """Whether restricting to `who` reads the partners table (any dimension but ids)."""
    return who is not None and bool(segment_conditions(who)) and any(
        (who.types, who.tiers, who.statuses, who.countries, who.owners, who.tags,
         who.commission_models)
    )  # fmt: skip


def _named_sums(table: _Table, names: Sequence[SumName], sign: int = 1) -> list[Any]:
    sums = [func.coalesce(func.sum(getattr(table, name)), 0) for name in names]
    return sums if sign > 0 else [-column for column in sums]


def _slots(names: Sequence[SumName]) -> list[tuple[int, SumName]]:
    return [(0, name) for name in names]


def last_conversion_day(session: Session, who: PartnerSegment | None = None) -> dict[int, date]:
    """The most recent day each partner had at least one conversion."""
    stmt = select(_P.partner_id, func.max(_P.day)).where(_P.conversions > 0)
    stmt = restrict(stmt, _P.partner_id, who).group_by(_P.partner_id)
    return {row[0]: row[1] for row in session.execute(stmt)}


def active_partner_count(
    session: Session, start: date, end: date, who: PartnerSegment | None = None
) -> int:
    """Partners with at least one conversion in [start, end] (the `active_partners` metric)."""
    return count_partners(session, start, end, who, converted=True)


def converted_partners(
    session: Session, start: date, end: date, who: PartnerSegment | None = None
) -> set[int]:
    """Ids of the partners with at least one conversion in [start, end]."""
    ids = _partner_ids(start, end, who, converted=True)
    return set(session.connection().execute(select(ids.c.partner_id).distinct()).scalars())


def data_bounds(session: Session) -> tuple[date, date] | None:
    """First and last day with performance data, or None for an empty program.

    Two scalar subqueries, not min() and max() in one SELECT: SQLite answers a lone min or
    max from the primary key in microseconds but scans the whole table for the pair.
    """
    first = select(func.min(_P.day)).scalar_subquery()
    last = select(func.max(_P.day)).scalar_subquery()
    row = session.execute(select(first, last)).one()
    return None if row[0] is None else (row[0], row[1])
