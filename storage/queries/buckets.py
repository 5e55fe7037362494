"""Sums per calendar bucket: the months a "best month" or "weakest month" question ranks.

Days and ISO weeks come from `storage.queries.sums.series`; whole calendar months are read
here from the monthly rollup, one row per month whatever the number of partners.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import MonthlyPerformance
from storage.queries.segment import PartnerSegment, restrict
from storage.queries.sums import Totals, _sums, _totals

_M = MonthlyPerformance


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_sums(
    session: Session, first: date, last: date, who: PartnerSegment | None = None
) -> list[tuple[date, Totals]]:
    """Sums per whole calendar month from the month of `first` to the month of `last`, keyed by
    each month's first day, for the partners `who` selects; months without rows are zeros.

    The rollup holds whole months only: a caller wanting part of a month sums those days
    with `sums.totals` instead.
    """
    start, end = first.replace(day=1), last.replace(day=1)
    stmt = select(_M.month, *_sums(_M)).where(_M.month >= start, _M.month <= end)
    stmt = restrict(stmt, _M.partner_id, who).group_by(_M.month)
    found = {row[0]: _totals(row[1:]) for row in session.execute(stmt)}
    months: list[tuple[date, Totals]] = []
    month = start
    while month <= end:
        months.append((month, found.get(month, Totals())))
        month = _next_month(month)
    return months
