"""Partners ranked by a metric, or by its change between two periods, in one statement.

A top 10 over 5,000 partners returns the ten (and anyone tied with the tenth), the count
ranked and the scope's total, instead of 5,000 rows for Python to sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    Float,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from storage.models import Partner
from storage.queries.segment import PartnerSegment
from storage.queries.sums import (
    SumName,
    Totals,
    _per_partner,
    _per_range,
)

_MONEY: frozenset[SumName] = frozenset(("revenue", "payout"))
_RATIO_SLACK = "0.000000001"
_HALF_CENT = "0.005"
"""Relative slack on a ratio cut-off: the database's float division may merge or split ratios
a hair apart, so a few more candidates are fetched and the caller ranks them exactly."""


@dataclass(frozen=True, slots=True)
class RankedPartner:
    """A candidate row: the partner and its sums over each range."""

    id: int
    key: str
    name: str
    owner: str | None
    sums: tuple[Totals, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    """Candidates for the first n of a ranking (the n best, anyone tied with the n-th, and
    possibly a few more), with counts and totals over every partner with data."""

    candidates: list[RankedPartner]
    with_data: int
    """Partners with a row in any range."""
    counts: tuple[int, ...]
    """Per ranking: how many partners it ranks (leaderboard: eligible; movers: rose, fell)."""
    totals: tuple[Totals, ...]
    """The sums over every partner with data, per range."""


def _slack(name: SumName) -> Any:
    """How far a sum read by the database may be from the exact one: SQLite sums money as
    floats, a hair off the cent, so comparisons allow half a cent (exact sums are whole
    cents apart). Counts are exact."""
    return literal_column(_HALF_CENT if name in _MONEY else "0")


def _ranked(
    session: Session,
    ranges: Sequence[tuple[date, date]],
    who: PartnerSegment | None,
    names: Sequence[SumName],
    build: Any,
) -> Ranking:
    """Run a ranking over per-partner sums `per` (a CTE): `build(exact)`, given the sums as
    ranked, returns (count aggregates, condition selecting candidate rows). One statement: a
    first row of counts and totals over every partner, then the candidates with their names.
    """
    per, slots = _per_partner(ranges, who, names)
    sums = [per.c[f"s{i}"] for i in range(len(slots))]
    counts, keep = build(per, sums, slots)
    nothing = [null()] * len(slots)
    summary = select(
        null(), null(), null(), null(),
        func.count(), *counts, *(func.sum(column) for column in sums), *nothing,
    ).select_from(per)  # fmt: skip
    candidates = (
        select(
            per.c.partner_id, Partner.partner_key, Partner.name, Partner.owner,
            null(), *([null()] * len(counts)), *nothing, *sums,
        )
        .join(Partner, Partner.id == per.c.partner_id)
        .where(keep)
    )  # fmt: skip
    rows = list(session.connection().execute(union_all(summary, candidates)))
    first = next(row for row in rows if row[0] is None)
    width, at = len(counts), 5 + len(counts)
    found = [
        RankedPartner(
            id=row[0],
            key=row[1],
            name=row[2],
            owner=row[3],
            sums=_per_range(row[at + len(slots) :], slots, len(ranges), names),
        )
        for row in rows
        if row[0] is not None
    ]
    return Ranking(
        candidates=found,
        with_data=int(first[4]),
        counts=tuple(int(v or 0) for v in first[5 : 5 + width]),
        totals=_per_range([v or 0 for v in first[at : at + len(slots)]], slots, len(ranges), names),
    )


def _cut(per: Any, value: Any, n: int, descending: bool, where: Any = None) -> Any:
    """The n-th value of `value` over the rows of `per` (NULL when there are fewer)."""
    stmt = select(value).select_from(per)
    if where is not None:
        stmt = stmt.where(where)
    order = value.desc() if descending else value.asc()
    return stmt.order_by(order).limit(1).offset(n - 1).scalar_subquery()


def rank_partners(
    session: Session,
    start: date,
    end: date,
    who: PartnerSegment | None,
    *,
    numerator: SumName,
    denominator: SumName | None = None,
    minimum: tuple[SumName, Decimal] | None = None,
    n: int,
    order: Literal["top", "bottom"] = "top",
) -> Ranking:
    """Candidates for the `n` partners with the highest (or lowest) sum, or ratio of two sums,
    over [start, end], from one statement: the n best and every partner tied with the n-th
    (ties are for the caller to break by name), and how many partners the rule ranks.

    Partners with data whose `minimum` sum is below its bound, or whose ratio has a zero
    denominator, are not ranked (`counts[0]` is the number ranked). Candidates may include a
    few partners past the n-th ratio, so the caller ranks them with exact arithmetic.
    """
    names = list(dict.fromkeys(
        [numerator, *([denominator] if denominator else []), *([minimum[0]] if minimum else [])]
    ))  # fmt: skip

    def build(per: Any, sums: list[Any], slots: list[tuple[int, SumName]]) -> Any:
        by_name = {name: column for column, (_, name) in zip(sums, slots, strict=True)}
        conditions = []
        if minimum is not None:
            bound = literal_column(str(minimum[1])) - _slack(minimum[0])
            conditions.append(by_name[minimum[0]] >= bound)
        top = order == "top"
        if denominator is None:
            value = by_name[numerator]
        else:
            conditions.append(by_name[denominator] > _slack(denominator))
            value = cast(by_name[numerator], Float) / func.nullif(
                cast(by_name[denominator], Float), 0
            )
        eligible = and_(*conditions) if conditions else None
        cut = func.coalesce(_cut(per, value, n, top, eligible), value)
        # With fewer than n ranked the cut is the row's own value: everyone ranked is kept.
        if denominator is None:
            slack = _slack(numerator)
        else:  # a ratio: let floats a hair apart through
            slack = func.abs(cut) * literal_column(_RATIO_SLACK)
        keep = value >= cut - slack if top else value <= cut + slack
        count = func.count() if eligible is None else func.sum(case((eligible, 1), else_=0))
        return [count], keep if eligible is None else and_(eligible, keep)

    return _ranked(session, [(start, end)], who, names, build)


def rank_changes(
    session: Session,
    period: tuple[date, date],
    compare: tuple[date, date],
    who: PartnerSegment | None,
    *,
    name: SumName,
    n: int,
) -> Ranking:
    """Candidates for the `n` biggest rises and the `n` biggest falls of one sum per partner
    between `period` and `compare` (sums[0] and sums[1]), and every partner tied with either
    n-th, from one statement. `counts` is (rose, fell); `totals` cover every partner."""

    def build(per: Any, sums: list[Any], slots: list[tuple[int, SumName]]) -> Any:
        delta = sums[0] - sums[1]
        slack = _slack(name)
        rises, falls = delta > slack, delta < -slack
        up = func.coalesce(_cut(per, delta, n, True, rises), delta)
        down = func.coalesce(_cut(per, delta, n, False, falls), delta)
        keep = or_(and_(rises, delta >= up - slack), and_(falls, delta <= down + slack))
        rose = func.sum(case((rises, 1), else_=0))
        fell = func.sum(case((falls, 1), else_=0))
        return [rose, fell], keep

    return _ranked(session, [period, compare], who, [name], build)
